//! PostgreSQL implementation of [`tidings_core::StoryStore`]: story membership, copies and
//! the nearest-article lists written by the story stage, and the story pages' reads.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool, Postgres, QueryBuilder};
use tidings_core::{
    ArticleCard, ArticleId, ArticleLinks, CopyRef, KeyTerm, PageRequest, Paged, StorageError,
    StorageResult, Story, StoryArticle, StoryId, StoryIndexRow, StoryPlacement, StoryStore,
    StorySummary, Tag,
};

use super::PostgresStorage;
use super::db_errors::db_error;
use super::lists::{CARD_COLUMNS, limit_offset, with_tags};
use super::rows::CardRow;
use super::timestamps::{checked, now};

#[async_trait]
impl StoryStore for PostgresStorage {
    async fn place_in_story(&self, placement: StoryPlacement) -> StorageResult<StoryId> {
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        let story = place(&mut tx, &placement).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(story)
    }

    async fn story(&self, id: StoryId) -> StorageResult<Option<Story>> {
        story(&self.pool, id).await
    }

    async fn merge_stories(&self, from: StoryId, into: StoryId) -> StorageResult<()> {
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        super::story_revisions::merge(&mut tx, from, into).await?;
        tx.commit().await.map_err(db_error)
    }

    async fn split_story(&self, story: StoryId, articles: &[ArticleId]) -> StorageResult<StoryId> {
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        let new = super::story_revisions::split(&mut tx, story, articles).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(new)
    }

    async fn story_redirect(&self, id: StoryId) -> StorageResult<Option<StoryId>> {
        let mut conn = self.pool.acquire().await.map_err(db_error)?;
        super::story_revisions::redirect(&mut conn, id).await
    }

    async fn latest_stories(&self, page: PageRequest) -> StorageResult<Paged<StorySummary>> {
        let (limit, offset) = limit_offset(page);
        let ids: Vec<(i64,)> = sqlx::query_as(
            "SELECT id FROM stories ORDER BY last_at DESC, id DESC LIMIT $1 OFFSET $2",
        )
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        summaries(&self.pool, ids, page).await
    }

    async fn tag_stories(
        &self,
        slug: &str,
        page: PageRequest,
    ) -> StorageResult<Paged<StorySummary>> {
        let (limit, offset) = limit_offset(page);
        let ids: Vec<(i64,)> = sqlx::query_as(
            "SELECT a.story_id FROM article_tags t JOIN articles a ON a.id = t.article_id
             WHERE t.slug = $1 AND a.story_id IS NOT NULL
             GROUP BY a.story_id ORDER BY MAX(t.shown_at) DESC, a.story_id DESC
             LIMIT $2 OFFSET $3",
        )
        .bind(tidings_core::tag_slug(slug))
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        summaries(&self.pool, ids, page).await
    }

    async fn article_links(&self, id: ArticleId) -> StorageResult<Option<ArticleLinks>> {
        let row: Option<(Option<i64>, Option<i64>)> =
            sqlx::query_as("SELECT story_id, copy_of FROM articles WHERE id = $1")
                .bind(id)
                .fetch_optional(&self.pool)
                .await
                .map_err(db_error)?;
        let Some((story_id, copy_of)) = row else {
            return Ok(None);
        };
        let copies: Vec<(i64, String, String, String)> = sqlx::query_as(
            "SELECT id, publisher, publisher_slug, COALESCE(canonical_url, url) FROM articles
             WHERE copy_of = $1 ORDER BY shown_at, id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(Some(ArticleLinks {
            story_id,
            copy_of,
            copies: copies
                .into_iter()
                .map(|(id, publisher, publisher_slug, url)| CopyRef {
                    id,
                    publisher,
                    publisher_slug,
                    url,
                })
                .collect(),
        }))
    }

    async fn story_related(&self, id: ArticleId, limit: u32) -> StorageResult<Vec<ArticleCard>> {
        let rows: Vec<CardRow> = sqlx::query_as(&format!(
            "WITH me AS (SELECT id, story_id, COALESCE(copy_of, id) AS grp
                         FROM articles WHERE id = $1)
             SELECT {CARD_COLUMNS} FROM (
                 SELECT a.id AS rid, 0 AS rank, 2.0::float8 AS score FROM articles a, me
                 WHERE a.story_id = me.story_id AND a.copy_of IS NULL
                 UNION ALL
                 SELECT n.neighbour_id, 1, n.similarity FROM article_neighbours n
                 WHERE n.article_id = $1
             ) AS r
             JOIN articles a ON a.id = r.rid, me
             WHERE a.id <> me.id AND a.id <> me.grp AND COALESCE(a.copy_of, 0) <> me.grp
             GROUP BY a.id
             ORDER BY MIN(r.rank), MAX(r.score) DESC, a.shown_at DESC, a.id DESC
             LIMIT $2"
        ))
        .bind(id)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        with_tags(&self.pool, rows).await
    }

    async fn story_tags(&self, id: StoryId, limit: u32) -> StorageResult<Vec<Tag>> {
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT t.slug, MIN(t.label) FROM articles a JOIN article_tags t ON t.article_id = a.id
             WHERE a.story_id = $1 GROUP BY t.slug
             ORDER BY COUNT(*) DESC, MIN(t.position), t.slug
             LIMIT $2",
        )
        .bind(id)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(rows
            .into_iter()
            .map(|(slug, label)| Tag { slug, label })
            .collect())
    }

    async fn story_index_rows(
        &self,
        since: DateTime<Utc>,
        after: ArticleId,
        limit: u32,
    ) -> StorageResult<Vec<StoryIndexRow>> {
        let rows: Vec<(i64, DateTime<Utc>, i64, Option<i64>)> = sqlx::query_as(
            "SELECT id, shown_at, story_id, copy_of FROM articles
             WHERE id > $1 AND story_id IS NOT NULL AND shown_at >= $2 ORDER BY id LIMIT $3",
        )
        .bind(after)
        .bind(checked("since", since)?)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        let ids: Vec<i64> = rows.iter().map(|row| row.0).collect();
        let term_rows: Vec<(i64, String, f64)> = sqlx::query_as(
            "SELECT article_id, term, weight FROM article_terms WHERE article_id = ANY($1)
             ORDER BY article_id, term",
        )
        .bind(&ids)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        let mut terms: std::collections::HashMap<i64, Vec<KeyTerm>> =
            std::collections::HashMap::new();
        for (article_id, term, weight) in term_rows {
            terms.entry(article_id).or_default().push(KeyTerm {
                term,
                weight: weight as f32,
            });
        }
        Ok(rows
            .into_iter()
            .map(|(article_id, shown_at, story_id, copy_of)| StoryIndexRow {
                article_id,
                shown_at,
                story_id,
                copy_of,
                terms: terms.remove(&article_id).unwrap_or_default(),
            })
            .collect())
    }

    async fn unplaced_articles(
        &self,
        after: ArticleId,
        limit: u32,
    ) -> StorageResult<Vec<ArticleId>> {
        let ids: Vec<(i64,)> = sqlx::query_as(
            "SELECT id FROM articles WHERE story_id IS NULL AND id > $1 ORDER BY id LIMIT $2",
        )
        .bind(after)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(ids.into_iter().map(|(id,)| id).collect())
    }
}

async fn place(conn: &mut PgConnection, p: &StoryPlacement) -> StorageResult<StoryId> {
    let shown: Option<(DateTime<Utc>,)> =
        sqlx::query_as("SELECT shown_at FROM articles WHERE id = $1")
            .bind(p.article_id)
            .fetch_optional(&mut *conn)
            .await
            .map_err(db_error)?;
    let Some((shown_at,)) = shown else {
        return Err(StorageError::Invalid(format!(
            "story placement: article {} does not exist",
            p.article_id
        )));
    };
    let story = match p.story {
        Some(id) => {
            let updated =
                sqlx::query("UPDATE stories SET last_at = GREATEST(last_at, $1) WHERE id = $2")
                    .bind(shown_at)
                    .bind(id)
                    .execute(&mut *conn)
                    .await
                    .map_err(db_error)?;
            if updated.rows_affected() == 0 {
                return Err(StorageError::Invalid(format!("story {id} does not exist")));
            }
            id
        }
        None => {
            let (id,): (i64,) = sqlx::query_as(
                "INSERT INTO stories (created_at, last_at) VALUES ($1, $2) RETURNING id",
            )
            .bind(now())
            .bind(shown_at)
            .fetch_one(&mut *conn)
            .await
            .map_err(db_error)?;
            id
        }
    };
    sqlx::query("UPDATE articles SET story_id = $1, copy_of = $2 WHERE id = $3")
        .bind(story)
        .bind(p.copy_of.filter(|&c| c != p.article_id))
        .bind(p.article_id)
        .execute(&mut *conn)
        .await
        .map_err(db_error)?;
    for &copy in p.original_of.iter().filter(|&&c| c != p.article_id) {
        sqlx::query("UPDATE articles SET copy_of = $1 WHERE id = $2 OR copy_of = $2")
            .bind(p.article_id)
            .bind(copy)
            .execute(&mut *conn)
            .await
            .map_err(db_error)?;
    }
    write_neighbours(conn, p).await?;
    if let Some(tags) = &p.tags {
        sqlx::query("DELETE FROM article_tags WHERE article_id = $1")
            .bind(p.article_id)
            .execute(&mut *conn)
            .await
            .map_err(db_error)?;
        if !tags.is_empty() {
            let mut query = QueryBuilder::<Postgres>::new(
                "INSERT INTO article_tags (article_id, slug, label, position, shown_at) ",
            );
            query.push_values(tags.iter().enumerate(), |mut row, (position, tag)| {
                row.push_bind(p.article_id)
                    .push_bind(&tag.slug)
                    .push_bind(&tag.label)
                    .push_bind(position as i64)
                    .push_bind(shown_at);
            });
            query.push(" ON CONFLICT DO NOTHING");
            query.build().execute(&mut *conn).await.map_err(db_error)?;
        }
    }
    Ok(story)
}

/// The placement's neighbours in both directions, in one statement: a repeated neighbour
/// keeps its last similarity, and a pair whose other article no longer exists is skipped.
async fn write_neighbours(conn: &mut PgConnection, p: &StoryPlacement) -> StorageResult<()> {
    let mut latest: Vec<(ArticleId, f64)> = Vec::with_capacity(p.neighbours.len());
    for &(other, similarity) in p.neighbours.iter().filter(|(o, _)| *o != p.article_id) {
        latest.retain(|(seen, _)| *seen != other);
        latest.push((other, f64::from(similarity)));
    }
    if latest.is_empty() {
        return Ok(());
    }
    let mut from = Vec::with_capacity(latest.len() * 2);
    let mut to = Vec::with_capacity(latest.len() * 2);
    let mut similarities = Vec::with_capacity(latest.len() * 2);
    for (other, similarity) in latest {
        from.extend([p.article_id, other]);
        to.extend([other, p.article_id]);
        similarities.extend([similarity, similarity]);
    }
    sqlx::query(
        "INSERT INTO article_neighbours (article_id, neighbour_id, similarity)
         SELECT n.article_id, n.neighbour_id, n.similarity
         FROM UNNEST($1::BIGINT[], $2::BIGINT[], $3::FLOAT8[])
              AS n (article_id, neighbour_id, similarity)
         WHERE EXISTS (SELECT 1 FROM articles WHERE id = n.article_id)
           AND EXISTS (SELECT 1 FROM articles WHERE id = n.neighbour_id)
         ON CONFLICT (article_id, neighbour_id) DO UPDATE SET similarity = excluded.similarity",
    )
    .bind(&from)
    .bind(&to)
    .bind(&similarities)
    .execute(&mut *conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

async fn story(pool: &PgPool, id: StoryId) -> StorageResult<Option<Story>> {
    let rows: Vec<CardRow> = sqlx::query_as(&format!(
        "SELECT {CARD_COLUMNS} FROM articles a WHERE a.story_id = $1 ORDER BY a.shown_at, a.id"
    ))
    .bind(id)
    .fetch_all(pool)
    .await
    .map_err(db_error)?;
    if rows.is_empty() {
        return Ok(None);
    }
    let copies: Vec<(i64, Option<i64>)> =
        sqlx::query_as("SELECT id, copy_of FROM articles WHERE story_id = $1")
            .bind(id)
            .fetch_all(pool)
            .await
            .map_err(db_error)?;
    let cards = with_tags(pool, rows).await?;
    let articles: Vec<StoryArticle> = cards
        .into_iter()
        .map(|card| StoryArticle {
            copy_of: copies.iter().find(|(a, _)| *a == card.id).and_then(|c| c.1),
            card,
        })
        .collect();
    let mut outlets: Vec<&str> = articles
        .iter()
        .map(|a| a.card.publisher_slug.as_str())
        .collect();
    outlets.sort_unstable();
    outlets.dedup();
    let headline = tidings_core::story_headline(&articles);
    let first_at = articles
        .first()
        .map(|a| a.card.shown_at)
        .unwrap_or_default();
    let last_at = articles.last().map(|a| a.card.shown_at).unwrap_or_default();
    Ok(Some(Story {
        id,
        headline,
        outlets: outlets.len() as i64,
        articles,
        first_at,
        last_at,
    }))
}

pub(super) async fn summaries(
    pool: &PgPool,
    mut ids: Vec<(i64,)>,
    page: PageRequest,
) -> StorageResult<Paged<StorySummary>> {
    let per_page = PageRequest::new(page.page, page.per_page).per_page as usize;
    let has_more = ids.len() > per_page;
    ids.truncate(per_page);
    let mut items = Vec::with_capacity(ids.len());
    for (id,) in ids {
        if let Some(story) = story(pool, id).await? {
            let lead = story
                .articles
                .iter()
                .rev()
                .find(|a| a.copy_of.is_none())
                .or(story.articles.last())
                .map(|a| a.card.clone());
            let Some(lead) = lead else { continue };
            items.push(StorySummary {
                id,
                headline: story.headline,
                article_ids: story.articles.iter().map(|a| a.card.id).collect(),
                outlets: story.outlets,
                last_at: story.last_at,
                lead,
            });
        }
    }
    Ok(Paged { items, has_more })
}
