//! The worker: leases jobs from the queue in the shared database (at most
//! `ingest.concurrent_feeds` at once), renews each lease while its job runs, and finishes the
//! job or hands it back to be tried again later (dead after `worker.max_attempts`). A worker
//! that dies simply stops renewing: its leases expire and other workers take the jobs over.

use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use tidings_core::{Job, Storage};
use tokio::sync::{OwnedSemaphorePermit, Semaphore, watch};
use tokio::task::JoinSet;

use crate::config::WorkerConfig;
use crate::jobs::{JOB_KINDS, JobDone, run_job};
use crate::pipeline::Pipeline;

/// How often an idle worker asks for jobs.
const IDLE_POLL: Duration = Duration::from_millis(500);
/// The first retry of a failed job waits this long, doubled per attempt up to `RETRY_MAX`.
const RETRY_BASE: Duration = Duration::from_secs(15);
const RETRY_MAX: Duration = Duration::from_secs(30 * 60);
/// How long running jobs get to hand their leases back at shutdown.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// How a worker runs jobs.
#[derive(Debug, Clone)]
pub struct WorkerSettings {
    /// Jobs running at once.
    pub concurrency: usize,
    pub lease: Duration,
    pub max_attempts: u32,
}

impl WorkerSettings {
    pub fn from_config(worker: &WorkerConfig, concurrency: usize) -> Self {
        WorkerSettings {
            concurrency: concurrency.max(1),
            lease: worker.lease(),
            max_attempts: worker.max_attempts,
        }
    }
}

/// Runs jobs until `shutdown` turns true; running jobs then give their leases back.
pub async fn run_worker(
    pipeline: Arc<Pipeline>,
    settings: WorkerSettings,
    mut shutdown: watch::Receiver<bool>,
) {
    let identity = crate::leadership::process_identity();
    let permits = Arc::new(Semaphore::new(settings.concurrency));
    let mut running = JoinSet::new();
    while !*shutdown.borrow() {
        while let Some(joined) = running.try_join_next() {
            log_crash(joined);
        }
        let free = permits.available_permits();
        let mut leased_all_asked = false;
        if free > 0 {
            let limit = u32::try_from(free).unwrap_or(u32::MAX);
            match pipeline
                .storage()
                .lease_jobs(&identity, &JOB_KINDS, settings.lease, limit)
                .await
            {
                Ok(jobs) => {
                    leased_all_asked = jobs.len() == free;
                    for job in jobs {
                        let Ok(permit) = Arc::clone(&permits).try_acquire_owned() else {
                            break;
                        };
                        running.spawn(run_leased(
                            Arc::clone(&pipeline),
                            settings.clone(),
                            job,
                            permit,
                            shutdown.clone(),
                        ));
                    }
                }
                Err(e) => tracing::warn!(error = %e, "could not lease jobs"),
            }
        }
        // Ask again at once when the queue may hold more and there is room; otherwise when a
        // job ends, after a pause, or at shutdown.
        let more = leased_all_asked && permits.available_permits() > 0;
        if more {
            continue;
        }
        tokio::select! {
            _ = tokio::time::sleep(IDLE_POLL) => {}
            Some(joined) = running.join_next(), if !running.is_empty() => log_crash(joined),
            _ = shutdown.changed() => {}
        }
    }
    let drained = tokio::time::timeout(SHUTDOWN_GRACE, async {
        while let Some(joined) = running.join_next().await {
            log_crash(joined);
        }
    });
    if drained.await.is_err() {
        running.abort_all();
    }
}

fn log_crash(joined: Result<(), tokio::task::JoinError>) {
    if let Err(e) = joined
        && !e.is_cancelled()
    {
        tracing::error!(error = %e, "job task crashed; its lease will expire and the job run again");
    }
}

/// How a leased job's run ended.
enum RunEnd {
    Done(anyhow::Result<JobDone>),
    Shutdown,
}

/// Runs one leased job, renewing its lease every third of it, and records how it ended.
async fn run_leased(
    pipeline: Arc<Pipeline>,
    settings: WorkerSettings,
    job: Job,
    _permit: OwnedSemaphorePermit,
    mut shutdown: watch::Receiver<bool>,
) {
    let storage = Arc::clone(pipeline.storage());
    let attempts = u32::try_from(job.attempts).unwrap_or(u32::MAX);
    // Crashes (a worker killed mid-job) count as attempts too: a job that keeps taking its
    // worker down is given up rather than run forever.
    if attempts > settings.max_attempts.saturating_mul(2) {
        let why = format!("gave up after {attempts} attempts without an answer");
        give_up(&*storage, &job, &why).await;
        return;
    }
    let work = run_job(&pipeline, &job);
    // The renewals run beside the job, never in its way: on SQLite a renewal may wait for
    // the write lock the job's own transaction holds, which needs the job polled to commit.
    let renewals = renew_lease(&*storage, &job, settings.lease);
    let stopping = async move {
        let _ = shutdown.wait_for(|stop| *stop).await;
    };
    tokio::pin!(work);
    let end = tokio::select! {
        done = &mut work => RunEnd::Done(done),
        () = renewals => {
            // Another worker may be running the job too; this run still goes to its end
            // (storing nothing twice) rather than being cut off mid-write.
            tracing::warn!(job = job.id, kind = %job.kind, key = %job.key,
                "lost the job's lease (renewals failed for too long); finishing this run");
            RunEnd::Done(work.await)
        }
        () = stopping => RunEnd::Shutdown,
    };
    match end {
        RunEnd::Done(Ok(done)) => {
            log_done(&job, &done);
            match storage.finish_job(job.id, &job.lease_token).await {
                Ok(true) => {}
                Ok(false) => tracing::warn!(
                    job = job.id,
                    kind = %job.kind,
                    "the job's lease ran out before it finished; another worker may run it again"
                ),
                Err(e) => tracing::warn!(job = job.id, error = %e, "could not mark the job done"),
            }
        }
        RunEnd::Done(Err(e)) => {
            let error = format!("{e:#}");
            let retry_at = (attempts < settings.max_attempts)
                .then(|| Utc::now() + chrono_duration(retry_delay(attempts)));
            tracing::warn!(job = job.id, kind = %job.kind, key = %job.key, attempts, %error,
                dead = retry_at.is_none(), "job failed");
            match storage
                .fail_job(job.id, &job.lease_token, &error, retry_at)
                .await
            {
                Ok(true) => {}
                Ok(false) => {
                    tracing::warn!(job = job.id, "the job's lease ran out before it failed")
                }
                Err(e) => {
                    tracing::warn!(job = job.id, error = %e, "could not record the job's failure")
                }
            }
        }
        RunEnd::Shutdown => {
            // Handed back to run again at once elsewhere, rather than after the lease.
            let handed_back = storage
                .fail_job(job.id, &job.lease_token, "worker stopped", Some(Utc::now()))
                .await;
            if let Err(e) = handed_back {
                tracing::warn!(job = job.id, error = %e, "could not hand the job back; its lease will expire");
            }
        }
    }
}

/// Renews the job's lease every third of it; returns once the lease was lost (expired and
/// taken by another worker, or finished elsewhere).
async fn renew_lease(storage: &dyn Storage, job: &Job, lease: Duration) {
    let mut heartbeat = tokio::time::interval(lease / 3);
    heartbeat.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    heartbeat.tick().await;
    loop {
        heartbeat.tick().await;
        match storage
            .extend_job_lease(job.id, &job.lease_token, lease)
            .await
        {
            Ok(true) => {}
            Ok(false) => return,
            Err(e) => tracing::warn!(job = job.id, error = %e, "could not renew the job's lease"),
        }
    }
}

async fn give_up(storage: &dyn Storage, job: &Job, why: &str) {
    tracing::error!(job = job.id, kind = %job.kind, key = %job.key, why, "job given up");
    if let Err(e) = storage.fail_job(job.id, &job.lease_token, why, None).await {
        tracing::warn!(job = job.id, error = %e, "could not mark the job dead");
    }
}

fn log_done(job: &Job, done: &JobDone) {
    match done {
        JobDone::Polled { inserted, error } if *inserted > 0 || error.is_some() => {
            tracing::info!(
                feed = %job.key,
                inserted,
                error = error.as_deref().unwrap_or(""),
                attempts = job.attempts,
                "feed polled"
            );
        }
        JobDone::Purged(purged) if *purged > 0 => {
            tracing::info!(purged, "raw pages purged");
        }
        _ => {}
    }
}

/// The wait before the next try after the `attempts`-th failed one.
pub fn retry_delay(attempts: u32) -> Duration {
    let doubled =
        RETRY_BASE.saturating_mul(2u32.saturating_pow(attempts.saturating_sub(1).min(16)));
    doubled.min(RETRY_MAX)
}

fn chrono_duration(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::hours(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_and_are_capped() {
        assert_eq!(retry_delay(1), RETRY_BASE);
        assert_eq!(retry_delay(2), RETRY_BASE * 2);
        assert_eq!(retry_delay(3), RETRY_BASE * 4);
        assert_eq!(retry_delay(40), RETRY_MAX);
    }
}
