//! The PostgreSQL backend: connecting (pool, migrations) and the [`Storage`] implementation,
//! which delegates to one module per concern. Many processes may share one database: inserts
//! are exactly-once under concurrency, jobs are leased with `FOR UPDATE SKIP LOCKED`, and
//! leadership is a session advisory lock.

mod account_rows;
mod accounts;
mod ai_cache;
mod articles;
mod comments;
mod coordination;
mod db_errors;
mod feeds;
mod leadership;
mod lists;
mod moderation;
mod raw_pages;
mod rows;
mod search_query;
mod site_blocks;
mod stories;
mod timestamps;
mod users;

#[cfg(test)]
mod tests;

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use tidings_core::{
    Article, ArticleCard, ArticleId, Feed, FeedFetchRecord, FeedId, InsertOutcome, NewArticle,
    NewFeed, PageRequest, Paged, Publisher, Storage, StorageError, StorageResult, TagCount,
};

use db_errors::db_error;

/// Connections per process; PostgreSQL serves many writers, unlike SQLite.
const POOL_CONNECTIONS: u32 = 10;
/// How long a caller waits for a free connection before the call fails.
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(30);

/// Tidings' storage in a PostgreSQL database, shareable by many processes.
#[derive(Debug, Clone)]
pub struct PostgresStorage {
    pool: PgPool,
}

impl PostgresStorage {
    /// Connects to the database at `url` (`postgres://user@host:port/db`) and brings its
    /// schema up to date. The database must exist; the `unaccent` extension is created in it
    /// when missing (a trusted extension: the database owner may create it).
    pub async fn connect(url: &str) -> Result<Self, StorageError> {
        let options = PgConnectOptions::from_str(url)
            .map_err(|e| StorageError::Invalid(format!("PostgreSQL URL {}: {e}", redacted(url))))?;
        let pool = PgPoolOptions::new()
            .max_connections(POOL_CONNECTIONS)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options)
            .await
            .map_err(|e| {
                StorageError::Backend(format!(
                    "cannot connect to PostgreSQL at {}: {e}",
                    redacted(url)
                ))
            })?;
        sqlx::migrate!("./migrations/postgres")
            .run(&pool)
            .await
            .map_err(|e| StorageError::Backend(format!("database migration failed: {e}")))?;
        Ok(PostgresStorage { pool })
    }

    /// Closes every connection of the pool; later calls fail.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    pub(crate) fn pool(&self) -> &PgPool {
        &self.pool
    }
}

/// `url` without its password, for messages and logs.
pub(crate) fn redacted(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_string();
    };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    match authority.rsplit_once('@') {
        Some((user_info, host)) => {
            let user = user_info.split(':').next().unwrap_or_default();
            let hidden = if user_info.contains(':') { ":***" } else { "" };
            format!("{scheme}://{user}{hidden}@{host}{path}")
        }
        None => url.to_string(),
    }
}

#[async_trait]
impl Storage for PostgresStorage {
    async fn add_feed(&self, feed: NewFeed) -> StorageResult<Feed> {
        feeds::add_feed(&self.pool, feed).await
    }

    async fn feed(&self, id: FeedId) -> StorageResult<Option<Feed>> {
        feeds::feed(&self.pool, id).await
    }

    async fn feed_by_url(&self, url: &str) -> StorageResult<Option<Feed>> {
        feeds::feed_by_url(&self.pool, url).await
    }

    async fn list_feeds(&self) -> StorageResult<Vec<Feed>> {
        feeds::list_feeds(&self.pool).await
    }

    async fn remove_feed(&self, id: FeedId) -> StorageResult<bool> {
        feeds::remove_feed(&self.pool, id).await
    }

    async fn due_feeds(&self, now: DateTime<Utc>, limit: u32) -> StorageResult<Vec<Feed>> {
        feeds::due_feeds(&self.pool, now, limit).await
    }

    async fn record_feed_fetch(&self, id: FeedId, record: FeedFetchRecord) -> StorageResult<()> {
        feeds::record_feed_fetch(&self.pool, id, record).await
    }

    async fn find_duplicate(
        &self,
        feed_id: Option<FeedId>,
        guid: Option<&str>,
        urls: &[&str],
    ) -> StorageResult<Option<ArticleId>> {
        let mut conn = self.pool.acquire().await.map_err(db_error)?;
        articles::find_duplicate(&mut conn, feed_id, guid, urls).await
    }

    async fn insert_article(&self, article: NewArticle) -> StorageResult<InsertOutcome> {
        articles::insert_article(&self.pool, article).await
    }

    async fn article(&self, id: ArticleId) -> StorageResult<Option<Article>> {
        articles::article(&self.pool, id).await
    }

    async fn count_articles(&self) -> StorageResult<i64> {
        articles::count_articles(&self.pool).await
    }

    async fn latest_articles(&self, page: PageRequest) -> StorageResult<Paged<ArticleCard>> {
        lists::latest_articles(&self.pool, page).await
    }

    async fn publisher(&self, slug: &str) -> StorageResult<Option<Publisher>> {
        lists::publisher(&self.pool, slug).await
    }

    async fn publishers(&self) -> StorageResult<Vec<Publisher>> {
        lists::publishers(&self.pool).await
    }

    async fn publisher_articles(
        &self,
        slug: &str,
        page: PageRequest,
    ) -> StorageResult<Paged<ArticleCard>> {
        lists::publisher_articles(&self.pool, slug, page).await
    }

    async fn tag(&self, slug: &str) -> StorageResult<Option<TagCount>> {
        lists::tag(&self.pool, slug).await
    }

    async fn tag_articles(
        &self,
        slug: &str,
        page: PageRequest,
    ) -> StorageResult<Paged<ArticleCard>> {
        lists::tag_articles(&self.pool, slug, page).await
    }

    async fn trending_tags(
        &self,
        since: DateTime<Utc>,
        limit: u32,
    ) -> StorageResult<Vec<TagCount>> {
        lists::trending_tags(&self.pool, since, limit).await
    }

    async fn search_articles(
        &self,
        query: &str,
        page: PageRequest,
    ) -> StorageResult<Paged<ArticleCard>> {
        search_query::search_articles(&self.pool, query, page).await
    }

    async fn related_articles(&self, id: ArticleId, limit: u32) -> StorageResult<Vec<ArticleCard>> {
        lists::related_articles(&self.pool, id, limit).await
    }
}
