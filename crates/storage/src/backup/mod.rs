//! Backups of a running installation, and restoring one into an empty place.
//!
//! SQLite: `VACUUM INTO` writes a consistent copy as of one moment while the site keeps
//! serving and writing (it reads inside one transaction); the copy is checked with
//! `PRAGMA integrity_check` before it takes the backup's name. Restoring copies a checked
//! backup into place and brings its schema up to date.
//!
//! PostgreSQL: `pg_dump` (PostgreSQL's client tools, which must be installed) writes a
//! custom-format archive from one snapshot; `pg_restore` loads it, in one transaction, into a
//! database with no Tidings data. Passwords go to the tools through `PGPASSWORD`, never on
//! their command line.

use std::path::{Path, PathBuf};

use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
use sqlx::{Connection, SqliteConnection};
use tidings_core::{StorageError, StorageResult};

use crate::data_migration::TABLES;
use crate::{DatabaseLocation, PostgresStorage, SqliteStorage};

/// What a backup or a restore wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupReport {
    /// The backup file, or for a restore the SQLite file (or the redacted database URL) filled.
    pub target: String,
    /// Size of the backup file in bytes.
    pub bytes: u64,
    /// Rows per table in the backup (SQLite) or in the restored database; empty for a
    /// PostgreSQL backup, whose archive is only counted when it is restored.
    pub tables: Vec<(&'static str, u64)>,
}

impl BackupReport {
    /// Rows of the table `name` (0 when it is not counted).
    pub fn rows(&self, name: &str) -> u64 {
        self.tables
            .iter()
            .find(|(table, _)| *table == name)
            .map_or(0, |(_, rows)| *rows)
    }
}

/// Writes a backup of the database at `location` to `destination`, which must not exist yet.
pub async fn backup(
    location: &DatabaseLocation,
    destination: &Path,
) -> StorageResult<BackupReport> {
    if destination.exists() {
        return Err(StorageError::Invalid(format!(
            "{} exists already: give a new file name for the backup",
            destination.display()
        )));
    }
    match location {
        DatabaseLocation::SqliteFile(path) => backup_sqlite(Path::new(path), destination).await,
        DatabaseLocation::Postgres(url) => backup_postgres(url, destination).await,
        DatabaseLocation::SqliteMemory => Err(StorageError::Invalid(
            "a database in memory has nothing to back up".into(),
        )),
    }
}

/// Restores the backup at `source` into the database at `location`, which must hold no data.
pub async fn restore(location: &DatabaseLocation, source: &Path) -> StorageResult<BackupReport> {
    if !source.is_file() {
        return Err(StorageError::Invalid(format!(
            "backup {}: no such file",
            source.display()
        )));
    }
    match location {
        DatabaseLocation::SqliteFile(path) => restore_sqlite(source, Path::new(path)).await,
        DatabaseLocation::Postgres(url) => restore_postgres(source, url).await,
        DatabaseLocation::SqliteMemory => Err(StorageError::Invalid(
            "cannot restore into a database in memory".into(),
        )),
    }
}

async fn backup_sqlite(database: &Path, destination: &Path) -> StorageResult<BackupReport> {
    if !database.is_file() {
        return Err(StorageError::Invalid(format!(
            "there is no database at {} to back up",
            database.display()
        )));
    }
    // Brings the schema up to date, as serving would, so the backup has every table.
    SqliteStorage::open(database).await?.close().await;
    let partial = partial_name(destination);
    remove_if_present(&partial)?;
    let mut live = connect_sqlite(database, false).await?;
    let written = sqlx::query("VACUUM INTO ?")
        .bind(partial.to_string_lossy().into_owned())
        .execute(&mut live)
        .await;
    let _ = live.close().await;
    let written = written.map_err(|e| {
        StorageError::Backend(format!(
            "cannot write the backup {}: {e}",
            destination.display()
        ))
    });
    discard_on_error(&partial, written)?;
    let tables = discard_on_error(&partial, checked_counts(&partial).await)?;
    finish(&partial, destination, tables)
}

async fn restore_sqlite(source: &Path, database: &Path) -> StorageResult<BackupReport> {
    // A file that is not a whole Tidings database is refused before anything is touched.
    checked_counts(source).await?;
    if database.is_file() {
        refuse_unless_empty_sqlite(database).await?;
    }
    if let Some(parent) = database.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| io_error(parent, &e))?;
    }
    let partial = partial_name(database);
    std::fs::copy(source, &partial).map_err(|e| io_error(&partial, &e))?;
    for stale in [sidecar(database, "-wal"), sidecar(database, "-shm")] {
        remove_if_present(&stale)?;
    }
    std::fs::rename(&partial, database).map_err(|e| io_error(database, &e))?;
    // A backup from an earlier version gets the newer migrations here.
    SqliteStorage::open(database).await?.close().await;
    Ok(BackupReport {
        target: database.display().to_string(),
        bytes: file_size(source)?,
        tables: checked_counts(database).await?,
    })
}

/// Checks the SQLite file at `path` and counts the rows of each Tidings table; `Invalid`
/// naming the file when it is damaged or not a Tidings database.
async fn checked_counts(path: &Path) -> StorageResult<Vec<(&'static str, u64)>> {
    let not_a_backup = |why: String| {
        StorageError::Invalid(format!(
            "{} is not a Tidings SQLite backup: {why}",
            path.display()
        ))
    };
    let mut conn = connect_sqlite(path, true)
        .await
        .map_err(|e| not_a_backup(e.to_string()))?;
    let verdict: Result<(String,), sqlx::Error> = sqlx::query_as("PRAGMA integrity_check(1)")
        .fetch_one(&mut conn)
        .await;
    match verdict {
        Ok((ok,)) if ok == "ok" => {}
        Ok((problem,)) => return Err(not_a_backup(format!("damaged ({problem})"))),
        Err(e) => return Err(not_a_backup(e.to_string())),
    }
    let mut tables = Vec::with_capacity(TABLES.len());
    for table in TABLES {
        let counted: Result<(i64,), sqlx::Error> =
            sqlx::query_as(&format!("SELECT COUNT(*) FROM {}", table.name))
                .fetch_one(&mut conn)
                .await;
        let (rows,) = counted.map_err(|e| not_a_backup(format!("table {}: {e}", table.name)))?;
        tables.push((table.name, u64::try_from(rows).unwrap_or_default()));
    }
    let _ = conn.close().await;
    Ok(tables)
}

async fn refuse_unless_empty_sqlite(database: &Path) -> StorageResult<()> {
    let counts = checked_counts(database).await.map_err(|_| {
        StorageError::Invalid(format!(
            "{} exists and is not an empty Tidings database: restore into an empty data directory",
            database.display()
        ))
    })?;
    match counts.iter().find(|(_, rows)| *rows > 0) {
        Some((table, _)) => Err(StorageError::Invalid(format!(
            "the database {} holds data (table {table} has rows): restore into an empty data \
             directory",
            database.display()
        ))),
        None => Ok(()),
    }
}

async fn connect_sqlite(path: &Path, read_only: bool) -> StorageResult<SqliteConnection> {
    let mut options = SqliteConnectOptions::new()
        .filename(path)
        .read_only(read_only)
        .busy_timeout(std::time::Duration::from_secs(30));
    if !read_only {
        options = options.journal_mode(SqliteJournalMode::Wal);
    }
    SqliteConnection::connect_with(&options)
        .await
        .map_err(|e| StorageError::Backend(format!("cannot open {}: {e}", path.display())))
}

async fn backup_postgres(url: &str, destination: &Path) -> StorageResult<BackupReport> {
    // Brings the schema up to date, as serving would.
    PostgresStorage::connect(url).await?.close().await;
    let partial = partial_name(destination);
    remove_if_present(&partial)?;
    let mut args = vec![
        "--format=custom".to_owned(),
        "--no-owner".to_owned(),
        format!("--file={}", partial.display()),
    ];
    let connection = PgTarget::parse(url);
    args.push(format!("--dbname={}", connection.url));
    discard_on_error(&partial, run_pg_tool("pg_dump", &args, &connection).await)?;
    finish(&partial, destination, Vec::new())
}

/// Removes the unfinished backup at `partial` when `step` failed, so no half-written file is
/// left behind.
fn discard_on_error<T>(partial: &Path, step: StorageResult<T>) -> StorageResult<T> {
    if step.is_err() {
        let _ = std::fs::remove_file(partial);
    }
    step
}

/// Gives the finished backup at `partial` its name.
fn finish(
    partial: &Path,
    destination: &Path,
    tables: Vec<(&'static str, u64)>,
) -> StorageResult<BackupReport> {
    std::fs::rename(partial, destination).map_err(|e| io_error(destination, &e))?;
    Ok(BackupReport {
        target: destination.display().to_string(),
        bytes: file_size(destination)?,
        tables,
    })
}

async fn restore_postgres(source: &Path, url: &str) -> StorageResult<BackupReport> {
    let connection = PgTarget::parse(url);
    let mut args = vec![
        "--no-owner".to_owned(),
        "--single-transaction".to_owned(),
        "--exit-on-error".to_owned(),
    ];
    if has_tidings_tables(url).await? {
        // Migrated but without data (refused otherwise): the archive's tables replace the empty
        // ones.
        refuse_unless_empty_postgres(url).await?;
        args.extend(["--clean".to_owned(), "--if-exists".to_owned()]);
    }
    args.push(format!("--dbname={}", connection.url));
    args.push(source.display().to_string());
    run_pg_tool("pg_restore", &args, &connection).await?;
    let restored = PostgresStorage::connect(url).await?;
    let mut tables = Vec::with_capacity(TABLES.len());
    for table in TABLES {
        let (rows,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {}", table.name))
            .fetch_one(restored.pool())
            .await
            .map_err(|e| StorageError::Backend(format!("counting {}: {e}", table.name)))?;
        tables.push((table.name, u64::try_from(rows).unwrap_or_default()));
    }
    restored.close().await;
    Ok(BackupReport {
        target: crate::postgres::redacted(url),
        bytes: file_size(source)?,
        tables,
    })
}

async fn has_tidings_tables(url: &str) -> StorageResult<bool> {
    let mut conn = sqlx::PgConnection::connect(url).await.map_err(|e| {
        StorageError::Backend(format!(
            "cannot connect to {}: {e}",
            crate::postgres::redacted(url)
        ))
    })?;
    let (present,): (bool,) = sqlx::query_as(
        "SELECT EXISTS (SELECT 1 FROM information_schema.tables \
         WHERE table_schema = current_schema() AND table_name = $1)",
    )
    .bind(TABLES[0].name)
    .fetch_one(&mut conn)
    .await
    .map_err(|e| StorageError::Backend(e.to_string()))?;
    let _ = conn.close().await;
    Ok(present)
}

async fn refuse_unless_empty_postgres(url: &str) -> StorageResult<()> {
    let target = PostgresStorage::connect(url).await?;
    for table in TABLES {
        let (has_rows,): (bool,) =
            sqlx::query_as(&format!("SELECT EXISTS (SELECT 1 FROM {})", table.name))
                .fetch_one(target.pool())
                .await
                .map_err(|e| StorageError::Backend(format!("reading {}: {e}", table.name)))?;
        if has_rows {
            target.close().await;
            return Err(StorageError::Invalid(format!(
                "the PostgreSQL database holds data (table {} has rows): restore into a new, \
                 empty database",
                table.name
            )));
        }
    }
    target.close().await;
    Ok(())
}

/// A PostgreSQL URL split for the client tools: the URL without its password, and the
/// password (percent-decoded) for `PGPASSWORD`.
struct PgTarget {
    url: String,
    password: Option<String>,
}

impl PgTarget {
    fn parse(url: &str) -> PgTarget {
        let whole = PgTarget {
            url: url.to_owned(),
            password: None,
        };
        let Some((scheme, rest)) = url.split_once("://") else {
            return whole;
        };
        let authority_end = rest.find('/').unwrap_or(rest.len());
        let (authority, path) = rest.split_at(authority_end);
        let Some((user_info, host)) = authority.rsplit_once('@') else {
            return whole;
        };
        let Some((user, password)) = user_info.split_once(':') else {
            return whole;
        };
        PgTarget {
            url: format!("{scheme}://{user}@{host}{path}"),
            password: Some(percent_decode(password)),
        }
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let decoded = (bytes[i] == b'%')
            .then(|| s.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match decoded {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Runs `pg_dump` or `pg_restore`; the error names a missing tool and otherwise carries the
/// tool's own last message.
async fn run_pg_tool(tool: &str, args: &[String], target: &PgTarget) -> StorageResult<()> {
    let mut command = tokio::process::Command::new(tool);
    command.args(args).stdin(std::process::Stdio::null());
    if let Some(password) = &target.password {
        command.env("PGPASSWORD", password);
    }
    let output = command.output().await.map_err(|e| {
        if e.kind() == std::io::ErrorKind::NotFound {
            StorageError::Invalid(format!(
                "{tool} was not found: a PostgreSQL backup needs PostgreSQL's client tools \
                 (Debian and Ubuntu: apt install postgresql-client) of the server's version or \
                 newer"
            ))
        } else {
            StorageError::Backend(format!("cannot run {tool}: {e}"))
        }
    })?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let last = stderr
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("no message");
    Err(StorageError::Backend(format!(
        "{tool} failed ({}): {}",
        output.status,
        last.trim()
    )))
}

fn partial_name(path: &Path) -> PathBuf {
    sidecar(path, ".partial")
}

fn sidecar(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn remove_if_present(path: &Path) -> StorageResult<()> {
    match std::fs::remove_file(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io_error(path, &e)),
    }
}

fn file_size(path: &Path) -> StorageResult<u64> {
    std::fs::metadata(path)
        .map(|m| m.len())
        .map_err(|e| io_error(path, &e))
}

fn io_error(path: &Path, e: &std::io::Error) -> StorageError {
    StorageError::Backend(format!("{}: {e}", path.display()))
}

#[cfg(test)]
mod tests;
