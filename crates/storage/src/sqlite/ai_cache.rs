//! SQLite implementation of [`tidings_core::AiStore`]: cached AI results and the tokens spent
//! per day.

use async_trait::async_trait;
use chrono::{NaiveDate, Utc};
use tidings_core::{AiCacheKey, AiStore, StorageResult};

use super::SqliteStorage;
use super::db_errors::db_error;

#[async_trait]
impl AiStore for SqliteStorage {
    async fn cached_ai_result(&self, key: &AiCacheKey) -> StorageResult<Option<String>> {
        sqlx::query_scalar(
            "SELECT value FROM ai_results \
             WHERE subject_id = ? AND feature = ? AND model = ? AND params = ?",
        )
        .bind(key.subject_id)
        .bind(&key.feature)
        .bind(&key.model)
        .bind(&key.params)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error)
    }

    async fn store_ai_result(&self, key: &AiCacheKey, value: &str) -> StorageResult<()> {
        sqlx::query(
            "INSERT INTO ai_results (subject_id, feature, model, params, value, created_at) \
             VALUES (?, ?, ?, ?, ?, ?) \
             ON CONFLICT (subject_id, feature, model, params) \
             DO UPDATE SET value = excluded.value, created_at = excluded.created_at",
        )
        .bind(key.subject_id)
        .bind(&key.feature)
        .bind(&key.model)
        .bind(&key.params)
        .bind(value)
        .bind(Utc::now().to_rfc3339())
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn ai_tokens_used(&self, day: NaiveDate) -> StorageResult<i64> {
        let used: Option<i64> =
            sqlx::query_scalar("SELECT tokens FROM ai_token_usage WHERE day = ?")
                .bind(day.to_string())
                .fetch_optional(&self.pool)
                .await
                .map_err(db_error)?;
        Ok(used.unwrap_or(0))
    }

    async fn add_ai_tokens(&self, day: NaiveDate, tokens: i64) -> StorageResult<i64> {
        sqlx::query_scalar(
            "INSERT INTO ai_token_usage (day, tokens) VALUES (?, ?) \
             ON CONFLICT (day) DO UPDATE SET tokens = tokens + excluded.tokens \
             RETURNING tokens",
        )
        .bind(day.to_string())
        .bind(tokens.max(0))
        .fetch_one(&self.pool)
        .await
        .map_err(db_error)
    }
}
