//! The storage interface for coordinating many processes sharing one database: the job queue
//! (leases with expiry), leadership (one scheduler at a time), per-host request slots (the
//! politeness limit across processes), sliding-window throttles, site-wide secrets and the
//! version stamps that tell web processes when their cached pages are stale.
//!
//! A single process uses the same interface, so one code path serves a laptop and a cluster.

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::storage::StorageResult;

pub type JobId = i64;

/// A job to run once: `kind` names the handler ("poll_feed"), `key` the subject ("42").
/// At most one job per (`kind`, `key`) is queued or running at a time.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewJob {
    pub kind: String,
    pub key: String,
    /// Handler-specific data (JSON), often empty.
    pub payload: String,
    /// Not leased before this time.
    pub run_at: DateTime<Utc>,
}

/// A leased job. The lease is the caller's until `lease_until`; after that another worker may
/// take the job (and the first one's `finish_job`/`fail_job` no longer count).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    pub id: JobId,
    pub kind: String,
    pub key: String,
    pub payload: String,
    /// Times the job has been leased, this lease included.
    pub attempts: i32,
    /// Identifies this lease; needed to finish, fail or extend it.
    pub lease_token: String,
    pub lease_until: DateTime<Utc>,
}

/// Jobs by state, for status pages and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct JobCounts {
    /// Waiting for a worker (including those whose lease expired).
    pub queued: i64,
    /// Leased and not expired.
    pub running: i64,
    /// Gave up after too many attempts.
    pub dead: i64,
}

/// A job that gave up after too many attempts, as the operator sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeadJob {
    pub id: JobId,
    pub kind: String,
    pub key: String,
    /// Times it was leased before it died.
    pub attempts: i32,
    /// What its last attempt reported.
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Version stamps of what pages show. The database bumps them (triggers) in the same
/// transaction as every change to it, whichever process makes the change, so a page cached
/// under older stamps is stale.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CacheStamps {
    /// Articles, their tags, stories, neighbours, feeds and publishers.
    pub content: i64,
    /// Comments (new, edited, hidden, deleted, approved) and their authors' names.
    pub comments: i64,
}

/// Held leadership of a named role. Dropping it gives the role up.
#[async_trait]
pub trait LeaderGuard: Send + Sync {
    /// Whether the role is still held (renewing it where the backend uses expiring leases).
    /// `false` means another process may lead now and this one must stop acting as leader.
    async fn still_held(&mut self) -> StorageResult<bool>;
}

/// Coordination of processes through the database.
#[async_trait]
pub trait CoordinationStore: Send + Sync {
    // ---- job queue ----
    /// Queues a job; `false` (and nothing queued) when one with the same kind and key is queued
    /// or running already.
    async fn enqueue_job(&self, job: NewJob) -> StorageResult<bool>;
    /// Leases up to `limit` jobs of these kinds that are due (queued with `run_at <= now`, or
    /// whose lease expired), oldest `run_at` first, for `lease`. Concurrent callers never get
    /// the same job (PostgreSQL: `FOR UPDATE SKIP LOCKED`).
    async fn lease_jobs(
        &self,
        worker: &str,
        kinds: &[&str],
        lease: Duration,
        limit: u32,
    ) -> StorageResult<Vec<Job>>;
    /// Extends a lease still held; `false` when it was lost (expired and taken, or finished).
    async fn extend_job_lease(
        &self,
        id: JobId,
        token: &str,
        lease: Duration,
    ) -> StorageResult<bool>;
    /// Removes a finished job; `false` when the lease was lost.
    async fn finish_job(&self, id: JobId, token: &str) -> StorageResult<bool>;
    /// Gives a leased job back to run again at `retry_at`, or marks it dead when `retry_at` is
    /// `None`; `error` is kept for the operator. `false` when the lease was lost.
    async fn fail_job(
        &self,
        id: JobId,
        token: &str,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
    ) -> StorageResult<bool>;
    async fn job_counts(&self) -> StorageResult<JobCounts>;
    /// Dead jobs, the most recently queued first, at most `limit`.
    async fn dead_jobs(&self, limit: u32) -> StorageResult<Vec<DeadJob>>;
    /// Queues dead jobs again, due now with no attempts counted: the job `id`, or every dead
    /// job when `None`. A dead job whose kind and key already have a live job (or, when all
    /// are retried, a newer dead one) is removed instead, as that job does the same work.
    /// Returns how many were queued again.
    async fn retry_dead_jobs(&self, id: Option<JobId>) -> StorageResult<u64>;

    // ---- leadership ----
    /// Takes the role `name` when nobody holds it. PostgreSQL holds a session advisory lock on
    /// a connection of its own, so the role moves as soon as its holder dies; SQLite (one
    /// machine) holds a lease that `still_held` renews and that expires after `ttl`.
    async fn try_lead(
        &self,
        name: &str,
        holder: &str,
        ttl: Duration,
    ) -> StorageResult<Option<Box<dyn LeaderGuard>>>;

    // ---- per-host request slots ----
    /// Takes one of `slots` request slots for `host` for at most `hold` (so a crashed holder
    /// frees it), returning a token; `None` when all slots are taken.
    async fn try_take_host_slot(
        &self,
        host: &str,
        slots: u32,
        holder: &str,
        hold: Duration,
    ) -> StorageResult<Option<String>>;
    /// Frees a slot taken with `try_take_host_slot`.
    async fn release_host_slot(&self, host: &str, token: &str) -> StorageResult<()>;

    // ---- throttles ----
    /// Events counted for `key` within the last `window`, and the time of the oldest of them.
    async fn throttle_events(
        &self,
        key: &str,
        window: Duration,
    ) -> StorageResult<(u32, Option<DateTime<Utc>>)>;
    /// Counts one event for `key` now; events older than `window` may be swept.
    async fn record_throttle_event(&self, key: &str, window: Duration) -> StorageResult<()>;
    /// Forgets every event of `key` (a successful sign-in clears its failures).
    async fn clear_throttle(&self, key: &str) -> StorageResult<()>;

    // ---- secrets ----
    /// The site-wide secret `name`, storing `fresh` first when there is none (the first
    /// process to ask wins, every later one gets the same value).
    async fn site_secret(&self, name: &str, fresh: &[u8]) -> StorageResult<Vec<u8>>;

    // ---- page caches ----
    /// The current version stamps (one read of a two-row table).
    async fn cache_stamps(&self) -> StorageResult<CacheStamps>;
}
