//! SQLite implementation of [`tidings_core::ImageStore`]: the last fetch of each article's
//! lead image and its encoded variants, and the card variants lists attach to their cards.

use std::collections::HashMap;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use sqlx::{QueryBuilder, Sqlite, SqlitePool};
use tidings_core::{
    ArticleId, ImageRef, ImageStore, ImageVariant, LeadImageFetch, LeadImageOutcome, StorageResult,
    StoredImage, check_lead_image,
};

use super::SqliteStorage;
use super::db_errors::db_error;
use super::timestamps::{decode, encode};
use crate::image_rows::{ImageRefRow, StoredImageRow, no_such_article};

#[async_trait]
impl ImageStore for SqliteStorage {
    async fn save_lead_image(
        &self,
        article_id: ArticleId,
        source_url: &str,
        fetched_at: DateTime<Utc>,
        outcome: LeadImageOutcome,
    ) -> StorageResult<()> {
        check_lead_image(&outcome)?;
        let at = encode("lead image fetched_at", fetched_at)?;
        let mut tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .map_err(db_error)?;
        let written = sqlx::query(
            "INSERT INTO lead_image_fetches (article_id, source_url, fetched_at, error)
             SELECT id, ?, ?, ? FROM articles WHERE id = ?
             ON CONFLICT (article_id) DO UPDATE SET source_url = excluded.source_url,
                 fetched_at = excluded.fetched_at, error = excluded.error",
        )
        .bind(source_url)
        .bind(&at)
        .bind(outcome.refusal())
        .bind(article_id)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        if written.rows_affected() == 0 {
            return Err(no_such_article(article_id));
        }
        sqlx::query("DELETE FROM article_images WHERE article_id = ?")
            .bind(article_id)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        for image in outcome.images() {
            sqlx::query(
                "INSERT INTO article_images
                     (article_id, variant, content_type, width, height, digest, bytes)
                 VALUES (?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(article_id)
            .bind(image.variant.as_str())
            .bind(&image.content_type)
            .bind(i64::from(image.width))
            .bind(i64::from(image.height))
            .bind(&image.digest)
            .bind(&image.bytes)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        }
        tx.commit().await.map_err(db_error)
    }

    async fn lead_image_fetch(
        &self,
        article_id: ArticleId,
    ) -> StorageResult<Option<LeadImageFetch>> {
        let row: Option<(String, String, Option<String>)> = sqlx::query_as(
            "SELECT source_url, fetched_at, error FROM lead_image_fetches WHERE article_id = ?",
        )
        .bind(article_id)
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error)?;
        row.map(|(source_url, fetched_at, error)| {
            Ok(LeadImageFetch {
                source_url,
                fetched_at: decode("lead_image_fetches.fetched_at", &fetched_at)?,
                error,
            })
        })
        .transpose()
    }

    async fn article_image(
        &self,
        article_id: ArticleId,
        variant: ImageVariant,
    ) -> StorageResult<Option<StoredImage>> {
        let row: Option<StoredImageRow> = sqlx::query_as(
            "SELECT variant, content_type, width, height, digest, bytes
             FROM article_images WHERE article_id = ? AND variant = ?",
        )
        .bind(article_id)
        .bind(variant.as_str())
        .fetch_optional(&self.pool)
        .await
        .map_err(db_error)?;
        row.map(StoredImageRow::into_image).transpose()
    }

    async fn article_image_refs(&self, article_id: ArticleId) -> StorageResult<Vec<ImageRef>> {
        let rows: Vec<ImageRefRow> = sqlx::query_as(
            "SELECT article_id, variant, width, height, digest FROM article_images
             WHERE article_id = ? ORDER BY width, variant",
        )
        .bind(article_id)
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)?;
        rows.into_iter().map(ImageRefRow::into_ref).collect()
    }

    async fn articles_missing_lead_image(
        &self,
        since: DateTime<Utc>,
        limit: u32,
    ) -> StorageResult<Vec<ArticleId>> {
        sqlx::query_scalar(
            "SELECT a.id FROM articles AS a
             WHERE a.fetched_at >= ? AND a.image IS NOT NULL AND a.image <> ''
               AND NOT EXISTS (SELECT 1 FROM lead_image_fetches AS f WHERE f.article_id = a.id)
             ORDER BY a.id LIMIT ?",
        )
        .bind(encode("since", since)?)
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await
        .map_err(db_error)
    }
}

/// The card variants of these articles, by article.
pub(crate) async fn card_pictures(
    pool: &SqlitePool,
    ids: &[ArticleId],
) -> StorageResult<HashMap<ArticleId, ImageRef>> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let mut query = QueryBuilder::<Sqlite>::new(
        "SELECT article_id, variant, width, height, digest FROM article_images WHERE variant = ",
    );
    query.push_bind(ImageVariant::Card.as_str());
    query.push(" AND article_id IN (");
    let mut list = query.separated(", ");
    for id in ids {
        list.push_bind(*id);
    }
    query.push(")");
    let rows: Vec<ImageRefRow> = query
        .build_query_as()
        .fetch_all(pool)
        .await
        .map_err(db_error)?;
    rows.into_iter()
        .map(|row| Ok((row.article_id, row.into_ref()?)))
        .collect::<StorageResult<_>>()
}
