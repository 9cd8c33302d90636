//! The publishers' HTTP server: answers every path from the pre-rendered resource table, with
//! `ETag`/`Last-Modified` validators and 304 answers to conditional GETs.

use std::collections::HashMap;
use std::sync::Arc;

use anyhow::Context;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};

use super::markup::http_date;
use super::pictures::{PictureTable, render_png};
use super::site::Resource;

type ResourceTable = Arc<HashMap<String, Resource>>;

/// The router answering every path from `resources`, and the pictures of `pictures`.
pub fn router(resources: HashMap<String, Resource>, pictures: PictureTable) -> Router {
    let pictures = Arc::new(pictures);
    Router::new()
        .fallback(answer)
        .with_state(Arc::new(resources))
        .layer(axum::middleware::from_fn(move |request, next| {
            answer_picture(Arc::clone(&pictures), request, next)
        }))
}

/// Answers a picture path with the picture drawn (on a blocking thread); every other path
/// goes on to the resource table.
async fn answer_picture(
    pictures: Arc<PictureTable>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let Some(&seed) = pictures.get(request.uri().path()) else {
        return next.run(request).await;
    };
    match tokio::task::spawn_blocking(move || render_png(seed)).await {
        Ok(Ok(png)) => (
            [
                (header::CONTENT_TYPE, "image/png"),
                (header::CACHE_CONTROL, "public, max-age=86400"),
            ],
            png,
        )
            .into_response(),
        Ok(Err(error)) => {
            tracing::error!(%error, "could not encode a demo picture");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
        Err(error) => {
            tracing::error!(%error, "drawing a demo picture panicked");
            StatusCode::INTERNAL_SERVER_ERROR.into_response()
        }
    }
}

/// Serves `app` on `listener` until the task is aborted.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: Router,
) -> anyhow::Result<tokio::task::JoinHandle<()>> {
    let address = listener
        .local_addr()
        .context("publishers listener has no local address")?;
    Ok(tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, app).await {
            tracing::error!(%address, %error, "demo publishers server stopped");
        }
    }))
}

async fn answer(
    State(resources): State<ResourceTable>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
) -> Response {
    if method != Method::GET && method != Method::HEAD {
        return (
            StatusCode::METHOD_NOT_ALLOWED,
            [(header::ALLOW, "GET, HEAD")],
            "only GET and HEAD are supported\n",
        )
            .into_response();
    }
    let path = uri.path();
    let Some(resource) = resources.get(path) else {
        let with_slash = format!("{path}/");
        if resources.contains_key(&with_slash) {
            return (
                StatusCode::MOVED_PERMANENTLY,
                [(header::LOCATION, with_slash)],
            )
                .into_response();
        }
        return (
            StatusCode::NOT_FOUND,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            format!("no page at {path}\n"),
        )
            .into_response();
    };
    let mut response = if is_not_modified(&headers, resource) {
        StatusCode::NOT_MODIFIED.into_response()
    } else {
        (
            [(header::CONTENT_TYPE, resource.content_type)],
            resource.body.clone(),
        )
            .into_response()
    };
    let response_headers = response.headers_mut();
    if let Ok(etag) = HeaderValue::from_str(&resource.etag) {
        response_headers.insert(header::ETAG, etag);
    }
    if let Ok(modified) = HeaderValue::from_str(&http_date(resource.last_modified)) {
        response_headers.insert(header::LAST_MODIFIED, modified);
    }
    response_headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=60"),
    );
    response
}

/// RFC 9110 precedence: `If-None-Match` decides when present, else `If-Modified-Since`.
fn is_not_modified(headers: &HeaderMap, resource: &Resource) -> bool {
    if let Some(value) = headers.get(header::IF_NONE_MATCH) {
        let Ok(tags) = value.to_str() else {
            return false;
        };
        return tags
            .split(',')
            .map(str::trim)
            .any(|tag| tag == "*" || tag.strip_prefix("W/").unwrap_or(tag) == resource.etag);
    }
    headers
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|value| value.to_str().ok())
        .and_then(|text| DateTime::parse_from_rfc2822(text).ok())
        .is_some_and(|since| {
            resource.last_modified.timestamp() <= since.with_timezone(&Utc).timestamp()
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resource() -> Resource {
        let at = DateTime::parse_from_rfc3339("2026-11-26T10:00:00Z")
            .expect("valid date")
            .with_timezone(&Utc);
        Resource::new("text/plain", "body".to_owned(), at)
    }

    fn headers(name: header::HeaderName, value: &str) -> HeaderMap {
        let mut map = HeaderMap::new();
        map.insert(name, HeaderValue::from_str(value).expect("valid header"));
        map
    }

    #[test]
    fn matching_etag_is_not_modified_and_other_etag_is() {
        let r = resource();
        assert!(is_not_modified(
            &headers(header::IF_NONE_MATCH, &r.etag),
            &r
        ));
        let weak = format!("\"x\", W/{}", r.etag);
        assert!(is_not_modified(&headers(header::IF_NONE_MATCH, &weak), &r));
        assert!(!is_not_modified(
            &headers(header::IF_NONE_MATCH, "\"other\""),
            &r
        ));
    }

    #[test]
    fn if_modified_since_compares_whole_seconds() {
        let r = resource();
        let same = http_date(r.last_modified);
        assert!(is_not_modified(
            &headers(header::IF_MODIFIED_SINCE, &same),
            &r
        ));
        let before = "Thu, 26 Nov 2026 09:59:59 GMT";
        assert!(!is_not_modified(
            &headers(header::IF_MODIFIED_SINCE, before),
            &r
        ));
        assert!(!is_not_modified(
            &headers(header::IF_MODIFIED_SINCE, "garbage"),
            &r
        ));
    }

    #[test]
    fn etag_mismatch_wins_over_fresh_date() {
        let r = resource();
        let mut map = headers(header::IF_NONE_MATCH, "\"other\"");
        map.insert(
            header::IF_MODIFIED_SINCE,
            HeaderValue::from_str(&http_date(r.last_modified)).expect("valid header"),
        );
        assert!(!is_not_modified(&map, &r));
    }
}
