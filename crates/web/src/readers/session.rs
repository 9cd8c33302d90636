//! Who is asking: the [`Viewer`] extractor reads the session cookie (or, on `/api/` routes
//! only, the API token), the client's address, and computes the CSRF token for the forms it
//! is shown. Pages and forms never take an API token as a credential, so a leaked token
//! cannot open the account page, mint more tokens or act as a moderator. Tokens are random,
//! given to the browser once, and stored only as SHA-256 digests.

use axum::extract::{FromRequestParts, OriginalUri};
use axum::http::header::{AUTHORIZATION, COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::Utc;
use sha2::{Digest, Sha256};
use tidings_core::{TokenScope, TokenScopes, User};

use super::csrf::{anonymous_csrf_token, session_csrf_token, tokens_match};
use crate::AppState;
use crate::error::{WebError, WebResult};

pub const SESSION_COOKIE: &str = "tidings_session";
pub const FORM_COOKIE: &str = "tidings_form";

/// 32 random bytes, URL-safe base64.
pub fn new_token() -> String {
    let bytes: [u8; 32] = rand::random();
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The SHA-256 hex digest under which a token is stored.
pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// How the request proved who sent it.
#[derive(Debug, Clone, PartialEq)]
pub enum Credentials {
    Anonymous,
    /// A session cookie (raw token, kept to sign the CSRF token and to sign out).
    Session(String),
    /// An `Authorization: Bearer` API token (on `/api/` routes only) with what it may do;
    /// exempt from CSRF checks.
    ApiToken(TokenScopes),
    /// An `Authorization` header that named no valid token.
    BadToken,
}

/// The reader behind a request (or nobody), with what their forms need.
#[derive(Debug, Clone)]
pub struct Viewer {
    pub user: Option<User>,
    pub credentials: Credentials,
    /// The token this viewer's forms carry.
    pub csrf_token: String,
    /// The client's address, for throttling.
    pub client: String,
    /// A form cookie to set, when an anonymous visitor had none.
    new_form_cookie: Option<String>,
    secure_cookies: bool,
}

impl Viewer {
    pub fn is_moderator(&self) -> bool {
        self.user.as_ref().is_some_and(|u| u.role.can_moderate())
    }

    /// The signed-in user, or `Unauthorized`.
    pub fn require_user(&self) -> WebResult<&User> {
        match (&self.user, &self.credentials) {
            (_, Credentials::BadToken) => Err(WebError::Unauthorized(
                "the API token is not valid (unknown, revoked or expired)".into(),
            )),
            (Some(user), _) => Ok(user),
            (None, _) => Err(WebError::Unauthorized("please sign in first".into())),
        }
    }

    /// Refuses a request made with an API token that lacks `scope` (a session may do
    /// everything its user may).
    pub fn require_scope(&self, scope: TokenScope) -> WebResult<()> {
        match &self.credentials {
            Credentials::ApiToken(scopes) if !scopes.contains(scope) => {
                Err(WebError::Forbidden(format!(
                    "this API token lacks the {} scope; create a token with it on your account page",
                    scope.as_str()
                )))
            }
            _ => Ok(()),
        }
    }

    /// Refuses a state-changing request whose CSRF token is missing or wrong (requests with
    /// an API token are exempt).
    pub fn check_csrf(&self, submitted: Option<&str>) -> WebResult<()> {
        if matches!(self.credentials, Credentials::ApiToken(_)) {
            return Ok(());
        }
        if self.new_form_cookie.is_some() {
            // No form cookie came with the request: nothing to check against.
            return Err(WebError::Csrf);
        }
        match submitted {
            Some(token) if tokens_match(&self.csrf_token, token) => Ok(()),
            _ => Err(WebError::Csrf),
        }
    }

    /// Adds the anonymous form cookie, when one was made for this response.
    pub fn with_cookies(&self, response: impl IntoResponse) -> Response {
        let mut response = response.into_response();
        if let Some(value) = &self.new_form_cookie {
            let cookie = cookie_header(FORM_COOKIE, value, None, self.secure_cookies);
            if let Ok(header) = HeaderValue::from_str(&cookie) {
                response.headers_mut().append(SET_COOKIE, header);
            }
        }
        response
    }
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, Secure when asked; `max_age` in seconds
/// (`Some(0)` deletes it; `None` lasts for the browser session).
pub fn cookie_header(name: &str, value: &str, max_age: Option<u64>, secure: bool) -> String {
    let mut cookie = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(age) = max_age {
        cookie.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        cookie.push_str("; Secure");
    }
    cookie
}

/// The value of cookie `name` in the request's `Cookie` headers.
pub fn cookie_value(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
        .filter(|value| !value.is_empty() && value.len() <= 200)
}

/// Whether the request is for the JSON API, the only place an API token is a credential.
fn is_api_route(parts: &Parts) -> bool {
    let path = parts
        .extensions
        .get::<OriginalUri>()
        .map_or_else(|| parts.uri.path(), |original| original.0.path());
    path.starts_with("/api/")
}

/// The `Authorization: Bearer` token: `None` without the header, `Some(None)` when it holds
/// no usable token.
pub(crate) fn bearer_token(headers: &HeaderMap) -> Option<Option<String>> {
    let value = headers.get(AUTHORIZATION)?;
    let token = value
        .to_str()
        .ok()
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_owned())
        .filter(|t| !t.is_empty() && t.len() <= 200);
    Some(token)
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = WebError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> WebResult<Self> {
        let settings = &state.accounts;
        let storage = &state.storage;
        let client = crate::client_address(parts, settings.trust_forwarded_for)
            .map_or_else(|| "unknown".to_owned(), |ip| ip.to_string());
        let mut viewer = Viewer {
            user: None,
            credentials: Credentials::Anonymous,
            csrf_token: String::new(),
            client,
            new_form_cookie: None,
            secure_cookies: settings.secure_cookies,
        };
        if is_api_route(parts)
            && let Some(token) = bearer_token(&parts.headers)
        {
            let found = match token {
                Some(token) => storage.api_token(&hash_token(&token), Utc::now()).await?,
                None => None,
            };
            match found {
                Some(found) => {
                    viewer.credentials = Credentials::ApiToken(found.token.scopes);
                    viewer.user = Some(found.user);
                }
                None => viewer.credentials = Credentials::BadToken,
            }
            return Ok(viewer);
        }
        if let Some(token) = cookie_value(&parts.headers, SESSION_COOKIE)
            && let Some(session) = storage
                .session_user(&hash_token(&token), Utc::now())
                .await?
        {
            viewer.user = Some(session.user);
            viewer.csrf_token = session_csrf_token(&token);
            viewer.credentials = Credentials::Session(token);
            return Ok(viewer);
        }
        let form_cookie = match cookie_value(&parts.headers, FORM_COOKIE) {
            Some(value) => value,
            None => {
                let value = new_token();
                viewer.new_form_cookie = Some(value.clone());
                value
            }
        };
        viewer.csrf_token =
            anonymous_csrf_token(&settings.csrf_secret(storage.as_ref()).await?, &form_cookie);
        Ok(viewer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashes_fixed_length() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 43);
        assert_eq!(hash_token(&a).len(), 64);
        assert_eq!(hash_token(&a), hash_token(&a));
    }

    #[test]
    fn cookies_are_read_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            COOKIE,
            HeaderValue::from_static("a=1; tidings_session=xyz; b=2"),
        );
        assert_eq!(
            cookie_value(&headers, SESSION_COOKIE).as_deref(),
            Some("xyz")
        );
        assert_eq!(cookie_value(&headers, "missing"), None);
    }

    #[test]
    fn cookie_flags() {
        let cookie = cookie_header("n", "v", Some(60), true);
        assert!(cookie.contains("HttpOnly"));
        assert!(cookie.contains("SameSite=Lax"));
        assert!(cookie.contains("Secure"));
        assert!(!cookie_header("n", "v", None, false).contains("Secure"));
    }
}
