//! The storage interface for stories: articles grouped by event, and syndicated copies.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::storage::StorageResult;
use crate::types::{ArticleCard, ArticleId, KeyTerm, PageRequest, Paged, Tag};

/// A story's row id.
pub type StoryId = i64;

/// Where the story stage put a newly stored article.
#[derive(Debug, Clone, PartialEq)]
pub struct StoryPlacement {
    pub article_id: ArticleId,
    /// The story to join; `None` starts a new story led by this article.
    pub story: Option<StoryId>,
    /// The article this one is a syndicated copy of.
    pub copy_of: Option<ArticleId>,
    /// Existing articles this one turned out to be the original of (they become its copies).
    pub original_of: Vec<ArticleId>,
    /// The nearest other articles and their similarity, kept for Related Articles (stored in
    /// both directions).
    pub neighbours: Vec<(ArticleId, f32)>,
    /// The article's hashtags made consistent with its story's, replacing its own.
    pub tags: Option<Vec<Tag>>,
}

/// One article of a story, as its page lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoryArticle {
    pub card: ArticleCard,
    /// Set when this article is a syndicated copy of another of the story.
    pub copy_of: Option<ArticleId>,
}

/// A story with all its articles, oldest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Story {
    pub id: StoryId,
    /// The title that best represents its coverage (`story_headline`).
    pub headline: String,
    pub articles: Vec<StoryArticle>,
    /// Distinct publishers covering it.
    pub outlets: i64,
    pub first_at: DateTime<Utc>,
    pub last_at: DateTime<Utc>,
}

/// A story as lists show it: its newest original article and how many outlets cover it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StorySummary {
    pub id: StoryId,
    pub headline: String,
    pub lead: ArticleCard,
    pub article_ids: Vec<ArticleId>,
    pub outlets: i64,
    pub last_at: DateTime<Utc>,
}

/// An outlet that published a copy of an article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CopyRef {
    pub id: ArticleId,
    pub publisher: String,
    pub publisher_slug: String,
    pub url: String,
}

/// An article's place among stories and copies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleLinks {
    pub story_id: Option<StoryId>,
    pub copy_of: Option<ArticleId>,
    pub copies: Vec<CopyRef>,
}

/// What the in-memory story index needs of one stored article to be rebuilt at start.
#[derive(Debug, Clone, PartialEq)]
pub struct StoryIndexRow {
    pub article_id: ArticleId,
    pub shown_at: DateTime<Utc>,
    pub story_id: StoryId,
    pub copy_of: Option<ArticleId>,
    pub terms: Vec<KeyTerm>,
}

/// Stories (articles about one event from many outlets) and syndicated copies.
#[async_trait]
pub trait StoryStore: Send + Sync {
    /// Writes where an article belongs (story, copies, neighbours, harmonised tags) in one
    /// transaction and returns its story.
    async fn place_in_story(&self, placement: StoryPlacement) -> StorageResult<StoryId>;
    async fn story(&self, id: StoryId) -> StorageResult<Option<Story>>;
    /// Stories by their newest article, newest first.
    async fn latest_stories(&self, page: PageRequest) -> StorageResult<Paged<StorySummary>>;
    /// Stories with an article tagged `slug`, newest first.
    async fn tag_stories(
        &self,
        slug: &str,
        page: PageRequest,
    ) -> StorageResult<Paged<StorySummary>>;
    /// `None` when there is no such article.
    async fn article_links(&self, id: ArticleId) -> StorageResult<Option<ArticleLinks>>;
    /// The story's other coverage first, then the nearest articles; never the article itself,
    /// its original or its copies.
    async fn story_related(&self, id: ArticleId, limit: u32) -> StorageResult<Vec<ArticleCard>>;
    /// The tags a story's articles carry, most used first.
    async fn story_tags(&self, id: StoryId, limit: u32) -> StorageResult<Vec<Tag>>;
    /// Placed articles shown at or after `since` with an id above `after`, by id, for
    /// rebuilding the story index.
    async fn story_index_rows(
        &self,
        since: DateTime<Utc>,
        after: ArticleId,
        limit: u32,
    ) -> StorageResult<Vec<StoryIndexRow>>;
    /// Moves every article of story `from` into `into`, records the merge (so `from`'s
    /// address leads to `into`, and so do the addresses of stories merged into `from`
    /// before) and removes `from`, in one transaction.
    async fn merge_stories(&self, from: StoryId, into: StoryId) -> StorageResult<()>;
    /// Moves `articles` (each in `story`) into a new story, in one transaction, and returns
    /// the new story.
    async fn split_story(&self, story: StoryId, articles: &[ArticleId]) -> StorageResult<StoryId>;
    /// The story a merged story's articles now belong to; `None` when `id` was never merged.
    async fn story_redirect(&self, id: StoryId) -> StorageResult<Option<StoryId>>;
    /// Stored articles not yet placed in a story with an id above `after`, by id: the work
    /// left for the story stage (articles stored by other processes, or before a crash).
    async fn unplaced_articles(
        &self,
        after: ArticleId,
        limit: u32,
    ) -> StorageResult<Vec<ArticleId>>;
}
