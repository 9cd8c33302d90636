//! What both backends' follow code shares: the checks before an article is saved, reading
//! a stored follow kind and marking For you's stories that have new coverage.

use tidings_core::{
    ArticleId, FollowKind, FollowStore, ForYouStory, MAX_SAVED_ARTICLES, Paged, StorageError,
    StorageResult, StorySummary, UserId,
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

/// For you's stories, each marked when the reader follows it and it has new coverage.
pub(crate) async fn with_new_coverage(
    store: &impl FollowStore,
    user: UserId,
    stories: Paged<StorySummary>,
) -> StorageResult<Paged<ForYouStory>> {
    let mut items = Vec::with_capacity(stories.items.len());
    for story in stories.items {
        let new_coverage = store.story_has_new_coverage(user, story.id).await?;
        items.push(ForYouStory {
            story,
            new_coverage,
        });
    }
    Ok(Paged {
        items,
        has_more: stories.has_more,
    })
}
