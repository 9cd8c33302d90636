//! The scheduler: decides when each feed is polled. In a running server, the one process
//! leading the "scheduler" role turns every due feed into a `poll_feed` job (and, hourly, a
//! `purge_raw_pages` job and a `fetch_lead_image` job for each recent article whose image was
//! never fetched) for the workers; the others stand by and take the role over within
//! seconds when its holder dies. [`poll_due_feeds`] polls in-process instead, for the demo
//! and tests, each poll in its own task so that one feed (even one that crashes its task)
//! never disturbs the others.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use tokio::sync::{Semaphore, watch};
use tokio::task::JoinSet;

use crate::jobs::{poll_feed_job, purge_raw_pages_job};
use crate::leadership::{LeaderState, Leadership};
use crate::pipeline::{Pipeline, PollReport};

/// The role whose holder queues the polls.
pub const SCHEDULER_ROLE: &str = "scheduler";
/// How often the leader looks for due feeds (and others try for the role).
const TICK: Duration = Duration::from_secs(2);
/// How often kept raw pages past their retention are purged.
const PURGE_EVERY: Duration = Duration::from_secs(3600);
/// Due feeds queued per tick at most.
const DUE_PER_TICK: u32 = 500;

/// Runs until `shutdown` turns true: every tick, checks (or tries for) the scheduler role
/// and, while it is held, queues a poll for every due feed. `leader_ttl` is how long the role
/// outlives a holder that died where the backend uses leases.
pub async fn run_scheduler(
    pipeline: Arc<Pipeline>,
    leader_ttl: Duration,
    mut shutdown: watch::Receiver<bool>,
) {
    let mut leadership =
        Leadership::new(Arc::clone(pipeline.storage()), SCHEDULER_ROLE, leader_ttl);
    let mut last_purge: Option<Instant> = None;
    while !*shutdown.borrow() {
        match leadership.check(true).await {
            LeaderState::Gained | LeaderState::Held => {
                if last_purge.is_none_or(|at| at.elapsed() >= PURGE_EVERY) {
                    last_purge = Some(Instant::now());
                    if let Err(e) = pipeline
                        .storage()
                        .enqueue_job(purge_raw_pages_job(Utc::now()))
                        .await
                    {
                        tracing::error!(error = %e, "could not queue the raw page purge");
                    }
                    if let Err(e) = crate::lead_images::queue_missing_lead_images(&pipeline).await {
                        tracing::error!(error = %e, "could not queue the missing lead images");
                    }
                }
                if let Err(e) = queue_due_feeds(&pipeline).await {
                    tracing::error!(error = %e, "could not queue due feeds");
                }
            }
            LeaderState::Follower => last_purge = None,
        }
        tokio::select! {
            _ = tokio::time::sleep(TICK) => {}
            _ = shutdown.changed() => {}
        }
    }
    leadership.resign();
}

/// Queues a `poll_feed` job for every due feed (one already queued or running is left as it
/// is); returns how many were queued.
pub async fn queue_due_feeds(pipeline: &Pipeline) -> anyhow::Result<usize> {
    let now = Utc::now();
    let due = pipeline.storage().due_feeds(now, DUE_PER_TICK).await?;
    let mut queued = 0;
    for feed in due {
        if pipeline
            .storage()
            .enqueue_job(poll_feed_job(feed.id, now))
            .await?
        {
            queued += 1;
        }
    }
    Ok(queued)
}

/// Polls every due feed once, in this process, and waits for all of them. What they stored
/// is left for the story stage. Used by `demo` before serving, and by tests.
pub async fn poll_due_feeds(pipeline: &Arc<Pipeline>) -> anyhow::Result<Vec<PollReport>> {
    let permits = Arc::new(Semaphore::new(pipeline.config().concurrent_feeds));
    let mut tasks = JoinSet::new();
    for feed in pipeline
        .storage()
        .due_feeds(Utc::now(), DUE_PER_TICK)
        .await?
    {
        let pipeline = Arc::clone(pipeline);
        let permits = Arc::clone(&permits);
        tasks.spawn(async move {
            let _permit = permits.acquire_owned().await;
            pipeline.poll_feed(&feed).await
        });
    }
    let mut reports = Vec::new();
    while let Some(joined) = tasks.join_next().await {
        match joined {
            Ok(report) => reports.push(report),
            Err(e) => tracing::error!(error = %e, "feed poll task failed"),
        }
    }
    Ok(reports)
}
