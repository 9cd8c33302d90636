//! The absolute URLs feeds and sitemaps need: under `server.base_url` when it is set, else
//! under the `Host` the request names (checked to be a bare host and port), else
//! `http://localhost/`.
//!
//! Without a base URL such a body depends on the `Host` header, so the page cache keys it by
//! host too ([`request_host`]): one client's `Host` never reaches another's answer.

use axum::http::{HeaderMap, header};
use url::Url;

use crate::SiteConfig;

/// The longest `Host` value read.
const MAX_HOST_LEN: usize = 255;

/// Where this site's absolute links start.
#[derive(Debug, Clone)]
pub struct SiteBase {
    /// Always ends in `/`; `None` only if no base could be parsed (links stay root-relative).
    base: Option<Url>,
}

impl SiteBase {
    /// The site's base URL, else one made from the request's `Host`, else localhost.
    pub fn new(site: &SiteConfig, headers: &HeaderMap) -> Self {
        let host = request_host(headers).unwrap_or("localhost");
        let mut base = site
            .base_url
            .clone()
            .or_else(|| Url::parse(&format!("http://{host}/")).ok())
            .or_else(|| Url::parse("http://localhost/").ok());
        if let Some(base) = base.as_mut()
            && !base.path().ends_with('/')
        {
            let with_slash = format!("{}/", base.path());
            base.set_path(&with_slash);
        }
        SiteBase { base }
    }

    /// The absolute URL of `path` (with any query) on this site.
    pub fn url(&self, path: &str) -> String {
        self.base
            .as_ref()
            .and_then(|base| base.join(path.trim_start_matches('/')).ok())
            .map_or_else(|| path.to_owned(), |u| u.to_string())
    }
}

/// The request's `Host` when it is a plain host name or address with an optional port.
pub fn request_host(headers: &HeaderMap) -> Option<&str> {
    let host = headers.get(header::HOST)?.to_str().ok()?.trim();
    let plain = !host.is_empty()
        && host.len() <= MAX_HOST_LEN
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'));
    plain.then_some(host)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn with_host(host: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::HOST, HeaderValue::from_str(host).expect("header"));
        headers
    }

    #[test]
    fn the_configured_base_wins_over_the_host() {
        let site = SiteConfig {
            title: "T".into(),
            base_url: Some(Url::parse("https://news.example/sub").expect("url")),
        };
        let base = SiteBase::new(&site, &with_host("evil.example"));
        assert_eq!(base.url("/tag/rust"), "https://news.example/sub/tag/rust");
        assert_eq!(
            base.url("/search/feed.atom?q=a+b"),
            "https://news.example/sub/search/feed.atom?q=a+b"
        );
    }

    #[test]
    fn without_a_base_only_a_plain_host_is_used() {
        let site = SiteConfig::default();
        assert_eq!(
            SiteBase::new(&site, &with_host("127.0.0.1:8080")).url("/feed.atom"),
            "http://127.0.0.1:8080/feed.atom"
        );
        for bad in ["evil.example/path", "a@b", "x y", "", "a:b:c"] {
            assert_eq!(
                SiteBase::new(&site, &with_host(bad)).url("/"),
                "http://localhost/",
                "{bad:?}"
            );
        }
        assert_eq!(
            SiteBase::new(&site, &HeaderMap::new()).url("/"),
            "http://localhost/"
        );
    }
}
