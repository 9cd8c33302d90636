//! The rows of `article_images` as both backends read them (the columns have the same names
//! and types in each), and their checked conversion into the domain types.

use tidings_core::{ImageRef, ImageVariant, StorageError, StorageResult, StoredImage};

#[derive(sqlx::FromRow)]
pub(crate) struct ImageRefRow {
    pub(crate) article_id: i64,
    variant: String,
    width: i64,
    height: i64,
    digest: String,
}

impl ImageRefRow {
    pub(crate) fn into_ref(self) -> StorageResult<ImageRef> {
        Ok(ImageRef {
            variant: parse_variant(&self.variant)?,
            width: dimension(self.width)?,
            height: dimension(self.height)?,
            digest: self.digest,
        })
    }
}

#[derive(sqlx::FromRow)]
pub(crate) struct StoredImageRow {
    variant: String,
    content_type: String,
    width: i64,
    height: i64,
    digest: String,
    bytes: Vec<u8>,
}

impl StoredImageRow {
    pub(crate) fn into_image(self) -> StorageResult<StoredImage> {
        Ok(StoredImage {
            variant: parse_variant(&self.variant)?,
            content_type: self.content_type,
            width: dimension(self.width)?,
            height: dimension(self.height)?,
            digest: self.digest,
            bytes: self.bytes,
        })
    }
}

/// What saving the lead image of an article that does not exist is refused with.
pub(crate) fn no_such_article(article_id: i64) -> StorageError {
    StorageError::Invalid(format!(
        "lead image article_id {article_id}: no such article"
    ))
}

fn parse_variant(name: &str) -> StorageResult<ImageVariant> {
    ImageVariant::parse(name).ok_or_else(|| {
        StorageError::Backend(format!("stored article_images.variant {name:?} is unknown"))
    })
}

fn dimension(value: i64) -> StorageResult<u32> {
    u32::try_from(value).map_err(|_| {
        StorageError::Backend(format!(
            "stored article_images dimension {value} is out of range"
        ))
    })
}
