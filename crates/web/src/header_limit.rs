//! The cap on request headers: a request whose header fields (names and values together)
//! exceed [`MAX_REQUEST_HEADER_BYTES`] is answered `431 Request Header Fields Too Large`
//! before any handler reads it. hyper's read buffer (about 400 KiB) bounds what reaches us.

use axum::extract::Request;
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// 32 KiB: room for many cookies and long referrers, far below what hurts.
pub const MAX_REQUEST_HEADER_BYTES: usize = 32 * 1024;

/// Answers 431 when the request's headers are over the cap.
pub async fn limit_header_size(request: Request, next: Next) -> Response {
    let size: usize = request
        .headers()
        .iter()
        .map(|(name, value)| name.as_str().len() + value.as_bytes().len())
        .sum();
    if size > MAX_REQUEST_HEADER_BYTES {
        return (
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            format!(
                "The request's headers have {size} bytes; at most {MAX_REQUEST_HEADER_BYTES} are accepted.\n"
            ),
        )
            .into_response();
    }
    next.run(request).await
}
