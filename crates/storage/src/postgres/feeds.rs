//! The `feeds` table: adding, reading, removing feeds and recording each poll.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use tidings_core::{Feed, FeedFetchRecord, FeedId, NewFeed, StorageError, StorageResult};

use super::db_errors::db_error;
use super::rows::FeedRow;
use super::timestamps::{checked, now};

pub(crate) async fn add_feed(pool: &PgPool, feed: NewFeed) -> StorageResult<Feed> {
    let url = feed.url.trim();
    if url.is_empty() {
        return Err(StorageError::Invalid("feed url: it is empty".into()));
    }
    if feed.publisher.trim().is_empty() {
        return Err(StorageError::Invalid("feed publisher: it is empty".into()));
    }
    if feed.interval_secs <= 0 {
        return Err(StorageError::Invalid(format!(
            "feed interval_secs: {} is not a positive number of seconds",
            feed.interval_secs
        )));
    }
    let now = now();
    let row: FeedRow = sqlx::query_as(
        "INSERT INTO feeds (url, title, site_url, publisher, policy, allow_private,
                            interval_secs, next_fetch_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)
         RETURNING *",
    )
    .bind(url)
    .bind(&feed.title)
    .bind(&feed.site_url)
    .bind(feed.publisher.trim())
    .bind(feed.policy.as_str())
    .bind(feed.allow_private)
    .bind(feed.interval_secs)
    .bind(now)
    .fetch_one(pool)
    .await
    .map_err(|e| match db_error(e) {
        StorageError::Conflict(_) => StorageError::Conflict(format!("feed {url}")),
        other => other,
    })?;
    row.into_feed()
}

pub(crate) async fn feed(pool: &PgPool, id: FeedId) -> StorageResult<Option<Feed>> {
    sqlx::query_as::<_, FeedRow>("SELECT * FROM feeds WHERE id = $1")
        .bind(id)
        .fetch_optional(pool)
        .await
        .map_err(db_error)?
        .map(FeedRow::into_feed)
        .transpose()
}

pub(crate) async fn feed_by_url(pool: &PgPool, url: &str) -> StorageResult<Option<Feed>> {
    sqlx::query_as::<_, FeedRow>("SELECT * FROM feeds WHERE url = $1")
        .bind(url.trim())
        .fetch_optional(pool)
        .await
        .map_err(db_error)?
        .map(FeedRow::into_feed)
        .transpose()
}

pub(crate) async fn list_feeds(pool: &PgPool) -> StorageResult<Vec<Feed>> {
    sqlx::query_as::<_, FeedRow>("SELECT * FROM feeds ORDER BY created_at, id")
        .fetch_all(pool)
        .await
        .map_err(db_error)?
        .into_iter()
        .map(FeedRow::into_feed)
        .collect()
}

pub(crate) async fn remove_feed(pool: &PgPool, id: FeedId) -> StorageResult<bool> {
    let done = sqlx::query("DELETE FROM feeds WHERE id = $1")
        .bind(id)
        .execute(pool)
        .await
        .map_err(db_error)?;
    Ok(done.rows_affected() > 0)
}

pub(crate) async fn due_feeds(
    pool: &PgPool,
    now: DateTime<Utc>,
    limit: u32,
) -> StorageResult<Vec<Feed>> {
    sqlx::query_as::<_, FeedRow>(
        "SELECT * FROM feeds WHERE next_fetch_at <= $1 AND NOT paused ORDER BY next_fetch_at, id LIMIT $2",
    )
    .bind(checked("now", now)?)
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await
    .map_err(db_error)?
    .into_iter()
    .map(FeedRow::into_feed)
    .collect()
}

/// Validators, title and site link are kept as they were when the record has none.
pub(crate) async fn record_feed_fetch(
    pool: &PgPool,
    id: FeedId,
    record: FeedFetchRecord,
) -> StorageResult<()> {
    let done = sqlx::query(
        "UPDATE feeds SET
             last_fetch_at = $1,
             last_status = $2,
             last_error = $3,
             etag = COALESCE($4, etag),
             last_modified = COALESCE($5, last_modified),
             next_fetch_at = $6,
             consecutive_failures = $7,
             title = COALESCE($8, title),
             site_url = COALESCE($9, site_url)
         WHERE id = $10",
    )
    .bind(checked("record at", record.at)?)
    .bind(record.status.as_str())
    .bind(&record.error)
    .bind(&record.etag)
    .bind(&record.last_modified)
    .bind(checked("record next_fetch_at", record.next_fetch_at)?)
    .bind(record.consecutive_failures.max(0))
    .bind(&record.title)
    .bind(&record.site_url)
    .bind(id)
    .execute(pool)
    .await
    .map_err(db_error)?;
    if done.rows_affected() == 0 {
        return Err(StorageError::Invalid(format!("feed id {id}: no such feed")));
    }
    Ok(())
}
