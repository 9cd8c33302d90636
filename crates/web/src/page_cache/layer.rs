//! The middleware in front of every route: decides whether a request may be answered from
//! the cache (and under which key), serves it or renders and stores it, and gives every
//! other response the `Cache-Control` it needs.

use std::sync::Arc;

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tidings_core::CacheStamps;

use super::entry::CachedPage;
use super::http::{NO_STORE, PRIVATE, mark, page_response, shared_cache_control};
use super::{PageCache, personal};
use crate::AppState;
use crate::readers::{SESSION_COOKIE, cookie_value};

/// Pages larger than this are served but not cached (a sitemap of 50,000 URLs is about 5 MiB).
const MAX_CACHED_BODY: usize = 8 * 1024 * 1024;

/// How a request is to be answered.
#[derive(Debug, PartialEq, Eq)]
enum Route {
    /// The same for every reader: from the cache.
    Shared,
    /// The article page for a signed-in reader: cached, with their Comments section and
    /// their controls (save, read marks).
    SignedInArticle,
    /// A tag, source or story page for a signed-in reader: cached, with their Follow button.
    SignedInFollowable,
    /// The home page for a signed-in reader: their For you page when they follow anything,
    /// else the cached home page.
    SignedInHome,
    /// Depends on who asks (or answers a question): rendered, kept only by their browser.
    Private,
    /// Shows secrets or answers a form: rendered, never stored.
    Secret,
    /// Not a page the cache knows (assets, health check): left as the handler made it.
    Other,
}

fn has_session(headers: &HeaderMap) -> bool {
    cookie_value(headers, SESSION_COOKIE).is_some()
}

/// Query parameters that make the article page (or its summary) ask the assistant.
fn asks_the_assistant(query: &str) -> bool {
    url::form_urlencoded::parse(query.as_bytes())
        .any(|(key, value)| matches!(&*key, "q" | "style" | "lang") && !value.trim().is_empty())
}

/// Feeds and sitemaps: bodies of absolute URLs, made from the request's `Host` when no base
/// URL is configured (see [`crate::feeds_out::SiteBase`]).
fn writes_absolute_links(path: &str) -> bool {
    path.ends_with("/feed.atom")
        || path.ends_with("/feed.json")
        || path == "/briefing.atom"
        || path.starts_with("/sitemap")
}

/// The cache key of a shared page: its path and query, and the request's host where the body
/// is made from it.
fn cache_key(state: &AppState, uri: &axum::http::Uri, headers: &HeaderMap) -> String {
    if state.site.base_url.is_none() && writes_absolute_links(uri.path()) {
        let host = crate::feeds_out::request_host(headers).unwrap_or("");
        format!("//{host}{uri}")
    } else {
        uri.to_string()
    }
}

fn route(method: &Method, path: &str, query: &str, headers: &HeaderMap) -> Route {
    if [
        "/account",
        "/moderation",
        "/admin",
        "/saved",
        "/following",
        "/api/v1/me/",
    ]
    .iter()
    .any(|prefix| path.starts_with(prefix))
    {
        return Route::Secret;
    }
    if method != Method::GET && method != Method::HEAD {
        return Route::Secret;
    }
    let article_page = path.starts_with("/article/") && !path["/article/".len()..].contains('/');
    let page = path == "/"
        || article_page
        || ["/story/", "/tag/", "/source/"]
            .iter()
            .any(|prefix| path.starts_with(prefix))
        || path == "/search"
        || path == "/briefing"
        || writes_absolute_links(path);
    let api = (path.starts_with("/api/v1/articles") || path.starts_with("/api/v1/stories"))
        && !path.ends_with("/ask/stream")
        && !path.ends_with("/ask");
    if !page && !api {
        return Route::Other;
    }
    if headers.contains_key(header::AUTHORIZATION) {
        return Route::Private;
    }
    let asks = path != "/search" && !path.starts_with("/search/") && asks_the_assistant(query);
    if asks {
        return Route::Private;
    }
    if has_session(headers) {
        if article_page {
            return Route::SignedInArticle;
        }
        if path == "/" {
            return Route::SignedInHome;
        }
        if crate::follows::ReaderPage::from_path(path).is_some() {
            return Route::SignedInFollowable;
        }
        // Comments as the API lists them depend on the reader; every other page does not.
        if path.ends_with("/comments") {
            return Route::Private;
        }
    }
    Route::Shared
}

/// The middleware: see the module documentation.
pub async fn serve_cached(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let cache = state.cache.clone();
    let uri = request.uri().clone();
    let path = uri.path();
    let query = uri.query().unwrap_or("");
    let kind = route(request.method(), path, query, request.headers());
    let enabled = cache.settings().enabled;
    match kind {
        Route::Other => next.run(request).await,
        Route::Secret => {
            let mut response = next.run(request).await;
            mark(&mut response, NO_STORE);
            response
        }
        Route::Private => {
            let mut response = next.run(request).await;
            mark(&mut response, PRIVATE);
            response
        }
        _ if !enabled => {
            let mut response = next.run(request).await;
            mark(&mut response, PRIVATE);
            response
        }
        Route::Shared => {
            let signed_in = has_session(request.headers());
            let key = cache_key(&state, &uri, request.headers());
            let control = if signed_in {
                PRIVATE
            } else {
                shared_cache_control(cache.settings())
            };
            let method = request.method().clone();
            let headers = request.headers().clone();
            match cached_or_rendered(&state, &cache, key, request, next).await {
                Ok((page, origin)) => page_response(&page, &method, &headers, control, origin),
                Err(mut response) => {
                    mark(&mut response, PRIVATE);
                    response
                }
            }
        }
        Route::SignedInArticle | Route::SignedInFollowable => {
            personal::signed_in_page(&state, &cache, request, next).await
        }
        Route::SignedInHome => personal::signed_in_home(&state, &cache, request, next).await,
    }
}

/// The cached page for `key` when it is current, else the page rendered by the handler
/// (stored when it may be). `Err` is a response that is not a cacheable page (an error, a
/// redirect, a stream).
pub(super) async fn cached_or_rendered(
    state: &AppState,
    cache: &PageCache,
    key: String,
    request: Request,
    next: Next,
) -> Result<(Arc<CachedPage>, &'static str), Response> {
    let Some(stamps) = cache.stamps().current(&state.storage).await else {
        return Err(next.run(request).await);
    };
    let max_age = cache.settings().max_age;
    let fresh = |page: &CachedPage| page.stamps == stamps && page.rendered_at.elapsed() < max_age;
    let stale = match cache.store().get(&key, fresh) {
        Ok(page) => return Ok((page, "hit")),
        Err(stale) => stale,
    };
    if request.method() != Method::GET {
        // A HEAD answer has no body to keep.
        return Err(next.run(request).await);
    }
    let response = next.run(request).await;
    let mut page = storable(response, stamps).await?;
    // The same body rendered again was last modified when it was first rendered, so a
    // client's `If-Modified-Since` keeps matching until the body really changes.
    if let Some(earlier) = stale.filter(|earlier| earlier.tag() == page.tag()) {
        page.last_modified = earlier.last_modified;
    }
    let page = Arc::new(page);
    cache.store().insert(key, Arc::clone(&page));
    Ok((page, "miss"))
}

/// The handler's response as a page to keep: a complete 200 that sets no cookie and chose
/// no caching of its own.
async fn storable(response: Response, stamps: CacheStamps) -> Result<CachedPage, Response> {
    let headers = response.headers();
    let cacheable = response.status() == StatusCode::OK
        && !headers.contains_key(header::SET_COOKIE)
        && !headers.contains_key(header::CACHE_CONTROL)
        && !headers.contains_key(header::CONTENT_ENCODING)
        && headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|t| t.starts_with("text/html") || t.starts_with("application/"));
    if !cacheable {
        return Err(response);
    }
    let Some(content_type) = headers.get(header::CONTENT_TYPE).cloned() else {
        return Err(response);
    };
    // Only a body of known size within the cap is read for keeping; a larger or streamed one
    // goes out as it is, untouched.
    let fits = axum::body::HttpBody::size_hint(response.body())
        .exact()
        .is_some_and(|len| len <= MAX_CACHED_BODY as u64);
    if !fits {
        return Err(response);
    }
    let body = response.into_body();
    match axum::body::to_bytes(body, MAX_CACHED_BODY).await {
        Ok(bytes) => Ok(CachedPage::new(stamps, content_type, bytes)),
        Err(error) => {
            tracing::error!(%error, "a page's body failed while it was read for the cache");
            Err((StatusCode::INTERNAL_SERVER_ERROR, Body::from(Bytes::new())).into_response())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn kind(method: Method, target: &str, cookie: Option<&str>) -> Route {
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        let mut headers = HeaderMap::new();
        if let Some(cookie) = cookie {
            headers.insert(header::COOKIE, HeaderValue::from_str(cookie).expect("h"));
        }
        route(&method, path, query, &headers)
    }

    #[test]
    fn requests_are_sorted_by_what_they_may_share() {
        use Route::*;
        let session = Some("tidings_session=abc");
        assert_eq!(kind(Method::GET, "/", None), Shared);
        assert_eq!(kind(Method::GET, "/article/7", None), Shared);
        assert_eq!(kind(Method::HEAD, "/article/7", None), Shared);
        assert_eq!(kind(Method::GET, "/article/7?order=newest", None), Shared);
        assert_eq!(kind(Method::GET, "/article/7?q=why", None), Private);
        assert_eq!(kind(Method::GET, "/article/7?q=", None), Shared);
        assert_eq!(kind(Method::GET, "/article/7", session), SignedInArticle);
        assert_eq!(kind(Method::GET, "/tag/rust", session), SignedInFollowable);
        assert_eq!(kind(Method::GET, "/story/3", session), SignedInFollowable);
        assert_eq!(
            kind(Method::GET, "/source/ledger?page=2", session),
            SignedInFollowable
        );
        assert_eq!(kind(Method::GET, "/tag/rust", None), Shared);
        assert_eq!(kind(Method::GET, "/", session), SignedInHome);
        assert_eq!(kind(Method::GET, "/?view=all", session), SignedInHome);
        assert_eq!(kind(Method::GET, "/saved", session), Secret);
        assert_eq!(kind(Method::GET, "/following.opml", session), Secret);
        assert_eq!(kind(Method::GET, "/api/v1/me/follows", None), Secret);
        assert_eq!(kind(Method::POST, "/follow", session), Secret);
        assert_eq!(kind(Method::GET, "/search?q=harbour", None), Shared);
        assert_eq!(kind(Method::GET, "/story/3", None), Shared);
        assert_eq!(kind(Method::GET, "/briefing", None), Shared);
        assert_eq!(kind(Method::GET, "/feed.atom", None), Shared);
        assert_eq!(kind(Method::GET, "/tag/rust/feed.json", session), Shared);
        assert_eq!(
            kind(Method::GET, "/search/feed.atom?q=harbour", None),
            Shared
        );
        assert_eq!(kind(Method::GET, "/sitemap.xml", None), Shared);
        assert_eq!(kind(Method::GET, "/sitemap/articles-2.xml", None), Shared);
        assert_eq!(kind(Method::GET, "/robots.txt", None), Other);
        assert_eq!(kind(Method::GET, "/api/v1/articles/7", None), Shared);
        assert_eq!(
            kind(Method::GET, "/api/v1/articles/7/comments", session),
            Private
        );
        assert_eq!(
            kind(Method::GET, "/api/v1/articles/7/ask/stream?q=x", None),
            Other
        );
        assert_eq!(kind(Method::POST, "/article/7/comments", session), Secret);
        assert_eq!(kind(Method::GET, "/account", session), Secret);
        assert_eq!(kind(Method::GET, "/account/reset/tok", None), Secret);
        assert_eq!(kind(Method::GET, "/moderation", session), Secret);
        assert_eq!(kind(Method::GET, "/static/site.css", None), Other);
        assert_eq!(kind(Method::GET, "/healthz", None), Other);
    }

    fn html_page(body: Body) -> Response {
        let mut response = Response::new(body);
        response.headers_mut().insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        response
    }

    #[tokio::test]
    async fn a_page_over_the_cap_goes_out_whole_and_uncached() {
        let large = vec![b'a'; MAX_CACHED_BODY + 1];
        let response = html_page(Body::from(large.clone()));
        let Err(passed) = storable(response, CacheStamps::default()).await else {
            panic!("a page over the cap was kept");
        };
        assert_eq!(passed.status(), StatusCode::OK);
        let body = axum::body::to_bytes(passed.into_body(), usize::MAX)
            .await
            .expect("body");
        assert_eq!(body.len(), large.len());
    }

    #[tokio::test]
    async fn a_page_within_the_cap_is_kept_whole() {
        let response = html_page(Body::from("<p>kept</p>"));
        let Ok(page) = storable(response, CacheStamps::default()).await else {
            panic!("a small page was not kept");
        };
        let (encoding, body) = page.body(crate::page_cache::entry::Encoding::Identity);
        assert_eq!(encoding, crate::page_cache::entry::Encoding::Identity);
        assert_eq!(&body[..], b"<p>kept</p>");
    }
}
