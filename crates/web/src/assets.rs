//! The embedded static assets (stylesheet, favicon, the site's and the AI panel's scripts), fingerprinted by
//! a hash of their bytes computed at compile time: pages link `/static/site.<hash>.css`,
//! which is cached for a year (`immutable`) and changes name whenever its content does.

use axum::extract::Path;
use axum::http::header;
use axum::response::{IntoResponse, Response};

use crate::error::WebError;

/// The site's one stylesheet.
pub const SITE_CSS: &str = include_str!("../static/site.css");
/// The favicon, a small SVG.
pub const FAVICON_SVG: &str = include_str!("../static/favicon.svg");
/// The AI panel's script.
pub const AI_JS: &str = include_str!("../static/ai.js");
/// The site's script on every page: keyboard shortcuts, the service worker's registration.
pub const SITE_JS: &str = include_str!("../static/site.js");

/// A year: fingerprinted URLs change whenever their content does.
const IMMUTABLE_CACHE: &str = "public, max-age=31536000, immutable";
/// Unfingerprinted (or outdated) names are cached briefly.
const SHORT_CACHE: &str = "public, max-age=300";

/// One embedded asset.
struct Asset {
    /// The name before the fingerprint ("site" of `site.css`).
    stem: &'static str,
    /// The extension without the dot.
    extension: &'static str,
    content_type: &'static str,
    body: &'static str,
    hash: u64,
}

const ASSETS: [Asset; 4] = [
    Asset {
        stem: "site",
        extension: "css",
        content_type: "text/css; charset=utf-8",
        body: SITE_CSS,
        hash: fnv1a(SITE_CSS.as_bytes()),
    },
    Asset {
        stem: "favicon",
        extension: "svg",
        content_type: "image/svg+xml",
        body: FAVICON_SVG,
        hash: fnv1a(FAVICON_SVG.as_bytes()),
    },
    Asset {
        stem: "ai",
        extension: "js",
        content_type: "text/javascript; charset=utf-8",
        body: AI_JS,
        hash: fnv1a(AI_JS.as_bytes()),
    },
    Asset {
        stem: "site",
        extension: "js",
        content_type: "text/javascript; charset=utf-8",
        body: SITE_JS,
        hash: fnv1a(SITE_JS.as_bytes()),
    },
];

/// 64-bit FNV-1a; a content fingerprint for cache busting, not a security hash.
pub(crate) const fn fnv1a(bytes: &[u8]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < bytes.len() {
        hash ^= bytes[i] as u64;
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        i += 1;
    }
    hash
}

impl Asset {
    fn href(&self) -> String {
        format!(
            "/static/{}.{:016x}.{}",
            self.stem, self.hash, self.extension
        )
    }
}

/// The stylesheet's fingerprinted URL.
pub fn css_href() -> String {
    ASSETS[0].href()
}

/// The favicon's fingerprinted URL.
pub fn favicon_href() -> String {
    ASSETS[1].href()
}

/// The AI panel script's fingerprinted URL.
pub fn ai_js_href() -> String {
    ASSETS[2].href()
}

/// The site script's fingerprinted URL.
pub fn site_js_href() -> String {
    ASSETS[3].href()
}

/// The asset a file name asks for and whether it carries the current fingerprint:
/// `site.<hash>.css` (current or not) or the plain `site.css`.
fn lookup(file: &str) -> Option<(&'static Asset, bool)> {
    let (rest, extension) = file.rsplit_once('.')?;
    let (stem, hash) = match rest.split_once('.') {
        Some((stem, hash)) => (stem, Some(hash)),
        None => (rest, None),
    };
    let asset = ASSETS
        .iter()
        .find(|a| a.stem == stem && a.extension == extension)?;
    let current = hash.is_some_and(|h| h == format!("{:016x}", asset.hash));
    Some((asset, current))
}

/// `GET /static/{file}`: a fingerprinted name is cached for a year; the plain name (and an
/// outdated fingerprint, during a deploy) for five minutes.
pub async fn asset(Path(file): Path<String>) -> Response {
    let Some((asset, current)) = lookup(&file) else {
        return WebError::NotFound(format!("Static file {file:?}")).into_response();
    };
    let cache = if current {
        IMMUTABLE_CACHE
    } else {
        SHORT_CACHE
    };
    (
        [
            (header::CONTENT_TYPE, asset.content_type),
            (header::CACHE_CONTROL, cache),
        ],
        asset.body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fingerprint_follows_the_content() {
        assert_ne!(fnv1a(b"a { color: red }"), fnv1a(b"a { color: blue }"));
        let href = css_href();
        assert!(
            href.starts_with("/static/site.") && href.ends_with(".css"),
            "{href}"
        );
        assert_eq!(href.len(), "/static/site..css".len() + 16);
        assert!(ai_js_href().starts_with("/static/ai.") && ai_js_href().ends_with(".js"));
    }

    #[test]
    fn names_are_looked_up_with_or_without_the_current_fingerprint() {
        let current = ai_js_href();
        let file = current.trim_start_matches("/static/");
        assert!(matches!(lookup(file), Some((a, true)) if a.stem == "ai"));
        assert!(matches!(lookup("ai.js"), Some((a, false)) if a.stem == "ai"));
        assert!(matches!(lookup("ai.0000000000000000.js"), Some((_, false))));
        assert!(lookup("ai.css").is_none());
        let site_js = site_js_href();
        let file = site_js.trim_start_matches("/static/");
        assert!(matches!(lookup(file), Some((a, true)) if a.extension == "js" && a.stem == "site"));
        assert!(matches!(lookup("site.css"), Some((a, false)) if a.extension == "css"));
        assert!(lookup("secret.txt").is_none());
        assert!(lookup("..").is_none());
    }
}
