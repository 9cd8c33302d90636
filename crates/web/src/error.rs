//! The web layer's one error type and the single place it becomes an HTTP status.
//!
//! Page handlers return [`WebError`]; its response carries an [`ErrorPage`] extension with an
//! empty body, and the error-page middleware in [`crate::router`] renders the HTML (it has the
//! site config to hand). API handlers wrap the same error in [`ApiError`], which renders JSON.
//! Server-side failures are logged in full and shown to readers only as a generic message.

use axum::Json;
use axum::http::StatusCode;
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
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("template rendering failed: {0}")]
    Render(#[from] askama::Error),
}

pub type WebResult<T> = Result<T, WebError>;

/// What a reader is told about an error: the status and a message safe to show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorPage {
    pub status: StatusCode,
    pub message: String,
}

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
            WebError::Storage(StorageError::Backend(_)) | WebError::Render(_) => {
                tracing::error!(error = %self, "request failed");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong on our side. Please try again later.".to_owned(),
                )
            }
        };
        ErrorPage { status, message }
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

/// A [`WebError`] answered as JSON (`{"error": {"status": 404, "message": "..."}}`).
#[derive(Debug)]
pub struct ApiError(pub WebError);

impl<E: Into<WebError>> From<E> for ApiError {
    fn from(error: E) -> Self {
        ApiError(error.into())
    }
}

#[derive(Serialize)]
struct ApiErrorBody {
    error: ApiErrorDetail,
}

#[derive(Serialize)]
struct ApiErrorDetail {
    status: u16,
    message: String,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let page = self.0.to_error_page();
        let body = ApiErrorBody {
            error: ApiErrorDetail {
                status: page.status.as_u16(),
                message: page.message,
            },
        };
        (page.status, Json(body)).into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_follow_the_error_kind() {
        let cases = [
            (
                WebError::NotFound("Article 7".into()),
                StatusCode::NOT_FOUND,
            ),
            (WebError::BadRequest("page".into()), StatusCode::BAD_REQUEST),
            (
                WebError::Storage(StorageError::Invalid("query".into())),
                StatusCode::BAD_REQUEST,
            ),
            (
                WebError::Storage(StorageError::Backend("disk full".into())),
                StatusCode::INTERNAL_SERVER_ERROR,
            ),
        ];
        for (error, status) in cases {
            assert_eq!(error.to_error_page().status, status, "{error}");
        }
    }

    #[test]
    fn backend_details_are_not_shown_to_readers() {
        let page =
            WebError::Storage(StorageError::Backend("secret table xyz".into())).to_error_page();
        assert!(!page.message.contains("xyz"), "{}", page.message);
    }
}
