//! PostgreSQL implementation of [`tidings_core::AiStore`]: cached AI results and the tokens
//! spent per day.

use async_trait::async_trait;
use chrono::NaiveDate;
use tidings_core::{AiCacheKey, AiStore, StorageResult};

use super::PostgresStorage;
use super::db_errors::db_error;
use super::timestamps::now;

#[async_trait]
impl AiStore for PostgresStorage {
    async fn cached_ai_result(&self, key: &AiCacheKey) -> StorageResult<Option<String>> {
        sqlx::query_scalar(
            "SELECT value FROM ai_results \
             WHERE subject_id = $1 AND feature = $2 AND model = $3 AND params = $4",
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
             VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (subject_id, feature, model, params) \
             DO UPDATE SET value = excluded.value, created_at = excluded.created_at",
        )
        .bind(key.subject_id)
        .bind(&key.feature)
        .bind(&key.model)
        .bind(&key.params)
        .bind(value)
        .bind(now())
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn ai_tokens_used(&self, day: NaiveDate) -> StorageResult<i64> {
        let used: Option<i64> =
            sqlx::query_scalar("SELECT tokens FROM ai_token_usage WHERE day = $1")
                .bind(day)
                .fetch_optional(&self.pool)
                .await
                .map_err(db_error)?;
        Ok(used.unwrap_or(0))
    }

    async fn add_ai_tokens(&self, day: NaiveDate, tokens: i64) -> StorageResult<i64> {
        sqlx::query_scalar(
            "INSERT INTO ai_token_usage AS usage (day, tokens) VALUES ($1, $2) \
             ON CONFLICT (day) DO UPDATE SET tokens = usage.tokens + excluded.tokens \
             RETURNING tokens",
        )
        .bind(day)
        .bind(tokens.max(0))
        .fetch_one(&self.pool)
        .await
        .map_err(db_error)
    }
}
