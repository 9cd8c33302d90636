//! The HTTP side of caching: choosing an encoding from `Accept-Encoding` as browsers send it
//! (`gzip, deflate, br, zstd`, with or without q-values), answering `If-None-Match` and
//! `If-Modified-Since` with 304, and the `Cache-Control`/`Vary` each kind of response gets.

use std::time::SystemTime;

use axum::body::Body;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::Response;

use super::CacheSettings;
use super::entry::{CachedPage, Encoding};

/// At most this many codings of `Accept-Encoding` are read.
const MAX_CODINGS: usize = 32;

/// Pages the same for everyone: browsers revalidate every time (cheap: 304), shared caches
/// may keep them briefly.
pub(super) fn shared_cache_control(settings: &CacheSettings) -> HeaderValue {
    let value = format!(
        "public, max-age=0, s-maxage={}, stale-while-revalidate={}",
        settings.shared_max_age_secs, settings.stale_while_revalidate_secs
    );
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static("no-cache"))
}

/// Pages for one reader: only their browser may keep them, and must revalidate.
pub(super) const PRIVATE: HeaderValue = HeaderValue::from_static("private, no-cache");
/// Pages showing secrets (tokens, reset links) or answering a form: never stored.
pub(super) const NO_STORE: HeaderValue = HeaderValue::from_static("no-store");
pub(super) const VARY: HeaderValue = HeaderValue::from_static("Accept-Encoding, Cookie");

/// The best encoding the client accepts among those kept: brotli, then gzip, then none.
pub(super) fn negotiate(headers: &HeaderMap) -> Encoding {
    let mut best = (Encoding::Identity, 0.0_f32);
    let mut any: Option<f32> = None;
    let (mut br, mut gzip) = (None, None);
    for value in headers.get_all(header::ACCEPT_ENCODING) {
        let Ok(value) = value.to_str() else { continue };
        for coding in value.split(',').take(MAX_CODINGS) {
            let mut parts = coding.split(';');
            let name = parts.next().unwrap_or("").trim().to_ascii_lowercase();
            let q = parts
                .filter_map(|p| p.trim().strip_prefix("q=").or(p.trim().strip_prefix("Q=")))
                .find_map(|q| q.trim().parse::<f32>().ok())
                .unwrap_or(1.0)
                .clamp(0.0, 1.0);
            match name.as_str() {
                "br" => br = Some(q),
                "gzip" | "x-gzip" => gzip = Some(q),
                "*" => any = Some(q),
                _ => {}
            }
        }
    }
    let br = br.or(any).unwrap_or(0.0);
    let gzip = gzip.or(any).unwrap_or(0.0);
    if gzip > best.1 {
        best = (Encoding::Gzip, gzip);
    }
    if br > 0.0 && br >= best.1 {
        best = (Encoding::Brotli, br);
    }
    best.0
}

/// Whether `If-None-Match` names this representation (weak comparison, as RFC 9110 asks
/// for this header; `*` matches any).
pub(super) fn none_match_hits(headers: &HeaderMap, tag: &str) -> Option<bool> {
    let mut seen = false;
    for value in headers.get_all(header::IF_NONE_MATCH) {
        seen = true;
        let Ok(value) = value.to_str() else { continue };
        for candidate in value.split(',').take(MAX_CODINGS) {
            let candidate = candidate.trim();
            if candidate == "*" {
                return Some(true);
            }
            let opaque = candidate
                .trim_start_matches("W/")
                .trim_matches('"')
                .trim_end_matches("-br")
                .trim_end_matches("-gz");
            if opaque == tag {
                return Some(true);
            }
        }
    }
    seen.then_some(false)
}

/// Whether the request's validators say the client's copy is current: `If-None-Match`
/// when sent, else `If-Modified-Since`.
pub(super) fn not_modified(headers: &HeaderMap, page: &CachedPage) -> bool {
    if let Some(hit) = none_match_hits(headers, page.tag()) {
        return hit;
    }
    headers
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok())
        .is_some_and(|since| page.last_modified <= since)
}

pub(super) fn http_date(at: SystemTime) -> HeaderValue {
    HeaderValue::from_str(&httpdate::fmt_http_date(at))
        .unwrap_or_else(|_| HeaderValue::from_static("Thu, 01 Jan 1970 00:00:00 GMT"))
}

/// The response for a cached page: 304 when the client's copy is current, else the body in
/// the best encoding it accepts, with validators and `cache_control`.
pub(super) fn page_response(
    page: &CachedPage,
    method: &Method,
    request: &HeaderMap,
    cache_control: HeaderValue,
    origin: &'static str,
) -> Response {
    let (encoding, body) = page.body(negotiate(request));
    let fresh = not_modified(request, page);
    let mut response = if fresh || method == Method::HEAD {
        Response::new(Body::empty())
    } else {
        Response::new(Body::from(body.clone()))
    };
    if fresh {
        *response.status_mut() = StatusCode::NOT_MODIFIED;
    }
    let headers = response.headers_mut();
    if let Ok(etag) = HeaderValue::from_str(&page.etag(encoding)) {
        headers.insert(header::ETAG, etag);
    }
    headers.insert(header::LAST_MODIFIED, http_date(page.last_modified));
    headers.insert(header::CACHE_CONTROL, cache_control);
    headers.insert(header::VARY, VARY);
    headers.insert("x-tidings-cache", HeaderValue::from_static(origin));
    if !fresh {
        headers.insert(header::CONTENT_TYPE, page.content_type.clone());
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from(body.len()));
        if let Some(coding) = encoding.header() {
            headers.insert(header::CONTENT_ENCODING, coding);
        }
    }
    response
}

/// Sets `Cache-Control` (and `Vary: Cookie`) on a response not from the cache, unless the
/// handler chose them.
pub(super) fn mark(response: &mut Response, cache_control: HeaderValue) {
    let headers = response.headers_mut();
    if !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, cache_control);
    }
    headers.append(header::VARY, HeaderValue::from_static("Cookie"));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::page_cache::entry::tests::page_of;

    fn accepting(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(value).expect("header"),
        );
        headers
    }

    #[test]
    fn encodings_are_negotiated_as_browsers_ask() {
        assert_eq!(
            negotiate(&accepting("gzip, deflate, br, zstd")),
            Encoding::Brotli
        );
        assert_eq!(negotiate(&accepting("gzip, deflate")), Encoding::Gzip);
        assert_eq!(negotiate(&accepting("gzip")), Encoding::Gzip);
        assert_eq!(
            negotiate(&accepting("br;q=0.5, gzip;q=0.8")),
            Encoding::Gzip
        );
        assert_eq!(
            negotiate(&accepting("br;q=0, gzip;q=0")),
            Encoding::Identity
        );
        assert_eq!(negotiate(&accepting("*")), Encoding::Brotli);
        assert_eq!(negotiate(&accepting("*;q=0.1, br;q=0")), Encoding::Gzip);
        assert_eq!(negotiate(&accepting("identity")), Encoding::Identity);
        assert_eq!(negotiate(&accepting("GZIP")), Encoding::Gzip);
        assert_eq!(negotiate(&HeaderMap::new()), Encoding::Identity);
    }

    #[test]
    fn validators_answer_304_only_for_the_current_page() {
        let page = page_of(2000);
        let mut headers = HeaderMap::new();
        assert!(!not_modified(&headers, &page));
        let etag = page.etag(Encoding::Brotli);
        headers.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_str(&etag).expect("h"),
        );
        assert!(not_modified(&headers, &page), "same page, any encoding");
        headers.insert(
            header::IF_NONE_MATCH,
            HeaderValue::from_static("\"0123\", W/\"abc\""),
        );
        assert!(!not_modified(&headers, &page));
        // A non-matching ETag wins over a date that would match.
        headers.insert(
            header::IF_MODIFIED_SINCE,
            http_date(page.last_modified + std::time::Duration::from_secs(60)),
        );
        assert!(!not_modified(&headers, &page));
        headers.remove(header::IF_NONE_MATCH);
        assert!(not_modified(&headers, &page));
        headers.insert(
            header::IF_MODIFIED_SINCE,
            http_date(page.last_modified - std::time::Duration::from_secs(1)),
        );
        assert!(!not_modified(&headers, &page), "changed since");
        headers.insert(
            header::IF_MODIFIED_SINCE,
            HeaderValue::from_static("yesterday"),
        );
        assert!(
            !not_modified(&headers, &page),
            "unreadable dates are ignored"
        );
    }
}
