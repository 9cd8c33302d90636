//! Coordination through PostgreSQL: the job queue (leased with `FOR UPDATE SKIP LOCKED`, so
//! concurrent workers never take the same job), per-host request slots, throttle events and
//! site secrets. Leadership lives in [`super::leadership`].

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use tidings_core::{
    CacheStamps, CoordinationStore, DeadJob, Job, JobCounts, JobId, LeaderGuard, NewJob,
    StorageError, StorageResult,
};

use super::PostgresStorage;
use super::db_errors::db_error;
use super::leadership;
use super::timestamps::{checked, checked_opt, now};
use crate::coordination::{
    CRASHED_TWICE, CRASHES_BEFORE_DEATH, THROTTLE_KEEP, after, random_token, stamps_from_rows,
};

#[derive(sqlx::FromRow)]
struct JobRow {
    id: i64,
    kind: String,
    key: String,
    payload: String,
    attempts: i32,
    lease_token: String,
    lease_until: DateTime<Utc>,
}

impl From<JobRow> for Job {
    fn from(row: JobRow) -> Self {
        Job {
            id: row.id,
            kind: row.kind,
            key: row.key,
            payload: row.payload,
            attempts: row.attempts,
            lease_token: row.lease_token,
            lease_until: row.lease_until,
        }
    }
}

#[async_trait]
impl CoordinationStore for PostgresStorage {
    async fn enqueue_job(&self, job: NewJob) -> StorageResult<bool> {
        let done = sqlx::query(
            "INSERT INTO jobs (kind, key, payload, run_at, created_at)
             VALUES ($1, $2, $3, $4, $5)
             ON CONFLICT (kind, key) WHERE state <> 'dead' DO NOTHING",
        )
        .bind(&job.kind)
        .bind(&job.key)
        .bind(&job.payload)
        .bind(checked("run_at", job.run_at)?)
        .bind(now())
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(done.rows_affected() == 1)
    }

    async fn lease_jobs(
        &self,
        worker: &str,
        kinds: &[&str],
        lease: Duration,
        limit: u32,
    ) -> StorageResult<Vec<Job>> {
        if kinds.is_empty() || limit == 0 {
            return Ok(Vec::new());
        }
        let now = now();
        // A job whose lease lapsed once already took its worker down twice: it dies.
        sqlx::query(
            "UPDATE jobs SET state = 'dead', last_error = $1, lease_token = NULL,
                 lease_until = NULL
             WHERE kind = ANY($2) AND state = 'running' AND lease_until < $3 AND crashes >= $4",
        )
        .bind(CRASHED_TWICE)
        .bind(kinds)
        .bind(now)
        .bind(CRASHES_BEFORE_DEATH - 1)
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        let rows: Vec<JobRow> = sqlx::query_as(
            "WITH picked AS MATERIALIZED (
                 SELECT id FROM jobs
                 WHERE kind = ANY($1)
                   AND ((state = 'queued' AND run_at <= $2)
                        OR (state = 'running' AND lease_until < $2))
                 ORDER BY run_at, id
                 LIMIT $3
                 FOR UPDATE SKIP LOCKED)
             UPDATE jobs SET state = 'running', attempts = jobs.attempts + 1, leased_by = $4,
                 crashes = jobs.crashes + CASE WHEN jobs.state = 'running' THEN 1 ELSE 0 END,
                 lease_token = $5 || '-' || jobs.id, lease_until = $6
             FROM picked WHERE jobs.id = picked.id
             RETURNING jobs.id, jobs.kind, jobs.key, jobs.payload, jobs.attempts,
                       jobs.lease_token, jobs.lease_until",
        )
        .bind(kinds)
        .bind(now)
        .bind(i64::from(limit))
        .bind(worker)
        .bind(random_token())
        .bind(checked("lease_until", after(now, lease)?)?)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        let mut jobs: Vec<Job> = rows.into_iter().map(Job::from).collect();
        jobs.sort_by_key(|job| job.id);
        Ok(jobs)
    }

    async fn extend_job_lease(
        &self,
        id: JobId,
        token: &str,
        lease: Duration,
    ) -> StorageResult<bool> {
        let until = checked("lease_until", after(now(), lease)?)?;
        let done = sqlx::query(
            "UPDATE jobs SET lease_until = $1
             WHERE id = $2 AND lease_token = $3 AND state = 'running'",
        )
        .bind(until)
        .bind(id)
        .bind(token)
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(done.rows_affected() == 1)
    }

    async fn finish_job(&self, id: JobId, token: &str) -> StorageResult<bool> {
        let done = sqlx::query(
            "DELETE FROM jobs WHERE id = $1 AND lease_token = $2 AND state = 'running'",
        )
        .bind(id)
        .bind(token)
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(done.rows_affected() == 1)
    }

    async fn fail_job(
        &self,
        id: JobId,
        token: &str,
        error: &str,
        retry_at: Option<DateTime<Utc>>,
    ) -> StorageResult<bool> {
        let state = if retry_at.is_some() { "queued" } else { "dead" };
        let done = sqlx::query(
            "UPDATE jobs SET state = $1, run_at = COALESCE($2, run_at), last_error = $3,
                 lease_token = NULL, lease_until = NULL
             WHERE id = $4 AND lease_token = $5 AND state = 'running'",
        )
        .bind(state)
        .bind(checked_opt("retry_at", retry_at)?)
        .bind(error)
        .bind(id)
        .bind(token)
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(done.rows_affected() == 1)
    }

    async fn job_counts(&self) -> StorageResult<JobCounts> {
        let (queued, running, dead): (i64, i64, i64) = sqlx::query_as(
            "SELECT
                 COUNT(*) FILTER (WHERE state = 'queued'
                                     OR (state = 'running' AND lease_until < $1)),
                 COUNT(*) FILTER (WHERE state = 'running' AND lease_until >= $1),
                 COUNT(*) FILTER (WHERE state = 'dead')
             FROM jobs",
        )
        .bind(now())
        .fetch_one(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(JobCounts {
            queued,
            running,
            dead,
        })
    }

    async fn dead_jobs(&self, limit: u32) -> StorageResult<Vec<DeadJob>> {
        type Row = (i64, String, String, i32, Option<String>, DateTime<Utc>);
        let rows: Vec<Row> = sqlx::query_as(
            "SELECT id, kind, key, attempts, last_error, created_at FROM jobs
             WHERE state = 'dead' ORDER BY created_at DESC, id DESC LIMIT $1",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(rows
            .into_iter()
            .map(
                |(id, kind, key, attempts, last_error, created_at)| DeadJob {
                    id,
                    kind,
                    key,
                    attempts,
                    last_error,
                    created_at,
                },
            )
            .collect())
    }

    async fn retry_dead_jobs(&self, id: Option<JobId>) -> StorageResult<u64> {
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        sqlx::query(
            "DELETE FROM jobs WHERE state = 'dead' AND ($1::bigint IS NULL OR id = $1)
               AND EXISTS (SELECT 1 FROM jobs other
                           WHERE other.kind = jobs.kind AND other.key = jobs.key
                             AND other.id <> jobs.id
                             AND (other.state <> 'dead'
                                  OR ($1::bigint IS NULL AND other.id > jobs.id)))",
        )
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        let queued = sqlx::query(
            "UPDATE jobs SET state = 'queued', attempts = 0, crashes = 0, run_at = $2,
                 lease_token = NULL, lease_until = NULL, leased_by = NULL
             WHERE state = 'dead' AND ($1::bigint IS NULL OR id = $1)",
        )
        .bind(id)
        .bind(now())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        tx.commit().await.map_err(db_error)?;
        Ok(queued.rows_affected())
    }

    async fn try_lead(
        &self,
        name: &str,
        holder: &str,
        _ttl: Duration,
    ) -> StorageResult<Option<Box<dyn LeaderGuard>>> {
        let guard = leadership::try_lead(&self.pool, name, holder).await?;
        Ok(guard.map(|guard| Box::new(guard) as Box<dyn LeaderGuard>))
    }

    async fn try_take_host_slot(
        &self,
        host: &str,
        slots: u32,
        holder: &str,
        hold: Duration,
    ) -> StorageResult<Option<String>> {
        let now = now();
        let expires = checked("expires_at", after(now, hold)?)?;
        let slots = i32::try_from(slots).unwrap_or(i32::MAX);
        // Each slot is one atomic upsert that takes it only when free or expired; the first
        // slot won ends the search.
        for slot in 0..slots {
            let token = random_token();
            let taken: Option<(String,)> = sqlx::query_as(
                "INSERT INTO host_slots AS s (host, slot_no, holder, token, expires_at)
                 VALUES ($1, $2, $3, $4, $5)
                 ON CONFLICT (host, slot_no) DO UPDATE
                     SET holder = excluded.holder, token = excluded.token,
                         expires_at = excluded.expires_at
                     WHERE s.expires_at < $6
                 RETURNING token",
            )
            .bind(host)
            .bind(slot)
            .bind(holder)
            .bind(&token)
            .bind(expires)
            .bind(now)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?;
            if taken.is_some_and(|(stored,)| stored == token) {
                return Ok(Some(token));
            }
        }
        Ok(None)
    }

    async fn release_host_slot(&self, host: &str, token: &str) -> StorageResult<()> {
        // Freed by expiring it rather than deleting it: the row is taken again by an update
        // that changes no indexed column, so a busy host's slots never fill the index with
        // dead entries between vacuums.
        sqlx::query(
            "UPDATE host_slots SET holder = '', token = '', expires_at = '-infinity'
             WHERE host = $1 AND token = $2",
        )
        .bind(host)
        .bind(token)
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn throttle_events(
        &self,
        key: &str,
        window: Duration,
    ) -> StorageResult<(u32, Option<DateTime<Utc>>)> {
        let (count, oldest): (i64, Option<DateTime<Utc>>) = sqlx::query_as(
            "SELECT COUNT(*), MIN(at) FROM throttle_events WHERE key = $1 AND at > $2",
        )
        .bind(key)
        .bind(checked("since", before(Utc::now(), window)?)?)
        .fetch_one(&self.pool)
        .await
        .map_err(db_error)?;
        Ok((u32::try_from(count).unwrap_or(u32::MAX), oldest))
    }

    async fn record_throttle_event(&self, key: &str, window: Duration) -> StorageResult<()> {
        let now = now();
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        sqlx::query("DELETE FROM throttle_events WHERE key = $1 AND at <= $2")
            .bind(key)
            .bind(checked("since", before(now, window)?)?)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        sqlx::query("DELETE FROM throttle_events WHERE at <= $1")
            .bind(checked("since", before(now, THROTTLE_KEEP)?)?)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        sqlx::query("INSERT INTO throttle_events (key, at) VALUES ($1, $2)")
            .bind(key)
            .bind(now)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        tx.commit().await.map_err(db_error)
    }

    async fn clear_throttle(&self, key: &str) -> StorageResult<()> {
        sqlx::query("DELETE FROM throttle_events WHERE key = $1")
            .bind(key)
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn site_secret(&self, name: &str, fresh: &[u8]) -> StorageResult<Vec<u8>> {
        sqlx::query(
            "INSERT INTO site_secrets (name, value) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        )
        .bind(name)
        .bind(fresh)
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        let (value,): (Vec<u8>,) = sqlx::query_as("SELECT value FROM site_secrets WHERE name = $1")
            .bind(name)
            .fetch_one(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(value)
    }

    async fn cache_stamps(&self) -> StorageResult<CacheStamps> {
        let rows: Vec<(String, i64)> = sqlx::query_as("SELECT scope, version FROM cache_stamps")
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(stamps_from_rows(rows))
    }
}

fn before(at: DateTime<Utc>, span: Duration) -> StorageResult<DateTime<Utc>> {
    chrono::Duration::from_std(span)
        .ok()
        .and_then(|span| at.checked_sub_signed(span))
        .ok_or_else(|| StorageError::Invalid(format!("a window of {span:?} is too long")))
}
