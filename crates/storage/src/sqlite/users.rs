//! The `users`, `sessions` and `password_resets` tables (tokens are in [`super::tokens`]).

use chrono::{DateTime, Utc};
use sqlx::SqlitePool;
use tidings_core::{
    NewUser, SessionUser, StorageError, StorageResult, User, UserId, name_key, name_skeleton,
    normalize_name,
};

use super::account_rows::{USER_COLUMNS, UserRow};
use super::db_errors::db_error;
use super::timestamps::{decode, encode};

/// The longest user name stored.
const MAX_NAME_CHARS: usize = 40;

pub(crate) async fn create_user(pool: &SqlitePool, user: NewUser) -> StorageResult<User> {
    let name = normalize_name(&user.name);
    let name = name.as_str();
    if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
        return Err(StorageError::Invalid(format!(
            "user name: it must have 1 to {MAX_NAME_CHARS} characters"
        )));
    }
    if user.password_hash.is_empty() {
        return Err(StorageError::Invalid("password hash: it is empty".into()));
    }
    let now = encode("created_at", Utc::now())?;
    let row: UserRow = sqlx::query_as(&format!(
        "INSERT INTO users (name, name_key, name_skeleton, password_hash, role, created_at)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING {USER_COLUMNS}"
    ))
    .bind(name)
    .bind(name_key(name))
    .bind(name_skeleton(name))
    .bind(&user.password_hash)
    .bind(user.role.as_str())
    .bind(&now)
    .fetch_one(pool)
    .await
    .map_err(|e| match db_error(e) {
        StorageError::Conflict(_) => StorageError::Conflict("user name".into()),
        other => other,
    })?;
    row.into_user()
}

pub(crate) async fn user(pool: &SqlitePool, id: UserId) -> StorageResult<Option<User>> {
    sqlx::query_as::<_, UserRow>(&format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?"))
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
    pool: &SqlitePool,
    name: &str,
) -> StorageResult<Option<(User, String)>> {
    let row: Option<CredentialRow> = sqlx::query_as(&format!(
        "SELECT {USER_COLUMNS}, users.password_hash FROM users WHERE name_key = ?"
    ))
    .bind(name_key(name))
    .fetch_optional(pool)
    .await
    .map_err(db_error)?;
    row.map(|r| Ok((r.user.into_user()?, r.password_hash)))
        .transpose()
}

pub(crate) async fn set_password_hash(
    pool: &SqlitePool,
    id: UserId,
    hash: &str,
) -> StorageResult<bool> {
    if hash.is_empty() {
        return Err(StorageError::Invalid("password hash: it is empty".into()));
    }
    let done = sqlx::query("UPDATE users SET password_hash = ? WHERE id = ?")
        .bind(hash)
        .bind(id)
        .execute(pool)
        .await
        .map_err(db_error)?;
    Ok(done.rows_affected() > 0)
}

pub(crate) async fn set_banned(pool: &SqlitePool, id: UserId, banned: bool) -> StorageResult<bool> {
    let mut tx = pool.begin().await.map_err(db_error)?;
    let done = sqlx::query("UPDATE users SET banned = ? WHERE id = ?")
        .bind(banned)
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
    if banned {
        for table in ["sessions", "api_tokens"] {
            sqlx::query(&format!("UPDATE {table} SET revoked = 1 WHERE user_id = ?"))
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
    pool: &SqlitePool,
    user: UserId,
    token_hash: &str,
    expires_at: DateTime<Utc>,
) -> StorageResult<()> {
    let now = encode("created_at", Utc::now())?;
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at)
         VALUES (?, ?, ?, ?, ?)",
    )
    .bind(token_hash)
    .bind(user)
    .bind(&now)
    .bind(&now)
    .bind(encode("expires_at", expires_at)?)
    .execute(pool)
    .await
    .map_err(db_error)?;
    Ok(())
}

#[derive(sqlx::FromRow)]
struct SessionRow {
    session_id: i64,
    expires_at: String,
    #[sqlx(flatten)]
    user: UserRow,
}

pub(crate) async fn session_user(
    pool: &SqlitePool,
    token_hash: &str,
    now: DateTime<Utc>,
) -> StorageResult<Option<SessionUser>> {
    let now = encode("now", now)?;
    let row: Option<SessionRow> = sqlx::query_as(&format!(
        "SELECT sessions.id AS session_id, sessions.expires_at, {USER_COLUMNS}
         FROM sessions JOIN users ON users.id = sessions.user_id
         WHERE sessions.token_hash = ? AND sessions.revoked = 0 AND sessions.expires_at > ?
           AND users.banned = 0"
    ))
    .bind(token_hash)
    .bind(&now)
    .fetch_optional(pool)
    .await
    .map_err(db_error)?;
    let Some(row) = row else { return Ok(None) };
    sqlx::query("UPDATE sessions SET last_seen_at = ? WHERE id = ?")
        .bind(&now)
        .bind(row.session_id)
        .execute(pool)
        .await
        .map_err(db_error)?;
    Ok(Some(SessionUser {
        session_id: row.session_id,
        expires_at: decode("sessions.expires_at", &row.expires_at)?,
        user: row.user.into_user()?,
    }))
}

pub(crate) async fn revoke_session(pool: &SqlitePool, token_hash: &str) -> StorageResult<()> {
    sqlx::query("UPDATE sessions SET revoked = 1 WHERE token_hash = ?")
        .bind(token_hash)
        .execute(pool)
        .await
        .map_err(db_error)?;
    Ok(())
}

pub(crate) async fn revoke_user_sessions(pool: &SqlitePool, user: UserId) -> StorageResult<u64> {
    let done = sqlx::query("UPDATE sessions SET revoked = 1 WHERE user_id = ? AND revoked = 0")
        .bind(user)
        .execute(pool)
        .await
        .map_err(db_error)?;
    Ok(done.rows_affected())
}

pub(crate) async fn create_password_reset(
    pool: &SqlitePool,
    user: UserId,
    token_hash: &str,
    expires_at: DateTime<Utc>,
) -> StorageResult<()> {
    sqlx::query("INSERT INTO password_resets (token_hash, user_id, expires_at) VALUES (?, ?, ?)")
        .bind(token_hash)
        .bind(user)
        .bind(encode("expires_at", expires_at)?)
        .execute(pool)
        .await
        .map_err(db_error)?;
    Ok(())
}

pub(crate) async fn consume_password_reset(
    pool: &SqlitePool,
    token_hash: &str,
    now: DateTime<Utc>,
) -> StorageResult<Option<UserId>> {
    let now = encode("now", now)?;
    let user: Option<(i64,)> = sqlx::query_as(
        "UPDATE password_resets SET used_at = ?1
         WHERE token_hash = ?2 AND used_at IS NULL AND expires_at > ?1
         RETURNING user_id",
    )
    .bind(&now)
    .bind(token_hash)
    .fetch_optional(pool)
    .await
    .map_err(db_error)?;
    Ok(user.map(|(id,)| id))
}

/// Gives every account made before names had skeletons its key (NFKC, lower-cased) and
/// skeleton. Look-alike names that were both registered already keep working: the later
/// account's skeleton is marked with its id so it stays unique, and a key another account
/// holds stays as it was.
pub(crate) async fn fill_name_skeletons(pool: &SqlitePool) -> StorageResult<u64> {
    let rows: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, name FROM users WHERE name_skeleton IS NULL ORDER BY id")
            .fetch_all(pool)
            .await
            .map_err(db_error)?;
    let mut filled = 0;
    for (id, name) in rows {
        let skeleton = name_skeleton(&name);
        let both = sqlx::query("UPDATE users SET name_key = ?, name_skeleton = ? WHERE id = ?")
            .bind(name_key(&name))
            .bind(&skeleton)
            .bind(id)
            .execute(pool)
            .await;
        match both {
            Ok(_) => {}
            Err(sqlx::Error::Database(db))
                if db.kind() == sqlx::error::ErrorKind::UniqueViolation =>
            {
                tracing::warn!(user = id, "user name looks like another's; kept as it was");
                sqlx::query("UPDATE users SET name_skeleton = ? WHERE id = ?")
                    .bind(format!("{skeleton}#{id}"))
                    .bind(id)
                    .execute(pool)
                    .await
                    .map_err(db_error)?;
            }
            Err(e) => return Err(db_error(e)),
        }
        filled += 1;
    }
    Ok(filled)
}
