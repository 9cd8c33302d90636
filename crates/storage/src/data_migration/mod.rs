//! Moving an installation from SQLite to PostgreSQL: every table copied into an empty
//! PostgreSQL database in one transaction, parents first, each table in key order and in
//! batches, identity sequences set to continue after the copied ids, and the row counts
//! compared table by table before the transaction commits. The SQLite file's schema is
//! brought up to date first (as opening it does); then it is only read, inside one read
//! transaction, so a running installation is copied as of one moment.

#[cfg(test)]
mod filled_installation;
mod tables;
#[cfg(test)]
mod tests;

use std::path::Path;

use sqlx::sqlite::{SqliteConnectOptions, SqliteRow};
use sqlx::{Connection, PgConnection, Postgres, QueryBuilder, Sqlite, SqliteConnection};
use tidings_core::{StorageError, StorageResult};

use crate::{PostgresStorage, SqliteStorage};
pub(crate) use tables::TABLES;
use tables::{KeyValue, Table, Value, read_key, read_value};

/// Rows read and written per statement (fewer when a table has many columns, to stay under
/// PostgreSQL's limit of bound parameters).
const BATCH_ROWS: usize = 500;
const MAX_PARAMETERS: usize = 30_000;

/// How far the copy of one table has come.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableProgress {
    pub table: &'static str,
    /// Rows copied so far.
    pub copied: u64,
    /// Rows the table holds in SQLite.
    pub total: u64,
}

/// Copies every table of the SQLite installation at `sqlite_path` into the PostgreSQL
/// database at `postgres_url` (migrated first), calling `progress` after each batch, and
/// returns the final count of each table. Refuses a target that holds data already, and fails
/// (copying nothing) when a table's count differs at the end, naming it.
pub async fn migrate_data(
    sqlite_path: &Path,
    postgres_url: &str,
    progress: &mut (dyn FnMut(&TableProgress) + Send),
) -> StorageResult<Vec<TableProgress>> {
    if !sqlite_path.is_file() {
        return Err(StorageError::Invalid(format!(
            "SQLite database {}: no such file",
            sqlite_path.display()
        )));
    }
    // Brings the source's schema up to date, so every table below exists.
    drop(SqliteStorage::open(sqlite_path).await?);
    let target = PostgresStorage::connect(postgres_url).await?;
    refuse_unless_empty(&target).await?;

    let mut source = SqliteConnection::connect_with(
        &SqliteConnectOptions::new()
            .filename(sqlite_path)
            .read_only(true),
    )
    .await
    .map_err(|e| source_error("opening the file", e))?;
    let mut snapshot = source.begin().await.map_err(|e| source_error("BEGIN", e))?;
    let mut tx = target
        .pool()
        .begin()
        .await
        .map_err(|e| target_error("BEGIN", e))?;

    let mut report = Vec::with_capacity(TABLES.len());
    for table in TABLES {
        let copied = copy_table(&mut snapshot, &mut tx, table, progress).await?;
        report.push(copied);
    }
    copy_article_links(&mut snapshot, &mut tx).await?;
    for table in TABLES.iter().filter(|t| t.identity) {
        continue_identity(&mut tx, table.name).await?;
    }
    verify_counts(&mut tx, &report).await?;
    tx.commit().await.map_err(|e| target_error("COMMIT", e))?;
    snapshot
        .rollback()
        .await
        .map_err(|e| source_error("ending the read", e))?;
    target.close().await;
    Ok(report)
}

async fn refuse_unless_empty(target: &PostgresStorage) -> StorageResult<()> {
    for table in TABLES {
        let (has_rows,): (bool,) =
            sqlx::query_as(&format!("SELECT EXISTS (SELECT 1 FROM {})", table.name))
                .fetch_one(target.pool())
                .await
                .map_err(|e| target_error(table.name, e))?;
        if has_rows {
            return Err(StorageError::Invalid(format!(
                "the PostgreSQL database is not empty (table {} has rows): migrate into a new, \
                 empty database",
                table.name
            )));
        }
    }
    Ok(())
}

/// Copies one table batch by batch in key order; returns its final progress.
async fn copy_table(
    source: &mut SqliteConnection,
    target: &mut PgConnection,
    table: &Table,
    progress: &mut (dyn FnMut(&TableProgress) + Send),
) -> StorageResult<TableProgress> {
    let (total,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {}", table.name))
        .fetch_one(&mut *source)
        .await
        .map_err(|e| source_error(table.name, e))?;
    let mut state = TableProgress {
        table: table.name,
        copied: 0,
        total: u64::try_from(total).unwrap_or_default(),
    };
    progress(&state);
    let batch = BATCH_ROWS.min(MAX_PARAMETERS / table.columns.len().max(1));
    let keys = table.key.join(", ");
    let columns: Vec<&str> = table.columns.iter().map(|c| c.0).collect();
    let select = format!("SELECT {keys}, {} FROM {}", columns.join(", "), table.name);
    let mut last: Option<Vec<KeyValue>> = None;
    loop {
        let mut query = QueryBuilder::<Sqlite>::new(&select);
        if let Some(last) = &last {
            query.push(format_args!(" WHERE ({keys}) > ("));
            let mut list = query.separated(", ");
            for value in last {
                match value {
                    KeyValue::Int(n) => list.push_bind(*n),
                    KeyValue::Text(s) => list.push_bind(s.clone()),
                };
            }
            query.push(")");
        }
        query.push(format_args!(" ORDER BY {keys} LIMIT {batch}"));
        let rows: Vec<SqliteRow> = query
            .build()
            .fetch_all(&mut *source)
            .await
            .map_err(|e| source_error(table.name, e))?;
        let Some(last_row) = rows.last() else {
            return Ok(state);
        };
        last = Some(
            (0..table.key.len())
                .map(|i| read_key(last_row, i, table.name))
                .collect::<StorageResult<_>>()?,
        );
        let values = rows
            .iter()
            .map(|row| {
                table
                    .columns
                    .iter()
                    .enumerate()
                    .map(|(i, column)| read_value(row, table.key.len() + i, table.name, column))
                    .collect::<StorageResult<Vec<Value>>>()
            })
            .collect::<StorageResult<Vec<_>>>()?;
        write_batch(target, table, values).await?;
        state.copied += rows.len() as u64;
        progress(&state);
    }
}

async fn write_batch(
    target: &mut PgConnection,
    table: &Table,
    rows: Vec<Vec<Value>>,
) -> StorageResult<()> {
    let columns: Vec<&str> = table.columns.iter().map(|c| c.1).collect();
    let mut query = QueryBuilder::<Postgres>::new(format!(
        "INSERT INTO {} ({}) ",
        table.name,
        columns.join(", ")
    ));
    query.push_values(rows, |mut row, values| {
        for value in values {
            match value {
                Value::Int(v) => row.push_bind(v),
                Value::Int4(v) => row.push_bind(v),
                Value::Real(v) => row.push_bind(v),
                Value::Text(v) => row.push_bind(v),
                Value::Bool(v) => row.push_bind(v),
                Value::Time(v) => row.push_bind(v),
                Value::Date(v) => row.push_bind(v),
                Value::Bytes(v) => row.push_bind(v),
                Value::Lines(v) => row.push_bind(v),
            };
        }
    });
    query
        .build()
        .execute(&mut *target)
        .await
        .map_err(|e| target_error(table.name, e))?;
    Ok(())
}

/// Sets `articles.copy_of` once every article is there (an original may have a higher id
/// than its copies).
async fn copy_article_links(
    source: &mut SqliteConnection,
    target: &mut PgConnection,
) -> StorageResult<()> {
    let mut after = 0_i64;
    loop {
        let links: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT id, copy_of FROM articles WHERE copy_of IS NOT NULL AND id > ?
             ORDER BY id LIMIT ?",
        )
        .bind(after)
        .bind(BATCH_ROWS as i64)
        .fetch_all(&mut *source)
        .await
        .map_err(|e| source_error("articles.copy_of", e))?;
        let Some(&(last, _)) = links.last() else {
            return Ok(());
        };
        after = last;
        let (ids, originals): (Vec<i64>, Vec<i64>) = links.into_iter().unzip();
        sqlx::query(
            "UPDATE articles AS a SET copy_of = link.copy_of
             FROM unnest($1::bigint[], $2::bigint[]) AS link(id, copy_of)
             WHERE a.id = link.id",
        )
        .bind(&ids)
        .bind(&originals)
        .execute(&mut *target)
        .await
        .map_err(|e| target_error("articles.copy_of", e))?;
    }
}

/// Makes the next generated id of `table` follow the highest copied one.
async fn continue_identity(target: &mut PgConnection, table: &str) -> StorageResult<()> {
    sqlx::query(&format!(
        "SELECT setval(pg_get_serial_sequence('{table}', 'id'),
                       COALESCE((SELECT MAX(id) FROM {table}), 0) + 1, false)"
    ))
    .execute(&mut *target)
    .await
    .map_err(|e| target_error(table, e))?;
    Ok(())
}

/// Every table holds in PostgreSQL exactly the rows SQLite held.
async fn verify_counts(target: &mut PgConnection, report: &[TableProgress]) -> StorageResult<()> {
    for table in report {
        let (count,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {}", table.table))
            .fetch_one(&mut *target)
            .await
            .map_err(|e| target_error(table.table, e))?;
        if u64::try_from(count).ok() != Some(table.total) || table.copied != table.total {
            return Err(StorageError::Backend(format!(
                "table {}: SQLite holds {} rows, {} were copied, PostgreSQL holds {count}; \
                 nothing was committed",
                table.table, table.total, table.copied
            )));
        }
    }
    Ok(())
}

fn source_error(what: &str, e: sqlx::Error) -> StorageError {
    StorageError::Backend(format!("reading SQLite ({what}): {e}"))
}

fn target_error(what: &str, e: sqlx::Error) -> StorageError {
    StorageError::Backend(format!("writing PostgreSQL ({what}): {e}"))
}
