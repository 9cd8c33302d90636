//! The rendered-page cache: anonymous readers' pages (article, home, story, tag, source,
//! search, briefing) and public API answers, kept rendered and compressed once (gzip and
//! brotli), bounded in bytes and evicting the least recently used.
//!
//! A page is served from the cache only while the database's version stamps
//! ([`tidings_core::CacheStamps`], bumped by triggers in the same transaction as every change
//! a page shows) are those it was rendered under, so a change made by any process is seen by
//! the next request to every web process. Signed-in readers get the same cached article page
//! with their Comments section rendered for them and spliced in. The HTTP side (ETag,
//! Last-Modified, 304, Cache-Control, Vary) is in [`http`]; which requests may be cached is
//! decided in [`layer`].

mod entry;
mod http;
mod layer;
mod personal;
mod stamps;
mod store;

use std::sync::Arc;
use std::time::Duration;

pub use layer::serve_cached;

use stamps::StampReader;
use store::PageStore;

/// How the page cache behaves (`[cache]` in the configuration).
#[derive(Debug, Clone)]
pub struct CacheSettings {
    /// Whether pages are cached at all.
    pub enabled: bool,
    /// The most bytes the cached pages (all their encodings) take.
    pub max_bytes: usize,
    /// The longest a page is served unchanged, so relative times ("5 minutes ago") stay
    /// close to true.
    pub max_age: Duration,
    /// How old a read of the version stamps may be when a request uses it. Zero (the
    /// default) reads them for every request (concurrent requests share one read that started
    /// after they arrived), so no request sees a page older than the last committed change.
    pub stamp_tolerance: Duration,
    /// `s-maxage` for shared caches (CDNs, reverse proxies) on anonymous pages, in seconds.
    pub shared_max_age_secs: u32,
    /// `stale-while-revalidate` on anonymous pages, in seconds.
    pub stale_while_revalidate_secs: u32,
}

impl Default for CacheSettings {
    fn default() -> Self {
        CacheSettings {
            enabled: true,
            max_bytes: 64 * 1024 * 1024,
            max_age: Duration::from_secs(60),
            stamp_tolerance: Duration::ZERO,
            shared_max_age_secs: 10,
            stale_while_revalidate_secs: 30,
        }
    }
}

/// What the cache holds and how it has been used, since the process started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CacheStats {
    pub entries: usize,
    /// Bytes taken by the entries (all encodings, keys and bookkeeping).
    pub bytes: usize,
    pub max_bytes: usize,
    pub hits: u64,
    pub misses: u64,
    pub evictions: u64,
}

impl CacheStats {
    /// Hits over lookups, 0 when there were none.
    pub fn hit_rate(&self) -> f64 {
        let lookups = self.hits + self.misses;
        if lookups == 0 {
            0.0
        } else {
            self.hits as f64 / lookups as f64
        }
    }
}

/// The page cache one web process shares between its handlers (cheap to clone).
#[derive(Clone)]
pub struct PageCache {
    inner: Arc<Inner>,
}

struct Inner {
    settings: CacheSettings,
    store: PageStore,
    stamps: Arc<StampReader>,
}

impl Default for PageCache {
    fn default() -> Self {
        PageCache::new(CacheSettings::default())
    }
}

impl PageCache {
    pub fn new(settings: CacheSettings) -> Self {
        PageCache {
            inner: Arc::new(Inner {
                store: PageStore::new(settings.max_bytes),
                stamps: Arc::new(StampReader::new(settings.stamp_tolerance)),
                settings,
            }),
        }
    }

    /// A cache that stores nothing (every request renders its page).
    pub fn disabled() -> Self {
        PageCache::new(CacheSettings {
            enabled: false,
            ..CacheSettings::default()
        })
    }

    pub fn settings(&self) -> &CacheSettings {
        &self.inner.settings
    }

    pub fn stats(&self) -> CacheStats {
        self.inner.store.stats()
    }

    fn store(&self) -> &PageStore {
        &self.inner.store
    }

    fn stamps(&self) -> &Arc<StampReader> {
        &self.inner.stamps
    }
}

impl std::fmt::Debug for PageCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PageCache")
            .field("settings", &self.inner.settings)
            .field("stats", &self.stats())
            .finish()
    }
}
