//! Leadership on PostgreSQL: a session advisory lock named after the role, held on a
//! connection of its own (outside the pool). The role is held exactly as long as that
//! connection lives: dropping the guard closes it, and when the process dies the server ends
//! the session and frees the lock, so the role moves at once without waiting for a lease.

use std::time::Duration;

use async_trait::async_trait;
use sqlx::{Connection, PgConnection, PgPool};
use tidings_core::{LeaderGuard, StorageResult};

use super::db_errors::db_error;

/// How long `still_held` waits for the server before taking the role for lost.
const CHECK_TIMEOUT: Duration = Duration::from_secs(10);

/// The role's lock key: a 64-bit hash of its name, computed by the server so every process
/// agrees on it.
const KEY_SQL: &str = "hashtextextended('tidings.leader:' || $1, 0)";

/// Leadership held through an advisory lock on `conn`.
pub(crate) struct PgLeader {
    conn: Option<PgConnection>,
    key: i64,
}

/// Takes the role `name` when no other session holds its lock.
pub(crate) async fn try_lead(
    pool: &PgPool,
    name: &str,
    holder: &str,
) -> StorageResult<Option<PgLeader>> {
    let mut conn = PgConnection::connect_with(&pool.connect_options())
        .await
        .map_err(db_error)?;
    let (key, locked): (i64, bool) = sqlx::query_as(&format!(
        "SELECT key, pg_try_advisory_lock(key) FROM (SELECT {KEY_SQL} AS key) AS role"
    ))
    .bind(name)
    .fetch_one(&mut conn)
    .await
    .map_err(db_error)?;
    if !locked {
        // Nothing is held on this connection; a failed goodbye changes nothing.
        let _ = conn.close().await;
        return Ok(None);
    }
    // Shows who leads in pg_stat_activity.
    sqlx::query("SELECT set_config('application_name', $1, false)")
        .bind(holder.chars().take(63).collect::<String>())
        .execute(&mut conn)
        .await
        .map_err(db_error)?;
    Ok(Some(PgLeader {
        conn: Some(conn),
        key,
    }))
}

#[async_trait]
impl LeaderGuard for PgLeader {
    /// The connection answers and the server lists our session as holding the lock. A broken
    /// or silent connection means the lock is (or will soon be) gone: the role is given up.
    async fn still_held(&mut self) -> StorageResult<bool> {
        let Some(conn) = self.conn.as_mut() else {
            return Ok(false);
        };
        let check = sqlx::query_scalar::<_, bool>(
            "SELECT EXISTS (
                 SELECT 1 FROM pg_locks
                 WHERE locktype = 'advisory' AND granted AND pid = pg_backend_pid()
                   AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
                   AND objsubid = 1
                   AND classid::bigint = (($1 >> 32) & 4294967295)
                   AND objid::bigint = ($1 & 4294967295))",
        )
        .bind(self.key)
        .fetch_one(conn);
        let held = matches!(
            tokio::time::timeout(CHECK_TIMEOUT, check).await,
            Ok(Ok(true))
        );
        if !held && let Some(conn) = self.conn.take() {
            close_in_background(conn);
        }
        Ok(held)
    }
}

impl Drop for PgLeader {
    fn drop(&mut self) {
        if let Some(conn) = self.conn.take() {
            close_in_background(conn);
        }
    }
}

/// Ends the session (which frees its advisory locks): politely on the runtime when there is
/// one, else by dropping the socket, which the server notices just the same.
fn close_in_background(conn: PgConnection) {
    match tokio::runtime::Handle::try_current() {
        Ok(runtime) => {
            runtime.spawn(async move {
                if let Err(e) = conn.close().await {
                    tracing::debug!(error = %e, "leadership connection closed uncleanly");
                }
            });
        }
        Err(_) => drop(conn),
    }
}
