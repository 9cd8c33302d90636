//! The operator's console on PostgreSQL: feed listings with their state, pausing and
//! rescheduling, publishers, users and sessions, the dashboard and operator tasks.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use tidings_core::{
    AdminFeed, AdminStore, FeedFilter, FeedId, FeedSort, OperatorTask, PageRequest, Paged,
    RepublishPolicy, Role, SessionInfo, SiteOverview, StorageError, StorageResult, User, UserId,
    publisher_slug,
};

use super::PostgresStorage;
use super::account_rows::{USER_COLUMNS, UserRow};
use super::db_errors::db_error;
use super::rows::FeedRow;
use super::timestamps::{checked, now};
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
        FeedFilter::All => "TRUE",
        FeedFilter::Failing => "last_status = 'error'",
        FeedFilter::Healthy => "last_status IN ('ok', 'not_modified')",
        FeedFilter::New => "last_status IS NULL",
        FeedFilter::Paused => "paused",
    }
}

fn sort_sql(sort: FeedSort) -> &'static str {
    match sort {
        FeedSort::Added => "id",
        FeedSort::Publisher => "lower(publisher) COLLATE \"C\", id",
        FeedSort::Failures => "consecutive_failures DESC, id",
        FeedSort::LastFetch => "last_fetch_at DESC NULLS LAST, id",
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
    DateTime<Utc>,
    DateTime<Utc>,
);

fn task_from_row(row: TaskRow) -> OperatorTask {
    let (id, kind, label, total, done, failed, note, finished, created_at, updated_at) = row;
    OperatorTask {
        id,
        kind,
        label,
        total,
        done,
        failed,
        note,
        finished,
        created_at,
        updated_at,
    }
}

const TASK_COLUMNS: &str =
    "id, kind, label, total, done, failed, note, finished, created_at, updated_at";

#[async_trait]
impl AdminStore for PostgresStorage {
    async fn admin_feeds(
        &self,
        filter: FeedFilter,
        sort: FeedSort,
        page: PageRequest,
    ) -> StorageResult<Paged<AdminFeed>> {
        let sql = format!(
            "{ADMIN_FEED_SELECT} WHERE {} ORDER BY {} LIMIT $1 OFFSET $2",
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
        sqlx::query_as::<_, AdminFeedRow>(&format!("{ADMIN_FEED_SELECT} WHERE id = $1"))
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
        let done = sqlx::query("UPDATE feeds SET paused = $1 WHERE id = $2")
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
        let done = sqlx::query("UPDATE feeds SET policy = $1, interval_secs = $2 WHERE id = $3")
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
        at: DateTime<Utc>,
    ) -> StorageResult<u64> {
        let at = checked("now", at)?;
        let done = match id {
            Some(id) => {
                sqlx::query("UPDATE feeds SET next_fetch_at = $1 WHERE id = $2")
                    .bind(at)
                    .bind(id)
                    .execute(&self.pool)
                    .await
            }
            None => {
                sqlx::query("UPDATE feeds SET next_fetch_at = $1 WHERE NOT paused")
                    .bind(at)
                    .execute(&self.pool)
                    .await
            }
        }
        .map_err(db_error)?;
        Ok(done.rows_affected())
    }

    async fn polled_since(&self, since: DateTime<Utc>) -> StorageResult<(i64, i64)> {
        let (active, polled): (i64, i64) = sqlx::query_as(
            "SELECT COUNT(*), COUNT(*) FILTER (WHERE last_fetch_at >= $1)
             FROM feeds WHERE NOT paused",
        )
        .bind(checked("since", since)?)
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
        let feeds: Vec<(i64, String)> =
            sqlx::query_as("SELECT id, publisher FROM feeds FOR UPDATE")
                .fetch_all(&mut *tx)
                .await
                .map_err(db_error)?;
        let ids: Vec<i64> = feeds
            .into_iter()
            .filter(|(_, p)| publisher_slug(p) == slug)
            .map(|(id, _)| id)
            .collect();
        sqlx::query(
            "UPDATE feeds SET publisher = $1, policy = COALESCE($2, policy) WHERE id = ANY($3)",
        )
        .bind(name)
        .bind(policy)
        .bind(&ids)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        let done = sqlx::query(
            "UPDATE articles SET publisher = $1, publisher_slug = $2,
                 policy = COALESCE($3, policy)
             WHERE publisher_slug = $4",
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
        type Row = (i64, i64, i64, i64, i64, i64, i64, Option<DateTime<Utc>>);
        let row: Row = sqlx::query_as(
            "SELECT
                 (SELECT COUNT(*) FROM feeds),
                 (SELECT COUNT(*) FROM feeds WHERE paused),
                 (SELECT COUNT(*) FROM feeds WHERE last_status = 'error'),
                 (SELECT COUNT(*) FROM articles),
                 (SELECT COUNT(*) FROM articles WHERE fetched_at >= $1),
                 (SELECT COUNT(*) FROM articles WHERE story_id IS NULL),
                 pg_database_size(current_database()),
                 (SELECT MAX(last_fetch_at) FROM feeds)",
        )
        .bind(checked("since", since)?)
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
            last_poll_at: row.7,
        })
    }

    async fn list_users(&self, page: PageRequest) -> StorageResult<Paged<User>> {
        let rows: Vec<UserRow> = sqlx::query_as(&format!(
            "SELECT {USER_COLUMNS} FROM users ORDER BY name_key, id LIMIT $1 OFFSET $2"
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
        let done = sqlx::query("UPDATE users SET role = $1 WHERE id = $2")
            .bind(role.as_str())
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(done.rows_affected() > 0)
    }

    async fn delete_user(&self, id: UserId) -> StorageResult<bool> {
        let done = sqlx::query("DELETE FROM users WHERE id = $1")
            .bind(id)
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(done.rows_affected() > 0)
    }

    async fn user_sessions(
        &self,
        id: UserId,
        at: DateTime<Utc>,
    ) -> StorageResult<Vec<SessionInfo>> {
        let rows: Vec<(i64, DateTime<Utc>, DateTime<Utc>, DateTime<Utc>)> = sqlx::query_as(
            "SELECT id, created_at, last_seen_at, expires_at FROM sessions
             WHERE user_id = $1 AND NOT revoked AND expires_at > $2
             ORDER BY created_at DESC, id DESC",
        )
        .bind(id)
        .bind(checked("now", at)?)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(rows
            .into_iter()
            .map(|(id, created_at, last_seen_at, expires_at)| SessionInfo {
                id,
                created_at,
                last_seen_at,
                expires_at,
            })
            .collect())
    }

    async fn revoke_user_session(&self, user: UserId, session: i64) -> StorageResult<bool> {
        let done = sqlx::query(
            "UPDATE sessions SET revoked = TRUE WHERE id = $1 AND user_id = $2 AND NOT revoked",
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
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO operator_tasks (kind, label, total, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $4) RETURNING id",
        )
        .bind(kind)
        .bind(label)
        .bind(total.max(0))
        .bind(now())
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
            "UPDATE operator_tasks SET done = $1, failed = $2, note = COALESCE($3, note),
                 finished = $4, updated_at = $5
             WHERE id = $6",
        )
        .bind(done)
        .bind(failed)
        .bind(note)
        .bind(finished)
        .bind(now())
        .bind(id)
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(result.rows_affected() > 0)
    }

    async fn operator_task(&self, id: i64) -> StorageResult<Option<OperatorTask>> {
        Ok(sqlx::query_as::<_, TaskRow>(&format!(
            "SELECT {TASK_COLUMNS} FROM operator_tasks WHERE id = $1"
        ))
        .bind(id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error)?
        .map(task_from_row))
    }

    async fn operator_tasks(&self, limit: u32) -> StorageResult<Vec<OperatorTask>> {
        Ok(sqlx::query_as::<_, TaskRow>(&format!(
            "SELECT {TASK_COLUMNS} FROM operator_tasks ORDER BY id DESC LIMIT $1"
        ))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?
        .into_iter()
        .map(task_from_row)
        .collect())
    }
}
