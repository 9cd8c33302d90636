//! The runtime's settings: ingestion, the job worker and leadership, and article extraction.
//! The `tidings` CLI loads them as sections of its configuration file.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use tidings_core::RepublishPolicy;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct IngestConfig {
    /// Whether `serve` polls feeds in the background.
    pub enabled: bool,
    /// Poll interval for feeds added without one, in minutes.
    pub default_interval_minutes: u32,
    /// Longest wait after repeated failures, in minutes.
    pub max_backoff_minutes: u32,
    /// Feeds polled at the same time.
    pub concurrent_feeds: usize,
    /// Article pages fetched at the same time within one feed.
    pub concurrent_pages: usize,
    /// Requests in flight to one host at a time.
    pub per_host_concurrency: usize,
    pub connect_timeout_secs: u64,
    pub total_timeout_secs: u64,
    pub max_body_mib: u64,
    pub max_redirects: u32,
    pub user_agent: String,
    /// Fetch article pages only where the publisher's robots.txt allows it.
    pub respect_robots: bool,
    /// Republishing policy for feeds added by hand: "full" or "excerpt".
    pub default_policy: RepublishPolicy,
    /// Days the fetched page of each article is kept (compressed) for `tidings reextract`;
    /// 0 keeps none.
    pub raw_page_retention_days: u32,
}

/// How worker processes run jobs and hold leadership.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct WorkerConfig {
    /// Seconds a job's lease lasts; a running job renews it every third of that, so only a
    /// crashed worker's job waits this long before another worker takes it.
    pub lease_secs: u64,
    /// Attempts before a failing job is given up and kept as dead.
    pub max_attempts: u32,
    /// Seconds a role (scheduler, stories) outlives a crashed holder on SQLite; PostgreSQL
    /// frees it as soon as the holder's connection ends.
    pub leader_ttl_secs: u64,
}

impl Default for WorkerConfig {
    fn default() -> Self {
        WorkerConfig {
            lease_secs: 60,
            max_attempts: 5,
            leader_ttl_secs: 15,
        }
    }
}

impl WorkerConfig {
    pub fn lease(&self) -> Duration {
        Duration::from_secs(self.lease_secs)
    }

    pub fn leader_ttl(&self) -> Duration {
        Duration::from_secs(self.leader_ttl_secs)
    }
}

/// Article extraction settings: per-site rules for the odd site the general algorithm gets
/// wrong (none are needed by default).
#[derive(Debug, Clone, Default, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ExtractConfig {
    pub site_rules: Vec<crate::site_rules::SiteRule>,
}

impl Default for IngestConfig {
    fn default() -> Self {
        IngestConfig {
            enabled: true,
            default_interval_minutes: 15,
            max_backoff_minutes: 24 * 60,
            concurrent_feeds: 8,
            concurrent_pages: 4,
            per_host_concurrency: 2,
            connect_timeout_secs: 10,
            total_timeout_secs: 30,
            max_body_mib: 10,
            max_redirects: 5,
            user_agent: concat!("Tidings/", env!("CARGO_PKG_VERSION"), " (news aggregator)")
                .to_string(),
            respect_robots: true,
            default_policy: RepublishPolicy::Excerpt,
            raw_page_retention_days: 30,
        }
    }
}

impl IngestConfig {
    pub fn default_interval(&self) -> Duration {
        Duration::from_secs(u64::from(self.default_interval_minutes) * 60)
    }

    pub fn max_backoff(&self) -> Duration {
        Duration::from_secs(u64::from(self.max_backoff_minutes) * 60)
    }
}
