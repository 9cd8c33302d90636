//! The embedded stylesheet and favicon, versioned by a hash of their bytes computed at
//! compile time, so they can be cached for a year and still change with every release.

use axum::http::header;
use axum::response::{IntoResponse, Response};

/// The site's one stylesheet.
pub const SITE_CSS: &str = include_str!("../static/site.css");
/// The favicon, a small SVG.
pub const FAVICON_SVG: &str = include_str!("../static/favicon.svg");

const CSS_HASH: u64 = fnv1a(SITE_CSS.as_bytes());
const FAVICON_HASH: u64 = fnv1a(FAVICON_SVG.as_bytes());

/// A year: the assets' URLs change whenever their content does.
const IMMUTABLE_CACHE: &str = "public, max-age=31536000, immutable";

/// 64-bit FNV-1a; a content fingerprint for cache busting, not a security hash.
const fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        i += 1;
    }
    hash
}

/// The stylesheet's URL, with its content hash as the version.
pub fn css_href() -> String {
    format!("/static/site.css?v={CSS_HASH:016x}")
}

/// The favicon's URL, with its content hash as the version.
pub fn favicon_href() -> String {
    format!("/static/favicon.svg?v={FAVICON_HASH:016x}")
}

pub async fn site_css() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, IMMUTABLE_CACHE),
        ],
        SITE_CSS,
    )
        .into_response()
}

pub async fn favicon() -> Response {
    (
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            (header::CACHE_CONTROL, IMMUTABLE_CACHE),
        ],
        FAVICON_SVG,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_follows_the_content() {
        assert_ne!(fnv1a(b"a { color: red }"), fnv1a(b"a { color: blue }"));
        assert!(css_href().starts_with("/static/site.css?v="));
        assert_eq!(css_href().len(), "/static/site.css?v=".len() + 16);
    }
}
