//! The storage interface for reader accounts, sessions, comments, reports and the moderation audit log.
//!
//! Secrets never reach storage in the clear: sessions, API tokens and password-reset tokens
//! are looked up by a hash of the token, and passwords arrive hashed.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::account_types::*;
use crate::{ArticleId, PageRequest, Paged, StorageResult};

/// Reader accounts, sessions, comments, reports and the moderation audit log.
#[async_trait]
pub trait AccountStore: Send + Sync {
    // ---- users ----
    /// Creates an account under the name's NFKC form ([`crate::normalize_name`]); `Conflict`
    /// when its key ([`crate::name_key`]: any letter case) or its confusable skeleton
    /// ([`crate::name_skeleton`]) is taken.
    async fn create_user(&self, user: NewUser) -> StorageResult<User>;
    async fn user(&self, id: UserId) -> StorageResult<Option<User>>;
    /// The account whose name has the key of `name` (any letter case or width) with its
    /// password hash.
    async fn user_credentials(&self, name: &str) -> StorageResult<Option<(User, String)>>;
    /// `false` when there is no such user.
    async fn set_password_hash(&self, id: UserId, password_hash: &str) -> StorageResult<bool>;
    /// Bans (and signs out everywhere) or unbans; `false` when there is no such user.
    async fn set_banned(&self, id: UserId, banned: bool) -> StorageResult<bool>;

    // ---- sessions and tokens ----
    async fn create_session(
        &self,
        user: UserId,
        token_hash: &str,
        expires_at: DateTime<Utc>,
    ) -> StorageResult<()>;
    /// The session's user when the session exists, is not revoked or expired at `now`, and
    /// the user is not banned; records `now` as the session's last use.
    async fn session_user(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StorageResult<Option<SessionUser>>;
    async fn revoke_session(&self, token_hash: &str) -> StorageResult<()>;
    /// Signs the user out everywhere; returns how many sessions were open.
    async fn revoke_user_sessions(&self, user: UserId) -> StorageResult<u64>;
    async fn create_api_token(&self, token: NewApiToken) -> StorageResult<ApiTokenInfo>;
    /// The token and its user when the token exists, is not revoked or expired at `now`, and
    /// the user is not banned; records `now` as the token's last use.
    async fn api_token(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StorageResult<Option<TokenUser>>;
    /// The user of a token valid now (see [`AccountStore::api_token`]).
    async fn api_token_user(&self, token_hash: &str) -> StorageResult<Option<User>> {
        Ok(self
            .api_token(token_hash, Utc::now())
            .await?
            .map(|found| found.user))
    }
    /// The user's tokens that were not revoked, expired ones included, oldest first.
    async fn api_tokens(&self, user: UserId) -> StorageResult<Vec<ApiTokenInfo>>;
    /// `false` when the user has no such token.
    async fn revoke_api_token(&self, user: UserId, token_id: i64) -> StorageResult<bool>;
    /// Revokes every token of the user (password reset, signing out everywhere); returns how
    /// many were live.
    async fn revoke_user_api_tokens(&self, user: UserId) -> StorageResult<u64>;
    async fn create_password_reset(
        &self,
        user: UserId,
        token_hash: &str,
        expires_at: DateTime<Utc>,
    ) -> StorageResult<()>;
    /// Uses up a reset token: its user when it exists, is unused and not expired at `now`.
    async fn consume_password_reset(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StorageResult<Option<UserId>>;

    // ---- comments ----
    /// Stores a comment; `Invalid` when the article or parent does not exist or the parent
    /// belongs to another article. Unheld comments count towards the author's approved ones.
    async fn insert_comment(&self, comment: NewComment) -> StorageResult<Comment>;
    async fn comment(&self, id: CommentId) -> StorageResult<Option<Comment>>;
    /// A page of top-level comments in `order`, followed by all replies to them (oldest
    /// first); `has_more` tells whether more top-level comments follow.
    async fn article_comments(
        &self,
        article: ArticleId,
        order: CommentOrder,
        page: PageRequest,
    ) -> StorageResult<Paged<Comment>>;
    /// Replaces a comment's body and marks it edited at `edited_at`.
    async fn edit_comment(
        &self,
        id: CommentId,
        body_markdown: &str,
        body_html: &str,
        edited_at: DateTime<Utc>,
    ) -> StorageResult<bool>;
    /// Marks the comment deleted and forgets its body; its replies stay.
    async fn delete_comment(&self, id: CommentId) -> StorageResult<bool>;
    async fn set_comment_hidden(&self, id: CommentId, hidden: bool) -> StorageResult<bool>;
    /// Publishes a held comment and counts it towards its author's approved comments.
    async fn approve_comment(&self, id: CommentId) -> StorageResult<bool>;
    /// Public comments (not deleted, hidden or held) per article, for the given articles.
    async fn comment_counts(&self, articles: &[ArticleId]) -> StorageResult<Vec<(ArticleId, i64)>>;

    // ---- moderation ----
    /// Records a reader's report; reporting the same comment twice keeps one report.
    async fn report_comment(
        &self,
        comment: CommentId,
        reporter: UserId,
        reason: &str,
    ) -> StorageResult<()>;
    /// Marks the comment's open reports resolved.
    async fn resolve_reports(&self, comment: CommentId) -> StorageResult<u64>;
    /// Held comments and comments with open reports, oldest first.
    async fn moderation_queue(&self, limit: u32) -> StorageResult<Vec<QueuedComment>>;
    async fn record_moderation(&self, entry: ModerationEntry) -> StorageResult<()>;
    /// The audit log, newest first.
    async fn moderation_log(&self, page: PageRequest) -> StorageResult<Paged<ModerationRecord>>;
}
