//! Storing articles (with their tags and key terms) exactly once, even when many processes
//! insert at the same time, and reading one back.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder};
use tidings_core::{
    Article, ArticleId, FeedId, InsertOutcome, KeyTerm, NewArticle, StorageError, StorageResult,
    Tag, publisher_slug,
};

use super::db_errors::{db_error, is_unique_violation};
use super::rows::{ArticleRow, ArticleTagRow};
use super::timestamps::{checked_opt, now};

/// The first half of the two-part advisory lock keys that serialize inserts of one article
/// (the second half is a hash of the guid or URL), apart from every other advisory lock.
const INSERT_LOCK_CLASS: i32 = 0x7469_6e73;

/// The lowest id among articles with guid `$2` in feed `$1` or with one of the URLs `$3` as
/// URL or canonical URL: three unique-index lookups. (A plain `MIN(id) … WHERE … OR …` lets
/// the planner walk the primary key instead, which reads the whole table when nothing
/// matches, the common case.)
pub(crate) const DUPLICATE_SQL: &str = "\
    SELECT MIN(id) FROM ( \
        SELECT id FROM articles WHERE feed_id = $1 AND guid = $2 \
        UNION ALL SELECT id FROM articles WHERE url = ANY($3) \
        UNION ALL SELECT id FROM articles WHERE canonical_url = ANY($3)) AS found";

/// The first stored article with `guid` in feed `feed_id`, or whose URL or canonical URL is
/// one of `urls`. A guid counts only within a feed: without `feed_id` it is not compared.
pub(crate) async fn find_duplicate(
    conn: &mut PgConnection,
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
    let (feed_id, guid) = by_guid.unzip();
    let (id,): (Option<i64>,) = sqlx::query_as(DUPLICATE_SQL)
        .bind(feed_id)
        .bind(guid)
        .bind(&urls)
        .fetch_one(&mut *conn)
        .await
        .map_err(db_error)?;
    Ok(id)
}

/// Inserts the article, its tags and terms in one transaction after checking for a duplicate
/// in it. Writers of the same article (sharing a guid in a feed, or any URL) first take the
/// same transaction-scoped advisory locks, so the second one waits and then sees the first
/// one's row; should a unique index still refuse the row, the winner is read back.
pub(crate) async fn insert_article(
    pool: &PgPool,
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
    let published_at = checked_opt("article published_at", article.published_at)?;
    let fetched_at = now();
    let shown_at = published_at.unwrap_or(fetched_at);
    let urls: Vec<&str> = std::iter::once(url).chain(canonical_url).collect();

    let mut tx = pool.begin().await.map_err(db_error)?;
    lock_identities(&mut tx, article.feed_id, guid, &urls).await?;
    if let Some(id) = find_duplicate(&mut tx, article.feed_id, guid, &urls).await? {
        tx.rollback().await.map_err(db_error)?;
        return Ok(InsertOutcome::Duplicate(id));
    }
    let inserted: Result<(i64,), sqlx::Error> = sqlx::query_as(
        "INSERT INTO articles (feed_id, publisher, publisher_slug, guid, url, canonical_url,
                               title, byline, published_at, fetched_at, shown_at, image,
                               language, site_name, text, html, excerpt, body_source, policy)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
                 $18, $19)
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
    .bind(published_at)
    .bind(fetched_at)
    .bind(shown_at)
    .bind(&article.image)
    .bind(&article.language)
    .bind(&article.site_name)
    .bind(&article.text)
    .bind(&article.html)
    .bind(&article.excerpt)
    .bind(article.body_source.as_str())
    .bind(article.policy.as_str())
    .fetch_one(&mut *tx)
    .await;
    let id = match inserted {
        Ok((id,)) => id,
        Err(e) if is_unique_violation(&e) => {
            tx.rollback().await.map_err(db_error)?;
            return duplicate_after_race(pool, article.feed_id, guid, &urls, e).await;
        }
        Err(e) => return Err(db_error(e)),
    };
    insert_tags(&mut tx, id, shown_at, &article.tags).await?;
    insert_terms(&mut tx, id, &article.terms).await?;
    tx.commit().await.map_err(db_error)?;
    Ok(InsertOutcome::Inserted(id))
}

/// Takes the transaction-scoped advisory locks naming this article: its guid in its feed and
/// each of its URLs, in key order so that two writers never wait for each other in a circle.
async fn lock_identities(
    conn: &mut PgConnection,
    feed_id: Option<FeedId>,
    guid: Option<&str>,
    urls: &[&str],
) -> StorageResult<()> {
    let mut keys: Vec<String> = urls.iter().map(|u| format!("url\u{1f}{u}")).collect();
    if let Some((feed_id, guid)) = feed_id.zip(guid) {
        keys.push(format!("guid\u{1f}{feed_id}\u{1f}{guid}"));
    }
    sqlx::query(
        "SELECT pg_advisory_xact_lock($1, k)
         FROM (SELECT DISTINCT hashtext(x) AS k FROM unnest($2::text[]) AS x ORDER BY k) AS keys",
    )
    .bind(INSERT_LOCK_CLASS)
    .bind(&keys)
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// The article another writer stored first, found after a unique index refused ours.
async fn duplicate_after_race(
    pool: &PgPool,
    feed_id: Option<FeedId>,
    guid: Option<&str>,
    urls: &[&str],
    refusal: sqlx::Error,
) -> StorageResult<InsertOutcome> {
    let mut conn = pool.acquire().await.map_err(db_error)?;
    match find_duplicate(&mut conn, feed_id, guid, urls).await? {
        Some(id) => Ok(InsertOutcome::Duplicate(id)),
        None => Err(db_error(refusal)),
    }
}

/// Tags in the given order, one per slug (the first label wins); empty slugs are skipped.
pub(crate) async fn insert_tags(
    conn: &mut PgConnection,
    article_id: ArticleId,
    shown_at: DateTime<Utc>,
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
    let mut query = QueryBuilder::<Postgres>::new(
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
    conn: &mut PgConnection,
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
        QueryBuilder::<Postgres>::new("INSERT INTO article_terms (article_id, term, weight) ");
    query.push_values(terms, |mut row, term| {
        row.push_bind(article_id)
            .push_bind(&term.term)
            .push_bind(f64::from(term.weight));
    });
    query.build().execute(conn).await.map_err(db_error)?;
    Ok(())
}

pub(crate) async fn article(pool: &PgPool, id: ArticleId) -> StorageResult<Option<Article>> {
    let row: Option<ArticleRow> = sqlx::query_as(
        "SELECT id, feed_id, publisher, publisher_slug, guid, url, canonical_url, title, byline,
                published_at, fetched_at, image, language, site_name, text, html, excerpt,
                body_source, policy
         FROM articles WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(pool)
    .await
    .map_err(db_error)?;
    let Some(row) = row else {
        return Ok(None);
    };
    let tags: Vec<ArticleTagRow> = sqlx::query_as(
        "SELECT article_id, slug, label FROM article_tags WHERE article_id = $1 ORDER BY position",
    )
    .bind(id)
    .fetch_all(pool)
    .await
    .map_err(db_error)?;
    row.into_article(tags.into_iter().map(ArticleTagRow::into_tag).collect())
        .map(Some)
}

pub(crate) async fn count_articles(pool: &PgPool) -> StorageResult<i64> {
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM articles")
        .fetch_one(pool)
        .await
        .map_err(db_error)?;
    Ok(count)
}
