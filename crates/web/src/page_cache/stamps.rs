//! Reading the database's version stamps for requests. Each request needs a read that
//! started after it arrived (so it sees every change committed before it), but concurrent
//! requests share one: while a read is under way, the requests arriving wait for the next
//! one, which starts as soon as it ends. Under load that is one small query per round trip,
//! not per request. A tolerance lets requests reuse a read that started at most that long
//! ago instead.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use tidings_core::{CacheStamps, Storage};
use tokio::sync::watch;

/// The outcome of one read.
#[derive(Clone, Copy)]
struct Reading {
    /// Reads are numbered from 1 in the order they start; 0 is "none yet".
    number: u64,
    started: Instant,
    /// `None` when the read failed (pages are then rendered, not served from the cache).
    stamps: Option<CacheStamps>,
}

struct Rounds {
    /// The number of the last read started.
    started: u64,
    running: bool,
    /// A request arrived during the running read and waits for another.
    again: bool,
}

pub(super) struct StampReader {
    tolerance: Duration,
    rounds: Mutex<Rounds>,
    latest: watch::Sender<Reading>,
}

impl StampReader {
    pub(super) fn new(tolerance: Duration) -> Self {
        StampReader {
            tolerance,
            rounds: Mutex::new(Rounds {
                started: 0,
                running: false,
                again: false,
            }),
            latest: watch::Sender::new(Reading {
                number: 0,
                started: Instant::now(),
                stamps: None,
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, Rounds> {
        self.rounds.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Stamps read after this call began (or within the tolerance); `None` when the
    /// database could not be read.
    pub(super) async fn current(
        self: &Arc<Self>,
        storage: &Arc<dyn Storage>,
    ) -> Option<CacheStamps> {
        let mut latest = self.latest.subscribe();
        if !self.tolerance.is_zero() {
            let last = *latest.borrow();
            if last.number > 0 && last.stamps.is_some() && last.started.elapsed() <= self.tolerance
            {
                return last.stamps;
            }
        }
        let target = {
            let mut rounds = self.lock();
            if rounds.running {
                rounds.again = true;
                rounds.started + 1
            } else {
                rounds.running = true;
                rounds.started += 1;
                tokio::spawn(Arc::clone(self).read_rounds(Arc::clone(storage)));
                rounds.started
            }
        };
        let reading = latest.wait_for(|r| r.number >= target).await.ok()?;
        reading.stamps
    }

    /// Reads until no request is left waiting. Runs as its own task, so a request that
    /// goes away cannot leave the rounds stuck.
    async fn read_rounds(self: Arc<Self>, storage: Arc<dyn Storage>) {
        loop {
            let number = self.lock().started;
            let started = Instant::now();
            let stamps = match storage.cache_stamps().await {
                Ok(stamps) => Some(stamps),
                Err(error) => {
                    tracing::warn!(%error, "reading the cache stamps failed; rendering pages");
                    None
                }
            };
            self.latest.send_replace(Reading {
                number,
                started,
                stamps,
            });
            let mut rounds = self.lock();
            if rounds.again {
                rounds.again = false;
                rounds.started += 1;
            } else {
                rounds.running = false;
                return;
            }
        }
    }
}
