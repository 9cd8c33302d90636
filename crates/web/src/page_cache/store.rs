//! The cache's storage: rendered pages by request path, least recently used evicted first
//! once their bytes pass the bound.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use hashlink::LruCache;

use super::CacheStats;
use super::entry::CachedPage;

/// A page larger than this share of the bound is not kept (it would evict too much).
const LARGEST_SHARE: usize = 8;

pub(super) struct PageStore {
    max_bytes: usize,
    inner: Mutex<Pages>,
}

struct Pages {
    map: LruCache<String, Arc<CachedPage>>,
    bytes: usize,
    hits: u64,
    misses: u64,
    evictions: u64,
}

fn weight(key: &str, page: &CachedPage) -> usize {
    key.len() + page.weight()
}

impl PageStore {
    pub(super) fn new(max_bytes: usize) -> Self {
        PageStore {
            max_bytes,
            inner: Mutex::new(Pages {
                map: LruCache::new_unbounded(),
                bytes: 0,
                hits: 0,
                misses: 0,
                evictions: 0,
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Pages> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The page under `key` when `fresh` accepts it (counted as a hit, and made the most
    /// recently used); a page `fresh` refuses is dropped and given back as `Err(Some(_))`, so
    /// that a render of the same body can keep its `Last-Modified`.
    pub(super) fn get(
        &self,
        key: &str,
        fresh: impl FnOnce(&CachedPage) -> bool,
    ) -> Result<Arc<CachedPage>, Option<Arc<CachedPage>>> {
        let mut pages = self.lock();
        let found = pages.map.get(key).cloned();
        match found {
            Some(page) if fresh(&page) => {
                pages.hits += 1;
                Ok(page)
            }
            Some(stale) => {
                pages.map.remove(key);
                pages.bytes -= weight(key, &stale);
                pages.misses += 1;
                Err(Some(stale))
            }
            None => {
                pages.misses += 1;
                Err(None)
            }
        }
    }

    /// Keeps `page` under `key`, evicting the least recently used pages beyond the bound.
    pub(super) fn insert(&self, key: String, page: Arc<CachedPage>) {
        let added = weight(&key, &page);
        if added > self.max_bytes / LARGEST_SHARE {
            return;
        }
        let mut pages = self.lock();
        if let Some(old) = pages.map.insert(key.clone(), page) {
            pages.bytes -= weight(&key, &old);
        }
        pages.bytes += added;
        while pages.bytes > self.max_bytes {
            match pages.map.remove_lru() {
                Some((key, old)) => {
                    pages.bytes -= weight(&key, &old);
                    pages.evictions += 1;
                }
                None => break,
            }
        }
    }

    pub(super) fn stats(&self) -> CacheStats {
        let pages = self.lock();
        CacheStats {
            entries: pages.map.len(),
            bytes: pages.bytes,
            max_bytes: self.max_bytes,
            hits: pages.hits,
            misses: pages.misses,
            evictions: pages.evictions,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::page_cache::entry::tests::page_of;

    #[test]
    fn the_bound_evicts_the_least_recently_used() {
        let key = |n: usize| format!("/p{n:02}");
        let one = weight(&key(0), &page_of(1000));
        let store = PageStore::new(one * 3 * LARGEST_SHARE);
        let keep_all = |_: &CachedPage| true;
        for n in 0..3 * LARGEST_SHARE {
            store.insert(key(n), Arc::new(page_of(1000)));
        }
        assert_eq!(store.stats().entries, 3 * LARGEST_SHARE, "all fit");
        assert!(store.get(&key(0), keep_all).is_ok(), "touch the oldest");
        store.insert(key(99), Arc::new(page_of(1000)));
        let stats = store.stats();
        assert_eq!(stats.entries, 3 * LARGEST_SHARE);
        assert!(stats.bytes <= stats.max_bytes, "{stats:?}");
        assert_eq!(stats.evictions, 1);
        assert!(
            store.get(&key(1), keep_all).is_err(),
            "the least recent went"
        );
        assert!(store.get(&key(0), keep_all).is_ok());
        assert!(store.get(&key(99), keep_all).is_ok());
    }

    #[test]
    fn pages_too_large_for_the_bound_are_not_kept() {
        let store = PageStore::new(4000);
        store.insert("/big".into(), Arc::new(page_of(1000)));
        assert_eq!(store.stats().entries, 0);
    }

    #[test]
    fn stale_pages_are_dropped_and_counted_as_misses() {
        let store = PageStore::new(10 * 1024 * 1024);
        store.insert("/a".into(), Arc::new(page_of(100)));
        assert!(
            matches!(store.get("/a", |_| false), Err(Some(_))),
            "the stale page is given back once"
        );
        let stats = store.stats();
        assert_eq!((stats.entries, stats.bytes, stats.misses), (0, 0, 1));
        assert!(matches!(store.get("/a", |_| true), Err(None)), "gone");
    }
}
