//! The `comments` table: posting, threads page by page, editing, deleting, hiding, approving
//! and the public counts shown beside articles.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use tidings_core::{
    ArticleId, Comment, CommentId, CommentOrder, NewComment, PageRequest, Paged, StorageError,
    StorageResult,
};

use super::account_rows::{COMMENT_SELECT, CommentRow};
use super::db_errors::db_error;
use super::timestamps::{checked, now};

pub(crate) async fn insert_comment(pool: &PgPool, new: NewComment) -> StorageResult<Comment> {
    if new.body_markdown.trim().is_empty() {
        return Err(StorageError::Invalid("comment body: it is empty".into()));
    }
    let mut tx = pool.begin().await.map_err(db_error)?;
    if let Some(parent) = new.parent_id {
        let parent_article: Option<(i64,)> =
            sqlx::query_as("SELECT article_id FROM comments WHERE id = $1")
                .bind(parent)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_error)?;
        match parent_article {
            Some((article,)) if article == new.article_id => {}
            Some(_) => {
                return Err(StorageError::Invalid(format!(
                    "parent comment: {parent} belongs to another article"
                )));
            }
            None => {
                return Err(StorageError::Invalid(format!(
                    "parent comment: {parent} does not exist"
                )));
            }
        }
    }
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO comments (article_id, parent_id, user_id, body_markdown, body_html,
                               created_at, held)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(new.article_id)
    .bind(new.parent_id)
    .bind(new.author_id)
    .bind(&new.body_markdown)
    .bind(&new.body_html)
    .bind(now())
    .bind(new.held)
    .fetch_one(&mut *tx)
    .await
    .map_err(db_error)?;
    if !new.held {
        sqlx::query("UPDATE users SET approved_comments = approved_comments + 1 WHERE id = $1")
            .bind(new.author_id)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
    }
    tx.commit().await.map_err(db_error)?;
    comment(pool, id)
        .await?
        .ok_or_else(|| StorageError::Backend(format!("comment {id} vanished after insert")))
}

pub(crate) async fn comment(pool: &PgPool, id: CommentId) -> StorageResult<Option<Comment>> {
    let row: Option<CommentRow> =
        sqlx::query_as(&format!("{COMMENT_SELECT} WHERE comments.id = $1"))
            .bind(id)
            .fetch_optional(pool)
            .await
            .map_err(db_error)?;
    Ok(row.map(Comment::from))
}

pub(crate) async fn article_comments(
    pool: &PgPool,
    article: ArticleId,
    order: CommentOrder,
    page: PageRequest,
) -> StorageResult<Paged<Comment>> {
    let direction = match order {
        CommentOrder::Oldest => "ASC",
        CommentOrder::Newest => "DESC",
    };
    let (top_count,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM comments WHERE article_id = $1 AND parent_id IS NULL")
            .bind(article)
            .fetch_one(pool)
            .await
            .map_err(db_error)?;
    let rows: Vec<CommentRow> = sqlx::query_as(&format!(
        "WITH RECURSIVE top_level(id) AS (
             SELECT id FROM comments WHERE article_id = $1 AND parent_id IS NULL
             ORDER BY created_at {direction}, id {direction} LIMIT $2 OFFSET $3
         ), thread(id) AS (
             SELECT id FROM top_level
             UNION ALL
             SELECT comments.id FROM comments JOIN thread ON comments.parent_id = thread.id
         )
         {COMMENT_SELECT} WHERE comments.id IN (SELECT id FROM thread)
         ORDER BY comments.created_at, comments.id"
    ))
    .bind(article)
    .bind(i64::from(page.per_page))
    .bind(page.offset())
    .fetch_all(pool)
    .await
    .map_err(db_error)?;
    let (mut top, replies): (Vec<Comment>, Vec<Comment>) = rows
        .into_iter()
        .map(Comment::from)
        .partition(|c| c.parent_id.is_none());
    if order == CommentOrder::Newest {
        top.reverse();
    }
    top.extend(replies);
    Ok(Paged {
        items: top,
        has_more: page.offset() + i64::from(page.per_page) < top_count,
    })
}

pub(crate) async fn edit_comment(
    pool: &PgPool,
    id: CommentId,
    markdown: &str,
    html: &str,
    edited_at: DateTime<Utc>,
) -> StorageResult<bool> {
    if markdown.trim().is_empty() {
        return Err(StorageError::Invalid("comment body: it is empty".into()));
    }
    let done = sqlx::query(
        "UPDATE comments SET body_markdown = $1, body_html = $2, edited_at = $3
         WHERE id = $4 AND NOT deleted",
    )
    .bind(markdown)
    .bind(html)
    .bind(checked("edited_at", edited_at)?)
    .bind(id)
    .execute(pool)
    .await
    .map_err(db_error)?;
    Ok(done.rows_affected() > 0)
}

pub(crate) async fn delete_comment(pool: &PgPool, id: CommentId) -> StorageResult<bool> {
    let done = sqlx::query(
        "UPDATE comments SET deleted = TRUE, body_markdown = '', body_html = '' WHERE id = $1",
    )
    .bind(id)
    .execute(pool)
    .await
    .map_err(db_error)?;
    Ok(done.rows_affected() > 0)
}

pub(crate) async fn set_comment_hidden(
    pool: &PgPool,
    id: CommentId,
    hidden: bool,
) -> StorageResult<bool> {
    let done = sqlx::query("UPDATE comments SET hidden = $1 WHERE id = $2")
        .bind(hidden)
        .bind(id)
        .execute(pool)
        .await
        .map_err(db_error)?;
    Ok(done.rows_affected() > 0)
}

pub(crate) async fn approve_comment(pool: &PgPool, id: CommentId) -> StorageResult<bool> {
    let mut tx = pool.begin().await.map_err(db_error)?;
    let author: Option<(i64,)> =
        sqlx::query_as("UPDATE comments SET held = FALSE WHERE id = $1 AND held RETURNING user_id")
            .bind(id)
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_error)?;
    if let Some((user,)) = author {
        sqlx::query("UPDATE users SET approved_comments = approved_comments + 1 WHERE id = $1")
            .bind(user)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
    }
    tx.commit().await.map_err(db_error)?;
    Ok(author.is_some())
}

pub(crate) async fn comment_counts(
    pool: &PgPool,
    articles: &[ArticleId],
) -> StorageResult<Vec<(ArticleId, i64)>> {
    if articles.is_empty() {
        return Ok(Vec::new());
    }
    sqlx::query_as(
        "SELECT article_id, COUNT(*) FROM comments
         WHERE article_id = ANY($1) AND NOT deleted AND NOT hidden AND NOT held
         GROUP BY article_id ORDER BY article_id",
    )
    .bind(articles)
    .fetch_all(pool)
    .await
    .map_err(db_error)
}
