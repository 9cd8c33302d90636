//! The storage interface for raw pages: the fetched HTML of each article's page, kept
//! gzip-compressed for a retention period so extraction can be re-run after an upgrade, and the
//! rewrite of an article's extracted parts that such a re-run produces; and the per-site counts
//! of short blocks that tell a site's recurring boilerplate from its articles' text.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::storage::StorageResult;
use crate::types::{ArticleId, BodySource, KeyTerm, Tag};

/// The page an article was extracted from, as fetched.
#[derive(Debug, Clone, PartialEq)]
pub struct RawPage {
    pub article_id: ArticleId,
    /// The URL the page was finally fetched from (after redirects).
    pub url: String,
    /// The charset named by the response's `Content-Type`, if any.
    pub charset: Option<String>,
    pub fetched_at: DateTime<Utc>,
    /// The response body, gzip-compressed.
    pub body_gzip: Vec<u8>,
    /// The feed entry's categories, which enrichment reads besides the page.
    pub categories: Vec<String>,
}

/// Which stored pages to list: all, or those of one publisher, or fetched since a time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawPageFilter {
    pub publisher_slug: Option<String>,
    pub fetched_since: Option<DateTime<Utc>>,
}

/// What a re-extraction rewrites on a stored article. The title, URLs and dates (which come
/// from the feed first, and identify the article) stay as they are.
#[derive(Debug, Clone, PartialEq)]
pub struct ArticleExtraction {
    pub byline: Option<String>,
    pub image: Option<String>,
    pub language: Option<String>,
    pub site_name: Option<String>,
    pub text: String,
    pub html: String,
    pub excerpt: String,
    pub body_source: BodySource,
    pub tags: Vec<Tag>,
    pub terms: Vec<KeyTerm>,
}

/// Most block keys one page may count at once.
pub const MAX_SITE_BLOCKS_PER_PAGE: usize = 200;
/// Longest block key (bytes) and longest site or page key stored.
pub const MAX_SITE_BLOCK_KEY_BYTES: usize = 1024;

/// Raw pages kept for re-extraction, and rewriting an article from a new extraction.
#[async_trait]
pub trait RawPageStore: Send + Sync {
    /// Keeps the page of an article, replacing any page kept for it before. `Invalid` when the
    /// article does not exist.
    async fn save_raw_page(&self, page: RawPage) -> StorageResult<()>;
    async fn raw_page(&self, article_id: ArticleId) -> StorageResult<Option<RawPage>>;
    /// The ids of the articles with a kept page matching `filter`, oldest article first.
    async fn raw_page_ids(&self, filter: &RawPageFilter) -> StorageResult<Vec<ArticleId>>;
    /// Drops the pages fetched before `fetched_before`; returns how many were dropped.
    async fn purge_raw_pages(&self, fetched_before: DateTime<Utc>) -> StorageResult<u64>;
    /// Rewrites an article's extracted parts (body, metadata, tags, key terms and its
    /// full-text entry) in one transaction. `false` when there is no such article.
    async fn update_article_extraction(
        &self,
        id: ArticleId,
        extraction: ArticleExtraction,
    ) -> StorageResult<bool>;
    /// Counts one page of `site` (named by `page`, such as its URL) towards each of its block
    /// `keys`, once per page: a page counted before changes nothing and gives `false`. More
    /// than [`MAX_SITE_BLOCKS_PER_PAGE`] keys, or a key, site or page longer than
    /// [`MAX_SITE_BLOCK_KEY_BYTES`], is `Invalid`.
    async fn count_site_blocks(
        &self,
        site: &str,
        page: &str,
        keys: &[String],
    ) -> StorageResult<bool>;
    /// Those of `keys` seen on at least `min_pages` of `site`'s counted pages.
    async fn recurring_site_blocks(
        &self,
        site: &str,
        keys: &[String],
        min_pages: i64,
    ) -> StorageResult<Vec<String>>;
}

/// Checks the arguments of [`RawPageStore::count_site_blocks`] and gives the keys sorted
/// without repeats (so concurrent writers take row locks in one order).
pub fn checked_site_blocks(site: &str, page: &str, keys: &[String]) -> StorageResult<Vec<String>> {
    if keys.len() > MAX_SITE_BLOCKS_PER_PAGE {
        return Err(crate::StorageError::Invalid(format!(
            "site blocks: {} keys for one page, at most {MAX_SITE_BLOCKS_PER_PAGE}",
            keys.len()
        )));
    }
    let too_long = [site, page]
        .into_iter()
        .chain(keys.iter().map(String::as_str))
        .find(|k| k.len() > MAX_SITE_BLOCK_KEY_BYTES);
    if let Some(long) = too_long {
        return Err(crate::StorageError::Invalid(format!(
            "site blocks: a key of {} bytes, at most {MAX_SITE_BLOCK_KEY_BYTES}",
            long.len()
        )));
    }
    let mut sorted = keys.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    Ok(sorted)
}
