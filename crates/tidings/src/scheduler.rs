//! The scheduler: polls each feed when it is due, a bounded number at a time, each poll in
//! its own task so that one feed (even one that crashes its task) never disturbs the others.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::Utc;
use tidings_core::FeedId;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;

use crate::pipeline::{Pipeline, PollReport};

/// How often the scheduler looks for due feeds.
const TICK: Duration = Duration::from_secs(5);
/// How often kept raw pages past their retention are purged.
const PURGE_EVERY: Duration = Duration::from_secs(3600);

/// Polls every due feed once and waits for all of them. Used by `demo` before serving, by
/// tests, and by each scheduler tick.
pub async fn poll_due_feeds(pipeline: &Arc<Pipeline>) -> anyhow::Result<Vec<PollReport>> {
    let mut slots = Slots::new(pipeline);
    let mut tasks = JoinSet::new();
    slots.spawn_due(pipeline, &mut tasks).await?;
    let mut reports = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(report) => reports.push(report),
            Err(e) => tracing::error!(error = %e, "feed poll task failed"),
        }
    }
    Ok(reports)
}

/// Runs until `shutdown` turns true: every tick, polls the feeds that are due and not being
/// polled already.
pub async fn run_scheduler(pipeline: Arc<Pipeline>, mut shutdown: watch::Receiver<bool>) {
    let mut slots = Slots::new(&pipeline);
    let mut running = JoinSet::new();
    let mut last_purge: Option<std::time::Instant> = None;
    loop {
        if last_purge.is_none_or(|at| at.elapsed() >= PURGE_EVERY) {
            last_purge = Some(std::time::Instant::now());
            if let Err(e) = pipeline.purge_raw_pages(Utc::now()).await {
                tracing::error!(error = %e, "could not purge raw pages");
            }
        }
        if let Err(e) = slots.spawn_due(&pipeline, &mut running).await {
            tracing::error!(error = %e, "could not list due feeds");
        }
        while let Some(joined) = running.try_join_next() {
            log_joined(joined);
        }
        tokio::select! {
            _ = tokio::time::sleep(TICK) => {}
            _ = shutdown.changed() => {}
        }
        if *shutdown.borrow() {
            break;
        }
    }
    running.abort_all();
}

fn log_joined(joined: Result<PollReport, tokio::task::JoinError>) {
    match joined {
        Ok(report) if report.inserted > 0 || report.error.is_some() => {
            tracing::info!(
                feed = report.feed_id,
                status = report.status.as_str(),
                inserted = report.inserted,
                error = report.error.as_deref().unwrap_or(""),
                "feed polled"
            );
        }
        Ok(_) => {}
        Err(e) => tracing::error!(error = %e, "feed poll task failed"),
    }
}

/// The feeds being polled and the permits that bound how many run at once.
struct Slots {
    in_flight: Arc<Mutex<HashSet<FeedId>>>,
    permits: Arc<Semaphore>,
}

impl Slots {
    fn new(pipeline: &Pipeline) -> Self {
        Slots {
            in_flight: Arc::new(Mutex::new(HashSet::new())),
            permits: Arc::new(Semaphore::new(pipeline.config().concurrent_feeds)),
        }
    }

    /// Starts a task per due feed that is not in flight already.
    async fn spawn_due(
        &mut self,
        pipeline: &Arc<Pipeline>,
        tasks: &mut JoinSet<PollReport>,
    ) -> anyhow::Result<()> {
        let due = pipeline.storage().due_feeds(Utc::now(), 500).await?;
        for feed in due {
            {
                let mut set = self.in_flight.lock().unwrap_or_else(|p| p.into_inner());
                if !set.insert(feed.id) {
                    continue;
                }
            }
            let pipeline = Arc::clone(pipeline);
            let permits = Arc::clone(&self.permits);
            let guard = InFlight {
                set: Arc::clone(&self.in_flight),
                id: feed.id,
            };
            tasks.spawn(async move {
                let _permit = permits.acquire_owned().await;
                let report = pipeline.poll_feed(&feed).await;
                drop(guard);
                report
            });
        }
        Ok(())
    }
}

/// Removes a feed from the in-flight set when its poll ends, even by panic.
struct InFlight {
    set: Arc<Mutex<HashSet<FeedId>>>,
    id: FeedId,
}

impl Drop for InFlight {
    fn drop(&mut self) {
        self.set
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&self.id);
    }
}
