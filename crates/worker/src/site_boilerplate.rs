//! Per-site boilerplate learnt across pages: each extracted page's short blocks are counted
//! for its site (the publisher) in storage, once per page, and the blocks seen on at least
//! [`MIN_RECURRING_PAGES`] of the site's pages (section labels, comment counts, contact and
//! newsletter lines) are dropped from the body before its excerpt and tags are read. Used by
//! the pipeline (which counts a whole poll's pages before storing any) and by
//! `tidings reextract` (which counts every kept page before rewriting any).

use std::collections::HashSet;

use tidings_core::{Storage, StorageResult, publisher_slug};
use tidings_extract::ExtractedArticle;

/// A block printed on this many of a site's pages is the site's, not the article's.
pub const MIN_RECURRING_PAGES: i64 = 3;

/// The key a publisher's pages are counted under.
pub fn site_key(publisher: &str) -> String {
    publisher_slug(publisher)
}

/// Counts the page's short blocks for its site; a page counted before counts nothing.
pub async fn count_page(
    storage: &dyn Storage,
    site: &str,
    page_url: &str,
    extracted: &ExtractedArticle,
) -> StorageResult<()> {
    let keys = tidings_extract::block_keys(&extracted.text);
    storage.count_site_blocks(site, page_url, &keys).await?;
    Ok(())
}

/// Drops from the body the blocks its site repeats on many pages; returns how many
/// paragraphs went.
pub async fn strip_recurring(
    storage: &dyn Storage,
    site: &str,
    extracted: &mut ExtractedArticle,
) -> StorageResult<usize> {
    let keys = tidings_extract::block_keys(&extracted.text);
    if keys.is_empty() {
        return Ok(0);
    }
    let recurring: HashSet<String> = storage
        .recurring_site_blocks(site, &keys, MIN_RECURRING_PAGES)
        .await?
        .into_iter()
        .collect();
    Ok(tidings_extract::strip_blocks(extracted, &recurring))
}
