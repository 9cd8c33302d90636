//! The `comment_reports` and `moderation_log` tables: reports, the moderators' queue and the
//! audit log.

use chrono::Utc;
use sqlx::SqlitePool;
use tidings_core::{
    CommentId, ModerationEntry, ModerationRecord, PageRequest, Paged, QueuedComment, StorageError,
    StorageResult, UserId,
};

use super::account_rows::{COMMENT_SELECT, CommentRow, ModerationRow};
use super::db_errors::db_error;
use super::timestamps::encode;

/// The longest report reason kept.
const MAX_REASON_CHARS: usize = 500;

pub(crate) async fn report_comment(
    pool: &SqlitePool,
    comment: CommentId,
    reporter: UserId,
    reason: &str,
) -> StorageResult<()> {
    let reason: String = reason.trim().chars().take(MAX_REASON_CHARS).collect();
    sqlx::query(
        "INSERT INTO comment_reports (comment_id, reporter_id, reason, created_at)
         VALUES (?, ?, ?, ?)
         ON CONFLICT (comment_id, reporter_id)
         DO UPDATE SET reason = excluded.reason, resolved = 0",
    )
    .bind(comment)
    .bind(reporter)
    .bind(reason)
    .bind(encode("created_at", Utc::now())?)
    .execute(pool)
    .await
    .map_err(db_error)?;
    Ok(())
}

pub(crate) async fn resolve_reports(pool: &SqlitePool, comment: CommentId) -> StorageResult<u64> {
    let done = sqlx::query(
        "UPDATE comment_reports SET resolved = 1 WHERE comment_id = ? AND resolved = 0",
    )
    .bind(comment)
    .execute(pool)
    .await
    .map_err(db_error)?;
    Ok(done.rows_affected())
}

pub(crate) async fn moderation_queue(
    pool: &SqlitePool,
    limit: u32,
) -> StorageResult<Vec<QueuedComment>> {
    let rows: Vec<CommentRow> = sqlx::query_as(&format!(
        "{COMMENT_SELECT}
         WHERE (comments.held = 1 AND comments.deleted = 0)
            OR comments.id IN (SELECT comment_id FROM comment_reports WHERE resolved = 0)
         ORDER BY comments.created_at, comments.id LIMIT ?"
    ))
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await
    .map_err(db_error)?;
    let mut queue = Vec::with_capacity(rows.len());
    for row in rows {
        let comment = row.into_comment()?;
        let reasons: Vec<(String,)> = sqlx::query_as(
            "SELECT reason FROM comment_reports WHERE comment_id = ? AND resolved = 0
             ORDER BY created_at DESC, id DESC",
        )
        .bind(comment.id)
        .fetch_all(pool)
        .await
        .map_err(db_error)?;
        queue.push(QueuedComment {
            comment,
            open_reports: i64::try_from(reasons.len()).unwrap_or(i64::MAX),
            reasons: reasons.into_iter().map(|(r,)| r).collect(),
        });
    }
    Ok(queue)
}

pub(crate) async fn record_moderation(
    pool: &SqlitePool,
    entry: ModerationEntry,
) -> StorageResult<()> {
    sqlx::query(
        "INSERT INTO moderation_log (at, moderator_id, action, comment_id, target_user_id, note)
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(encode("at", Utc::now())?)
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
    pool: &SqlitePool,
    page: PageRequest,
) -> StorageResult<Paged<ModerationRecord>> {
    let mut rows: Vec<ModerationRow> = sqlx::query_as(
        "SELECT log.id, log.at, moderator.name AS moderator_name, log.action, log.comment_id,
                target.name AS target_user_name, log.note
         FROM moderation_log AS log
         LEFT JOIN users AS moderator ON moderator.id = log.moderator_id
         LEFT JOIN users AS target ON target.id = log.target_user_id
         ORDER BY log.id DESC LIMIT ? OFFSET ?",
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
