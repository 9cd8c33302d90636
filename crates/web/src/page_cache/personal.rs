//! The article page for a signed-in reader: the cached anonymous page with the Comments
//! section (their comment form, their name, their CSRF token, what they may edit or
//! moderate) rendered for them and put in its place. The rest of the page is never rendered
//! per reader.

use askama::Template;
use axum::body::Body;
use axum::extract::{FromRequestParts, Query, Request};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::PageCache;
use super::entry::{CachedPage, body_tag};
use super::http::{PRIVATE, VARY, http_date, mark, none_match_hits, page_response};
use super::layer::cached_or_rendered;
use crate::AppState;
use crate::error::WebError;
use crate::readers::{CommentsQuery, CommentsSection, Viewer};

#[derive(Template)]
#[template(source = "{% include \"comments_section.html\" %}", ext = "html")]
struct CommentsFragment {
    comments: CommentsSection,
}

pub(super) async fn signed_in_article(
    state: &AppState,
    cache: &PageCache,
    request: Request,
    next: Next,
) -> Response {
    let (mut parts, body) = request.into_parts();
    let viewer = match Viewer::from_request_parts(&mut parts, state).await {
        Ok(viewer) => viewer,
        Err(error) => return error.into_response(),
    };
    let uri = parts.uri.clone();
    let method = parts.method.clone();
    let headers = parts.headers.clone();
    // The shared page is the anonymous reader's: render it without the reader's cookies.
    let mut anonymous = parts;
    anonymous.headers.remove(header::COOKIE);
    let key = uri.to_string();
    let request = Request::from_parts(anonymous, body);
    let (page, origin) = match cached_or_rendered(state, cache, key, request, next).await {
        Ok(found) => found,
        Err(mut response) => {
            mark(&mut response, PRIVATE);
            return response;
        }
    };
    if viewer.user.is_none() {
        // The cookie names no live session: the anonymous page it is.
        return page_response(&page, &method, &headers, PRIVATE, origin);
    }
    let filled = async {
        let id = uri
            .path()
            .trim_start_matches("/article/")
            .parse::<i64>()
            .map_err(|_| WebError::NotFound("Article".into()))?;
        let Query(query) = Query::<CommentsQuery>::try_from_uri(&uri)
            .map_err(|e| WebError::BadRequest(e.body_text()))?;
        let comments = CommentsSection::load(state, &viewer, id, &query, None).await?;
        let fragment = CommentsFragment { comments }.render()?;
        Ok::<_, WebError>(splice(&page, &fragment))
    };
    let html = match filled.await {
        Ok(Some(html)) => html,
        Ok(None) => {
            tracing::warn!(
                path = uri.path(),
                "an article page without its comments marks"
            );
            return page_response(&page, &method, &headers, PRIVATE, origin);
        }
        Err(error) => return error.into_response(),
    };
    personal_response(&page, html, &method, &headers)
}

/// The page with `fragment` in place of its Comments section.
fn splice(page: &CachedPage, fragment: &str) -> Option<Vec<u8>> {
    let range = page.comments.clone()?;
    let body = &page.identity;
    let mut html = Vec::with_capacity(body.len() + fragment.len());
    html.extend_from_slice(&body[..range.start]);
    html.extend_from_slice(fragment.as_bytes());
    html.extend_from_slice(&body[range.end..]);
    Some(html)
}

fn personal_response(
    page: &CachedPage,
    html: Vec<u8>,
    method: &axum::http::Method,
    request: &axum::http::HeaderMap,
) -> Response {
    let tag = body_tag(&html);
    let fresh = none_match_hits(request, &tag).unwrap_or(false);
    let mut response = if fresh || method == axum::http::Method::HEAD {
        Response::new(Body::empty())
    } else {
        Response::new(Body::from(html))
    };
    if fresh {
        *response.status_mut() = StatusCode::NOT_MODIFIED;
    }
    let headers = response.headers_mut();
    if let Ok(etag) = HeaderValue::from_str(&format!("\"{tag}\"")) {
        headers.insert(header::ETAG, etag);
    }
    headers.insert(header::LAST_MODIFIED, http_date(page.last_modified));
    headers.insert(header::CACHE_CONTROL, PRIVATE);
    headers.insert(header::VARY, VARY);
    headers.insert("x-tidings-cache", HeaderValue::from_static("personal"));
    if !fresh {
        headers.insert(header::CONTENT_TYPE, page.content_type.clone());
    }
    response
}
