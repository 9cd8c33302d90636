//! Pages for a signed-in reader: the cached anonymous page with the parts that are theirs
//! rendered for them and put in place: the reader's controls (Follow on tag, source and
//! story pages; Save and read marks on article pages, see [`crate::follows`]) and, on
//! article pages, the Comments section (their comment form, their name, their CSRF token,
//! what they may edit or moderate). The rest of the page is never rendered per reader. The
//! home page is their For you page when they follow anything, rendered for them alone.

use std::ops::Range;
use std::sync::Arc;

use askama::Template;
use axum::body::Body;
use axum::extract::{FromRequestParts, Query, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::PageCache;
use super::entry::{CachedPage, body_tag};
use super::http::{PRIVATE, VARY, http_date, mark, none_match_hits, page_response};
use super::layer::cached_or_rendered;
use crate::AppState;
use crate::error::WebError;
use crate::follows::{ReaderPage, reader_controls};
use crate::readers::{CommentsQuery, CommentsSection, Viewer};

#[derive(Template)]
#[template(source = "{% include \"comments_section.html\" %}", ext = "html")]
struct CommentsFragment {
    comments: CommentsSection,
}

pub(super) async fn signed_in_page(
    state: &AppState,
    cache: &PageCache,
    request: Request,
    next: Next,
) -> Response {
    let (viewer, parts, body) = match viewer_of(state, request).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let uri = parts.uri.clone();
    let method = parts.method.clone();
    let headers = parts.headers.clone();
    let (page, origin) = match shared_page(state, cache, parts, body, next).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let Some(user) = viewer.user.as_ref().map(|u| u.id) else {
        // The cookie names no live session: the anonymous page it is.
        return page_response(&page, &method, &headers, PRIVATE, origin);
    };
    let filled = async {
        let mut parts = Vec::with_capacity(2);
        let reader_page = ReaderPage::from_path(uri.path());
        if let (Some(range), Some(reader_page)) = (page.reader.clone(), &reader_page) {
            let back = uri
                .path_and_query()
                .map_or_else(|| uri.path().to_owned(), |p| p.as_str().to_owned());
            let controls =
                reader_controls(state, user, &viewer.csrf_token, reader_page, &back).await?;
            parts.push((range, controls));
        }
        if let Some(ReaderPage::Article(id)) = reader_page {
            let Query(query) = Query::<CommentsQuery>::try_from_uri(&uri)
                .map_err(|e| WebError::BadRequest(e.body_text()))?;
            let comments = CommentsSection::load(state, &viewer, id, &query, None).await?;
            let fragment = CommentsFragment { comments }.render()?;
            let Some(range) = page.comments.clone() else {
                return Ok(None);
            };
            parts.push((range, fragment));
        }
        Ok::<_, WebError>(Some(splice(&page, parts)))
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

/// Who sent the request, with the request taken apart; `Err` is the error's response.
async fn viewer_of(state: &AppState, request: Request) -> Result<(Viewer, Parts, Body), Response> {
    let (mut parts, body) = request.into_parts();
    match Viewer::from_request_parts(&mut parts, state).await {
        Ok(viewer) => Ok((viewer, parts, body)),
        Err(error) => Err(error.into_response()),
    }
}

/// The shared page for the request: the anonymous reader's, so it is served or rendered
/// without the reader's cookies. `Err` is a response that is no cacheable page, marked
/// private.
async fn shared_page(
    state: &AppState,
    cache: &PageCache,
    mut parts: Parts,
    body: Body,
    next: Next,
) -> Result<(Arc<CachedPage>, &'static str), Response> {
    parts.headers.remove(header::COOKIE);
    let key = parts.uri.to_string();
    let request = Request::from_parts(parts, body);
    cached_or_rendered(state, cache, key, request, next)
        .await
        .map_err(|mut response| {
            mark(&mut response, PRIVATE);
            response
        })
}

/// The page with each fragment in place of its range (ranges that do not overlap).
fn splice(page: &CachedPage, mut parts: Vec<(Range<usize>, String)>) -> Vec<u8> {
    parts.sort_by_key(|(range, _)| range.start);
    let body = &page.identity;
    let added: usize = parts.iter().map(|(_, fragment)| fragment.len()).sum();
    let mut html = Vec::with_capacity(body.len() + added);
    let mut at = 0;
    for (range, fragment) in parts {
        if range.start < at || range.end > body.len() {
            continue;
        }
        html.extend_from_slice(&body[at..range.start]);
        html.extend_from_slice(fragment.as_bytes());
        at = range.end;
    }
    html.extend_from_slice(&body[at..]);
    html
}

/// The home page for a signed-in reader: For you when they follow anything (and did not
/// ask for `?view=all`), rendered for them and kept only by their browser; else the cached
/// anonymous home page.
pub(super) async fn signed_in_home(
    state: &AppState,
    cache: &PageCache,
    request: Request,
    next: Next,
) -> Response {
    let (viewer, parts, body) = match viewer_of(state, request).await {
        Ok(found) => found,
        Err(response) => return response,
    };
    let view = Query::<HomeQuery>::try_from_uri(&parts.uri)
        .map(|Query(q)| q.view)
        .unwrap_or_default();
    match crate::follows::wants_for_you(state, &viewer, view.as_deref()).await {
        Ok(true) => {
            let mut response = next.run(Request::from_parts(parts, body)).await;
            mark(&mut response, PRIVATE);
            response
        }
        Ok(false) => {
            let method = parts.method.clone();
            let headers = parts.headers.clone();
            match shared_page(state, cache, parts, body, next).await {
                Ok((page, origin)) => page_response(&page, &method, &headers, PRIVATE, origin),
                Err(response) => response,
            }
        }
        Err(error) => error.into_response(),
    }
}

#[derive(Debug, serde::Deserialize)]
struct HomeQuery {
    view: Option<String>,
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
