//! The account page and its API tokens: create one (a label, its scopes, its lifetime),
//! see them with their scopes, expiry and last use, and revoke one. Only the session
//! cookie opens these pages: an API token is no credential here.
//!
//! Lifetimes offered: 30, 90 (the default), 365 days, or never. A token is usually pasted
//! into a script or another app and forgotten, so it should die by itself; 90 days spares the
//! reader a renewal every month, and "never" stays available for unattended clients, marked
//! as such in the list.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Duration, Utc};
use serde::Deserialize;
use tidings_core::{ApiTokenInfo, NewApiToken, TokenKind, TokenScope, TokenScopes, User};

use super::account_pages::respond;
use super::session::{Viewer, hash_token, new_token};
use crate::AppState;
use crate::error::{WebError, WebResult};
use crate::relative_time::relative_time;
use crate::views::Chrome;

/// The lifetimes offered, in days (`None`: never expires), and the default.
pub const TOKEN_LIFETIMES: [(&str, Option<i64>); 4] = [
    ("30", Some(30)),
    ("90", Some(90)),
    ("365", Some(365)),
    ("never", None),
];
pub const DEFAULT_TOKEN_LIFETIME: &str = "90";

/// A token as the account page lists it.
pub struct TokenView {
    pub id: i64,
    pub label: String,
    pub scopes: String,
    pub created: String,
    /// "expires 3 Mar 2027", "never expires" or "expired 2 Mar 2026".
    pub expiry: String,
    pub expired: bool,
    pub last_used: String,
}

impl TokenView {
    fn new(token: &ApiTokenInfo, now: DateTime<Utc>) -> Self {
        let expired = token.is_expired(now);
        let expiry = match token.expires_at {
            None => "never expires".to_owned(),
            Some(at) if expired => format!("expired {}", at.format("%-d %b %Y")),
            Some(at) => format!("expires {}", at.format("%-d %b %Y")),
        };
        TokenView {
            id: token.id,
            label: token.label.clone(),
            scopes: token
                .scopes
                .iter()
                .map(TokenScope::as_str)
                .collect::<Vec<_>>()
                .join(", "),
            created: relative_time(token.created_at, now),
            expiry,
            expired,
            last_used: token.last_used_at.map_or_else(
                || "never used".to_owned(),
                |at| format!("last used {}", relative_time(at, now)),
            ),
        }
    }
}

#[derive(Template)]
#[template(path = "account.html")]
pub struct AccountPage {
    pub chrome: Chrome,
    pub user: User,
    pub csrf_token: String,
    pub tokens: Vec<TokenView>,
    /// A token just created, shown this once.
    pub new_token: Option<String>,
    pub lifetimes: Vec<LifetimeOption>,
}

/// One choice of the lifetime menu.
pub struct LifetimeOption {
    pub value: &'static str,
    pub text: String,
    pub selected: bool,
}

#[derive(Debug, Deserialize)]
pub struct TokenForm {
    pub csrf_token: Option<String>,
    pub label: Option<String>,
    /// `read` or `comment` (read and comment).
    pub scope: Option<String>,
    /// Days, or `never`.
    pub expires: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct RevokeForm {
    pub csrf_token: Option<String>,
}

async fn account_page(
    state: &AppState,
    viewer: &Viewer,
    new: Option<String>,
) -> WebResult<Response> {
    let Some(user) = viewer.user.clone() else {
        return Ok(Redirect::to("/account/signin?next=/account").into_response());
    };
    let now = Utc::now();
    let tokens = state
        .storage
        .api_tokens(user.id)
        .await?
        .iter()
        .map(|token| TokenView::new(token, now))
        .collect();
    let lifetimes = TOKEN_LIFETIMES
        .iter()
        .map(|(value, days)| LifetimeOption {
            value,
            text: days.map_or_else(|| "Never".to_owned(), |d| format!("{d} days")),
            selected: *value == DEFAULT_TOKEN_LIFETIME,
        })
        .collect();
    let page = AccountPage {
        chrome: Chrome::new(&state.site, "Your account", None),
        user,
        csrf_token: viewer.csrf_token.clone(),
        tokens,
        new_token: new,
        lifetimes,
    };
    respond(viewer, StatusCode::OK, &page)
}

pub async fn account(State(state): State<AppState>, viewer: Viewer) -> WebResult<Response> {
    account_page(&state, &viewer, None).await
}

/// The scopes a form asked for: `read`, or `comment` (which reads too).
fn parse_scope(scope: Option<&str>) -> WebResult<TokenScopes> {
    match scope.unwrap_or("read") {
        "read" => Ok(TokenScopes::new(&[TokenScope::Read])),
        "comment" => Ok(TokenScopes::new(&[TokenScope::Read, TokenScope::Comment])),
        other => Err(WebError::Unprocessable(format!(
            "the token scope {other:?} is not one of read, comment"
        ))),
    }
}

/// When a token made now with the lifetime the form asked for expires.
fn parse_expiry(expires: Option<&str>, now: DateTime<Utc>) -> WebResult<Option<DateTime<Utc>>> {
    let asked = expires.unwrap_or(DEFAULT_TOKEN_LIFETIME);
    TOKEN_LIFETIMES
        .iter()
        .find(|(value, _)| *value == asked)
        .map(|(_, days)| days.map(|d| now + Duration::days(d)))
        .ok_or_else(|| {
            WebError::Unprocessable(format!(
                "the token lifetime {asked:?} is not one of 30, 90, 365 (days) or never"
            ))
        })
}

pub async fn create_token(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<TokenForm>,
) -> WebResult<Response> {
    viewer.check_csrf(form.csrf_token.as_deref())?;
    let user = viewer.require_user()?;
    let scopes = parse_scope(form.scope.as_deref())?;
    let expires_at = parse_expiry(form.expires.as_deref(), Utc::now())?;
    let token = new_token();
    let label = form.label.unwrap_or_default();
    let label = if label.trim().is_empty() {
        "API token".to_owned()
    } else {
        label
    };
    state
        .storage
        .create_api_token(NewApiToken {
            user: user.id,
            token_hash: hash_token(&token),
            label,
            kind: TokenKind::Api,
            scopes,
            expires_at,
        })
        .await?;
    account_page(&state, &viewer, Some(token)).await
}

pub async fn revoke_token(
    State(state): State<AppState>,
    Path(raw_id): Path<String>,
    viewer: Viewer,
    Form(form): Form<RevokeForm>,
) -> WebResult<Redirect> {
    viewer.check_csrf(form.csrf_token.as_deref())?;
    let user = viewer.require_user()?;
    let id = super::comment_forms::parse_id(&raw_id, "Token")?;
    state.storage.revoke_api_token(user.id, id).await?;
    Ok(Redirect::to("/account"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_and_lifetimes_are_read_from_the_form() {
        assert!(
            !parse_scope(None)
                .expect("default")
                .contains(TokenScope::Comment)
        );
        assert!(
            parse_scope(Some("comment"))
                .expect("comment")
                .contains(TokenScope::Comment)
        );
        assert!(parse_scope(Some("admin")).is_err());
        let now = Utc::now();
        assert_eq!(
            parse_expiry(None, now).expect("default"),
            Some(now + Duration::days(90))
        );
        assert_eq!(parse_expiry(Some("never"), now).expect("never"), None);
        assert_eq!(
            parse_expiry(Some("30"), now).expect("30"),
            Some(now + Duration::days(30))
        );
        assert!(parse_expiry(Some("7"), now).is_err());
    }
}
