//! The operator's console on SQLite: feed listings with their state, pausing and
//! rescheduling, publishers, users and sessions, the dashboard and operator tasks.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use tidings_core::{
    AdminFeed, AdminStore, FeedFilter, FeedId, FeedSort, OperatorTask, PageRequest, Paged,
    RepublishPolicy, Role, SessionInfo, SiteOverview, StorageError, StorageResult, User, UserId,
    publisher_slug,
};

use super::SqliteStorage;
use super::account_rows::{USER_COLUMNS, UserRow};
use super::db_errors::db_error;
use super::rows::FeedRow;
use super::timestamps::{decode, decode_opt, encode};
use crate::admin_rules::{check_interval, check_publisher_name, has_more};

#[derive(sqlx::FromRow)]
struct AdminFeedRow {
    #[sqlx(flatten)]
    feed: FeedRow,
    paused: bool,
    article_count: i64,
}

impl AdminFeedRow {
    fn into_admin_feed(self) -> StorageResult<AdminFeed> {
        Ok(AdminFeed {
            feed: self.feed.into_feed()?,
            paused: self.paused,
            article_count: self.article_count,
        })
    }
}

const ADMIN_FEED_SELECT: &str = "SELECT feeds.*, \
     (SELECT COUNT(*) FROM articles WHERE articles.feed_id = feeds.id) AS article_count \
     FROM feeds";

fn filter_sql(filter: FeedFilter) -> &'static str {
    match filter {
        FeedFilter::All => "1 = 1",
        FeedFilter::Failing => "last_status = 'error'",
        FeedFilter::Healthy => "last_status IN ('ok', 'not_modified')",
        FeedFilter::New => "last_status IS NULL",
        FeedFilter::Paused => "paused = 1",
    }
}

fn sort_sql(sort: FeedSort) -> &'static str {
    match sort {
        FeedSort::Added => "id",
        FeedSort::Publisher => "publisher COLLATE NOCASE, id",
        FeedSort::Failures => "consecutive_failures DESC, id",
        FeedSort::LastFetch => "last_fetch_at IS NULL, last_fetch_at DESC, id",
        FeedSort::NextFetch => "next_fetch_at, id",
    }
}

type TaskRow = (
    i64,
    String,
    String,
    i64,
    i64,
    i64,
    String,
    bool,
    String,
    String,
);

fn task_from_row(row: TaskRow) -> StorageResult<OperatorTask> {
    let (id, kind, label, total, done, failed, note, finished, created_at, updated_at) = row;
    Ok(OperatorTask {
        id,
        kind,
        label,
        total,
        done,
        failed,
        note,
        finished,
        created_at: decode("operator_tasks.created_at", &created_at)?,
        updated_at: decode("operator_tasks.updated_at", &updated_at)?,
    })
}

const TASK_COLUMNS: &str =
    "id, kind, label, total, done, failed, note, finished, created_at, updated_at";

#[async_trait]
impl AdminStore for SqliteStorage {
    async fn admin_feeds(
        &self,
        filter: FeedFilter,
        sort: FeedSort,
        page: PageRequest,
    ) -> StorageResult<Paged<AdminFeed>> {
        let sql = format!(
            "{ADMIN_FEED_SELECT} WHERE {} ORDER BY {} LIMIT ? OFFSET ?",
            filter_sql(filter),
            sort_sql(sort)
        );
        let rows: Vec<AdminFeedRow> = sqlx::query_as(&sql)
            .bind(i64::from(page.per_page) + 1)
            .bind(page.offset())
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)?;
        let items = rows
            .into_iter()
            .map(AdminFeedRow::into_admin_feed)
            .collect::<StorageResult<Vec<_>>>()?;
        Ok(has_more(items, page))
    }

    async fn admin_feed(&self, id: FeedId) -> StorageResult<Option<AdminFeed>> {
        sqlx::query_as::<_, AdminFeedRow>(&format!("{ADMIN_FEED_SELECT} WHERE id = ?"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await
            .map_err(db_error)?
            .map(AdminFeedRow::into_admin_feed)
            .transpose()
    }

    async fn count_feeds(&self, filter: FeedFilter) -> StorageResult<i64> {
        let sql = format!("SELECT COUNT(*) FROM feeds WHERE {}", filter_sql(filter));
        let (count,): (i64,) = sqlx::query_as(&sql)
            .fetch_one(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(count)
    }

    async fn set_feed_paused(&self, id: FeedId, paused: bool) -> StorageResult<bool> {
        let done = sqlx::query("UPDATE feeds SET paused = ? WHERE id = ?")
            .bind(paused)
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(done.rows_affected() > 0)
    }

    async fn update_feed_settings(
        &self,
        id: FeedId,
        policy: RepublishPolicy,
        interval_secs: i64,
    ) -> StorageResult<bool> {
        check_interval(interval_secs)?;
        let done = sqlx::query("UPDATE feeds SET policy = ?, interval_secs = ? WHERE id = ?")
            .bind(policy.as_str())
            .bind(interval_secs)
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(done.rows_affected() > 0)
    }

    async fn schedule_feeds_now(
        &self,
        id: Option<FeedId>,
        now: DateTime<Utc>,
    ) -> StorageResult<u64> {
        let now = encode("now", now)?;
        let done = match id {
            Some(id) => {
                sqlx::query("UPDATE feeds SET next_fetch_at = ? WHERE id = ?")
                    .bind(now)
                    .bind(id)
                    .execute(&self.pool)
                    .await
            }
            None => {
                sqlx::query("UPDATE feeds SET next_fetch_at = ? WHERE paused = 0")
                    .bind(now)
                    .execute(&self.pool)
                    .await
            }
        }
        .map_err(db_error)?;
        Ok(done.rows_affected())
    }

    async fn polled_since(&self, since: DateTime<Utc>) -> StorageResult<(i64, i64)> {
        let (active, polled): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COALESCE(SUM(last_fetch_at >= ?), 0) FROM feeds WHERE paused = 0",
        )
        .bind(encode("since", since)?)
        .fetch_one(&self.pool)
        .await
        .map_err(db_error)?;
        Ok((active, polled))
    }

    async fn update_publisher(
        &self,
        slug: &str,
        name: &str,
        policy: Option<RepublishPolicy>,
    ) -> StorageResult<u64> {
        let name = check_publisher_name(name)?;
        let new_slug = publisher_slug(name);
        let policy = policy.map(RepublishPolicy::as_str);
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        let feeds: Vec<(i64, String)> = sqlx::query_as("SELECT id, publisher FROM feeds")
            .fetch_all(&mut *tx)
            .await
            .map_err(db_error)?;
        for (id, _) in feeds.iter().filter(|(_, p)| publisher_slug(p) == slug) {
            sqlx::query(
                "UPDATE feeds SET publisher = ?, policy = COALESCE(?, policy) WHERE id = ?",
            )
            .bind(name)
            .bind(policy)
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        }
        let done = sqlx::query(
            "UPDATE articles SET publisher = ?, publisher_slug = ?, policy = COALESCE(?, policy)
             WHERE publisher_slug = ?",
        )
        .bind(name)
        .bind(&new_slug)
        .bind(policy)
        .bind(slug)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        tx.commit().await.map_err(db_error)?;
        Ok(done.rows_affected())
    }

    async fn site_overview(&self, since: DateTime<Utc>) -> StorageResult<SiteOverview> {
        type Row = (i64, i64, i64, i64, i64, i64, i64, Option<String>);
        let row: Row = sqlx::query_as(
            "SELECT
                 (SELECT COUNT(*) FROM feeds),
                 (SELECT COUNT(*) FROM feeds WHERE paused = 1),
                 (SELECT COUNT(*) FROM feeds WHERE last_status = 'error'),
                 (SELECT COUNT(*) FROM articles),
                 (SELECT COUNT(*) FROM articles WHERE fetched_at >= ?),
                 (SELECT COUNT(*) FROM articles WHERE story_id IS NULL),
                 (SELECT page_count * page_size FROM pragma_page_count(), pragma_page_size()),
                 (SELECT MAX(last_fetch_at) FROM feeds)",
        )
        .bind(encode("since", since)?)
        .fetch_one(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(SiteOverview {
            feeds: row.0,
            paused_feeds: row.1,
            failing_feeds: row.2,
            articles: row.3,
            articles_since: row.4,
            unplaced_articles: row.5,
            database_bytes: row.6,
            last_poll_at: decode_opt("feeds.last_fetch_at", row.7.as_deref())?,
        })
    }

    async fn list_users(&self, page: PageRequest) -> StorageResult<Paged<User>> {
        let rows: Vec<UserRow> = sqlx::query_as(&format!(
            "SELECT {USER_COLUMNS} FROM users ORDER BY name_key, id LIMIT ? OFFSET ?"
        ))
        .bind(i64::from(page.per_page) + 1)
        .bind(page.offset())
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        let users = rows
            .into_iter()
            .map(UserRow::into_user)
            .collect::<StorageResult<Vec<_>>>()?;
        Ok(has_more(users, page))
    }

    async fn set_user_role(&self, id: UserId, role: Role) -> StorageResult<bool> {
        let done = sqlx::query("UPDATE users SET role = ? WHERE id = ?")
            .bind(role.as_str())
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(done.rows_affected() > 0)
    }

    async fn delete_user(&self, id: UserId) -> StorageResult<bool> {
        let done = sqlx::query("DELETE FROM users WHERE id = ?")
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(done.rows_affected() > 0)
    }

    async fn user_sessions(
        &self,
        id: UserId,
        now: DateTime<Utc>,
    ) -> StorageResult<Vec<SessionInfo>> {
        let rows: Vec<(i64, String, String, String)> = sqlx::query_as(
            "SELECT id, created_at, last_seen_at, expires_at FROM sessions
             WHERE user_id = ? AND revoked = 0 AND expires_at > ?
             ORDER BY created_at DESC, id DESC",
        )
        .bind(id)
        .bind(encode("now", now)?)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        rows.into_iter()
            .map(|(id, created, seen, expires)| {
                Ok(SessionInfo {
                    id,
                    created_at: decode("sessions.created_at", &created)?,
                    last_seen_at: decode("sessions.last_seen_at", &seen)?,
                    expires_at: decode("sessions.expires_at", &expires)?,
                })
            })
            .collect()
    }

    async fn revoke_user_session(&self, user: UserId, session: i64) -> StorageResult<bool> {
        let done = sqlx::query(
            "UPDATE sessions SET revoked = 1 WHERE id = ? AND user_id = ? AND revoked = 0",
        )
        .bind(session)
        .bind(user)
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(done.rows_affected() > 0)
    }

    async fn create_operator_task(
        &self,
        kind: &str,
        label: &str,
        total: i64,
    ) -> StorageResult<i64> {
        if kind.trim().is_empty() {
            return Err(StorageError::Invalid("task kind: it is empty".into()));
        }
        let now = encode("now", Utc::now())?;
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO operator_tasks (kind, label, total, created_at, updated_at)
             VALUES (?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(kind)
        .bind(label)
        .bind(total.max(0))
        .bind(&now)
        .bind(&now)
        .fetch_one(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(id)
    }

    async fn record_task_progress(
        &self,
        id: i64,
        done: i64,
        failed: i64,
        note: Option<&str>,
        finished: bool,
    ) -> StorageResult<bool> {
        let result = sqlx::query(
            "UPDATE operator_tasks SET done = ?, failed = ?, note = COALESCE(?, note),
                 finished = ?, updated_at = ?
             WHERE id = ?",
        )
        .bind(done)
        .bind(failed)
        .bind(note)
        .bind(finished)
        .bind(encode("now", Utc::now())?)
        .bind(id)
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(result.rows_affected() > 0)
    }

    async fn operator_task(&self, id: i64) -> StorageResult<Option<OperatorTask>> {
        sqlx::query_as::<_, TaskRow>(&format!(
            "SELECT {TASK_COLUMNS} FROM operator_tasks WHERE id = ?"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error)?
        .map(task_from_row)
        .transpose()
    }

    async fn operator_tasks(&self, limit: u32) -> StorageResult<Vec<OperatorTask>> {
        sqlx::query_as::<_, TaskRow>(&format!(
            "SELECT {TASK_COLUMNS} FROM operator_tasks ORDER BY id DESC LIMIT ?"
        ))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?
        .into_iter()
        .map(task_from_row)
        .collect()
    }
}
