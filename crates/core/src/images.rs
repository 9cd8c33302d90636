//! The storage interface for articles' lead images as Tidings serves them: each lead image
//! fetched once by the worker, resized to a few fixed variants and stored as encoded bytes, so
//! readers' browsers load pictures from Tidings and never from publishers.

use async_trait::async_trait;
use chrono::{DateTime, Utc};

use crate::storage::StorageResult;
use crate::types::ArticleId;

/// The sizes a lead image is stored in.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum ImageVariant {
    /// Beside a card in a list.
    Card,
    /// At the top of the article page.
    Article,
}

impl ImageVariant {
    pub const ALL: [ImageVariant; 2] = [ImageVariant::Card, ImageVariant::Article];

    /// The name used in URLs and in storage.
    pub fn as_str(self) -> &'static str {
        match self {
            ImageVariant::Card => "card",
            ImageVariant::Article => "article",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == name)
    }

    /// The box the picture is fitted into (width, height), keeping its aspect; a smaller
    /// picture is never enlarged.
    pub fn bounds(self) -> (u32, u32) {
        match self {
            ImageVariant::Card => (400, 600),
            ImageVariant::Article => (1000, 1500),
        }
    }
}

/// Longest digest kept for a stored variant (hex characters of its SHA-256).
pub const IMAGE_DIGEST_HEX: usize = 16;
/// The largest encoded variant storage accepts.
pub const MAX_STORED_IMAGE_BYTES: usize = 2 * 1024 * 1024;

/// One encoded variant of a lead image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredImage {
    pub variant: ImageVariant,
    /// The media type of `bytes` ("image/jpeg").
    pub content_type: String,
    pub width: u32,
    pub height: u32,
    /// The first [`IMAGE_DIGEST_HEX`] hex digits of the SHA-256 of `bytes`: the variant's
    /// URLs name it, so a URL always means the same bytes.
    pub digest: String,
    pub bytes: Vec<u8>,
}

impl StoredImage {
    /// What pages need to show the variant.
    pub fn image_ref(&self) -> ImageRef {
        ImageRef {
            variant: self.variant,
            width: self.width,
            height: self.height,
            digest: self.digest.clone(),
        }
    }
}

/// A stored variant without its bytes: what a page needs to link to it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ImageRef {
    pub variant: ImageVariant,
    pub width: u32,
    pub height: u32,
    pub digest: String,
}

/// What became of fetching an article's lead image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LeadImageOutcome {
    /// Fetched, checked and resized: one entry per variant.
    Stored(Vec<StoredImage>),
    /// Refused or unusable for good (private address, too large, not an image…).
    Refused(String),
}

impl LeadImageOutcome {
    /// Why the image was refused, when it was.
    pub fn refusal(&self) -> Option<&str> {
        match self {
            LeadImageOutcome::Stored(_) => None,
            LeadImageOutcome::Refused(reason) => Some(reason),
        }
    }

    /// The variants to store (none when refused).
    pub fn images(&self) -> &[StoredImage] {
        match self {
            LeadImageOutcome::Stored(images) => images,
            LeadImageOutcome::Refused(_) => &[],
        }
    }
}

/// The record of the last fetch of an article's lead image.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeadImageFetch {
    /// The URL that was fetched (the article's `image` at the time).
    pub source_url: String,
    pub fetched_at: DateTime<Utc>,
    /// Why it was refused; `None` when its variants are stored.
    pub error: Option<String>,
}

/// Lead images fetched by the worker and served by the web.
#[async_trait]
pub trait ImageStore: Send + Sync {
    /// Records the fetch of `article_id`'s lead image from `source_url`, replacing any variants
    /// and record from an earlier fetch, in one transaction. `Invalid` when the article does
    /// not exist, a variant is given twice, is larger than [`MAX_STORED_IMAGE_BYTES`] or its
    /// digest is not [`IMAGE_DIGEST_HEX`] hex digits.
    async fn save_lead_image(
        &self,
        article_id: ArticleId,
        source_url: &str,
        fetched_at: DateTime<Utc>,
        outcome: LeadImageOutcome,
    ) -> StorageResult<()>;
    /// The record of the last fetch of the article's lead image, if any.
    async fn lead_image_fetch(
        &self,
        article_id: ArticleId,
    ) -> StorageResult<Option<LeadImageFetch>>;
    /// One stored variant with its bytes.
    async fn article_image(
        &self,
        article_id: ArticleId,
        variant: ImageVariant,
    ) -> StorageResult<Option<StoredImage>>;
    /// The article's stored variants, without their bytes, smallest first.
    async fn article_image_refs(&self, article_id: ArticleId) -> StorageResult<Vec<ImageRef>>;
    /// Articles stored since `since` that name a lead image never fetched, oldest first (to
    /// queue fetches for articles stored before images were fetched, or whose job died).
    async fn articles_missing_lead_image(
        &self,
        since: DateTime<Utc>,
        limit: u32,
    ) -> StorageResult<Vec<ArticleId>>;
}

/// Checks what [`ImageStore::save_lead_image`] refuses.
pub fn check_lead_image(outcome: &LeadImageOutcome) -> StorageResult<()> {
    let LeadImageOutcome::Stored(images) = outcome else {
        return Ok(());
    };
    for (i, image) in images.iter().enumerate() {
        let name = image.variant.as_str();
        if images[..i]
            .iter()
            .any(|other| other.variant == image.variant)
        {
            return Err(crate::StorageError::Invalid(format!(
                "lead image: the {name} variant is given twice"
            )));
        }
        if image.bytes.len() > MAX_STORED_IMAGE_BYTES {
            return Err(crate::StorageError::Invalid(format!(
                "lead image: the {name} variant has {} bytes, at most {MAX_STORED_IMAGE_BYTES}",
                image.bytes.len()
            )));
        }
        let hex = image.digest.len() == IMAGE_DIGEST_HEX
            && image.digest.bytes().all(|b| b.is_ascii_hexdigit());
        if !hex {
            return Err(crate::StorageError::Invalid(format!(
                "lead image: the {name} variant's digest {:?} is not {IMAGE_DIGEST_HEX} hex digits",
                image.digest
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variant_names_round_trip() {
        for variant in ImageVariant::ALL {
            assert_eq!(ImageVariant::parse(variant.as_str()), Some(variant));
        }
        assert_eq!(ImageVariant::parse("huge"), None);
    }
}
