//! `/metrics` in the Prometheus text format (version 0.0.4), for loopback clients and for
//! holders of the configured bearer token (`server.metrics_token`); anyone else gets 403.
//!
//! What is exported and where it is counted:
//! - this process's HTTP requests by route (axum's matched route, never the raw path) and
//!   status, with their durations ([`http`], a layer in front of every route);
//! - the page cache's hits, misses and hit ratio, read from [`PageCache::stats`] at scrape
//!   time;
//! - the background work's counters (polls, fetches, articles stored, extraction fallbacks,
//!   story placement lag), registered by `tidings-worker` in registries handed to
//!   [`SiteMetrics::new`];
//! - figures every process reads alike from storage at scrape time: jobs by state, articles,
//!   articles waiting for story placement, feeds, failing feeds, the database's size
//!   ([`scrape`]).
//!
//! Counters are per process; storage-derived gauges are the same in every process.
//!
//! [`PageCache::stats`]: crate::page_cache::PageCache::stats

mod http;
mod scrape;

use std::sync::Arc;

use prometheus_client::registry::Registry;
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;

pub use http::count_requests;
pub use scrape::scrape;

use http::HttpMetrics;

/// The bearer token that opens `/metrics` to clients beyond loopback; empty for none. Never
/// shown by `Debug`, and compared in constant time.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct MetricsToken(String);

impl MetricsToken {
    pub fn new(token: impl Into<String>) -> Self {
        MetricsToken(token.into())
    }

    pub fn is_set(&self) -> bool {
        !self.0.is_empty()
    }

    /// Whether `offered` is this token (never when no token is set).
    pub fn matches(&self, offered: &str) -> bool {
        self.is_set() && bool::from(self.0.as_bytes().ct_eq(offered.as_bytes()))
    }
}

impl std::fmt::Debug for MetricsToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let shown = if self.is_set() { "***" } else { "" };
        f.debug_tuple("MetricsToken").field(&shown).finish()
    }
}

/// This process's metrics and who may read them (cheap to clone).
#[derive(Clone, Debug)]
pub struct SiteMetrics {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    http: HttpMetrics,
    /// The web layer's own registry (the HTTP metrics).
    own: Registry,
    /// Registries of the other parts of the process (the background work's).
    others: Vec<Arc<Registry>>,
    token: MetricsToken,
}

impl Default for SiteMetrics {
    /// Loopback clients only, and only the web layer's own metrics.
    fn default() -> Self {
        SiteMetrics::new(MetricsToken::default(), Vec::new())
    }
}

impl SiteMetrics {
    /// The metrics of a process whose other parts registered theirs in `others`; `token`
    /// opens `/metrics` to clients beyond loopback.
    pub fn new(token: MetricsToken, others: Vec<Arc<Registry>>) -> Self {
        let http = HttpMetrics::default();
        let mut own = Registry::with_prefix(crate::metrics::scrape::PREFIX);
        http.register(&mut own);
        SiteMetrics {
            inner: Arc::new(Inner {
                http,
                own,
                others,
                token,
            }),
        }
    }

    fn http(&self) -> &HttpMetrics {
        &self.inner.http
    }

    fn registries(&self) -> impl Iterator<Item = &Registry> {
        std::iter::once(&self.inner.own).chain(self.inner.others.iter().map(|r| r.as_ref()))
    }

    fn token(&self) -> &MetricsToken {
        &self.inner.token
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_match_only_themselves_and_stay_out_of_debug_output() {
        let token = MetricsToken::new("s3cret-token");
        assert!(token.matches("s3cret-token"));
        assert!(!token.matches("s3cret-toke"));
        assert!(!token.matches(""));
        assert!(!MetricsToken::default().matches(""));
        assert!(!format!("{token:?}").contains("s3cret"));
    }
}
