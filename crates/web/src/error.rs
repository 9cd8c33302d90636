//! The web layer's one error type, and the one place it becomes an HTTP answer.
//!
//! Every handler fails with a [`WebError`]. [`WebError::to_error_page`] decides the status and
//! the message a reader may see; the two renderings sit side by side below:
//! - pages: the response carries an [`ErrorPage`] extension with an empty body, and the
//!   error-page middleware in [`crate::router`] renders the HTML (it has the site config);
//! - the JSON API: [`ApiError`] answers `application/problem+json` (RFC 9457: `type`,
//!   `title`, `status`, `detail`).
//!
//! Server-side failures (storage backend, templates, a crashed task) are logged in full and
//! shown only as a generic message.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use tidings_core::StorageError;

/// Everything a request can fail with.
#[derive(Debug, thiserror::Error)]
pub enum WebError {
    /// No such page, article, publisher or tag (names what was looked for).
    #[error("{0} not found")]
    NotFound(String),
    /// The request itself was wrong (names the parameter and why).
    #[error("bad request: {0}")]
    BadRequest(String),
    /// Not signed in, or the credentials were refused.
    #[error("{0}")]
    Unauthorized(String),
    /// Signed in but not allowed (names what).
    #[error("{0}")]
    Forbidden(String),
    /// The CSRF token was missing or wrong.
    #[error("the form has expired or did not come from this site; reload the page and try again")]
    Csrf,
    /// Too many attempts; says how long to wait.
    #[error("{0}")]
    TooMany(String),
    /// Well-formed but refused (names the problem).
    #[error("{0}")]
    Unprocessable(String),
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("template rendering failed: {0}")]
    Render(#[from] askama::Error),
    /// A server-side failure that is no one's input: a crashed task, say (names it, for the
    /// log only).
    #[error("internal error: {0}")]
    Internal(String),
}

pub type WebResult<T> = Result<T, WebError>;

/// What a reader is told about an error: the status and a message safe to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorPage {
    pub status: StatusCode,
    pub message: String,
}

const GENERIC_MESSAGE: &str = "Something went wrong on our side. Please try again later.";

impl WebError {
    /// Maps the error to its status and public message, logging server-side failures.
    pub fn to_error_page(&self) -> ErrorPage {
        let (status, message) = match self {
            WebError::NotFound(what) => (StatusCode::NOT_FOUND, format!("{what} not found.")),
            WebError::BadRequest(why) => (StatusCode::BAD_REQUEST, format!("Bad request: {why}.")),
            WebError::Storage(StorageError::Invalid(why)) => (
                StatusCode::BAD_REQUEST,
                format!("Bad request: invalid {why}."),
            ),
            WebError::Storage(StorageError::Conflict(what)) => {
                (StatusCode::CONFLICT, format!("{what} already exists."))
            }
            WebError::Unauthorized(_) => (StatusCode::UNAUTHORIZED, self.sentence()),
            WebError::Forbidden(_) | WebError::Csrf => (StatusCode::FORBIDDEN, self.sentence()),
            WebError::TooMany(_) => (StatusCode::TOO_MANY_REQUESTS, self.sentence()),
            WebError::Unprocessable(_) => (StatusCode::UNPROCESSABLE_ENTITY, self.sentence()),
            WebError::Storage(StorageError::Backend(_))
            | WebError::Render(_)
            | WebError::Internal(_) => {
                tracing::error!(error = %self, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    GENERIC_MESSAGE.to_owned(),
                )
            }
        };
        ErrorPage { status, message }
    }

    /// Whether the reader's own request was refused (credentials, permission, CSRF, rate,
    /// content), so a form can be shown again with the reason, rather than an error page.
    pub fn is_refusal(&self) -> bool {
        matches!(
            self,
            WebError::Unauthorized(_)
                | WebError::Forbidden(_)
                | WebError::Csrf
                | WebError::TooMany(_)
                | WebError::Unprocessable(_)
        )
    }

    /// The message as a sentence: capitalised, with a full stop.
    fn sentence(&self) -> String {
        let message = self.to_string();
        let mut chars = message.chars();
        match chars.next() {
            Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
            None => message,
        }
    }
}

impl IntoResponse for WebError {
    fn into_response(self) -> Response {
        let page = self.to_error_page();
        let mut response = page.status.into_response();
        response.extensions_mut().insert(page);
        response
    }
}

/// A [`WebError`] answered as `application/problem+json`, for the API.
#[derive(Debug)]
pub struct ApiError(pub WebError);

impl<E: Into<WebError>> From<E> for ApiError {
    fn from(error: E) -> Self {
        ApiError(error.into())
    }
}

/// An RFC 9457 problem: the status says what kind of problem it is (`type` is
/// `about:blank`, `title` the status phrase); `detail` says what happened.
#[derive(Debug, Serialize)]
struct Problem {
    #[serde(rename = "type")]
    kind: &'static str,
    title: &'static str,
    status: u16,
    detail: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let page = self.0.to_error_page();
        let problem = Problem {
            kind: "about:blank",
            title: page.status.canonical_reason().unwrap_or("Error"),
            status: page.status.as_u16(),
            detail: page.message,
        };
        let body = match serde_json::to_vec(&problem) {
            Ok(body) => body,
            Err(e) => {
                tracing::error!(error = %e, "could not serialise a problem");
                return page.status.into_response();
            }
        };
        let content_type = HeaderValue::from_static("application/problem+json");
        (page.status, [(header::CONTENT_TYPE, content_type)], body).into_response()
    }
}

#[cfg(test)]
mod tests;
