//! Choosing the backend from what the operator wrote: a PostgreSQL URL, an SQLite URL or a
//! plain file path.

use std::path::Path;
use std::sync::Arc;

use tidings_core::{Storage, StorageError};

use crate::{PostgresStorage, SqliteStorage};

/// Where the data lives, as read from a database setting.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseLocation {
    /// `postgres://…` or `postgresql://…`, kept whole for the driver.
    Postgres(String),
    /// `sqlite:PATH`, `sqlite://PATH` or a plain path.
    SqliteFile(String),
    /// `sqlite::memory:`: a throwaway database in memory.
    SqliteMemory,
}

impl DatabaseLocation {
    /// Reads a database setting; `Invalid` naming the scheme when it is neither PostgreSQL nor
    /// SQLite, or when nothing is given.
    pub fn parse(url_or_path: &str) -> Result<Self, StorageError> {
        let setting = url_or_path.trim();
        if setting.is_empty() {
            return Err(StorageError::Invalid(
                "database: it is empty (give a file path, sqlite:PATH or postgres://…)".into(),
            ));
        }
        if let Some(rest) = setting
            .strip_prefix("postgres://")
            .or_else(|| setting.strip_prefix("postgresql://"))
        {
            if !names_a_database(rest) {
                return Err(StorageError::Invalid(format!(
                    "database {}: the URL names no database; write postgres://USER@HOST:PORT/DATABASE",
                    crate::postgres::redacted(setting)
                )));
            }
            return Ok(DatabaseLocation::Postgres(setting.to_string()));
        }
        if let Some(rest) = setting.strip_prefix("sqlite:") {
            let path = rest.strip_prefix("//").unwrap_or(rest);
            return match path {
                ":memory:" => Ok(DatabaseLocation::SqliteMemory),
                "" => Err(StorageError::Invalid(
                    "database sqlite: it names no file (write sqlite:PATH)".into(),
                )),
                path => Ok(DatabaseLocation::SqliteFile(path.to_string())),
            };
        }
        if let Some((scheme, _)) = setting.split_once("://") {
            return Err(StorageError::Invalid(format!(
                "database URL scheme {scheme:?} is not supported: use postgres://…, \
                 postgresql://…, sqlite:PATH or a file path"
            )));
        }
        Ok(DatabaseLocation::SqliteFile(setting.to_string()))
    }
}

/// Whether the part of a PostgreSQL URL after `postgres://` names a database: a path after
/// the host, or a `dbname` parameter. Without one the driver would pick the user's default
/// database and migrate it.
fn names_a_database(rest: &str) -> bool {
    let (before_query, query) = rest.split_once('?').unwrap_or((rest, ""));
    let path = before_query.split_once('/').map_or("", |(_, path)| path);
    !path.trim_matches('/').is_empty()
        || query.split('&').any(|pair| {
            pair.strip_prefix("dbname=")
                .is_some_and(|db| !db.is_empty())
        })
}

/// Opens the storage named by `url_or_path`: `postgres://` or `postgresql://` connects to
/// PostgreSQL, `sqlite:PATH` or a plain path opens (creating it when missing) an SQLite file,
/// `sqlite::memory:` a database in memory. Either way the schema is brought up to date.
pub async fn open(url_or_path: &str) -> Result<Arc<dyn Storage>, StorageError> {
    Ok(match DatabaseLocation::parse(url_or_path)? {
        DatabaseLocation::Postgres(url) => Arc::new(PostgresStorage::connect(&url).await?),
        DatabaseLocation::SqliteFile(path) => {
            Arc::new(SqliteStorage::open(Path::new(&path)).await?)
        }
        DatabaseLocation::SqliteMemory => Arc::new(SqliteStorage::open_in_memory().await?),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_pick_their_backend() {
        let cases = [
            (
                "postgres://u@h/db",
                DatabaseLocation::Postgres("postgres://u@h/db".into()),
            ),
            (
                "postgresql://h:5433/db?sslmode=disable",
                DatabaseLocation::Postgres("postgresql://h:5433/db?sslmode=disable".into()),
            ),
            (
                "sqlite:data/tidings.db",
                DatabaseLocation::SqliteFile("data/tidings.db".into()),
            ),
            (
                "sqlite:///var/lib/tidings.db",
                DatabaseLocation::SqliteFile("/var/lib/tidings.db".into()),
            ),
            ("sqlite::memory:", DatabaseLocation::SqliteMemory),
            (
                " ./tidings.db ",
                DatabaseLocation::SqliteFile("./tidings.db".into()),
            ),
        ];
        for (setting, want) in cases {
            assert_eq!(
                DatabaseLocation::parse(setting).expect(setting),
                want,
                "{setting}"
            );
        }
    }

    #[test]
    fn other_schemes_and_empty_settings_are_refused_by_name() {
        let err = DatabaseLocation::parse("mysql://h/db").expect_err("mysql refused");
        assert!(
            matches!(&err, StorageError::Invalid(m) if m.contains("\"mysql\"")),
            "{err:?}"
        );
        assert!(DatabaseLocation::parse("  ").is_err());
        assert!(DatabaseLocation::parse("postgres://u@h/?dbname=tidings").is_ok());
        assert!(DatabaseLocation::parse("sqlite:").is_err());
    }

    #[test]
    fn a_postgres_url_without_a_database_is_refused_by_name() {
        for url in [
            "postgres://u:secret@h",
            "postgres://u@h:5432/",
            "postgresql://h/?sslmode=disable",
            "postgres://h?dbname=",
        ] {
            let err = DatabaseLocation::parse(url).expect_err(url);
            let StorageError::Invalid(message) = &err else {
                panic!("{url}: {err:?}");
            };
            assert!(message.contains("names no database"), "{url}: {message}");
            assert!(
                !message.contains("secret"),
                "{url}: the password is shown: {message}"
            );
            assert_eq!(message.lines().count(), 1);
        }
    }

    #[tokio::test]
    async fn a_plain_path_opens_sqlite() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("picked.db");
        let storage = open(path.to_str().expect("utf-8 path"))
            .await
            .expect("open");
        assert_eq!(storage.count_articles().await.expect("count"), 0);
        assert!(path.exists());
    }
}
