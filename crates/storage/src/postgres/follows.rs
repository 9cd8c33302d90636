//! PostgreSQL implementation of [`tidings_core::FollowStore`]: readers' follows, saved articles
//! and read marks, and the For you page read from them.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use tidings_core::{
    ArticleId, ArticleMarks, Follow, FollowStore, FollowTarget, ForYouStory, PageRequest, Paged,
    SavedArticle, StorageResult, StoryId, UserId,
};

use super::PostgresStorage;
use super::db_errors::db_error;
use super::lists::{CARD_COLUMNS, limit_offset, with_tags};
use super::rows::CardRow;
use super::timestamps::checked;
use crate::admin_rules::has_more;
use crate::follow_rules::{check_saveable, stored_kind, with_new_coverage};

/// The stories a reader's follows reach, each once: `?1` is the reader.
const FOLLOWED_STORIES: &str = "
    WITH mine AS (SELECT kind, target FROM follows WHERE user_id = $1),
    reached AS (
        SELECT target::bigint AS story_id FROM mine WHERE kind = 'story'
        UNION
        SELECT a.story_id FROM mine m JOIN article_tags t ON t.slug = m.target
        JOIN articles a ON a.id = t.article_id
        WHERE m.kind = 'tag' AND a.story_id IS NOT NULL
        UNION
        SELECT a.story_id FROM mine m JOIN articles a ON a.publisher_slug = m.target
        WHERE m.kind = 'source' AND a.story_id IS NOT NULL
    )
    SELECT s.id FROM stories s JOIN reached r ON r.story_id = s.id
    WHERE NOT EXISTS (
        SELECT 1 FROM read_marks m JOIN articles a ON a.id = m.article_id
        WHERE m.user_id = $1 AND a.story_id = s.id
          AND m.read_at >= (SELECT MAX(b.fetched_at) FROM articles b WHERE b.story_id = s.id)
    )
    ORDER BY s.last_at DESC, s.id DESC LIMIT $2 OFFSET $3";

#[derive(sqlx::FromRow)]
struct SavedRow {
    #[sqlx(flatten)]
    card: CardRow,
    saved_at: DateTime<Utc>,
    read_at: Option<DateTime<Utc>>,
}

#[async_trait]
impl FollowStore for PostgresStorage {
    async fn follow(
        &self,
        user: UserId,
        target: &FollowTarget,
        label: &str,
        at: DateTime<Utc>,
    ) -> StorageResult<bool> {
        let at = checked("followed at", at)?;
        let done = sqlx::query(
            "INSERT INTO follows (user_id, kind, target, label, created_at, seen_at)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
        )
        .bind(user)
        .bind(target.kind.as_str())
        .bind(&target.key)
        .bind(label)
        .bind(at)
        .bind(at)
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(done.rows_affected() > 0)
    }

    async fn unfollow(&self, user: UserId, target: &FollowTarget) -> StorageResult<bool> {
        let done =
            sqlx::query("DELETE FROM follows WHERE user_id = $1 AND kind = $2 AND target = $3")
                .bind(user)
                .bind(target.kind.as_str())
                .bind(&target.key)
                .execute(&self.pool)
                .await
                .map_err(db_error)?;
        Ok(done.rows_affected() > 0)
    }

    async fn follows(&self, user: UserId) -> StorageResult<Vec<Follow>> {
        let rows: Vec<(String, String, String, DateTime<Utc>)> = sqlx::query_as(
            "SELECT kind, target, label, created_at FROM follows WHERE user_id = $1
             ORDER BY created_at DESC, kind, target",
        )
        .bind(user)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        rows.into_iter()
            .map(|(kind, key, label, created_at)| {
                Ok(Follow {
                    target: FollowTarget {
                        kind: stored_kind(&kind)?,
                        key,
                    },
                    label,
                    created_at,
                })
            })
            .collect()
    }

    async fn follows_anything(&self, user: UserId) -> StorageResult<bool> {
        let (any,): (bool,) =
            sqlx::query_as("SELECT EXISTS (SELECT 1 FROM follows WHERE user_id = $1)")
                .bind(user)
                .fetch_one(&self.pool)
                .await
                .map_err(db_error)?;
        Ok(any)
    }

    async fn is_following(&self, user: UserId, target: &FollowTarget) -> StorageResult<bool> {
        let (found,): (bool,) = sqlx::query_as(
            "SELECT EXISTS (SELECT 1 FROM follows WHERE user_id = $1 AND kind = $2 AND target = $3)",
        )
        .bind(user)
        .bind(target.kind.as_str())
        .bind(&target.key)
        .fetch_one(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(found)
    }

    async fn story_has_new_coverage(&self, user: UserId, story: StoryId) -> StorageResult<bool> {
        let (found,): (bool,) = sqlx::query_as(
            "SELECT EXISTS (
                 SELECT 1 FROM follows f JOIN articles a ON a.story_id = $2
                 WHERE f.user_id = $1 AND f.kind = 'story' AND f.target = $2::bigint::text
                   AND a.fetched_at > f.seen_at)",
        )
        .bind(user)
        .bind(story)
        .fetch_one(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(found)
    }

    async fn visit_story(
        &self,
        user: UserId,
        story: StoryId,
        at: DateTime<Utc>,
    ) -> StorageResult<()> {
        sqlx::query(
            "UPDATE follows SET seen_at = GREATEST(seen_at, $3)
             WHERE user_id = $1 AND kind = 'story' AND target = $2::bigint::text",
        )
        .bind(user)
        .bind(story)
        .bind(checked("visited at", at)?)
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn for_you(&self, user: UserId, page: PageRequest) -> StorageResult<Paged<ForYouStory>> {
        let (limit, offset) = limit_offset(page);
        let ids: Vec<(i64,)> = sqlx::query_as(FOLLOWED_STORIES)
            .bind(user)
            .bind(limit)
            .bind(offset)
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)?;
        let stories = super::stories::summaries(&self.pool, ids, page).await?;
        let renewed: Vec<(i64,)> = sqlx::query_as(
            "WITH followed AS MATERIALIZED (
                 SELECT target::bigint AS story_id, seen_at FROM follows
                 WHERE user_id = $1 AND kind = 'story')
             SELECT DISTINCT a.story_id FROM followed f
             JOIN articles a ON a.story_id = f.story_id
             WHERE a.fetched_at > f.seen_at",
        )
        .bind(user)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        let renewed: Vec<StoryId> = renewed.into_iter().map(|(id,)| id).collect();
        Ok(with_new_coverage(stories, &renewed))
    }

    async fn save_article(
        &self,
        user: UserId,
        article: ArticleId,
        at: DateTime<Utc>,
    ) -> StorageResult<bool> {
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        let (exists, saved): (bool, i64) = sqlx::query_as(
            "SELECT EXISTS (SELECT 1 FROM articles WHERE id = $2),
                    (SELECT COUNT(*) FROM saved_articles WHERE user_id = $1)",
        )
        .bind(user)
        .bind(article)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_error)?;
        check_saveable(article, exists, saved)?;
        let done = sqlx::query(
            "INSERT INTO saved_articles (user_id, article_id, saved_at) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING",
        )
        .bind(user)
        .bind(article)
        .bind(checked("saved at", at)?)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        tx.commit().await.map_err(db_error)?;
        Ok(done.rows_affected() > 0)
    }

    async fn unsave_article(&self, user: UserId, article: ArticleId) -> StorageResult<bool> {
        delete_mark(&self.pool, "saved_articles", user, article).await
    }

    async fn saved_articles(
        &self,
        user: UserId,
        page: PageRequest,
    ) -> StorageResult<Paged<SavedArticle>> {
        let (limit, offset) = limit_offset(page);
        let rows: Vec<SavedRow> = sqlx::query_as(&format!(
            "SELECT {CARD_COLUMNS}, s.saved_at, r.read_at FROM saved_articles s
             JOIN articles a ON a.id = s.article_id
             LEFT JOIN read_marks r ON r.user_id = s.user_id AND r.article_id = s.article_id
             WHERE s.user_id = $1 ORDER BY s.saved_at DESC, s.article_id DESC LIMIT $2 OFFSET $3"
        ))
        .bind(user)
        .bind(limit)
        .bind(offset)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        let Paged {
            items: rows,
            has_more,
        } = has_more(rows, page);
        let mut marks = Vec::with_capacity(rows.len());
        let mut cards = Vec::with_capacity(rows.len());
        for row in rows {
            marks.push((row.saved_at, row.read_at));
            cards.push(row.card);
        }
        let items = with_tags(&self.pool, cards)
            .await?
            .into_iter()
            .zip(marks)
            .map(|(card, (saved_at, read_at))| SavedArticle {
                card,
                saved_at,
                read_at,
            })
            .collect();
        Ok(Paged { items, has_more })
    }

    async fn mark_read(
        &self,
        user: UserId,
        article: ArticleId,
        at: DateTime<Utc>,
    ) -> StorageResult<()> {
        sqlx::query(
            "INSERT INTO read_marks (user_id, article_id, read_at)
             SELECT $1, id, $3 FROM articles WHERE id = $2
             ON CONFLICT (user_id, article_id) DO UPDATE
             SET read_at = GREATEST(read_marks.read_at, excluded.read_at)",
        )
        .bind(user)
        .bind(article)
        .bind(checked("read at", at)?)
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn mark_unread(&self, user: UserId, article: ArticleId) -> StorageResult<bool> {
        delete_mark(&self.pool, "read_marks", user, article).await
    }

    async fn article_marks(&self, user: UserId, article: ArticleId) -> StorageResult<ArticleMarks> {
        let (saved_at, read_at): (Option<DateTime<Utc>>, Option<DateTime<Utc>>) = sqlx::query_as(
            "SELECT (SELECT saved_at FROM saved_articles WHERE user_id = $1 AND article_id = $2),
                    (SELECT read_at FROM read_marks WHERE user_id = $1 AND article_id = $2)",
        )
        .bind(user)
        .bind(article)
        .fetch_one(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(ArticleMarks { saved_at, read_at })
    }
}

/// Removes the reader's row for `article` from `table` (saved articles or read marks);
/// whether there was one.
async fn delete_mark(
    pool: &PgPool,
    table: &str,
    user: UserId,
    article: ArticleId,
) -> StorageResult<bool> {
    let done = sqlx::query(&format!(
        "DELETE FROM {table} WHERE user_id = $1 AND article_id = $2"
    ))
    .bind(user)
    .bind(article)
    .execute(pool)
    .await
    .map_err(db_error)?;
    Ok(done.rows_affected() > 0)
}
