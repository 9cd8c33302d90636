//! The console's users: roles, ban and unban, a one-time password-reset link, and each
//! user's open sessions and API tokens (revoked one by one), and deleting an account. An
//! admin cannot demote, ban or delete their own account, so the site always keeps one.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{Duration, Utc};
use serde::Deserialize;
use tidings_core::{ModerationAction, PageRequest, Role, User};

use super::access::{AdminResult, admin_action, audit, bad_form, path_id, require_admin};
use crate::AppState;
use crate::error::WebError;
use crate::readers::{Viewer, hash_token, new_token};
use crate::views::{Chrome, Pager, TimeView};

const USERS_PER_PAGE: u32 = 50;
/// How long a reset link made here works.
const RESET_LINK_HOURS: i64 = 24;

pub struct UserView {
    pub id: i64,
    pub name: String,
    pub role: &'static str,
    pub banned: bool,
    pub joined: TimeView,
    pub approved_comments: i64,
}

impl UserView {
    fn new(user: User, now: chrono::DateTime<Utc>) -> Self {
        UserView {
            id: user.id,
            name: user.name,
            role: user.role.as_str(),
            banned: user.banned,
            joined: TimeView::new(user.created_at, now),
            approved_comments: user.approved_comments,
        }
    }
}

#[derive(Template)]
#[template(path = "admin/users.html")]
pub struct UsersPage {
    pub chrome: Chrome,
    pub users: Vec<UserView>,
    pub pager: Pager,
}

#[derive(Debug, Deserialize)]
pub struct UsersQuery {
    pub page: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<UsersQuery>,
) -> AdminResult<Html<String>> {
    require_admin(&viewer, "/admin/users")?;
    let page = crate::pages::parse_page(query.page.as_deref())?;
    let now = Utc::now();
    let listed = state
        .storage
        .list_users(PageRequest::new(page, USERS_PER_PAGE))
        .await?;
    let view = UsersPage {
        chrome: Chrome::new(&state.site, "Users", None),
        users: listed
            .items
            .into_iter()
            .map(|u| UserView::new(u, now))
            .collect(),
        pager: Pager::new("/admin/users", &[], page, listed.has_more),
    };
    Ok(Html(view.render()?))
}

pub struct SessionView {
    pub id: i64,
    pub created: TimeView,
    pub last_seen: TimeView,
    pub expires: TimeView,
}

pub struct TokenView {
    pub id: i64,
    pub label: String,
    pub created: TimeView,
    pub last_used: Option<TimeView>,
}

#[derive(Template)]
#[template(path = "admin/user.html")]
pub struct UserPage {
    pub chrome: Chrome,
    pub csrf_token: String,
    pub user: UserView,
    pub is_self: bool,
    pub roles: [&'static str; 3],
    pub sessions: Vec<SessionView>,
    pub tokens: Vec<TokenView>,
    /// A reset link made just now, shown once.
    pub reset_link: Option<String>,
}

async fn user_page(
    state: &AppState,
    viewer: &Viewer,
    admin: &User,
    id: i64,
    reset_link: Option<String>,
) -> AdminResult<UserPage> {
    let storage = &state.storage;
    let user = storage
        .user(id)
        .await?
        .ok_or_else(|| WebError::NotFound(format!("User {id}")))?;
    let now = Utc::now();
    let sessions = storage
        .user_sessions(id, now)
        .await?
        .into_iter()
        .map(|s| SessionView {
            id: s.id,
            created: TimeView::new(s.created_at, now),
            last_seen: TimeView::new(s.last_seen_at, now),
            expires: TimeView::new(s.expires_at, now),
        })
        .collect();
    let tokens = storage
        .api_tokens(id)
        .await?
        .into_iter()
        .map(|t| TokenView {
            id: t.id,
            label: t.label,
            created: TimeView::new(t.created_at, now),
            last_used: t.last_used_at.map(|at| TimeView::new(at, now)),
        })
        .collect();
    Ok(UserPage {
        chrome: Chrome::new(&state.site, &format!("User {}", user.name), None),
        csrf_token: viewer.csrf_token.clone(),
        is_self: user.id == admin.id,
        user: UserView::new(user, now),
        roles: [Role::Reader, Role::Moderator, Role::Admin].map(Role::as_str),
        sessions,
        tokens,
        reset_link,
    })
}

pub async fn detail(
    State(state): State<AppState>,
    Path(raw_id): Path<String>,
    viewer: Viewer,
) -> AdminResult<Html<String>> {
    let admin = require_admin(&viewer, "/admin/users")?;
    let id = path_id(&raw_id, "User")?;
    let page = user_page(&state, &viewer, admin, id, None).await?;
    Ok(Html(page.render()?))
}

#[derive(Debug, Deserialize)]
pub struct UserActionForm {
    pub csrf_token: Option<String>,
    pub role: Option<String>,
    pub session: Option<String>,
    pub token: Option<String>,
}

fn form_id(raw: Option<&str>, what: &str) -> AdminResult<i64> {
    raw.map(str::trim)
        .and_then(|r| r.parse::<i64>().ok())
        .filter(|id| *id > 0)
        .ok_or_else(|| bad_form(format!("{what} must be an id")))
}

pub async fn user_action(
    State(state): State<AppState>,
    Path((raw_id, action)): Path<(String, String)>,
    viewer: Viewer,
    Form(form): Form<UserActionForm>,
) -> AdminResult<Response> {
    let admin = admin_action(&viewer, form.csrf_token.as_deref())?;
    let id = path_id(&raw_id, "User")?;
    let storage = &state.storage;
    let target = storage
        .user(id)
        .await?
        .ok_or_else(|| WebError::NotFound(format!("User {id}")))?;
    let own = target.id == admin.id;
    if own && matches!(action.as_str(), "role" | "ban" | "delete") {
        return Err(bad_form(
            "you cannot change the role of, ban or delete your own account",
        ));
    }
    let back = Redirect::to(&format!("/admin/users/{id}")).into_response();
    let (kind, note, response) = match action.as_str() {
        "role" => {
            let role = form
                .role
                .as_deref()
                .and_then(Role::parse)
                .ok_or_else(|| bad_form("role must be reader, moderator or admin"))?;
            storage.set_user_role(id, role).await?;
            (
                ModerationAction::AdminRoleChange,
                format!("{} → {}", target.role.as_str(), role.as_str()),
                back,
            )
        }
        "ban" => {
            storage.set_banned(id, true).await?;
            (ModerationAction::BanUser, "from the console".into(), back)
        }
        "unban" => {
            storage.set_banned(id, false).await?;
            (ModerationAction::UnbanUser, "from the console".into(), back)
        }
        "reset-link" => {
            let token = new_token();
            storage
                .create_password_reset(
                    id,
                    &hash_token(&token),
                    Utc::now() + Duration::hours(RESET_LINK_HOURS),
                )
                .await?;
            let path = format!("/account/reset/{token}");
            let link = state.site.absolute_url(&path).unwrap_or(path);
            let page = user_page(&state, &viewer, admin, id, Some(link)).await?;
            let html = Html(page.render()?).into_response();
            (ModerationAction::AdminResetLink, String::new(), html)
        }
        "revoke-session" => {
            let session = form_id(form.session.as_deref(), "session")?;
            if !storage.revoke_user_session(id, session).await? {
                return Err(WebError::NotFound(format!("Open session {session}")).into());
            }
            (
                ModerationAction::AdminSessionRevoke,
                format!("session {session}"),
                back,
            )
        }
        "revoke-token" => {
            let token = form_id(form.token.as_deref(), "token")?;
            if !storage.revoke_api_token(id, token).await? {
                return Err(WebError::NotFound(format!("API token {token}")).into());
            }
            (
                ModerationAction::AdminTokenRevoke,
                format!("token {token}"),
                back,
            )
        }
        "delete" => {
            storage.delete_user(id).await?;
            (
                ModerationAction::AdminUserDelete,
                format!("account {}", target.name),
                Redirect::to("/admin/users").into_response(),
            )
        }
        other => return Err(WebError::NotFound(format!("User action {other:?}")).into()),
    };
    let target_id = (action != "delete").then_some(id);
    audit(&state, admin, kind, target_id, note).await?;
    Ok(response)
}
