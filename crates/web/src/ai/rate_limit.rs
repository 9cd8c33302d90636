//! How many questions one client address may put to the AI panel: a burst of eight, then
//! about one every six seconds, counted in the database so every web process agrees.

use std::net::IpAddr;
use std::time::Duration;

use tidings_core::{Storage, StorageResult};

use crate::throttle::Throttle;

/// Questions a client may ask at once.
const BURST: u32 = 8;
/// The window the burst is counted over: one question per six seconds on average.
const WINDOW: Duration = Duration::from_secs(6 * BURST as u64);

/// The per-address question limit.
#[derive(Debug, Clone, Copy)]
pub struct QuestionLimiter {
    throttle: Throttle,
}

impl Default for QuestionLimiter {
    fn default() -> Self {
        QuestionLimiter {
            throttle: Throttle::new("ai-questions", BURST, WINDOW),
        }
    }
}

impl QuestionLimiter {
    /// Counts one question for `client`; false when the client must wait.
    pub async fn allow(&self, storage: &dyn Storage, client: IpAddr) -> StorageResult<bool> {
        Ok(self
            .throttle
            .try_acquire(storage, &client.to_string())
            .await?
            .is_ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tidings_storage::SqliteStorage;

    #[tokio::test]
    async fn a_burst_per_client_then_refusal() {
        let storage = SqliteStorage::open_in_memory().await.expect("storage");
        let limiter = QuestionLimiter::default();
        let one: IpAddr = [10, 0, 0, 1].into();
        let two: IpAddr = [10, 0, 0, 2].into();
        for _ in 0..BURST {
            assert!(limiter.allow(&storage, one).await.expect("db"));
        }
        assert!(
            !limiter.allow(&storage, one).await.expect("db"),
            "the burst is spent"
        );
        assert!(
            limiter.allow(&storage, two).await.expect("db"),
            "other clients unaffected"
        );
    }
}
