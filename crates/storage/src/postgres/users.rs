//! The `users`, `sessions`, `api_tokens` and `password_resets` tables.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use tidings_core::{ApiTokenInfo, NewUser, SessionUser, StorageError, StorageResult, User, UserId};

use super::account_rows::{USER_COLUMNS, UserRow};
use super::db_errors::db_error;
use super::timestamps::{checked, now};

/// The longest user name stored.
const MAX_NAME_CHARS: usize = 40;

pub(crate) async fn create_user(pool: &PgPool, user: NewUser) -> StorageResult<User> {
    let name = user.name.trim();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(StorageError::Invalid(format!(
            "user name: it must have 1 to {MAX_NAME_CHARS} characters"
        )));
    }
    if user.password_hash.is_empty() {
        return Err(StorageError::Invalid("password hash: it is empty".into()));
    }
    let row: UserRow = sqlx::query_as(&format!(
        "INSERT INTO users (name, name_key, password_hash, role, created_at)
         VALUES ($1, $2, $3, $4, $5) RETURNING {USER_COLUMNS}"
    ))
    .bind(name)
    .bind(name.to_lowercase())
    .bind(&user.password_hash)
    .bind(user.role.as_str())
    .bind(now())
    .fetch_one(pool)
    .await
    .map_err(|e| match db_error(e) {
        StorageError::Conflict(_) => StorageError::Conflict("user name".into()),
        other => other,
    })?;
    row.into_user()
}

pub(crate) async fn user(pool: &PgPool, id: UserId) -> StorageResult<Option<User>> {
    sqlx::query_as::<_, UserRow>(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = $1"))
        .bind(id)
        .fetch_optional(pool)
        .await
        .map_err(db_error)?
        .map(UserRow::into_user)
        .transpose()
}

#[derive(sqlx::FromRow)]
struct CredentialRow {
    #[sqlx(flatten)]
    user: UserRow,
    password_hash: String,
}

pub(crate) async fn user_credentials(
    pool: &PgPool,
    name: &str,
) -> StorageResult<Option<(User, String)>> {
    let row: Option<CredentialRow> = sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS}, users.password_hash FROM users WHERE name_key = $1"
    ))
    .bind(name.trim().to_lowercase())
    .fetch_optional(pool)
    .await
    .map_err(db_error)?;
    row.map(|r| Ok((r.user.into_user()?, r.password_hash)))
        .transpose()
}

pub(crate) async fn set_password_hash(
    pool: &PgPool,
    id: UserId,
    hash: &str,
) -> StorageResult<bool> {
    if hash.is_empty() {
        return Err(StorageError::Invalid("password hash: it is empty".into()));
    }
    let done = sqlx::query("UPDATE users SET password_hash = $1 WHERE id = $2")
        .bind(hash)
        .bind(id)
        .execute(pool)
        .await
        .map_err(db_error)?;
    Ok(done.rows_affected() > 0)
}

pub(crate) async fn set_banned(pool: &PgPool, id: UserId, banned: bool) -> StorageResult<bool> {
    let mut tx = pool.begin().await.map_err(db_error)?;
    let done = sqlx::query("UPDATE users SET banned = $1 WHERE id = $2")
        .bind(banned)
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
    if banned {
        for table in ["sessions", "api_tokens"] {
            sqlx::query(&format!(
                "UPDATE {table} SET revoked = TRUE WHERE user_id = $1"
            ))
            .bind(id)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        }
    }
    tx.commit().await.map_err(db_error)?;
    Ok(done.rows_affected() > 0)
}

pub(crate) async fn create_session(
    pool: &PgPool,
    user: UserId,
    token_hash: &str,
    expires_at: DateTime<Utc>,
) -> StorageResult<()> {
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at)
         VALUES ($1, $2, $3, $3, $4)",
    )
    .bind(token_hash)
    .bind(user)
    .bind(now())
    .bind(checked("expires_at", expires_at)?)
    .execute(pool)
    .await
    .map_err(db_error)?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    session_id: i64,
    expires_at: DateTime<Utc>,
    #[sqlx(flatten)]
    user: UserRow,
}

pub(crate) async fn session_user(
    pool: &PgPool,
    token_hash: &str,
    now: DateTime<Utc>,
) -> StorageResult<Option<SessionUser>> {
    let now = checked("now", now)?;
    let row: Option<SessionRow> = sqlx::query_as(&format!(
        "SELECT sessions.id AS session_id, sessions.expires_at, {USER_COLUMNS}
         FROM sessions JOIN users ON users.id = sessions.user_id
         WHERE sessions.token_hash = $1 AND NOT sessions.revoked AND sessions.expires_at > $2
           AND NOT users.banned"
    ))
    .bind(token_hash)
    .bind(now)
    .fetch_optional(pool)
    .await
    .map_err(db_error)?;
    let Some(row) = row else { return Ok(None) };
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2")
        .bind(now)
        .bind(row.session_id)
        .execute(pool)
        .await
        .map_err(db_error)?;
    Ok(Some(SessionUser {
        session_id: row.session_id,
        expires_at: row.expires_at,
        user: row.user.into_user()?,
    }))
}

pub(crate) async fn revoke_session(pool: &PgPool, token_hash: &str) -> StorageResult<()> {
    sqlx::query("UPDATE sessions SET revoked = TRUE WHERE token_hash = $1")
        .bind(token_hash)
        .execute(pool)
        .await
        .map_err(db_error)?;
    Ok(())
}

pub(crate) async fn revoke_user_sessions(pool: &PgPool, user: UserId) -> StorageResult<u64> {
    let done = sqlx::query("UPDATE sessions SET revoked = TRUE WHERE user_id = $1 AND NOT revoked")
        .bind(user)
        .execute(pool)
        .await
        .map_err(db_error)?;
    Ok(done.rows_affected())
}

#[derive(sqlx::FromRow)]
struct TokenRow {
    id: i64,
    label: String,
    created_at: DateTime<Utc>,
    last_used_at: Option<DateTime<Utc>>,
}

impl From<TokenRow> for ApiTokenInfo {
    fn from(row: TokenRow) -> Self {
        ApiTokenInfo {
            id: row.id,
            label: row.label,
            created_at: row.created_at,
            last_used_at: row.last_used_at,
        }
    }
}

pub(crate) async fn create_api_token(
    pool: &PgPool,
    user: UserId,
    token_hash: &str,
    label: &str,
) -> StorageResult<ApiTokenInfo> {
    let label: String = label.trim().chars().take(80).collect();
    let row: TokenRow = sqlx::query_as(
        "INSERT INTO api_tokens (token_hash, user_id, label, created_at) VALUES ($1, $2, $3, $4)
         RETURNING id, label, created_at, last_used_at",
    )
    .bind(token_hash)
    .bind(user)
    .bind(label)
    .bind(now())
    .fetch_one(pool)
    .await
    .map_err(db_error)?;
    Ok(row.into())
}

pub(crate) async fn api_token_user(pool: &PgPool, token_hash: &str) -> StorageResult<Option<User>> {
    let row: Option<UserRow> = sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS} FROM api_tokens JOIN users ON users.id = api_tokens.user_id
         WHERE api_tokens.token_hash = $1 AND NOT api_tokens.revoked AND NOT users.banned"
    ))
    .bind(token_hash)
    .fetch_optional(pool)
    .await
    .map_err(db_error)?;
    if row.is_some() {
        sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE token_hash = $2")
            .bind(now())
            .bind(token_hash)
            .execute(pool)
            .await
            .map_err(db_error)?;
    }
    row.map(UserRow::into_user).transpose()
}

pub(crate) async fn api_tokens(pool: &PgPool, user: UserId) -> StorageResult<Vec<ApiTokenInfo>> {
    let rows: Vec<TokenRow> = sqlx::query_as(
        "SELECT id, label, created_at, last_used_at FROM api_tokens
         WHERE user_id = $1 AND NOT revoked ORDER BY id",
    )
    .bind(user)
    .fetch_all(pool)
    .await
    .map_err(db_error)?;
    Ok(rows.into_iter().map(ApiTokenInfo::from).collect())
}

pub(crate) async fn revoke_api_token(
    pool: &PgPool,
    user: UserId,
    token_id: i64,
) -> StorageResult<bool> {
    let done = sqlx::query(
        "UPDATE api_tokens SET revoked = TRUE WHERE id = $1 AND user_id = $2 AND NOT revoked",
    )
    .bind(token_id)
    .bind(user)
    .execute(pool)
    .await
    .map_err(db_error)?;
    Ok(done.rows_affected() > 0)
}

pub(crate) async fn create_password_reset(
    pool: &PgPool,
    user: UserId,
    token_hash: &str,
    expires_at: DateTime<Utc>,
) -> StorageResult<()> {
    sqlx::query(
        "INSERT INTO password_resets (token_hash, user_id, expires_at) VALUES ($1, $2, $3)",
    )
    .bind(token_hash)
    .bind(user)
    .bind(checked("expires_at", expires_at)?)
    .execute(pool)
    .await
    .map_err(db_error)?;
    Ok(())
}

pub(crate) async fn consume_password_reset(
    pool: &PgPool,
    token_hash: &str,
    now: DateTime<Utc>,
) -> StorageResult<Option<UserId>> {
    let user: Option<(i64,)> = sqlx::query_as(
        "UPDATE password_resets SET used_at = $1
         WHERE token_hash = $2 AND used_at IS NULL AND expires_at > $1
         RETURNING user_id",
    )
    .bind(checked("now", now)?)
    .bind(token_hash)
    .fetch_optional(pool)
    .await
    .map_err(db_error)?;
    Ok(user.map(|(id,)| id))
}
