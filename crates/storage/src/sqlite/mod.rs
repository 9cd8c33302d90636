//! The SQLite backend: opening the database (pragmas, migrations) and the [`Storage`]
//! implementation, which delegates to one module per concern.

mod account_rows;
mod accounts;
mod admin;
mod ai_cache;
mod articles;
mod comments;
mod coordination;
mod db_errors;
mod feeds;
mod follows;
mod images;
mod lists;
mod moderation;
mod raw_pages;
mod rows;
mod search_query;
mod site_blocks;
mod sitemap;
mod stories;
mod story_revisions;
mod timestamps;
mod tokens;
mod users;

#[cfg(test)]
mod tests;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::SqlitePool;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use tidings_core::{
    Article, ArticleCard, ArticleId, Feed, FeedFetchRecord, FeedId, InsertOutcome, NewArticle,
    NewFeed, PageRequest, Paged, Publisher, SitemapEntry, SitemapSection, Storage, StorageError,
    StorageResult, TagCount,
};

use db_errors::db_error;

/// How long a connection waits for another writer before giving up.
const BUSY_TIMEOUT: Duration = Duration::from_secs(5);
/// Connections of a file-backed pool (SQLite has one writer; readers run beside it in WAL).
const FILE_POOL_CONNECTIONS: u32 = 8;

/// Tidings' storage in one SQLite database file (or in memory, for tests).
#[derive(Debug, Clone)]
pub struct SqliteStorage {
    pool: SqlitePool,
}

impl SqliteStorage {
    /// Opens (creating it and its parent directories when missing) the database at `path`, in
    /// WAL mode with foreign keys on, and brings its schema up to date.
    pub async fn open(path: &Path) -> Result<Self, StorageError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            tokio::fs::create_dir_all(parent).await.map_err(|e| {
                StorageError::Backend(format!(
                    "cannot create the database directory {}: {e}",
                    parent.display()
                ))
            })?;
        }
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        let pool = SqlitePoolOptions::new()
            .max_connections(FILE_POOL_CONNECTIONS)
            .connect_with(options)
            .await
            .map_err(|e| {
                StorageError::Backend(format!("cannot open the database {}: {e}", path.display()))
            })?;
        Self::migrated(pool).await
    }

    /// A fresh database in memory, gone when the storage is dropped. The pool holds a single
    /// connection that never expires, so every query sees the same database.
    pub async fn open_in_memory() -> Result<Self, StorageError> {
        let options = SqliteConnectOptions::from_str("sqlite::memory:")
            .map_err(db_error)?
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        let pool = SqlitePoolOptions::new()
            .min_connections(1)
            .max_connections(1)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_with(options)
            .await
            .map_err(db_error)?;
        Self::migrated(pool).await
    }

    /// Closes the pool, waiting for its connections to end (the WAL is checkpointed).
    pub async fn close(&self) {
        self.pool.close().await;
    }

    async fn migrated(pool: SqlitePool) -> Result<Self, StorageError> {
        sqlx::migrate!("./migrations/sqlite")
            .run(&pool)
            .await
            .map_err(|e| StorageError::Backend(format!("database migration failed: {e}")))?;
        users::fill_name_skeletons(&pool).await?;
        Ok(SqliteStorage { pool })
    }
}

#[async_trait]
impl Storage for SqliteStorage {
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

    async fn sitemap_count(&self, section: SitemapSection) -> StorageResult<i64> {
        sitemap::sitemap_count(&self.pool, section).await
    }

    async fn sitemap_entries(
        &self,
        section: SitemapSection,
        offset: i64,
        limit: u32,
    ) -> StorageResult<Vec<SitemapEntry>> {
        sitemap::sitemap_entries(&self.pool, section, offset, limit).await
    }
}
