//! Tidings' web site: server-rendered pages (home, article, publisher, tag, search), the
//! JSON API, the embedded assets, feeds out ([`feeds_out`]) and the sitemaps, all read through core's [`Storage`] trait, with the
//! rendered-page cache in front of them ([`page_cache`]), and `/metrics` ([`metrics`]).
//!
//! Build the app with [`router`] and serve it with axum; tests drive the same router
//! in-process.

pub mod admin;
pub mod ai;
mod api;
mod article_body;
mod article_json_ld;
mod article_page;
mod assets;
mod body_images;
mod client_address;
mod error;
pub mod feeds_out;
mod follows;
mod header_limit;
mod lead_images;
pub mod metrics;
pub mod page_cache;
mod pages;
mod pwa;
pub mod readers;
mod relative_time;
mod router;
mod sitemaps;
mod stories;
mod story_timeline;
mod throttle;
mod views;

use std::sync::Arc;

use tidings_core::Storage;

pub use client_address::{ClientIp, client_address};
pub use error::{ApiError, ErrorPage, WebError, WebResult};
pub use header_limit::MAX_REQUEST_HEADER_BYTES;
pub use relative_time::relative_time;
pub use router::{metrics_router, router};

/// Site-wide settings the pages need.
#[derive(Debug, Clone)]
pub struct SiteConfig {
    /// The site's name in the header and page titles ("Tidings").
    pub title: String,
    /// Where the site is reachable, for absolute links (canonical URLs, Open Graph).
    pub base_url: Option<url::Url>,
}

impl Default for SiteConfig {
    fn default() -> Self {
        SiteConfig {
            title: "Tidings".to_owned(),
            base_url: None,
        }
    }
}

impl SiteConfig {
    /// The absolute URL of a path on this site, when the base URL is known.
    pub fn absolute_url(&self, path: &str) -> Option<String> {
        let mut base = self.base_url.clone()?;
        if !base.path().ends_with('/') {
            let with_slash = format!("{}/", base.path());
            base.set_path(&with_slash);
        }
        base.join(path.trim_start_matches('/'))
            .ok()
            .map(|u| u.to_string())
    }
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub storage: Arc<dyn Storage>,
    pub site: SiteConfig,
    /// Reader accounts and comments: settings, secret and throttles.
    pub accounts: readers::AccountSettings,
    /// The AI panel's assistant (offline unless a model is configured) and question limit.
    pub ai: ai::AiServices,
    /// Rendered pages, shared by this process's handlers.
    pub cache: page_cache::PageCache,
    /// The operator's console's link to the fetcher, configuration and AI endpoint.
    pub admin: admin::AdminServices,
    /// This process's metrics and who may read them (`/metrics`).
    pub metrics: metrics::SiteMetrics,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absolute_urls_respect_a_base_path() {
        let site = SiteConfig {
            title: "T".into(),
            base_url: Some(url::Url::parse("https://news.example/sub/").expect("url")),
        };
        assert_eq!(
            site.absolute_url("/tag/rust").as_deref(),
            Some("https://news.example/sub/tag/rust")
        );
        let no_slash = SiteConfig {
            title: "T".into(),
            base_url: Some(url::Url::parse("https://news.example/sub").expect("url")),
        };
        assert_eq!(
            no_slash.absolute_url("/").as_deref(),
            Some("https://news.example/sub/")
        );
        assert_eq!(SiteConfig::default().absolute_url("/"), None);
    }
}
