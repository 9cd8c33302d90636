//! A throwaway PostgreSQL database for tests: created under a random name on the server named
//! by `TIDINGS_TEST_POSTGRES_URL` (default [`DEFAULT_TEST_POSTGRES_URL`]) and dropped when the
//! value is dropped, also when the test panicked.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::PgConnectOptions;
use sqlx::{Connection, PgConnection};

use crate::PostgresStorage;

/// The variable naming the server (and a database to connect to first) tests create their
/// databases on.
pub const TEST_POSTGRES_URL_VAR: &str = "TIDINGS_TEST_POSTGRES_URL";
/// The server tests use when [`TEST_POSTGRES_URL_VAR`] is not set.
pub const DEFAULT_TEST_POSTGRES_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres";

/// How long creating or dropping a test database may take.
const ADMIN_TIMEOUT: Duration = Duration::from_secs(30);

/// A database of its own for one test; [`TempPostgres::url`] connects to it.
#[derive(Debug)]
pub struct TempPostgres {
    admin_url: String,
    name: String,
    url: String,
}

impl TempPostgres {
    /// Creates an empty database `tidings_test_<random>`. Panics, saying how to start the
    /// server, when PostgreSQL cannot be reached or refuses.
    pub async fn create() -> Self {
        let admin_url = std::env::var(TEST_POSTGRES_URL_VAR)
            .unwrap_or_else(|_| DEFAULT_TEST_POSTGRES_URL.to_string());
        let name = format!("tidings_test_{}", hex::encode(rand::random::<[u8; 8]>()));
        let created = tokio::time::timeout(ADMIN_TIMEOUT, async {
            let mut admin = PgConnection::connect(&admin_url).await?;
            sqlx::query(&format!("CREATE DATABASE \"{name}\""))
                .execute(&mut admin)
                .await?;
            admin.close().await
        })
        .await;
        match created {
            Ok(Ok(())) => {}
            Ok(Err(e)) => panic!("{}", unreachable_message(&admin_url, &e.to_string())),
            Err(_) => panic!("{}", unreachable_message(&admin_url, "no answer in 30 s")),
        }
        let url = with_database(&admin_url, &name);
        TempPostgres {
            admin_url,
            name,
            url,
        }
    }

    /// The URL of this test's database.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A storage on this database, migrated.
    pub async fn storage(&self) -> PostgresStorage {
        PostgresStorage::connect(&self.url)
            .await
            .unwrap_or_else(|e| panic!("connecting to the test database {}: {e}", self.name))
    }
}

impl Drop for TempPostgres {
    /// Drops the database on a thread of its own with its own runtime, so it works inside or
    /// outside a runtime and while a panic unwinds; connections still open are ended.
    fn drop(&mut self) {
        let admin_url = self.admin_url.clone();
        let name = self.name.clone();
        let dropped = std::thread::spawn(move || -> Result<(), String> {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            runtime.block_on(async {
                let dropping = async {
                    let mut admin = PgConnection::connect(&admin_url).await?;
                    sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                        .execute(&mut admin)
                        .await?;
                    admin.close().await
                };
                match tokio::time::timeout(ADMIN_TIMEOUT, dropping).await {
                    Ok(result) => result.map_err(|e| e.to_string()),
                    Err(_) => Err("no answer in 30 s".to_string()),
                }
            })
        })
        .join();
        match dropped {
            Ok(Ok(())) => {}
            Ok(Err(e)) => eprintln!("could not drop the test database {}: {e}", self.name),
            Err(_) => eprintln!("dropping the test database {} panicked", self.name),
        }
    }
}

fn unreachable_message(admin_url: &str, error: &str) -> String {
    format!(
        "PostgreSQL is needed for this test and could not create a database at {} ({error}). \
         Start the local server with \
         `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`, or set \
         {TEST_POSTGRES_URL_VAR} to a server where this user may create databases.",
        crate::postgres::redacted(admin_url)
    )
}

/// `url` with its database (the path) replaced by `name`, query parameters kept.
fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let path_start = base[authority_start..]
        .find('/')
        .map_or(base.len(), |i| authority_start + i);
    let mut out = format!("{}/{name}", &base[..path_start]);
    if let Some(query) = query {
        out.push('?');
        out.push_str(query);
    }
    debug_assert!(PgConnectOptions::from_str(&out).is_ok(), "{out}");
    out
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use tidings_core::Storage;

    use super::*;

    async fn database_exists(name: &str) -> bool {
        let admin_url = std::env::var(TEST_POSTGRES_URL_VAR)
            .unwrap_or_else(|_| DEFAULT_TEST_POSTGRES_URL.to_string());
        let mut admin = PgConnection::connect(&admin_url).await.expect("connect");
        let (exists,): (bool,) =
            sqlx::query_as("SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)")
                .bind(name)
                .fetch_one(&mut admin)
                .await
                .expect("query");
        exists
    }

    #[tokio::test]
    async fn the_database_is_dropped_after_use_and_after_a_panic() {
        let db = TempPostgres::create().await;
        let name = db.name().to_string();
        assert!(database_exists(&name).await);
        drop(db);
        assert!(!database_exists(&name).await, "{name} outlived its test");

        let seen = Arc::new(Mutex::new(String::new()));
        let during = Arc::clone(&seen);
        let failed = tokio::spawn(async move {
            let db = TempPostgres::create().await;
            let storage = db.storage().await;
            if let Ok(mut name) = during.lock() {
                *name = db.name().to_string();
            }
            // A connection is still open when the check fails.
            assert_eq!(storage.count_articles().await.expect("count"), 0);
            panic!("a failing check");
        })
        .await;
        assert!(failed.is_err_and(|e| e.is_panic()));
        let name = seen.lock().map(|n| n.clone()).unwrap_or_default();
        assert!(name.starts_with("tidings_test_"), "{name:?}");
        assert!(
            !database_exists(&name).await,
            "{name} outlived a panicking test"
        );
    }

    #[test]
    fn the_database_is_swapped_and_the_rest_kept() {
        assert_eq!(
            with_database("postgres://postgres@127.0.0.1:5432/postgres", "t1"),
            "postgres://postgres@127.0.0.1:5432/t1"
        );
        assert_eq!(
            with_database("postgresql://u:p@h/db?sslmode=disable", "t2"),
            "postgresql://u:p@h/t2?sslmode=disable"
        );
        assert_eq!(
            with_database("postgres://h:5433", "t3"),
            "postgres://h:5433/t3"
        );
    }
}
