//! Rows of the account tables as sqlx reads them, and their conversion into core's types.

use chrono::{DateTime, Utc};
use tidings_core::{
    Comment, ModerationAction, ModerationRecord, Role, StorageError, StorageResult, User,
};

/// The `users` columns callers see (never the password hash).
pub(crate) const USER_COLUMNS: &str =
    "users.id, users.name, users.role, users.banned, users.created_at, users.approved_comments";

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct UserRow {
    id: i64,
    name: String,
    role: String,
    banned: bool,
    created_at: DateTime<Utc>,
    approved_comments: i64,
}

impl UserRow {
    pub(crate) fn into_user(self) -> StorageResult<User> {
        Ok(User {
            id: self.id,
            role: Role::parse(&self.role).ok_or_else(|| {
                StorageError::Backend(format!("unknown users.role {:?}", self.role))
            })?,
            name: self.name,
            banned: self.banned,
            created_at: self.created_at,
            approved_comments: self.approved_comments,
        })
    }
}

/// Comment columns joined with the author's name.
pub(crate) const COMMENT_SELECT: &str = "SELECT comments.id, comments.article_id, \
     comments.parent_id, comments.user_id, users.name AS author_name, comments.body_markdown, \
     comments.body_html, comments.created_at, comments.edited_at, comments.deleted, \
     comments.hidden, comments.held FROM comments JOIN users ON users.id = comments.user_id";

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct CommentRow {
    id: i64,
    article_id: i64,
    parent_id: Option<i64>,
    user_id: i64,
    author_name: String,
    body_markdown: String,
    body_html: String,
    created_at: DateTime<Utc>,
    edited_at: Option<DateTime<Utc>>,
    deleted: bool,
    hidden: bool,
    held: bool,
}

impl From<CommentRow> for Comment {
    fn from(row: CommentRow) -> Self {
        Comment {
            id: row.id,
            article_id: row.article_id,
            parent_id: row.parent_id,
            author_id: row.user_id,
            author_name: row.author_name,
            body_markdown: row.body_markdown,
            body_html: row.body_html,
            created_at: row.created_at,
            edited_at: row.edited_at,
            deleted: row.deleted,
            hidden: row.hidden,
            held: row.held,
        }
    }
}

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct ModerationRow {
    id: i64,
    at: DateTime<Utc>,
    moderator_name: Option<String>,
    action: String,
    comment_id: Option<i64>,
    target_user_name: Option<String>,
    note: String,
}

impl ModerationRow {
    pub(crate) fn into_record(self) -> StorageResult<ModerationRecord> {
        Ok(ModerationRecord {
            id: self.id,
            at: self.at,
            moderator_name: self.moderator_name,
            action: ModerationAction::parse(&self.action).ok_or_else(|| {
                StorageError::Backend(format!("unknown moderation_log.action {:?}", self.action))
            })?,
            comment_id: self.comment_id,
            target_user_name: self.target_user_name,
            note: self.note,
        })
    }
}
