//! Account pages: register, sign in (throttled per address and name and per address, slowed
//! per account; one answer for an unknown name and a wrong password), sign out here or
//! everywhere (sessions and API tokens), and password reset by one-time link. The account
//! page with its tokens is in [`super::token_pages`].

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::Utc;
use serde::Deserialize;
use tidings_core::{NewUser, Role, StorageError, User};

use super::passwords::{hash_password, verify_password};
use super::session::{Credentials, SESSION_COOKIE, Viewer, cookie_header, hash_token, new_token};
use crate::AppState;
use crate::error::{WebError, WebResult};
use crate::throttle::minutes_text;
use crate::views::Chrome;

/// The one answer to any failed sign-in, whether or not the account exists.
pub const SIGNIN_REFUSED: &str = "Wrong name or password.";

#[derive(Template)]
#[template(path = "account_form.html")]
pub struct AccountFormPage {
    pub chrome: Chrome,
    pub heading: String,
    pub action: String,
    pub csrf_token: String,
    pub show_name: bool,
    pub name: String,
    pub next: String,
    pub submit_label: String,
    pub error: Option<String>,
    pub notice: Option<String>,
    pub alternative_href: String,
    pub alternative_text: String,
}

#[derive(Debug, Deserialize)]
pub struct CredentialsForm {
    pub csrf_token: Option<String>,
    pub name: Option<String>,
    pub password: Option<String>,
    pub next: Option<String>,
}

#[derive(Debug, Deserialize, Default)]
pub struct NextQuery {
    pub next: Option<String>,
    pub reset: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    pub csrf_token: Option<String>,
}

/// A path on this site to return to (never another site: no scheme, no `//`).
pub(crate) fn local_path(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.contains('\\')
                && !path.chars().any(char::is_control) =>
        {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

fn form_page(state: &AppState, viewer: &Viewer, register: bool) -> AccountFormPage {
    let (heading, action, submit, alt_href, alt_text) = if register {
        (
            "Create an account",
            "/account/register",
            "Create account",
            "/account/signin",
            "Have an account? Sign in",
        )
    } else {
        (
            "Sign in",
            "/account/signin",
            "Sign in",
            "/account/register",
            "New here? Create an account",
        )
    };
    AccountFormPage {
        chrome: Chrome::new(&state.site, heading, None),
        heading: heading.to_owned(),
        action: action.to_owned(),
        csrf_token: viewer.csrf_token.clone(),
        show_name: true,
        name: String::new(),
        next: "/".to_owned(),
        submit_label: submit.to_owned(),
        error: None,
        notice: None,
        alternative_href: alt_href.to_owned(),
        alternative_text: alt_text.to_owned(),
    }
}

pub(super) fn respond(
    viewer: &Viewer,
    status: StatusCode,
    page: &impl Template,
) -> WebResult<Response> {
    Ok(viewer.with_cookies((status, Html(page.render()?))))
}

pub async fn register_form(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<NextQuery>,
) -> WebResult<Response> {
    let mut page = form_page(&state, &viewer, true);
    page.next = local_path(query.next.as_deref());
    respond(&viewer, StatusCode::OK, &page)
}

pub async fn signin_form(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<NextQuery>,
) -> WebResult<Response> {
    let mut page = form_page(&state, &viewer, false);
    page.next = local_path(query.next.as_deref());
    if query.reset.is_some() {
        page.notice = Some("Your password was changed. Please sign in.".into());
    }
    respond(&viewer, StatusCode::OK, &page)
}

/// A user name: 3 to 30 letters, digits, `_`, `-` or `.`.
fn check_name(name: &str) -> Result<(), String> {
    let chars = name.chars().count();
    if !(3..=30).contains(&chars) {
        return Err("The name must have 3 to 30 characters.".into());
    }
    if !name
        .chars()
        .all(|c| c.is_alphanumeric() || "_-.".contains(c))
    {
        return Err("The name may contain only letters, digits, '_', '-' and '.'.".into());
    }
    Ok(())
}

pub async fn register(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<CredentialsForm>,
) -> WebResult<Response> {
    viewer.check_csrf(form.csrf_token.as_deref())?;
    let mut page = form_page(&state, &viewer, true);
    // Stored in NFKC, so what is checked is what is stored.
    let name = tidings_core::normalize_name(&form.name.unwrap_or_default());
    page.name.clone_from(&name);
    page.next = local_path(form.next.as_deref());
    if !state.accounts.registration_open {
        return Err(WebError::Forbidden(
            "registration is closed on this site".into(),
        ));
    }
    if let Err(why) = check_name(&name) {
        page.error = Some(why);
        return respond(&viewer, StatusCode::UNPROCESSABLE_ENTITY, &page);
    }
    if let Err(wait) = state
        .accounts
        .registrations_per_ip
        .try_acquire(state.storage.as_ref(), &viewer.client)
        .await?
    {
        return Err(WebError::TooMany(format!(
            "too many accounts were created from your address; please wait {}",
            minutes_text(wait)
        )));
    }
    let password = form.password.unwrap_or_default();
    let hashed = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| WebError::Internal(format!("the password hashing task failed: {e}")))?;
    let hash = match hashed {
        Ok(hash) => hash,
        Err(why) => {
            page.error = Some(format!("Please choose another password: {why}."));
            return respond(&viewer, StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let created = state
        .storage
        .create_user(NewUser {
            name: name.clone(),
            password_hash: hash,
            role: Role::Reader,
        })
        .await;
    let user = match created {
        Ok(user) => user,
        Err(StorageError::Conflict(_)) => {
            page.error = Some(
                "That name is taken, or looks too much like one that is; please choose another."
                    .into(),
            );
            return respond(&viewer, StatusCode::CONFLICT, &page);
        }
        Err(other) => return Err(other.into()),
    };
    start_session(&state, &user, &page.next).await
}

pub async fn signin(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<CredentialsForm>,
) -> WebResult<Response> {
    viewer.check_csrf(form.csrf_token.as_deref())?;
    let settings = &state.accounts;
    let mut page = form_page(&state, &viewer, false);
    let name = form.name.unwrap_or_default().trim().to_owned();
    page.name.clone_from(&name);
    page.next = local_path(form.next.as_deref());
    let account_key = format!("name:{}", tidings_core::name_key(&name));
    let pair_key = format!("{}|{account_key}", viewer.client);
    let storage = state.storage.as_ref();
    // Locked out: this address for this name, or this address altogether. A name alone is
    // never locked, or anyone could lock its owner out.
    let wait = [
        settings
            .signin_per_pair
            .wait_for(storage, &pair_key)
            .await?,
        settings
            .signin_per_ip
            .wait_for(storage, &viewer.client)
            .await?,
    ]
    .into_iter()
    .flatten()
    .max();
    if let Some(wait) = wait {
        page.error = Some(format!(
            "Too many failed sign-ins. Please wait {} and try again.",
            minutes_text(wait)
        ));
        return respond(&viewer, StatusCode::TOO_MANY_REQUESTS, &page);
    }
    // Slowed down: an account failing from many addresses answers everyone later, the right
    // password included, which still gets in.
    let failures = settings
        .signin_per_account
        .count(storage, &account_key)
        .await?;
    let slowdown = settings.signin_slowdown(failures);
    if !slowdown.is_zero() {
        tokio::time::sleep(slowdown).await;
    }
    let credentials = state.storage.user_credentials(&name).await?;
    let password = form.password.unwrap_or_default();
    let stored = credentials.as_ref().map_or_else(
        || settings.dummy_hash.get().to_owned(),
        |(_, hash)| hash.clone(),
    );
    let matches = tokio::task::spawn_blocking(move || verify_password(&password, &stored))
        .await
        .unwrap_or(false);
    match credentials {
        Some((user, _)) if matches && !user.banned => {
            settings.signin_per_pair.clear(storage, &pair_key).await?;
            settings
                .signin_per_account
                .clear(storage, &account_key)
                .await?;
            start_session(&state, &user, &page.next).await
        }
        _ => {
            settings.signin_per_pair.record(storage, &pair_key).await?;
            settings
                .signin_per_account
                .record(storage, &account_key)
                .await?;
            settings
                .signin_per_ip
                .record(storage, &viewer.client)
                .await?;
            page.error = Some(SIGNIN_REFUSED.into());
            respond(&viewer, StatusCode::UNAUTHORIZED, &page)
        }
    }
}

async fn start_session(state: &AppState, user: &User, next: &str) -> WebResult<Response> {
    let token = new_token();
    let lifetime = state.accounts.session_lifetime;
    let expires =
        Utc::now() + chrono::Duration::from_std(lifetime).unwrap_or(chrono::Duration::days(30));
    state
        .storage
        .create_session(user.id, &hash_token(&token), expires)
        .await?;
    let cookie = cookie_header(
        SESSION_COOKIE,
        &token,
        Some(lifetime.as_secs()),
        state.accounts.secure_cookies,
    );
    Ok(with_cookie(Redirect::to(next), &cookie))
}

fn with_cookie(response: impl IntoResponse, cookie: &str) -> Response {
    let mut response = response.into_response();
    if let Ok(value) = HeaderValue::from_str(cookie) {
        response.headers_mut().append(SET_COOKIE, value);
    }
    response
}

fn cleared_session(state: &AppState) -> String {
    cookie_header(SESSION_COOKIE, "", Some(0), state.accounts.secure_cookies)
}

pub async fn signout(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<CsrfForm>,
) -> WebResult<Response> {
    viewer.check_csrf(form.csrf_token.as_deref())?;
    if let Credentials::Session(token) = &viewer.credentials {
        state.storage.revoke_session(&hash_token(token)).await?;
    }
    Ok(with_cookie(Redirect::to("/"), &cleared_session(&state)))
}

pub async fn signout_everywhere(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<CsrfForm>,
) -> WebResult<Response> {
    viewer.check_csrf(form.csrf_token.as_deref())?;
    let user = viewer.require_user()?;
    state.storage.revoke_user_sessions(user.id).await?;
    state.storage.revoke_user_api_tokens(user.id).await?;
    Ok(with_cookie(Redirect::to("/"), &cleared_session(&state)))
}

fn reset_page(state: &AppState, viewer: &Viewer, token: &str) -> AccountFormPage {
    let mut page = form_page(state, viewer, false);
    page.heading = "Choose a new password".into();
    page.chrome = Chrome::new(&state.site, "Choose a new password", None);
    page.action = format!(
        "/account/reset/{}",
        url::form_urlencoded::byte_serialize(token.as_bytes()).collect::<String>()
    );
    page.show_name = false;
    page.submit_label = "Set password".into();
    page
}

pub async fn reset_form(
    State(state): State<AppState>,
    Path(token): Path<String>,
    viewer: Viewer,
) -> WebResult<Response> {
    let page = reset_page(&state, &viewer, &token);
    respond(&viewer, StatusCode::OK, &page)
}

pub async fn reset_password(
    State(state): State<AppState>,
    Path(token): Path<String>,
    viewer: Viewer,
    Form(form): Form<CredentialsForm>,
) -> WebResult<Response> {
    viewer.check_csrf(form.csrf_token.as_deref())?;
    let mut page = reset_page(&state, &viewer, &token);
    let password = form.password.unwrap_or_default();
    let hashed = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| WebError::Internal(format!("the password hashing task failed: {e}")))?;
    let hash = match hashed {
        Ok(hash) => hash,
        Err(why) => {
            page.error = Some(format!("Please choose another password: {why}."));
            return respond(&viewer, StatusCode::UNPROCESSABLE_ENTITY, &page);
        }
    };
    let Some(user) = state
        .storage
        .consume_password_reset(&hash_token(&token), Utc::now())
        .await?
    else {
        page.error = Some("This link has expired or was used already; ask for a new one.".into());
        return respond(&viewer, StatusCode::GONE, &page);
    };
    state.storage.set_password_hash(user, &hash).await?;
    state.storage.revoke_user_sessions(user).await?;
    state.storage.revoke_user_api_tokens(user).await?;
    Ok(Redirect::to("/account/signin?reset=1").into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed() {
        assert_eq!(
            local_path(Some("/article/3#comments")),
            "/article/3#comments"
        );
        for bad in [
            "//evil.example",
            "https://evil.example",
            "/\\evil",
            "",
            "javascript:x",
        ] {
            assert_eq!(local_path(Some(bad)), "/", "{bad}");
        }
        assert_eq!(local_path(None), "/");
    }

    #[test]
    fn names_are_checked() {
        assert!(check_name("ann_b").is_ok());
        assert!(check_name("ab").is_err());
        assert!(check_name("a b c").is_err());
        assert!(check_name("<script>").is_err());
    }
}
