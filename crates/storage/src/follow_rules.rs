//! What both backends' follow code shares: the checks before an article is saved, reading
//! a stored follow kind and marking For you's stories that have new coverage.

use std::collections::HashSet;

use tidings_core::{
    ArticleId, FollowKind, ForYouStory, MAX_SAVED_ARTICLES, Paged, StorageError, StorageResult,
    StoryId, StorySummary,
};

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

/// For you's stories, each marked when it is among `renewed`: the followed stories with
/// coverage newer than the reader's last visit, read in one query by the backend.
pub(crate) fn with_new_coverage(
    stories: Paged<StorySummary>,
    renewed: &[StoryId],
) -> Paged<ForYouStory> {
    let renewed: HashSet<StoryId> = renewed.iter().copied().collect();
    Paged {
        items: stories
            .items
            .into_iter()
            .map(|story| ForYouStory {
                new_coverage: renewed.contains(&story.id),
                story,
            })
            .collect(),
        has_more: stories.has_more,
    }
}
