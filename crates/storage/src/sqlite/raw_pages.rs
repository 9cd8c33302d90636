//! SQLite implementation of [`tidings_core::RawPageStore`]: kept raw pages, their purge, and
//! rewriting an article from a new extraction.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{QueryBuilder, Sqlite};
use tidings_core::{
    ArticleExtraction, ArticleId, RawPage, RawPageFilter, RawPageStore, StorageError, StorageResult,
};

use super::SqliteStorage;
use super::articles::{insert_tags, insert_terms};
use super::db_errors::db_error;
use super::timestamps::{decode, encode};

#[derive(sqlx::FromRow)]
struct RawPageRow {
    article_id: i64,
    url: String,
    charset: Option<String>,
    fetched_at: String,
    body_gzip: Vec<u8>,
    categories: String,
}

/// Categories one per line; a line break inside one becomes a space.
fn encode_categories(categories: &[String]) -> String {
    categories
        .iter()
        .map(|c| c.replace(['\n', '\r'], " "))
        .filter(|c| !c.trim().is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

fn decode_categories(text: &str) -> Vec<String> {
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(str::to_string)
        .collect()
}

#[async_trait]
impl RawPageStore for SqliteStorage {
    async fn save_raw_page(&self, page: RawPage) -> StorageResult<()> {
        let fetched_at = encode("raw page fetched_at", page.fetched_at)?;
        let result = sqlx::query(
            "INSERT INTO raw_pages (article_id, url, charset, fetched_at, body_gzip, categories)
             SELECT id, ?, ?, ?, ?, ? FROM articles WHERE id = ?
             ON CONFLICT (article_id) DO UPDATE SET
                 url = excluded.url, charset = excluded.charset,
                 fetched_at = excluded.fetched_at, body_gzip = excluded.body_gzip,
                 categories = excluded.categories",
        )
        .bind(&page.url)
        .bind(&page.charset)
        .bind(&fetched_at)
        .bind(&page.body_gzip)
        .bind(encode_categories(&page.categories))
        .bind(page.article_id)
        .execute(&self.pool)
        .await
        .map_err(db_error)?;
        if result.rows_affected() == 0 {
            return Err(StorageError::Invalid(format!(
                "raw page article_id {}: no such article",
                page.article_id
            )));
        }
        Ok(())
    }

    async fn raw_page(&self, article_id: ArticleId) -> StorageResult<Option<RawPage>> {
        let row: Option<RawPageRow> = sqlx::query_as(
            "SELECT article_id, url, charset, fetched_at, body_gzip, categories
             FROM raw_pages WHERE article_id = ?",
        )
        .bind(article_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error)?;
        row.map(|row| {
            Ok(RawPage {
                article_id: row.article_id,
                url: row.url,
                charset: row.charset,
                fetched_at: decode("raw page fetched_at", &row.fetched_at)?,
                body_gzip: row.body_gzip,
                categories: decode_categories(&row.categories),
            })
        })
        .transpose()
    }

    async fn raw_page_ids(&self, filter: &RawPageFilter) -> StorageResult<Vec<ArticleId>> {
        let mut query = QueryBuilder::<Sqlite>::new(
            "SELECT raw_pages.article_id FROM raw_pages
             JOIN articles ON articles.id = raw_pages.article_id WHERE 1 = 1",
        );
        if let Some(slug) = &filter.publisher_slug {
            query.push(" AND articles.publisher_slug = ");
            query.push_bind(slug.clone());
        }
        if let Some(since) = filter.fetched_since {
            query.push(" AND raw_pages.fetched_at >= ");
            query.push_bind(encode("reextract since", since)?);
        }
        query.push(" ORDER BY raw_pages.article_id");
        let rows: Vec<(i64,)> = query
            .build_query_as()
            .fetch_all(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(rows.into_iter().map(|(id,)| id).collect())
    }

    async fn purge_raw_pages(&self, fetched_before: DateTime<Utc>) -> StorageResult<u64> {
        let before = encode("purge before", fetched_before)?;
        let result = sqlx::query("DELETE FROM raw_pages WHERE fetched_at < ?")
            .bind(before)
            .execute(&self.pool)
            .await
            .map_err(db_error)?;
        Ok(result.rows_affected())
    }

    async fn update_article_extraction(
        &self,
        id: ArticleId,
        extraction: ArticleExtraction,
    ) -> StorageResult<bool> {
        let mut tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(db_error)?;
        let shown_at: Option<(String,)> =
            sqlx::query_as("SELECT shown_at FROM articles WHERE id = ?")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_error)?;
        let Some((shown_at,)) = shown_at else {
            tx.rollback().await.map_err(db_error)?;
            return Ok(false);
        };
        sqlx::query(
            "UPDATE articles SET byline = ?, image = ?, language = ?, site_name = ?, text = ?,
                                 html = ?, excerpt = ?, body_source = ?
             WHERE id = ?",
        )
        .bind(&extraction.byline)
        .bind(&extraction.image)
        .bind(&extraction.language)
        .bind(&extraction.site_name)
        .bind(&extraction.text)
        .bind(&extraction.html)
        .bind(&extraction.excerpt)
        .bind(extraction.body_source.as_str())
        .bind(id)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        for table in ["article_tags", "article_terms"] {
            sqlx::query(&format!("DELETE FROM {table} WHERE article_id = ?"))
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
        }
        insert_tags(&mut tx, id, &shown_at, &extraction.tags).await?;
        insert_terms(&mut tx, id, &extraction.terms).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(true)
    }

    async fn count_site_blocks(
        &self,
        site: &str,
        page: &str,
        keys: &[String],
    ) -> StorageResult<bool> {
        super::site_blocks::count(self, site, page, keys).await
    }

    async fn recurring_site_blocks(
        &self,
        site: &str,
        keys: &[String],
        min_pages: i64,
    ) -> StorageResult<Vec<String>> {
        super::site_blocks::recurring(self, site, keys, min_pages).await
    }
}
