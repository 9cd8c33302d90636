//! The `comment_reports` and `moderation_log` tables: reports, the moderators' queue and the
//! audit log.

use std::collections::HashMap;

use sqlx::PgPool;
use tidings_core::{
    Comment, CommentId, ModerationEntry, ModerationRecord, PageRequest, Paged, QueuedComment,
    StorageError, StorageResult, UserId,
};

use super::account_rows::{COMMENT_SELECT, CommentRow, ModerationRow};
use super::db_errors::db_error;
use super::timestamps::now;

/// The longest report reason kept.
const MAX_REASON_CHARS: usize = 500;

pub(crate) async fn report_comment(
    pool: &PgPool,
    comment: CommentId,
    reporter: UserId,
    reason: &str,
) -> StorageResult<()> {
    let reason: String = reason.trim().chars().take(MAX_REASON_CHARS).collect();
    sqlx::query(
        "INSERT INTO comment_reports (comment_id, reporter_id, reason, created_at)
         VALUES ($1, $2, $3, $4)
         ON CONFLICT (comment_id, reporter_id)
         DO UPDATE SET reason = excluded.reason, resolved = FALSE",
    )
    .bind(comment)
    .bind(reporter)
    .bind(reason)
    .bind(now())
    .execute(pool)
    .await
    .map_err(db_error)?;
    Ok(())
}

pub(crate) async fn resolve_reports(pool: &PgPool, comment: CommentId) -> StorageResult<u64> {
    let done = sqlx::query(
        "UPDATE comment_reports SET resolved = TRUE WHERE comment_id = $1 AND NOT resolved",
    )
    .bind(comment)
    .execute(pool)
    .await
    .map_err(db_error)?;
    Ok(done.rows_affected())
}

pub(crate) async fn moderation_queue(
    pool: &PgPool,
    limit: u32,
) -> StorageResult<Vec<QueuedComment>> {
    let rows: Vec<CommentRow> = sqlx::query_as(&format!(
        "{COMMENT_SELECT}
         WHERE (comments.held AND NOT comments.deleted)
            OR comments.id IN (SELECT comment_id FROM comment_reports WHERE NOT resolved)
         ORDER BY comments.created_at, comments.id LIMIT $1"
    ))
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await
    .map_err(db_error)?;
    let comments: Vec<Comment> = rows.into_iter().map(Comment::from).collect();
    let ids: Vec<i64> = comments.iter().map(|c| c.id).collect();
    let reason_rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT comment_id, reason FROM comment_reports
         WHERE comment_id = ANY($1) AND NOT resolved
         ORDER BY comment_id, created_at DESC, id DESC",
    )
    .bind(&ids)
    .fetch_all(pool)
    .await
    .map_err(db_error)?;
    let mut reasons: HashMap<i64, Vec<String>> = HashMap::new();
    for (comment_id, reason) in reason_rows {
        reasons.entry(comment_id).or_default().push(reason);
    }
    Ok(comments
        .into_iter()
        .map(|comment| {
            let reasons = reasons.remove(&comment.id).unwrap_or_default();
            QueuedComment {
                comment,
                open_reports: i64::try_from(reasons.len()).unwrap_or(i64::MAX),
                reasons,
            }
        })
        .collect())
}

pub(crate) async fn record_moderation(pool: &PgPool, entry: ModerationEntry) -> StorageResult<()> {
    sqlx::query(
        "INSERT INTO moderation_log (at, moderator_id, action, comment_id, target_user_id, note)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(now())
    .bind(entry.moderator_id)
    .bind(entry.action.as_str())
    .bind(entry.comment_id)
    .bind(entry.target_user_id)
    .bind(&entry.note)
    .execute(pool)
    .await
    .map_err(db_error)?;
    Ok(())
}

pub(crate) async fn moderation_log(
    pool: &PgPool,
    page: PageRequest,
) -> StorageResult<Paged<ModerationRecord>> {
    let mut rows: Vec<ModerationRow> = sqlx::query_as(
        "SELECT log.id, log.at, moderator.name AS moderator_name, log.action, log.comment_id,
                target.name AS target_user_name, log.note
         FROM moderation_log AS log
         LEFT JOIN users AS moderator ON moderator.id = log.moderator_id
         LEFT JOIN users AS target ON target.id = log.target_user_id
         ORDER BY log.id DESC LIMIT $1 OFFSET $2",
    )
    .bind(i64::from(page.per_page) + 1)
    .bind(page.offset())
    .fetch_all(pool)
    .await
    .map_err(db_error)?;
    let has_more = rows.len() > page.per_page as usize;
    rows.truncate(page.per_page as usize);
    let items = rows
        .into_iter()
        .map(ModerationRow::into_record)
        .collect::<Result<Vec<_>, StorageError>>()?;
    Ok(Paged { items, has_more })
}
