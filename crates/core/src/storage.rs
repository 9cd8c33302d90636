//! The storage interface: what the pipeline and the web need from a database, and nothing
//! backend-specific. Each backend (SQLite now) implements it in `tidings-storage`.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::types::*;
use crate::{
    AccountStore, AdminStore, AiStore, CoordinationStore, FollowStore, ImageStore, RawPageStore,
    StoryStore,
};

/// What can go wrong in storage, in terms callers can act on.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    /// A unique value exists already (a feed URL added twice).
    #[error("{0} already exists")]
    Conflict(String),
    /// The value was refused (names the field and why).
    #[error("invalid {0}")]
    Invalid(String),
    /// The database failed; the message is for the log, not for readers.
    #[error("database error: {0}")]
    Backend(String),
}

pub type StorageResult<T> = Result<T, StorageError>;

/// Everything Tidings stores. Implementations are cheap to share (`Arc<dyn Storage>`).
/// Each capability beyond feeds and articles has its own trait in its own module.
#[async_trait]
pub trait Storage:
    StoryStore
    + AccountStore
    + AdminStore
    + AiStore
    + RawPageStore
    + ImageStore
    + CoordinationStore
    + FollowStore
    + Send
    + Sync
    + 'static
{
    // ---- feeds ----
    /// Adds a feed; `Conflict` when its URL is there already. Due for fetching at once.
    async fn add_feed(&self, feed: NewFeed) -> StorageResult<Feed>;
    async fn feed(&self, id: FeedId) -> StorageResult<Option<Feed>>;
    async fn feed_by_url(&self, url: &str) -> StorageResult<Option<Feed>>;
    /// All feeds, oldest first.
    async fn list_feeds(&self) -> StorageResult<Vec<Feed>>;
    /// Removes a feed; its articles stay. `false` when there was no such feed.
    async fn remove_feed(&self, id: FeedId) -> StorageResult<bool>;
    /// Feeds whose `next_fetch_at` is at or before `now`, soonest first.
    async fn due_feeds(&self, now: DateTime<Utc>, limit: u32) -> StorageResult<Vec<Feed>>;
    /// Writes a poll's result (status, error, validators, next fetch) onto the feed.
    async fn record_feed_fetch(&self, id: FeedId, record: FeedFetchRecord) -> StorageResult<()>;

    // ---- articles ----
    /// The id of an article stored already with this guid in this feed, or with one of these
    /// URLs as its URL or canonical URL.
    async fn find_duplicate(
        &self,
        feed_id: Option<FeedId>,
        guid: Option<&str>,
        urls: &[&str],
    ) -> StorageResult<Option<ArticleId>>;
    /// Stores an article unless a duplicate exists (checked as `find_duplicate` does, in the
    /// same transaction).
    async fn insert_article(&self, article: NewArticle) -> StorageResult<InsertOutcome>;
    async fn article(&self, id: ArticleId) -> StorageResult<Option<Article>>;
    async fn count_articles(&self) -> StorageResult<i64>;
    /// Newest first (by publication time, else fetch time).
    async fn latest_articles(&self, page: PageRequest) -> StorageResult<Paged<ArticleCard>>;
    async fn publisher(&self, slug: &str) -> StorageResult<Option<Publisher>>;
    async fn publishers(&self) -> StorageResult<Vec<Publisher>>;
    async fn publisher_articles(
        &self,
        slug: &str,
        page: PageRequest,
    ) -> StorageResult<Paged<ArticleCard>>;
    /// The tag (with its most common label) and its article count, if any article has it.
    async fn tag(&self, slug: &str) -> StorageResult<Option<TagCount>>;
    async fn tag_articles(
        &self,
        slug: &str,
        page: PageRequest,
    ) -> StorageResult<Paged<ArticleCard>>;
    /// Tags used most by articles shown since `since`.
    async fn trending_tags(&self, since: DateTime<Utc>, limit: u32)
    -> StorageResult<Vec<TagCount>>;
    /// Full-text search over titles and bodies, best match first. The query is the reader's
    /// words; the backend escapes them.
    async fn search_articles(
        &self,
        query: &str,
        page: PageRequest,
    ) -> StorageResult<Paged<ArticleCard>>;
    /// Articles from *other* publishers sharing the most key terms with this one.
    async fn related_articles(&self, id: ArticleId, limit: u32) -> StorageResult<Vec<ArticleCard>>;

    // ---- sitemap ----
    /// How many pages of `section` the sitemap lists.
    async fn sitemap_count(&self, section: SitemapSection) -> StorageResult<i64>;
    /// Pages of `section` in key order (ids ascending, tag slugs in byte order), at most
    /// `limit` from `offset`, each with when it last changed: an article when it was
    /// published or fetched, whichever is later; a story its newest article; a tag its newest
    /// article.
    async fn sitemap_entries(
        &self,
        section: SitemapSection,
        offset: i64,
        limit: u32,
    ) -> StorageResult<Vec<SitemapEntry>>;
}
