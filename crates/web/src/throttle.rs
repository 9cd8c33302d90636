//! Sliding-window throttles kept in the database, so that every web process of a site counts
//! the same events: at most `limit` events per key within `window`. Used for failed sign-ins,
//! registrations, posting and questions to the AI panel, per account and per address.

use std::time::Duration;

use chrono::Utc;
use tidings_core::{Storage, StorageResult};

#[derive(Debug, Clone, Copy)]
pub struct Throttle {
    /// Keeps one throttle's keys apart from another's ("signin-ip", "posts-user"…).
    scope: &'static str,
    limit: u32,
    window: Duration,
}

impl Throttle {
    pub const fn new(scope: &'static str, limit: u32, window: Duration) -> Self {
        Throttle {
            scope,
            limit,
            window,
        }
    }

    fn key(&self, key: &str) -> String {
        format!("{}:{key}", self.scope)
    }

    /// How long until `key` may act again; `None` when it may act now.
    pub async fn wait_for(
        &self,
        storage: &dyn Storage,
        key: &str,
    ) -> StorageResult<Option<Duration>> {
        let (count, oldest) = storage.throttle_events(&self.key(key), self.window).await?;
        if count < self.limit {
            return Ok(None);
        }
        let age = oldest
            .and_then(|at| (Utc::now() - at).to_std().ok())
            .unwrap_or_default();
        Ok(Some(
            self.window.saturating_sub(age).max(Duration::from_secs(1)),
        ))
    }

    /// How many events `key` has in the window.
    pub async fn count(&self, storage: &dyn Storage, key: &str) -> StorageResult<u32> {
        let (count, _) = storage.throttle_events(&self.key(key), self.window).await?;
        Ok(count)
    }

    /// Counts one event for `key`.
    pub async fn record(&self, storage: &dyn Storage, key: &str) -> StorageResult<()> {
        storage
            .record_throttle_event(&self.key(key), self.window)
            .await
    }

    /// Checks and, when allowed, counts one event: `Err(wait)` when over the limit.
    pub async fn try_acquire(
        &self,
        storage: &dyn Storage,
        key: &str,
    ) -> StorageResult<Result<(), Duration>> {
        if let Some(wait) = self.wait_for(storage, key).await? {
            return Ok(Err(wait));
        }
        self.record(storage, key).await?;
        Ok(Ok(()))
    }

    /// Forgets `key` (a successful sign-in clears its failures).
    pub async fn clear(&self, storage: &dyn Storage, key: &str) -> StorageResult<()> {
        storage.clear_throttle(&self.key(key)).await
    }
}

/// "3 minutes", "1 minute" — a wait rounded up to whole minutes.
pub fn minutes_text(wait: Duration) -> String {
    let minutes = wait.as_secs().div_ceil(60).max(1);
    if minutes == 1 {
        "1 minute".to_owned()
    } else {
        format!("{minutes} minutes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tidings_storage::SqliteStorage;

    #[tokio::test]
    async fn the_limit_applies_per_key_and_scope_and_clears() {
        let storage = SqliteStorage::open_in_memory().await.expect("storage");
        let throttle = Throttle::new("t", 2, Duration::from_secs(60));
        let other = Throttle::new("u", 2, Duration::from_secs(60));
        assert!(
            throttle
                .try_acquire(&storage, "a")
                .await
                .expect("db")
                .is_ok()
        );
        assert!(
            throttle
                .try_acquire(&storage, "a")
                .await
                .expect("db")
                .is_ok()
        );
        let wait = throttle
            .try_acquire(&storage, "a")
            .await
            .expect("db")
            .expect_err("third refused");
        assert!(
            wait <= Duration::from_secs(60) && wait >= Duration::from_secs(50),
            "{wait:?}"
        );
        assert!(
            throttle
                .try_acquire(&storage, "b")
                .await
                .expect("db")
                .is_ok(),
            "other keys unaffected"
        );
        assert!(
            other.try_acquire(&storage, "a").await.expect("db").is_ok(),
            "other scopes unaffected"
        );
        throttle.clear(&storage, "a").await.expect("clear");
        assert!(
            throttle
                .try_acquire(&storage, "a")
                .await
                .expect("db")
                .is_ok()
        );
    }

    #[tokio::test]
    async fn events_expire_after_the_window() {
        let storage = SqliteStorage::open_in_memory().await.expect("storage");
        let throttle = Throttle::new("t", 1, Duration::from_millis(50));
        throttle.record(&storage, "k").await.expect("record");
        assert!(
            throttle
                .wait_for(&storage, "k")
                .await
                .expect("db")
                .is_some()
        );
        tokio::time::sleep(Duration::from_millis(80)).await;
        assert!(
            throttle
                .wait_for(&storage, "k")
                .await
                .expect("db")
                .is_none()
        );
    }

    #[test]
    fn waits_read_in_minutes() {
        assert_eq!(minutes_text(Duration::from_secs(1)), "1 minute");
        assert_eq!(minutes_text(Duration::from_secs(61)), "2 minutes");
    }
}
