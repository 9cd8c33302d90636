//! The errors of account, comment and moderation requests, and the one place they become
//! statuses: an HTML error page for forms, JSON for the API.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

use crate::error::{ErrorPage, WebError};

#[derive(Debug, thiserror::Error)]
pub enum ReaderError {
    #[error(transparent)]
    Web(#[from] WebError),
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
}

impl From<tidings_core::StorageError> for ReaderError {
    fn from(error: tidings_core::StorageError) -> Self {
        ReaderError::Web(WebError::Storage(error))
    }
}

impl From<askama::Error> for ReaderError {
    fn from(error: askama::Error) -> Self {
        ReaderError::Web(WebError::Render(error))
    }
}

pub type ReaderResult<T> = Result<T, ReaderError>;

impl ReaderError {
    pub fn to_error_page(&self) -> ErrorPage {
        let status = match self {
            ReaderError::Web(error) => return error.to_error_page(),
            ReaderError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            ReaderError::Forbidden(_) | ReaderError::Csrf => StatusCode::FORBIDDEN,
            ReaderError::TooMany(_) => StatusCode::TOO_MANY_REQUESTS,
            ReaderError::Unprocessable(_) => StatusCode::UNPROCESSABLE_ENTITY,
        };
        let mut message = self.to_string();
        if let Some(first) = message.get(..1) {
            message = format!("{}{}.", first.to_uppercase(), &message[1..]);
        }
        ErrorPage { status, message }
    }
}

impl IntoResponse for ReaderError {
    fn into_response(self) -> Response {
        let page = self.to_error_page();
        let mut response = page.status.into_response();
        response.extensions_mut().insert(page);
        response
    }
}

/// A [`ReaderError`] answered as JSON, like the rest of the API.
#[derive(Debug)]
pub struct ReaderApiError(pub ReaderError);

impl<E: Into<ReaderError>> From<E> for ReaderApiError {
    fn from(error: E) -> Self {
        ReaderApiError(error.into())
    }
}

impl IntoResponse for ReaderApiError {
    fn into_response(self) -> Response {
        let page = self.0.to_error_page();
        let body = json!({"error": {"status": page.status.as_u16(), "message": page.message}});
        (page.status, Json(body)).into_response()
    }
}
