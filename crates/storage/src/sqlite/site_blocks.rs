//! SQLite side of the per-site block counts ([`tidings_core::RawPageStore::count_site_blocks`]):
//! a page is counted once, then each of its block keys gains a page.

use sqlx::{QueryBuilder, Sqlite};
use tidings_core::{StorageResult, checked_site_blocks};

use super::SqliteStorage;
use super::db_errors::db_error;

pub(super) async fn count(
    storage: &SqliteStorage,
    site: &str,
    page: &str,
    keys: &[String],
) -> StorageResult<bool> {
    let keys = checked_site_blocks(site, page, keys)?;
    let mut tx = storage
        .pool
        .begin_with("BEGIN IMMEDIATE")
        .await
        .map_err(db_error)?;
    let inserted = sqlx::query(
        "INSERT INTO site_block_pages (site, page) VALUES (?, ?) ON CONFLICT DO NOTHING",
    )
    .bind(site)
    .bind(page)
    .execute(&mut *tx)
    .await
    .map_err(db_error)?
    .rows_affected();
    if inserted == 0 {
        tx.rollback().await.map_err(db_error)?;
        return Ok(false);
    }
    for key in &keys {
        sqlx::query(
            "INSERT INTO site_blocks (site, block, pages) VALUES (?, ?, 1)
             ON CONFLICT (site, block) DO UPDATE SET pages = pages + 1",
        )
        .bind(site)
        .bind(key)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
    }
    tx.commit().await.map_err(db_error)?;
    Ok(true)
}

pub(super) async fn recurring(
    storage: &SqliteStorage,
    site: &str,
    keys: &[String],
    min_pages: i64,
) -> StorageResult<Vec<String>> {
    let keys = checked_site_blocks(site, "", keys)?;
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let mut query: QueryBuilder<Sqlite> =
        QueryBuilder::new("SELECT block FROM site_blocks WHERE site = ");
    query.push_bind(site);
    query.push(" AND pages >= ");
    query.push_bind(min_pages);
    query.push(" AND block IN (");
    let mut list = query.separated(", ");
    for key in &keys {
        list.push_bind(key);
    }
    query.push(") ORDER BY block");
    let rows: Vec<(String,)> = query
        .build_query_as()
        .fetch_all(&storage.pool)
        .await
        .map_err(db_error)?;
    Ok(rows.into_iter().map(|(block,)| block).collect())
}
