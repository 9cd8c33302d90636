//! The lists readers browse: latest, by publisher, by tag, trending tags and related
//! articles, each as [`ArticleCard`]s with their tags.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use tidings_core::{
    ArticleCard, ArticleId, PageRequest, Paged, Publisher, StorageResult, Tag, TagCount,
    publisher_slug, tag_slug,
};

use super::db_errors::db_error;
use super::rows::{ArticleTagRow, CardRow, PublisherRow, TagCountRow};
use super::timestamps::checked;

/// What a card shows, from `articles a`. The card links to the original: the canonical URL
/// when the page declared one.
pub(crate) const CARD_COLUMNS: &str = "a.id, a.title, a.publisher, a.publisher_slug, \
     COALESCE(a.canonical_url, a.url) AS url, a.shown_at, a.excerpt, a.image";

/// Articles from other publishers sharing the most weighted key terms with `$1` (score: sum
/// of the products of the shared terms' weights), newest first among equals. Every step is an
/// index search: `$1`'s terms by primary key, the other articles by `article_terms_term`.
pub(crate) const RELATED_SQL: &str = "\
    SELECT a.id, a.title, a.publisher, a.publisher_slug, \
           COALESCE(a.canonical_url, a.url) AS url, a.shown_at, a.excerpt, a.image \
    FROM (SELECT theirs.article_id AS id, SUM(mine.weight * theirs.weight) AS score \
          FROM article_terms AS mine \
          JOIN article_terms AS theirs \
            ON theirs.term = mine.term AND theirs.article_id <> mine.article_id \
          WHERE mine.article_id = $1 \
          GROUP BY theirs.article_id) AS shared \
    JOIN articles AS a ON a.id = shared.id \
    WHERE a.publisher_slug <> (SELECT publisher_slug FROM articles WHERE id = $1) \
    ORDER BY shared.score DESC, a.shown_at DESC, a.id DESC \
    LIMIT $2";

pub(crate) async fn latest_articles(
    pool: &PgPool,
    page: PageRequest,
) -> StorageResult<Paged<ArticleCard>> {
    let (limit, offset) = limit_offset(page);
    let rows: Vec<CardRow> = sqlx::query_as(&format!(
        "SELECT {CARD_COLUMNS} FROM articles AS a
         ORDER BY a.shown_at DESC, a.id DESC LIMIT $1 OFFSET $2"
    ))
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await
    .map_err(db_error)?;
    paged(pool, rows, page).await
}

pub(crate) async fn publisher_articles(
    pool: &PgPool,
    slug: &str,
    page: PageRequest,
) -> StorageResult<Paged<ArticleCard>> {
    let (limit, offset) = limit_offset(page);
    let rows: Vec<CardRow> = sqlx::query_as(&format!(
        "SELECT {CARD_COLUMNS} FROM articles AS a WHERE a.publisher_slug = $1
         ORDER BY a.shown_at DESC, a.id DESC LIMIT $2 OFFSET $3"
    ))
    .bind(publisher_slug(slug))
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await
    .map_err(db_error)?;
    paged(pool, rows, page).await
}

/// Publishers with their article counts; the name is the one on the newest article.
const PUBLISHERS_SQL: &str = "\
    SELECT publisher_slug AS slug, \
           (array_agg(publisher ORDER BY shown_at DESC, id DESC))[1] AS name, \
           COUNT(*) AS article_count \
    FROM articles";

pub(crate) async fn publisher(pool: &PgPool, slug: &str) -> StorageResult<Option<Publisher>> {
    let row: Option<PublisherRow> = sqlx::query_as(&format!(
        "{PUBLISHERS_SQL} WHERE publisher_slug = $1 GROUP BY publisher_slug"
    ))
    .bind(publisher_slug(slug))
    .fetch_optional(pool)
    .await
    .map_err(db_error)?;
    Ok(row.map(Publisher::from))
}

/// All publishers with at least one article, by name (ASCII letter case ignored, as SQLite's
/// `NOCASE` does), then slug.
pub(crate) async fn publishers(pool: &PgPool) -> StorageResult<Vec<Publisher>> {
    let rows: Vec<PublisherRow> = sqlx::query_as(&format!(
        "SELECT slug, name, article_count FROM ({PUBLISHERS_SQL} GROUP BY publisher_slug) AS p
         ORDER BY translate(name, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ', 'abcdefghijklmnopqrstuvwxyz'),
                  slug"
    ))
    .fetch_all(pool)
    .await
    .map_err(db_error)?;
    Ok(rows.into_iter().map(Publisher::from).collect())
}

pub(crate) async fn tag(pool: &PgPool, slug: &str) -> StorageResult<Option<TagCount>> {
    let row: Option<TagCountRow> = sqlx::query_as(
        "SELECT $1::text AS slug,
                (SELECT label FROM article_tags WHERE slug = $1
                 GROUP BY label ORDER BY COUNT(*) DESC, label LIMIT 1) AS label,
                COUNT(*) AS count
         FROM article_tags WHERE slug = $1
         HAVING COUNT(*) > 0",
    )
    .bind(tag_slug(slug))
    .fetch_optional(pool)
    .await
    .map_err(db_error)?;
    Ok(row.map(TagCount::from))
}

pub(crate) async fn tag_articles(
    pool: &PgPool,
    slug: &str,
    page: PageRequest,
) -> StorageResult<Paged<ArticleCard>> {
    let (limit, offset) = limit_offset(page);
    let rows: Vec<CardRow> = sqlx::query_as(&format!(
        "SELECT {CARD_COLUMNS} FROM article_tags AS t JOIN articles AS a ON a.id = t.article_id
         WHERE t.slug = $1
         ORDER BY t.shown_at DESC, t.article_id DESC LIMIT $2 OFFSET $3"
    ))
    .bind(tag_slug(slug))
    .bind(limit)
    .bind(offset)
    .fetch_all(pool)
    .await
    .map_err(db_error)?;
    paged(pool, rows, page).await
}

/// Tags by the number of articles shown since `since` carrying them (then by slug), each
/// with its most common label in that window.
pub(crate) async fn trending_tags(
    pool: &PgPool,
    since: DateTime<Utc>,
    limit: u32,
) -> StorageResult<Vec<TagCount>> {
    let rows: Vec<TagCountRow> = sqlx::query_as(
        "SELECT t.slug AS slug,
                (SELECT l.label FROM article_tags AS l WHERE l.slug = t.slug AND l.shown_at >= $1
                 GROUP BY l.label ORDER BY COUNT(*) DESC, l.label LIMIT 1) AS label,
                COUNT(*) AS count
         FROM article_tags AS t WHERE t.shown_at >= $1
         GROUP BY t.slug ORDER BY count DESC, t.slug LIMIT $2",
    )
    .bind(checked("since", since)?)
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await
    .map_err(db_error)?;
    Ok(rows.into_iter().map(TagCount::from).collect())
}

pub(crate) async fn related_articles(
    pool: &PgPool,
    id: ArticleId,
    limit: u32,
) -> StorageResult<Vec<ArticleCard>> {
    let rows: Vec<CardRow> = sqlx::query_as(RELATED_SQL)
        .bind(id)
        .bind(i64::from(limit))
        .fetch_all(pool)
        .await
        .map_err(db_error)?;
    with_tags(pool, rows).await
}

/// `LIMIT` and `OFFSET` for a page: one row more than the page holds, to learn `has_more`.
pub(crate) fn limit_offset(page: PageRequest) -> (i64, i64) {
    let page = PageRequest::new(page.page, page.per_page);
    (i64::from(page.per_page) + 1, page.offset())
}

/// Cuts the extra row read by [`limit_offset`] and attaches the tags.
pub(crate) async fn paged(
    pool: &PgPool,
    mut rows: Vec<CardRow>,
    page: PageRequest,
) -> StorageResult<Paged<ArticleCard>> {
    let per_page = PageRequest::new(page.page, page.per_page).per_page as usize;
    let has_more = rows.len() > per_page;
    rows.truncate(per_page);
    Ok(Paged {
        items: with_tags(pool, rows).await?,
        has_more,
    })
}

/// Cards for `rows` in their order, with every card's tags read in one query.
pub(crate) async fn with_tags(
    pool: &PgPool,
    rows: Vec<CardRow>,
) -> StorageResult<Vec<ArticleCard>> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = rows.iter().map(|row| row.id).collect();
    let tag_rows: Vec<ArticleTagRow> = sqlx::query_as(
        "SELECT article_id, slug, label FROM article_tags WHERE article_id = ANY($1)
         ORDER BY article_id, position",
    )
    .bind(&ids)
    .fetch_all(pool)
    .await
    .map_err(db_error)?;
    let mut tags: HashMap<ArticleId, Vec<Tag>> = HashMap::new();
    for row in tag_rows {
        tags.entry(row.article_id).or_default().push(row.into_tag());
    }
    let mut pictures = super::images::card_pictures(pool, &ids).await?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let card_tags = tags.remove(&row.id).unwrap_or_default();
            let mut card = row.into_card(card_tags);
            card.picture = pictures.remove(&card.id);
            card
        })
        .collect())
}
