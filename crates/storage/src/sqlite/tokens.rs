//! The `api_tokens` table: tokens with a kind, scopes and an expiry, found by the SHA-256
//! of the token, listed for their owner and revoked one by one or all at once.

use chrono::{DateTime, Utc};
use sqlx::SqlitePool;
use tidings_core::{
    ApiTokenInfo, NewApiToken, StorageError, StorageResult, TokenKind, TokenScopes, TokenUser,
    UserId,
};

use super::account_rows::{USER_COLUMNS, UserRow};
use super::db_errors::db_error;
use super::timestamps::{decode, decode_opt, encode, encode_opt};

/// The longest label kept.
const MAX_LABEL_CHARS: usize = 80;

const TOKEN_COLUMNS: &str = "api_tokens.id AS token_id, api_tokens.label, api_tokens.kind, \
     api_tokens.scopes, api_tokens.created_at AS token_created_at, api_tokens.expires_at, \
     api_tokens.last_used_at";

#[derive(sqlx::FromRow)]
struct TokenRow {
    token_id: i64,
    label: String,
    kind: String,
    scopes: String,
    token_created_at: String,
    expires_at: Option<String>,
    last_used_at: Option<String>,
}

impl TokenRow {
    fn into_info(self) -> StorageResult<ApiTokenInfo> {
        Ok(ApiTokenInfo {
            id: self.token_id,
            label: self.label,
            kind: TokenKind::parse(&self.kind).ok_or_else(|| {
                StorageError::Backend(format!("unknown api_tokens.kind {:?}", self.kind))
            })?,
            scopes: TokenScopes::parse(&self.scopes).ok_or_else(|| {
                StorageError::Backend(format!("unknown api_tokens.scopes {:?}", self.scopes))
            })?,
            created_at: decode("api_tokens.created_at", &self.token_created_at)?,
            expires_at: decode_opt("api_tokens.expires_at", self.expires_at.as_deref())?,
            last_used_at: decode_opt("api_tokens.last_used_at", self.last_used_at.as_deref())?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct TokenUserRow {
    #[sqlx(flatten)]
    token: TokenRow,
    #[sqlx(flatten)]
    user: UserRow,
}

pub(crate) async fn create_api_token(
    pool: &SqlitePool,
    token: NewApiToken,
) -> StorageResult<ApiTokenInfo> {
    let label: String = token.label.trim().chars().take(MAX_LABEL_CHARS).collect();
    let row: TokenRow = sqlx::query_as(&format!(
        "INSERT INTO api_tokens (token_hash, user_id, label, kind, scopes, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING {TOKEN_COLUMNS}"
    ))
    .bind(&token.token_hash)
    .bind(token.user)
    .bind(label)
    .bind(token.kind.as_str())
    .bind(token.scopes.to_text())
    .bind(encode("created_at", Utc::now())?)
    .bind(encode_opt("expires_at", token.expires_at)?)
    .fetch_one(pool)
    .await
    .map_err(db_error)?;
    row.into_info()
}

pub(crate) async fn api_token(
    pool: &SqlitePool,
    token_hash: &str,
    now: DateTime<Utc>,
) -> StorageResult<Option<TokenUser>> {
    let now = encode("now", now)?;
    let row: Option<TokenUserRow> = sqlx::query_as(&format!(
        "SELECT {TOKEN_COLUMNS}, {USER_COLUMNS}
         FROM api_tokens JOIN users ON users.id = api_tokens.user_id
         WHERE api_tokens.token_hash = ? AND api_tokens.revoked = 0 AND users.banned = 0
           AND (api_tokens.expires_at IS NULL OR api_tokens.expires_at > ?)"
    ))
    .bind(token_hash)
    .bind(&now)
    .fetch_optional(pool)
    .await
    .map_err(db_error)?;
    let Some(row) = row else { return Ok(None) };
    sqlx::query("UPDATE api_tokens SET last_used_at = ? WHERE id = ?")
        .bind(&now)
        .bind(row.token.token_id)
        .execute(pool)
        .await
        .map_err(db_error)?;
    let mut token = row.token.into_info()?;
    token.last_used_at = Some(decode("now", &now)?);
    Ok(Some(TokenUser {
        user: row.user.into_user()?,
        token,
    }))
}

pub(crate) async fn api_tokens(
    pool: &SqlitePool,
    user: UserId,
) -> StorageResult<Vec<ApiTokenInfo>> {
    sqlx::query_as::<_, TokenRow>(&format!(
        "SELECT {TOKEN_COLUMNS} FROM api_tokens
         WHERE user_id = ? AND revoked = 0 ORDER BY id"
    ))
    .bind(user)
    .fetch_all(pool)
    .await
    .map_err(db_error)?
    .into_iter()
    .map(TokenRow::into_info)
    .collect()
}

pub(crate) async fn revoke_api_token(
    pool: &SqlitePool,
    user: UserId,
    token_id: i64,
) -> StorageResult<bool> {
    let done = sqlx::query(
        "UPDATE api_tokens SET revoked = 1 WHERE id = ? AND user_id = ? AND revoked = 0",
    )
    .bind(token_id)
    .bind(user)
    .execute(pool)
    .await
    .map_err(db_error)?;
    Ok(done.rows_affected() > 0)
}

pub(crate) async fn revoke_user_api_tokens(pool: &SqlitePool, user: UserId) -> StorageResult<u64> {
    let done = sqlx::query("UPDATE api_tokens SET revoked = 1 WHERE user_id = ? AND revoked = 0")
        .bind(user)
        .execute(pool)
        .await
        .map_err(db_error)?;
    Ok(done.rows_affected())
}
