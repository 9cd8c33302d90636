//! The `[cache]` configuration: the web processes' rendered-page cache (its size bound, how
//! long a page is served unchanged, how fresh the database's version stamps must be) and
//! the `Cache-Control` lifetimes offered to CDNs and reverse proxies.

use std::time::Duration;

use serde::{Deserialize, Serialize};
use tidings_web::page_cache::CacheSettings;

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct CacheConfig {
    pub enabled: bool,
    /// The most memory the cached pages take, in MiB.
    pub max_mib: u64,
    /// The longest a cached page is served before it is rendered again, in seconds.
    pub max_age_secs: u64,
    /// How old a read of the version stamps a request may use, in milliseconds; 0 reads
    /// them for every request (shared by concurrent requests), so every change is seen by
    /// the next request.
    pub stamp_tolerance_ms: u64,
    /// `s-maxage` on anonymous pages, in seconds.
    pub shared_max_age_secs: u32,
    /// `stale-while-revalidate` on anonymous pages, in seconds.
    pub stale_while_revalidate_secs: u32,
}

impl Default for CacheConfig {
    fn default() -> Self {
        let settings = CacheSettings::default();
        CacheConfig {
            enabled: settings.enabled,
            max_mib: (settings.max_bytes / (1024 * 1024)) as u64,
            max_age_secs: settings.max_age.as_secs(),
            stamp_tolerance_ms: settings.stamp_tolerance.as_millis() as u64,
            shared_max_age_secs: settings.shared_max_age_secs,
            stale_while_revalidate_secs: settings.stale_while_revalidate_secs,
        }
    }
}

impl CacheConfig {
    /// Refuses values that cannot work, naming the setting.
    pub fn validate(&self) -> Result<(), String> {
        if self.enabled && self.max_mib == 0 {
            return Err("cache.max_mib must be at least 1 (or set cache.enabled = false)".into());
        }
        if self.max_mib > 1024 * 1024 {
            return Err(format!(
                "cache.max_mib = {} is more than a TiB",
                self.max_mib
            ));
        }
        if self.max_age_secs == 0 || self.max_age_secs > 24 * 3600 {
            return Err("cache.max_age_secs must be from 1 to 86400".into());
        }
        if self.stamp_tolerance_ms > 60_000 {
            return Err("cache.stamp_tolerance_ms must be at most 60000".into());
        }
        Ok(())
    }

    pub fn settings(&self) -> CacheSettings {
        CacheSettings {
            enabled: self.enabled,
            max_bytes: usize::try_from(self.max_mib.saturating_mul(1024 * 1024))
                .unwrap_or(usize::MAX),
            max_age: Duration::from_secs(self.max_age_secs),
            stamp_tolerance: Duration::from_millis(self.stamp_tolerance_ms),
            shared_max_age_secs: self.shared_max_age_secs,
            stale_while_revalidate_secs: self.stale_while_revalidate_secs,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_bad_values_are_named() {
        assert!(CacheConfig::default().validate().is_ok());
        let zero = CacheConfig {
            max_mib: 0,
            ..CacheConfig::default()
        };
        assert!(
            zero.validate()
                .expect_err("refused")
                .contains("cache.max_mib")
        );
        let slow = CacheConfig {
            stamp_tolerance_ms: 120_000,
            ..CacheConfig::default()
        };
        assert!(
            slow.validate()
                .expect_err("refused")
                .contains("stamp_tolerance_ms")
        );
        assert_eq!(
            CacheConfig::default().settings().max_bytes,
            64 * 1024 * 1024
        );
    }
}
