//! The PostgreSQL backend: connecting (pool, migrations) and the [`Storage`] implementation,
//! which delegates to one module per concern. Many processes may share one database: inserts
//! are exactly-once under concurrency, jobs are leased with `FOR UPDATE SKIP LOCKED`, and
//! leadership is a session advisory lock.

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
mod leadership;
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

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection as _, PgConnection, PgPool};
use tidings_core::{
    Article, ArticleCard, ArticleId, Feed, FeedFetchRecord, FeedId, InsertOutcome, NewArticle,
    NewFeed, PageRequest, Paged, Publisher, SitemapEntry, SitemapSection, Storage, StorageError,
    StorageResult, TagCount,
};

use db_errors::db_error;

/// Connections per process; PostgreSQL serves many writers, unlike SQLite.
const POOL_CONNECTIONS: u32 = 10;
/// How long connecting waits for the server unless the URL says `connect_timeout=SECONDS`.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
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
        let (url, connect_timeout) = connect_timeout(url)?;
        let options = PgConnectOptions::from_str(&url).map_err(|e| {
            StorageError::Invalid(format!("PostgreSQL URL {}: {e}", redacted(&url)))
        })?;
        let server = format!("{}:{}", options.get_host(), options.get_port());
        // One connection first, under the connect timeout, so an unreachable server is named
        // at once (the pool would retry silently until its acquire timeout).
        match tokio::time::timeout(connect_timeout, PgConnection::connect_with(&options)).await {
            Err(_) => {
                return Err(StorageError::Backend(format!(
                    "cannot connect to PostgreSQL at {server}: no answer within {} s \
                     (set connect_timeout=SECONDS in the URL to wait longer)",
                    connect_timeout.as_secs()
                )));
            }
            Ok(Err(e)) => {
                return Err(StorageError::Backend(format!(
                    "cannot connect to PostgreSQL at {server}: {e}"
                )));
            }
            Ok(Ok(connection)) => {
                let _ = connection.close().await;
            }
        }
        let pool = PgPoolOptions::new()
            .max_connections(POOL_CONNECTIONS)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .connect_with(options)
            .await
            .map_err(|e| {
                StorageError::Backend(format!(
                    "cannot connect to PostgreSQL at {}: {e}",
                    redacted(&url)
                ))
            })?;
        sqlx::migrate!("./migrations/postgres")
            .run(&pool)
            .await
            .map_err(|e| StorageError::Backend(format!("database migration failed: {e}")))?;
        users::fill_name_skeletons(&pool).await?;
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

/// The URL without its `connect_timeout=SECONDS` parameter (libpq's name for it), and that
/// timeout ([`DEFAULT_CONNECT_TIMEOUT`] when not given).
fn connect_timeout(url: &str) -> Result<(String, Duration), StorageError> {
    let Some((base, query)) = url.split_once('?') else {
        return Ok((url.to_owned(), DEFAULT_CONNECT_TIMEOUT));
    };
    let mut timeout = DEFAULT_CONNECT_TIMEOUT;
    let mut kept = Vec::new();
    for pair in query.split('&') {
        match pair.strip_prefix("connect_timeout=") {
            Some(value) => {
                let secs: u64 = value.parse().ok().filter(|s| (1..=3600).contains(s)).ok_or_else(|| {
                    StorageError::Invalid(format!(
                        "PostgreSQL URL {}: connect_timeout {value:?} is not a number of seconds from 1 to 3600",
                        redacted(url)
                    ))
                })?;
                timeout = Duration::from_secs(secs);
            }
            None => kept.push(pair),
        }
    }
    let url = if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    Ok((url, timeout))
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
