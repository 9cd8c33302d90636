//! What the sitemap lists: articles, stories and tags, each with when it last changed, read
//! in key order a chunk at a time.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use tidings_core::{SitemapEntry, SitemapSection, StorageResult};

use super::db_errors::db_error;

/// The query for one section: `key`, `modified` in key order (slugs in byte order, as
/// SQLite sorts them).
fn section_sql(section: SitemapSection) -> &'static str {
    match section {
        SitemapSection::Articles => {
            "SELECT id::text AS key, GREATEST(shown_at, fetched_at) AS modified
             FROM articles ORDER BY id LIMIT $1 OFFSET $2"
        }
        SitemapSection::Stories => {
            "SELECT id::text AS key, last_at AS modified
             FROM stories ORDER BY id LIMIT $1 OFFSET $2"
        }
        SitemapSection::Tags => {
            "SELECT slug AS key, MAX(shown_at) AS modified
             FROM article_tags GROUP BY slug ORDER BY slug COLLATE \"C\" LIMIT $1 OFFSET $2"
        }
    }
}

pub(crate) async fn sitemap_count(pool: &PgPool, section: SitemapSection) -> StorageResult<i64> {
    let sql = match section {
        SitemapSection::Articles => "SELECT COUNT(*) FROM articles",
        SitemapSection::Stories => "SELECT COUNT(*) FROM stories",
        SitemapSection::Tags => "SELECT COUNT(DISTINCT slug) FROM article_tags",
    };
    sqlx::query_scalar(sql)
        .fetch_one(pool)
        .await
        .map_err(db_error)
}

pub(crate) async fn sitemap_entries(
    pool: &PgPool,
    section: SitemapSection,
    offset: i64,
    limit: u32,
) -> StorageResult<Vec<SitemapEntry>> {
    let rows: Vec<(String, DateTime<Utc>)> = sqlx::query_as(section_sql(section))
        .bind(i64::from(limit))
        .bind(offset.max(0))
        .fetch_all(pool)
        .await
        .map_err(db_error)?;
    Ok(rows
        .into_iter()
        .map(|(key, modified)| SitemapEntry { key, modified })
        .collect())
}
