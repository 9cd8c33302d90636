//! PostgreSQL implementation of [`tidings_core::RawPageStore`]: kept raw pages, their purge,
//! and rewriting an article from a new extraction.

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{Postgres, QueryBuilder};
use tidings_core::{
    ArticleExtraction, ArticleId, RawPage, RawPageFilter, RawPageStore, StorageError, StorageResult,
};

use super::PostgresStorage;
use super::articles::{insert_tags, insert_terms};
use super::db_errors::db_error;
use super::timestamps::checked;

#[derive(sqlx::FromRow)]
struct RawPageRow {
    article_id: i64,
    url: String,
    charset: Option<String>,
    fetched_at: DateTime<Utc>,
    body_gzip: Vec<u8>,
    categories: Vec<String>,
}

/// Categories as the SQLite backend keeps them (one per line there): a line break inside one
/// becomes a space, and blank ones are dropped.
fn normalized_categories(categories: &[String]) -> Vec<String> {
    categories
        .iter()
        .map(|c| c.replace(['\n', '\r'], " "))
        .filter(|c| !c.trim().is_empty())
        .collect()
}

#[async_trait]
impl RawPageStore for PostgresStorage {
    async fn save_raw_page(&self, page: RawPage) -> StorageResult<()> {
        let result = sqlx::query(
            "INSERT INTO raw_pages (article_id, url, charset, fetched_at, body_gzip, categories)
             SELECT id, $1, $2, $3, $4, $5 FROM articles WHERE id = $6
             ON CONFLICT (article_id) DO UPDATE SET
                 url = excluded.url, charset = excluded.charset,
                 fetched_at = excluded.fetched_at, body_gzip = excluded.body_gzip,
                 categories = excluded.categories",
        )
        .bind(&page.url)
        .bind(&page.charset)
        .bind(checked("raw page fetched_at", page.fetched_at)?)
        .bind(&page.body_gzip)
        .bind(normalized_categories(&page.categories))
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
             FROM raw_pages WHERE article_id = $1",
        )
        .bind(article_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error)?;
        Ok(row.map(|row| RawPage {
            article_id: row.article_id,
            url: row.url,
            charset: row.charset,
            fetched_at: row.fetched_at,
            body_gzip: row.body_gzip,
            categories: row.categories,
        }))
    }

    async fn raw_page_ids(&self, filter: &RawPageFilter) -> StorageResult<Vec<ArticleId>> {
        let mut query = QueryBuilder::<Postgres>::new(
            "SELECT raw_pages.article_id FROM raw_pages
             JOIN articles ON articles.id = raw_pages.article_id WHERE TRUE",
        );
        if let Some(slug) = &filter.publisher_slug {
            query.push(" AND articles.publisher_slug = ");
            query.push_bind(slug.clone());
        }
        if let Some(since) = filter.fetched_since {
            query.push(" AND raw_pages.fetched_at >= ");
            query.push_bind(checked("reextract since", since)?);
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
        let result = sqlx::query("DELETE FROM raw_pages WHERE fetched_at < $1")
            .bind(checked("purge before", fetched_before)?)
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
        let mut tx = self.pool.begin().await.map_err(db_error)?;
        let shown_at: Option<(DateTime<Utc>,)> =
            sqlx::query_as("SELECT shown_at FROM articles WHERE id = $1 FOR UPDATE")
                .bind(id)
                .fetch_optional(&mut *tx)
                .await
                .map_err(db_error)?;
        let Some((shown_at,)) = shown_at else {
            tx.rollback().await.map_err(db_error)?;
            return Ok(false);
        };
        sqlx::query(
            "UPDATE articles SET byline = $1, image = $2, language = $3, site_name = $4,
                                 text = $5, html = $6, excerpt = $7, body_source = $8
             WHERE id = $9",
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
            sqlx::query(&format!("DELETE FROM {table} WHERE article_id = $1"))
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
        }
        insert_tags(&mut tx, id, shown_at, &extraction.tags).await?;
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
