//! PostgreSQL implementation of [`tidings_core::AccountStore`], delegating to [`super::users`],
//! [`super::comments`] and [`super::moderation`].

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use tidings_core::{
    AccountStore, ApiTokenInfo, ArticleId, Comment, CommentId, CommentOrder, ModerationEntry,
    ModerationRecord, NewApiToken, NewComment, NewUser, PageRequest, Paged, QueuedComment,
    SessionUser, StorageResult, TokenUser, User, UserId,
};

use super::{PostgresStorage, comments, moderation, tokens, users};

#[async_trait]
impl AccountStore for PostgresStorage {
    async fn create_user(&self, user: NewUser) -> StorageResult<User> {
        users::create_user(&self.pool, user).await
    }

    async fn user(&self, id: UserId) -> StorageResult<Option<User>> {
        users::user(&self.pool, id).await
    }

    async fn user_credentials(&self, name: &str) -> StorageResult<Option<(User, String)>> {
        users::user_credentials(&self.pool, name).await
    }

    async fn set_password_hash(&self, id: UserId, password_hash: &str) -> StorageResult<bool> {
        users::set_password_hash(&self.pool, id, password_hash).await
    }

    async fn set_banned(&self, id: UserId, banned: bool) -> StorageResult<bool> {
        users::set_banned(&self.pool, id, banned).await
    }

    async fn create_session(
        &self,
        user: UserId,
        token_hash: &str,
        expires_at: DateTime<Utc>,
    ) -> StorageResult<()> {
        users::create_session(&self.pool, user, token_hash, expires_at).await
    }

    async fn session_user(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StorageResult<Option<SessionUser>> {
        users::session_user(&self.pool, token_hash, now).await
    }

    async fn revoke_session(&self, token_hash: &str) -> StorageResult<()> {
        users::revoke_session(&self.pool, token_hash).await
    }

    async fn revoke_user_sessions(&self, user: UserId) -> StorageResult<u64> {
        users::revoke_user_sessions(&self.pool, user).await
    }

    async fn create_api_token(&self, token: NewApiToken) -> StorageResult<ApiTokenInfo> {
        tokens::create_api_token(&self.pool, token).await
    }

    async fn api_token(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StorageResult<Option<TokenUser>> {
        tokens::api_token(&self.pool, token_hash, now).await
    }

    async fn api_tokens(&self, user: UserId) -> StorageResult<Vec<ApiTokenInfo>> {
        tokens::api_tokens(&self.pool, user).await
    }

    async fn revoke_api_token(&self, user: UserId, token_id: i64) -> StorageResult<bool> {
        tokens::revoke_api_token(&self.pool, user, token_id).await
    }

    async fn revoke_user_api_tokens(&self, user: UserId) -> StorageResult<u64> {
        tokens::revoke_user_api_tokens(&self.pool, user).await
    }

    async fn create_password_reset(
        &self,
        user: UserId,
        token_hash: &str,
        expires_at: DateTime<Utc>,
    ) -> StorageResult<()> {
        users::create_password_reset(&self.pool, user, token_hash, expires_at).await
    }

    async fn consume_password_reset(
        &self,
        token_hash: &str,
        now: DateTime<Utc>,
    ) -> StorageResult<Option<UserId>> {
        users::consume_password_reset(&self.pool, token_hash, now).await
    }

    async fn insert_comment(&self, comment: NewComment) -> StorageResult<Comment> {
        comments::insert_comment(&self.pool, comment).await
    }

    async fn comment(&self, id: CommentId) -> StorageResult<Option<Comment>> {
        comments::comment(&self.pool, id).await
    }

    async fn article_comments(
        &self,
        article: ArticleId,
        order: CommentOrder,
        page: PageRequest,
    ) -> StorageResult<Paged<Comment>> {
        comments::article_comments(&self.pool, article, order, page).await
    }

    async fn edit_comment(
        &self,
        id: CommentId,
        body_markdown: &str,
        body_html: &str,
        edited_at: DateTime<Utc>,
    ) -> StorageResult<bool> {
        comments::edit_comment(&self.pool, id, body_markdown, body_html, edited_at).await
    }

    async fn delete_comment(&self, id: CommentId) -> StorageResult<bool> {
        comments::delete_comment(&self.pool, id).await
    }

    async fn set_comment_hidden(&self, id: CommentId, hidden: bool) -> StorageResult<bool> {
        comments::set_comment_hidden(&self.pool, id, hidden).await
    }

    async fn approve_comment(&self, id: CommentId) -> StorageResult<bool> {
        comments::approve_comment(&self.pool, id).await
    }

    async fn comment_counts(&self, articles: &[ArticleId]) -> StorageResult<Vec<(ArticleId, i64)>> {
        comments::comment_counts(&self.pool, articles).await
    }

    async fn report_comment(
        &self,
        comment: CommentId,
        reporter: UserId,
        reason: &str,
    ) -> StorageResult<()> {
        moderation::report_comment(&self.pool, comment, reporter, reason).await
    }

    async fn resolve_reports(&self, comment: CommentId) -> StorageResult<u64> {
        moderation::resolve_reports(&self.pool, comment).await
    }

    async fn moderation_queue(&self, limit: u32) -> StorageResult<Vec<QueuedComment>> {
        moderation::moderation_queue(&self.pool, limit).await
    }

    async fn record_moderation(&self, entry: ModerationEntry) -> StorageResult<()> {
        moderation::record_moderation(&self.pool, entry).await
    }

    async fn moderation_log(&self, page: PageRequest) -> StorageResult<Paged<ModerationRecord>> {
        moderation::moderation_log(&self.pool, page).await
    }
}
