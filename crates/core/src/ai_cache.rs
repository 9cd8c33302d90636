//! The storage interface for cached AI results (per article, feature, model and parameters) and the token budget.

use async_trait::async_trait;
use chrono::NaiveDate;

use crate::storage::StorageResult;
use crate::types::ArticleId;

/// What a cached AI result is for: one article (or story), one feature, one model, one set of
/// parameters (style, language, question).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AiCacheKey {
    /// The article (or story) the result is about.
    pub subject_id: ArticleId,
    /// "summary", "answer", "translate", "brief"…
    pub feature: String,
    pub model: String,
    /// The parameters, normalized by the caller ("style=short", the question's text…).
    pub params: String,
}

/// Cached AI results (per article, feature, model and parameters) and the token budget.
#[async_trait]
pub trait AiStore: Send + Sync {
    /// The stored result for `key`, if any.
    async fn cached_ai_result(&self, key: &AiCacheKey) -> StorageResult<Option<String>>;
    /// Stores (or replaces) the result for `key`.
    async fn store_ai_result(&self, key: &AiCacheKey, value: &str) -> StorageResult<()>;
    /// Tokens spent on `day` (UTC) so far.
    async fn ai_tokens_used(&self, day: NaiveDate) -> StorageResult<i64>;
    /// Adds `tokens` to `day`'s spending and returns the new total.
    async fn add_ai_tokens(&self, day: NaiveDate, tokens: i64) -> StorageResult<i64>;
}
