//! The story stage's revisit step: after an article is placed, the revisions its story calls
//! for (see `tidings_enrich::StoryIndex::revisit`) are written to storage first, then made
//! in the index, so the two never disagree about a story that exists. Only the holder of the
//! "stories" role runs it, as it runs placement.

use tidings_core::{ArticleId, Storage};
use tidings_enrich::{Neighbour, REVISIONS_PER_ARTICLE, Revision, StoryIndex};

/// Merges and splits what the placement of `article` calls for; returns how many were made.
pub async fn revise(
    storage: &dyn Storage,
    index: &mut StoryIndex,
    article: ArticleId,
    neighbours: &[Neighbour],
) -> anyhow::Result<usize> {
    let mut made = 0;
    for _ in 0..REVISIONS_PER_ARTICLE {
        match index.revisit(article, neighbours) {
            Some(Revision::Merge { from, into }) => {
                storage.merge_stories(from, into).await?;
                index.merge_stories(from, into);
                tracing::info!(from, into, article, "merged stories");
            }
            Some(Revision::Split { story, articles }) => {
                let new = storage.split_story(story, &articles).await?;
                index.split_story(&articles, new);
                tracing::info!(story, new, moved = articles.len(), article, "split a story");
            }
            None => break,
        }
        made += 1;
    }
    Ok(made)
}
