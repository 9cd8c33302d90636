//! Coordination through the SQLite file: the job queue, leadership leases, per-host request
//! slots, throttle events and site secrets. SQLite has one writer at a time, so each
//! claim is a single `UPDATE … RETURNING` (or upsert) statement and cannot race.

use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::SqlitePool;
use tidings_core::{
    CacheStamps, CoordinationStore, DeadJob, Job, JobCounts, JobId, LeaderGuard, NewJob,
    StorageError, StorageResult,
};

use super::SqliteStorage;
use super::db_errors::db_error;
use super::timestamps::{decode, encode, encode_opt};
use crate::coordination::{
    CRASHED_TWICE, CRASHES_BEFORE_DEATH, THROTTLE_KEEP, after, random_token, stamps_from_rows,
};

type JobRow = (i64, String, String, String, i64, String, String);

#[async_trait]
impl CoordinationStore for SqliteStorage {
    async fn enqueue_job(&self, job: NewJob) -> StorageResult<bool> {
        let now = encode("now", Utc::now())?;
        let done = sqlx::query(
            "INSERT INTO jobs (kind, key, payload, run_at, created_at) VALUES (?, ?, ?, ?, ?)
             ON CONFLICT (kind, key) WHERE state <> 'dead' DO NOTHING",
        )
        .bind(&job.kind)
        .bind(&job.key)
        .bind(&job.payload)
        .bind(encode("run_at", job.run_at)?)
        .bind(now)
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
        let now = Utc::now();
        let now_text = encode("now", now)?;
        let placeholders = vec!["?"; kinds.len()].join(", ");
        // A job whose lease lapsed once already took its worker down twice: it dies.
        let crashed = format!(
            "UPDATE jobs SET state = 'dead', last_error = ?, lease_token = NULL, lease_until = NULL
             WHERE kind IN ({placeholders}) AND state = 'running' AND lease_until < ?
               AND crashes >= ?"
        );
        let mut query = sqlx::query(&crashed).bind(CRASHED_TWICE);
        for kind in kinds {
            query = query.bind(*kind);
        }
        query
            .bind(&now_text)
            .bind(CRASHES_BEFORE_DEATH - 1)
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        let sql = format!(
            "UPDATE jobs SET state = 'running', attempts = attempts + 1, leased_by = ?,
                 crashes = crashes + (state = 'running'),
                 lease_token = ? || '-' || id, lease_until = ?
             WHERE id IN (
                 SELECT id FROM jobs
                 WHERE kind IN ({placeholders})
                   AND ((state = 'queued' AND run_at <= ?)
                        OR (state = 'running' AND lease_until < ?))
                 ORDER BY run_at, id LIMIT ?)
             RETURNING id, kind, key, payload, attempts, lease_token, lease_until"
        );
        let mut query = sqlx::query_as::<_, JobRow>(&sql)
            .bind(worker)
            .bind(random_token())
            .bind(encode("lease_until", after(now, lease)?)?);
        for kind in kinds {
            query = query.bind(*kind);
        }
        let rows = query
            .bind(&now_text)
            .bind(&now_text)
            .bind(i64::from(limit))
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)?;
        let mut jobs = rows
            .into_iter()
            .map(|(id, kind, key, payload, attempts, lease_token, until)| {
                Ok(Job {
                    id,
                    kind,
                    key,
                    payload,
                    attempts: i32::try_from(attempts).unwrap_or(i32::MAX),
                    lease_token,
                    lease_until: decode("jobs.lease_until", &until)?,
                })
            })
            .collect::<StorageResult<Vec<Job>>>()?;
        jobs.sort_by_key(|job| job.id);
        Ok(jobs)
    }

    async fn extend_job_lease(
        &self,
        id: JobId,
        token: &str,
        lease: Duration,
    ) -> StorageResult<bool> {
        let until = encode("lease_until", after(Utc::now(), lease)?)?;
        let done = sqlx::query(
            "UPDATE jobs SET lease_until = ?
             WHERE id = ? AND lease_token = ? AND state = 'running'",
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
        let done =
            sqlx::query("DELETE FROM jobs WHERE id = ? AND lease_token = ? AND state = 'running'")
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
        let (state, run_at) = match retry_at {
            Some(at) => ("queued", Some(at)),
            None => ("dead", None),
        };
        let done = sqlx::query(
            "UPDATE jobs SET state = ?, run_at = COALESCE(?, run_at), last_error = ?,
                 lease_token = NULL, lease_until = NULL
             WHERE id = ? AND lease_token = ? AND state = 'running'",
        )
        .bind(state)
        .bind(encode_opt("retry_at", run_at)?)
        .bind(error)
        .bind(id)
        .bind(token)
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(done.rows_affected() == 1)
    }

    async fn job_counts(&self) -> StorageResult<JobCounts> {
        let now = encode("now", Utc::now())?;
        let (queued, running, dead): (i64, i64, i64) = sqlx::query_as(
            "SELECT
                 COALESCE(SUM(state = 'queued' OR (state = 'running' AND lease_until < ?1)), 0),
                 COALESCE(SUM(state = 'running' AND lease_until >= ?1), 0),
                 COALESCE(SUM(state = 'dead'), 0)
             FROM jobs",
        )
        .bind(now)
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
        let rows: Vec<(i64, String, String, i64, Option<String>, String)> = sqlx::query_as(
            "SELECT id, kind, key, attempts, last_error, created_at FROM jobs
             WHERE state = 'dead' ORDER BY created_at DESC, id DESC LIMIT ?",
        )
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        rows.into_iter()
            .map(|(id, kind, key, attempts, last_error, created_at)| {
                Ok(DeadJob {
                    id,
                    kind,
                    key,
                    attempts: i32::try_from(attempts).unwrap_or(i32::MAX),
                    last_error,
                    created_at: decode("jobs.created_at", &created_at)?,
                })
            })
            .collect()
    }

    async fn retry_dead_jobs(&self, id: Option<JobId>) -> StorageResult<u64> {
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        sqlx::query(
            "DELETE FROM jobs WHERE state = 'dead' AND (?1 IS NULL OR id = ?1)
               AND EXISTS (SELECT 1 FROM jobs other
                           WHERE other.kind = jobs.kind AND other.key = jobs.key
                             AND other.id <> jobs.id
                             AND (other.state <> 'dead' OR (?1 IS NULL AND other.id > jobs.id)))",
        )
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        let queued = sqlx::query(
            "UPDATE jobs SET state = 'queued', attempts = 0, crashes = 0, run_at = ?2,
                 lease_token = NULL, lease_until = NULL, leased_by = NULL
             WHERE state = 'dead' AND (?1 IS NULL OR id = ?1)",
        )
        .bind(id)
        .bind(encode("now", Utc::now())?)
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
        ttl: Duration,
    ) -> StorageResult<Option<Box<dyn LeaderGuard>>> {
        let now = Utc::now();
        let token = random_token();
        let taken: Option<(String,)> = sqlx::query_as(
            "INSERT INTO leaders (name, holder, token, expires_at) VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (name) DO UPDATE
                 SET holder = excluded.holder, token = excluded.token,
                     expires_at = excluded.expires_at
                 WHERE leaders.expires_at < ?5
             RETURNING token",
        )
        .bind(name)
        .bind(holder)
        .bind(&token)
        .bind(encode("expires_at", after(now, ttl)?)?)
        .bind(encode("now", now)?)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(match taken {
            Some((stored,)) if stored == token => Some(Box::new(SqliteLeader {
                pool: self.pool.clone(),
                name: name.to_string(),
                token,
                ttl,
            })),
            _ => None,
        })
    }

    async fn try_take_host_slot(
        &self,
        host: &str,
        slots: u32,
        holder: &str,
        hold: Duration,
    ) -> StorageResult<Option<String>> {
        let now = Utc::now();
        let now_text = encode("now", now)?;
        let expires = encode("expires_at", after(now, hold)?)?;
        for slot in 0..i64::from(slots) {
            let token = random_token();
            let taken: Option<(String,)> = sqlx::query_as(
                "INSERT INTO host_slots (host, slot, holder, token, expires_at)
                 VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (host, slot) DO UPDATE
                     SET holder = excluded.holder, token = excluded.token,
                         expires_at = excluded.expires_at
                     WHERE host_slots.expires_at < ?6
                 RETURNING token",
            )
            .bind(host)
            .bind(slot)
            .bind(holder)
            .bind(&token)
            .bind(&expires)
            .bind(&now_text)
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
        sqlx::query("DELETE FROM host_slots WHERE host = ? AND token = ?")
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
        let since = encode("since", before(Utc::now(), window)?)?;
        let (count, oldest): (i64, Option<String>) = sqlx::query_as(
            "SELECT COUNT(*), MIN(at) FROM throttle_events WHERE key = ? AND at > ?",
        )
        .bind(key)
        .bind(since)
        .fetch_one(&self.pool)
        .await
        .map_err(db_error)?;
        let oldest = match oldest {
            Some(text) => Some(decode("throttle_events.at", &text)?),
            None => None,
        };
        Ok((u32::try_from(count).unwrap_or(u32::MAX), oldest))
    }

    async fn record_throttle_event(&self, key: &str, window: Duration) -> StorageResult<()> {
        let now = Utc::now();
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        sqlx::query("DELETE FROM throttle_events WHERE key = ? AND at <= ?")
            .bind(key)
            .bind(encode("since", before(now, window)?)?)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        sqlx::query("DELETE FROM throttle_events WHERE at <= ?")
            .bind(encode("since", before(now, THROTTLE_KEEP)?)?)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        sqlx::query("INSERT INTO throttle_events (key, at) VALUES (?, ?)")
            .bind(key)
            .bind(encode("at", now)?)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        tx.commit().await.map_err(db_error)
    }

    async fn clear_throttle(&self, key: &str) -> StorageResult<()> {
        sqlx::query("DELETE FROM throttle_events WHERE key = ?")
            .bind(key)
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn site_secret(&self, name: &str, fresh: &[u8]) -> StorageResult<Vec<u8>> {
        sqlx::query("INSERT INTO site_secrets (name, value) VALUES (?, ?) ON CONFLICT DO NOTHING")
            .bind(name)
            .bind(fresh)
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        let (value,): (Vec<u8>,) = sqlx::query_as("SELECT value FROM site_secrets WHERE name = ?")
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

/// A leadership lease in the `leaders` table, renewed by `still_held`.
struct SqliteLeader {
    pool: SqlitePool,
    name: String,
    token: String,
    ttl: Duration,
}

#[async_trait]
impl LeaderGuard for SqliteLeader {
    async fn still_held(&mut self) -> StorageResult<bool> {
        let expires = encode("expires_at", after(Utc::now(), self.ttl)?)?;
        let done = sqlx::query("UPDATE leaders SET expires_at = ? WHERE name = ? AND token = ?")
            .bind(expires)
            .bind(&self.name)
            .bind(&self.token)
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(done.rows_affected() == 1)
    }
}

impl Drop for SqliteLeader {
    /// Gives the role up at once when a runtime is there to do it; otherwise the lease
    /// simply expires.
    fn drop(&mut self) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        let pool = self.pool.clone();
        let name = std::mem::take(&mut self.name);
        let token = std::mem::take(&mut self.token);
        runtime.spawn(async move {
            let released = sqlx::query("DELETE FROM leaders WHERE name = ? AND token = ?")
                .bind(&name)
                .bind(&token)
                .execute(&pool)
                .await;
            if let Err(e) = released {
                tracing::warn!(role = %name, error = %e, "could not give up leadership; it will expire");
            }
        });
    }
}
