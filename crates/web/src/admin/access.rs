//! Who may use the console and what its handlers fail with: admins only; anonymous visitors
//! are sent to sign in and come back; every action is written to the audit log.

use axum::response::{IntoResponse, Redirect, Response};
use tidings_core::{ModerationAction, ModerationEntry, Role, StorageError, User, UserId};

use crate::AppState;
use crate::error::WebError;
use crate::readers::Viewer;

/// Why a console request was not served.
#[derive(Debug)]
pub enum AdminRejection {
    /// Nobody is signed in: sign in, then come back to this path.
    SignIn(String),
    Refused(WebError),
}

pub type AdminResult<T> = Result<T, AdminRejection>;

impl<E: Into<WebError>> From<E> for AdminRejection {
    fn from(error: E) -> Self {
        AdminRejection::Refused(error.into())
    }
}

impl IntoResponse for AdminRejection {
    fn into_response(self) -> Response {
        match self {
            AdminRejection::SignIn(back) => {
                let query = url::form_urlencoded::Serializer::new(String::new())
                    .append_pair("next", &back)
                    .finish();
                Redirect::to(&format!("/account/signin?{query}")).into_response()
            }
            AdminRejection::Refused(error) => error.into_response(),
        }
    }
}

/// The signed-in admin, for a page at `path`.
pub fn require_admin<'v>(viewer: &'v Viewer, path: &str) -> AdminResult<&'v User> {
    let Some(user) = viewer.user.as_ref() else {
        return Err(AdminRejection::SignIn(path.to_owned()));
    };
    if user.role == Role::Admin {
        Ok(user)
    } else {
        Err(WebError::Forbidden("only admins may use the console".into()).into())
    }
}

/// The admin behind a form: the CSRF token is checked first, then the role.
pub fn admin_action<'v>(viewer: &'v Viewer, csrf_token: Option<&str>) -> AdminResult<&'v User> {
    viewer.check_csrf(csrf_token)?;
    match viewer.user.as_ref() {
        None => Err(WebError::Unauthorized("please sign in first".into()).into()),
        Some(user) if user.role == Role::Admin => Ok(user),
        Some(_) => Err(WebError::Forbidden("only admins may use the console".into()).into()),
    }
}

/// Writes one admin action to the audit log.
pub async fn audit(
    state: &AppState,
    admin: &User,
    action: ModerationAction,
    target_user_id: Option<UserId>,
    note: String,
) -> Result<(), StorageError> {
    state
        .storage
        .record_moderation(ModerationEntry {
            moderator_id: Some(admin.id),
            action,
            comment_id: None,
            target_user_id,
            note,
        })
        .await
}

/// A positive id from the path, or `NotFound` naming `what`.
pub fn path_id(raw: &str, what: &str) -> AdminResult<i64> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| WebError::NotFound(format!("{what} {raw:?}")).into())
}

/// A bad form value, naming the field and why.
pub fn bad_form(why: impl Into<String>) -> AdminRejection {
    WebError::Unprocessable(why.into()).into()
}
