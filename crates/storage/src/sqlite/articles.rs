//! Storing articles (with their tags and key terms) exactly once, and reading one back.

use std::collections::HashSet;

use chrono::Utc;
use sqlx::{QueryBuilder, Sqlite, SqliteConnection, SqlitePool};
use tidings_core::{
    Article, ArticleId, FeedId, InsertOutcome, KeyTerm, NewArticle, StorageError, StorageResult,
    Tag, publisher_slug,
};

use super::db_errors::db_error;
use super::rows::{ArticleRow, ArticleTagRow};
use super::timestamps::{encode, encode_opt};

/// The first stored article with `guid` in feed `feed_id`, or whose URL or canonical URL is
/// one of `urls`. A guid counts only within a feed: without `feed_id` it is not compared.
pub(crate) async fn find_duplicate(
    conn: &mut SqliteConnection,
    feed_id: Option<FeedId>,
    guid: Option<&str>,
    urls: &[&str],
) -> StorageResult<Option<ArticleId>> {
    let urls: Vec<&str> = urls
        .iter()
        .map(|u| u.trim())
        .filter(|u| !u.is_empty())
        .collect();
    let by_guid = feed_id.zip(guid.filter(|g| !g.is_empty()));
    if by_guid.is_none() && urls.is_empty() {
        return Ok(None);
    }
    let mut query = QueryBuilder::<Sqlite>::new("SELECT MIN(id) FROM (");
    let mut parts = 0;
    if let Some((feed_id, guid)) = by_guid {
        query.push("SELECT id FROM articles WHERE feed_id = ");
        query.push_bind(feed_id);
        query.push(" AND guid = ");
        query.push_bind(guid);
        parts += 1;
    }
    if !urls.is_empty() {
        for column in ["url", "canonical_url"] {
            if parts > 0 {
                query.push(" UNION ALL ");
            }
            query.push(format_args!("SELECT id FROM articles WHERE {column} IN ("));
            let mut list = query.separated(", ");
            for url in &urls {
                list.push_bind(*url);
            }
            query.push(")");
            parts += 1;
        }
    }
    query.push(")");
    let (id,): (Option<i64>,) = query
        .build_query_as()
        .fetch_one(&mut *conn)
        .await
        .map_err(db_error)?;
    Ok(id)
}

/// Inserts the article, its tags and terms in one `BEGIN IMMEDIATE` transaction after checking
/// for a duplicate in it, so two writers cannot both store the same article.
pub(crate) async fn insert_article(
    pool: &SqlitePool,
    article: NewArticle,
) -> StorageResult<InsertOutcome> {
    let url = article.url.trim();
    if url.is_empty() {
        return Err(StorageError::Invalid("article url: it is empty".into()));
    }
    let canonical_url = article
        .canonical_url
        .as_deref()
        .map(str::trim)
        .filter(|u| !u.is_empty());
    let guid = article.guid.as_deref().filter(|g| !g.is_empty());
    let slug = publisher_slug(&article.publisher);
    if slug.is_empty() {
        return Err(StorageError::Invalid(format!(
            "article publisher {:?}: it has no letters or digits",
            article.publisher
        )));
    }
    let published_at = encode_opt("article published_at", article.published_at)?;
    let fetched_at = encode("article fetched_at", Utc::now())?;
    let shown_at = published_at.clone().unwrap_or_else(|| fetched_at.clone());

    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await.map_err(db_error)?;
    let urls: Vec<&str> = std::iter::once(url).chain(canonical_url).collect();
    if let Some(id) = find_duplicate(&mut tx, article.feed_id, guid, &urls).await? {
        tx.rollback().await.map_err(db_error)?;
        return Ok(InsertOutcome::Duplicate(id));
    }
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO articles (feed_id, publisher, publisher_slug, guid, url, canonical_url,
                               title, byline, published_at, fetched_at, shown_at, image,
                               language, site_name, text, html, excerpt, body_source, policy)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         RETURNING id",
    )
    .bind(article.feed_id)
    .bind(article.publisher.trim())
    .bind(&slug)
    .bind(guid)
    .bind(url)
    .bind(canonical_url)
    .bind(&article.title)
    .bind(&article.byline)
    .bind(&published_at)
    .bind(&fetched_at)
    .bind(&shown_at)
    .bind(&article.image)
    .bind(&article.language)
    .bind(&article.site_name)
    .bind(&article.text)
    .bind(&article.html)
    .bind(&article.excerpt)
    .bind(article.body_source.as_str())
    .bind(article.policy.as_str())
    .fetch_one(&mut *tx)
    .await
    .map_err(db_error)?;
    insert_tags(&mut tx, id, &shown_at, &article.tags).await?;
    insert_terms(&mut tx, id, &article.terms).await?;
    tx.commit().await.map_err(db_error)?;
    Ok(InsertOutcome::Inserted(id))
}

/// Tags in the given order, one per slug (the first label wins); empty slugs are skipped.
pub(crate) async fn insert_tags(
    conn: &mut SqliteConnection,
    article_id: ArticleId,
    shown_at: &str,
    tags: &[Tag],
) -> StorageResult<()> {
    let mut seen = HashSet::new();
    let tags: Vec<&Tag> = tags
        .iter()
        .filter(|t| !t.slug.is_empty() && seen.insert(t.slug.as_str()))
        .collect();
    if tags.is_empty() {
        return Ok(());
    }
    let mut query = QueryBuilder::<Sqlite>::new(
        "INSERT INTO article_tags (article_id, slug, label, position, shown_at) ",
    );
    query.push_values(tags.iter().enumerate(), |mut row, (position, tag)| {
        row.push_bind(article_id)
            .push_bind(&tag.slug)
            .push_bind(&tag.label)
            .push_bind(position as i64)
            .push_bind(shown_at);
    });
    query.build().execute(conn).await.map_err(db_error)?;
    Ok(())
}

/// Terms with a finite weight, one per term (the first wins); empty terms are skipped.
pub(crate) async fn insert_terms(
    conn: &mut SqliteConnection,
    article_id: ArticleId,
    terms: &[KeyTerm],
) -> StorageResult<()> {
    let mut seen = HashSet::new();
    let terms: Vec<&KeyTerm> = terms
        .iter()
        .filter(|t| !t.term.is_empty() && t.weight.is_finite() && seen.insert(t.term.as_str()))
        .collect();
    if terms.is_empty() {
        return Ok(());
    }
    let mut query =
        QueryBuilder::<Sqlite>::new("INSERT INTO article_terms (article_id, term, weight) ");
    query.push_values(terms, |mut row, term| {
        row.push_bind(article_id)
            .push_bind(&term.term)
            .push_bind(f64::from(term.weight));
    });
    query.build().execute(conn).await.map_err(db_error)?;
    Ok(())
}

pub(crate) async fn article(pool: &SqlitePool, id: ArticleId) -> StorageResult<Option<Article>> {
    let row: Option<ArticleRow> = sqlx::query_as(
        "SELECT id, feed_id, publisher, publisher_slug, guid, url, canonical_url, title, byline,
                published_at, fetched_at, image, language, site_name, text, html, excerpt,
                body_source, policy
         FROM articles WHERE id = ?",
    )
    .bind(id)
    .fetch_optional(pool)
    .await
    .map_err(db_error)?;
    let Some(row) = row else {
        return Ok(None);
    };
    let tags: Vec<ArticleTagRow> = sqlx::query_as(
        "SELECT article_id, slug, label FROM article_tags WHERE article_id = ? ORDER BY position",
    )
    .bind(id)
    .fetch_all(pool)
    .await
    .map_err(db_error)?;
    row.into_article(tags.into_iter().map(ArticleTagRow::into_tag).collect())
        .map(Some)
}

pub(crate) async fn count_articles(pool: &SqlitePool) -> StorageResult<i64> {
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM articles")
        .fetch_one(pool)
        .await
        .map_err(db_error)?;
    Ok(count)
}
