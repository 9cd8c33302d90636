//! PostgreSQL side of the per-site block counts
//! ([`tidings_core::RawPageStore::count_site_blocks`]): a page is counted once, then each of
//! its block keys (sorted, so concurrent writers lock rows in one order) gains a page.

use tidings_core::{StorageResult, checked_site_blocks};

use super::PostgresStorage;
use super::db_errors::db_error;

pub(super) async fn count(
    storage: &PostgresStorage,
    site: &str,
    page: &str,
    keys: &[String],
) -> StorageResult<bool> {
    let keys = checked_site_blocks(site, page, keys)?;
    let mut tx = storage.pool.begin().await.map_err(db_error)?;
    let inserted = sqlx::query(
        "INSERT INTO site_block_pages (site, page) VALUES ($1, $2) ON CONFLICT DO NOTHING",
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
    if !keys.is_empty() {
        sqlx::query(
            "INSERT INTO site_blocks (site, block, pages)
             SELECT $1, block, 1 FROM UNNEST($2::TEXT[]) AS block ORDER BY block
             ON CONFLICT (site, block) DO UPDATE SET pages = site_blocks.pages + 1",
        )
        .bind(site)
        .bind(&keys)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
    }
    tx.commit().await.map_err(db_error)?;
    Ok(true)
}

pub(super) async fn recurring(
    storage: &PostgresStorage,
    site: &str,
    keys: &[String],
    min_pages: i64,
) -> StorageResult<Vec<String>> {
    let keys = checked_site_blocks(site, "", keys)?;
    if keys.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT block FROM site_blocks
         WHERE site = $1 AND pages >= $2 AND block = ANY($3::TEXT[]) ORDER BY block",
    )
    .bind(site)
    .bind(min_pages)
    .bind(&keys)
    .fetch_all(&storage.pool)
    .await
    .map_err(db_error)?;
    Ok(rows.into_iter().map(|(block,)| block).collect())
}
