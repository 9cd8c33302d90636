//! What both backends' follow code shares: the checks before an article is saved and
//! reading a stored follow kind.

use tidings_core::{ArticleId, FollowKind, MAX_SAVED_ARTICLES, StorageError, StorageResult};

/// `Invalid` unless the article exists and the reader may save one more.
pub(crate) fn check_saveable(article: ArticleId, exists: bool, saved: i64) -> StorageResult<()> {
    if !exists {
        return Err(StorageError::Invalid(format!(
            "save: article {article} does not exist"
        )));
    }
    if saved >= MAX_SAVED_ARTICLES {
        return Err(StorageError::Invalid(format!(
            "save: at most {MAX_SAVED_ARTICLES} articles can be saved; remove some first"
        )));
    }
    Ok(())
}

/// A stored follow kind; an unknown one is a `Backend` error, never a panic.
pub(crate) fn stored_kind(text: &str) -> StorageResult<FollowKind> {
    FollowKind::parse(text)
        .ok_or_else(|| StorageError::Backend(format!("stored follow kind {text:?} is unknown")))
}
