//! The per-host request limit across processes: a [`HostGate`] over the database's host
//! slots, so every worker sharing the database together keeps to
//! `ingest.per_host_concurrency` requests in flight per host.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use tidings_core::Storage;
use tidings_ingest::{HostGate, HostPass};
use tokio::sync::Notify;

/// A slot outlives the request timeout by this much, so a live holder always frees it first
/// and a crashed holder's slot comes free soon after.
const HOLD_MARGIN: Duration = Duration::from_secs(5);
/// First and longest pause between tries while every slot is taken (a slot this process
/// frees ends the pause at once).
const FIRST_PAUSE: Duration = Duration::from_millis(20);
const LONGEST_PAUSE: Duration = Duration::from_millis(250);

/// Host slots in the shared database.
pub struct SharedHostSlots {
    storage: Arc<dyn Storage>,
    slots: u32,
    hold: Duration,
    holder: String,
    /// Woken whenever this process frees a slot, so its own waiters need not sleep out their
    /// pause; slots freed by other processes are seen at the next try.
    freed: Arc<Notify>,
    first_pause: Duration,
    longest_pause: Duration,
}

impl SharedHostSlots {
    /// `slots` requests at a time per host; `request_timeout` is the longest a request may
    /// take (every redirect hop and the body).
    pub fn new(storage: Arc<dyn Storage>, slots: usize, request_timeout: Duration) -> Self {
        SharedHostSlots {
            storage,
            slots: u32::try_from(slots).unwrap_or(u32::MAX).max(1),
            hold: request_timeout + HOLD_MARGIN,
            holder: crate::leadership::process_identity(),
            freed: Arc::new(Notify::new()),
            first_pause: FIRST_PAUSE,
            longest_pause: LONGEST_PAUSE,
        }
    }

    #[cfg(test)]
    fn with_pauses(mut self, first: Duration, longest: Duration) -> Self {
        self.first_pause = first;
        self.longest_pause = longest;
        self
    }

    async fn take(&self, host: &str) -> Result<HostPass, String> {
        let started = Instant::now();
        // Every slot comes free within `hold` (a crashed holder's expires), so waiting much
        // longer than that means the host is swamped by other processes: give up.
        let give_up_after = self.hold * 2;
        let mut pause = self.first_pause;
        loop {
            // Registered before trying, so a slot freed between the try and the pause counts.
            let freed = self.freed.notified();
            tokio::pin!(freed);
            freed.as_mut().enable();
            let taken = self
                .storage
                .try_take_host_slot(host, self.slots, &self.holder, self.hold)
                .await
                .map_err(|e| e.to_string())?;
            if let Some(token) = taken {
                return Ok(HostPass::new(HeldSlot {
                    storage: Arc::clone(&self.storage),
                    host: host.to_string(),
                    token,
                    freed: Arc::clone(&self.freed),
                }));
            }
            if started.elapsed() >= give_up_after {
                return Err(format!(
                    "all {} slots stayed taken for {} s",
                    self.slots,
                    give_up_after.as_secs()
                ));
            }
            tokio::select! {
                () = tokio::time::sleep(pause + jitter(pause)) => {}
                () = &mut freed => {}
            }
            pause = (pause * 2).min(self.longest_pause);
        }
    }
}

impl HostGate for SharedHostSlots {
    fn enter<'a>(&'a self, host: &'a str) -> BoxFuture<'a, Result<HostPass, String>> {
        Box::pin(self.take(host))
    }
}

/// Up to half of `pause` more, so waiting processes do not retry in step.
fn jitter(pause: Duration) -> Duration {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let half = pause.as_nanos().max(2) / 2;
    Duration::from_nanos(u64::try_from(u128::from(nanos) % half).unwrap_or(0))
}

/// A taken slot; dropping it frees the slot in the background (or it expires).
struct HeldSlot {
    storage: Arc<dyn Storage>,
    host: String,
    token: String,
    freed: Arc<Notify>,
}

impl Drop for HeldSlot {
    fn drop(&mut self) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let storage = Arc::clone(&self.storage);
        let host = std::mem::take(&mut self.host);
        let token = std::mem::take(&mut self.token);
        let freed = Arc::clone(&self.freed);
        runtime.spawn(async move {
            if let Err(e) = storage.release_host_slot(&host, &token).await {
                tracing::warn!(%host, error = %e, "could not free a request slot; it will expire");
            }
            freed.notify_waiters();
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tidings_storage::SqliteStorage;

    #[tokio::test]
    async fn slots_are_shared_through_the_database_and_freed_on_drop() {
        let storage: Arc<dyn Storage> =
            Arc::new(SqliteStorage::open_in_memory().await.expect("db"));
        let slots = SharedHostSlots::new(Arc::clone(&storage), 1, Duration::from_secs(10));
        let other = SharedHostSlots::new(Arc::clone(&storage), 1, Duration::from_secs(10));
        let pass = slots.enter("news.example").await.expect("free slot");
        // The other gate (another process) waits while the one slot is taken …
        let waiting = tokio::spawn(async move { other.enter("news.example").await.map(|_| ()) });
        tokio::time::sleep(Duration::from_millis(200)).await;
        assert!(!waiting.is_finished(), "the slot is taken");
        // … a different host is not limited by it …
        slots.enter("other.example").await.expect("another host");
        // … and gets the slot once it is freed.
        drop(pass);
        tokio::time::timeout(Duration::from_secs(5), waiting)
            .await
            .expect("slot freed in time")
            .expect("task")
            .expect("slot taken");
    }

    #[tokio::test]
    async fn a_slot_freed_in_this_process_ends_the_wait_at_once() {
        let storage: Arc<dyn Storage> =
            Arc::new(SqliteStorage::open_in_memory().await.expect("db"));
        // Pauses of an hour: only the wake-up can end the wait within the test.
        let hour = Duration::from_secs(3600);
        let slots = Arc::new(
            SharedHostSlots::new(storage, 1, Duration::from_secs(10)).with_pauses(hour, hour),
        );
        let pass = slots.enter("news.example").await.expect("free slot");
        let waiting = {
            let slots = Arc::clone(&slots);
            tokio::spawn(async move { slots.enter("news.example").await.map(|_| ()) })
        };
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(!waiting.is_finished(), "the slot is taken");
        drop(pass);
        tokio::time::timeout(Duration::from_secs(5), waiting)
            .await
            .expect("the waiter was woken when the slot was freed")
            .expect("task")
            .expect("slot taken");
    }

    #[test]
    fn jitter_stays_under_half_the_pause() {
        for _ in 0..100 {
            assert!(jitter(Duration::from_millis(100)) < Duration::from_millis(50));
        }
    }
}
