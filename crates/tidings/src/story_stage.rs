//! The story stage of the pipeline: after an article is stored, decide whether it is a
//! syndicated copy of a stored article (and which of the two is the original), which story it
//! joins, its nearest articles and its story-consistent hashtags, and write that down.
//!
//! The in-memory [`StoryIndex`] covers the story window; it is rebuilt from storage the first
//! time an article is placed after start.

use std::sync::Arc;

use chrono::{Duration, Utc};
use tidings_core::{ArticleId, NewArticle, Storage, StoryId, StoryPlacement};
use tidings_enrich::{
    CopyEvidence, IndexedArticle, Original, StoryIndex, StoryIndexConfig, choose_original,
    containment, harmonise_tags, shingles,
};
use tokio::sync::Mutex;

/// Nearest stored articles checked for being a copy (or the original) of a new one.
const COPY_CANDIDATES: usize = 5;
/// Least key-term similarity for a stored article to be checked as a copy.
const COPY_CANDIDATE_SIMILARITY: f32 = 0.3;
/// Nearest articles kept per article for Related Articles.
const NEIGHBOURS_KEPT: usize = 10;
/// Rows read per query while rebuilding the index.
const REBUILD_BATCH: u32 = 2_000;

struct IndexState {
    index: StoryIndex,
    loaded: bool,
}

/// Places stored articles into stories; one per pipeline.
pub struct StoryStage {
    storage: Arc<dyn Storage>,
    state: Mutex<IndexState>,
}

impl StoryStage {
    pub fn new(storage: Arc<dyn Storage>, config: StoryIndexConfig) -> Self {
        StoryStage {
            storage,
            state: Mutex::new(IndexState {
                index: StoryIndex::new(config),
                loaded: false,
            }),
        }
    }

    /// Loads the articles of the story window from storage into the index.
    async fn rebuild(&self, state: &mut IndexState) -> anyhow::Result<()> {
        let since = Utc::now() - Duration::seconds(state.index.config().window_secs);
        let mut after = 0;
        loop {
            let rows = self
                .storage
                .story_index_rows(since, after, REBUILD_BATCH)
                .await?;
            let Some(last) = rows.last() else { break };
            after = last.article_id;
            for row in rows {
                state.index.insert(IndexedArticle {
                    article_id: row.article_id,
                    at: row.shown_at.timestamp(),
                    story: row.story_id,
                    copy_of: row.copy_of,
                    terms: row.terms,
                });
            }
        }
        state.loaded = true;
        tracing::info!(articles = state.index.len(), "story index loaded");
        Ok(())
    }

    /// Places a just-stored article (`id`) in a story and returns the story.
    pub async fn place(&self, id: ArticleId, article: &NewArticle) -> anyhow::Result<StoryId> {
        let mut state = self.state.lock().await;
        if !state.loaded {
            self.rebuild(&mut state).await?;
        }
        if let Some(story) = state.index.story_of(id) {
            return Ok(story);
        }
        let at = article.published_at.unwrap_or_else(Utc::now).timestamp();
        let placed = state.index.place(at, &article.terms);
        let (copy_of, original_of) = self.find_copies(article, &placed.neighbours).await?;
        let story = match copy_of.or(original_of.first().copied()) {
            Some(other) => state.index.story_of(other).or(placed.story),
            None => placed.story,
        };
        let tags = match story {
            Some(story) => {
                let story_tags = self.storage.story_tags(story, 12).await?;
                Some(harmonise_tags(&article.tags, &article.terms, &story_tags))
            }
            None => None,
        };
        let neighbours = placed
            .neighbours
            .iter()
            .take(NEIGHBOURS_KEPT)
            .map(|n| (n.article_id, n.similarity))
            .collect();
        let story = self
            .storage
            .place_in_story(StoryPlacement {
                article_id: id,
                story,
                copy_of,
                original_of: original_of.clone(),
                neighbours,
                tags,
            })
            .await?;
        state.index.insert(IndexedArticle {
            article_id: id,
            at,
            story,
            copy_of,
            terms: article.terms.clone(),
        });
        for copy in original_of {
            state.index.mark_copy(copy, id);
        }
        Ok(story)
    }

    /// The original this article copies, or the stored articles it is the original of.
    async fn find_copies(
        &self,
        article: &NewArticle,
        neighbours: &[tidings_enrich::Neighbour],
    ) -> anyhow::Result<(Option<ArticleId>, Vec<ArticleId>)> {
        let mine = shingles(&article.text);
        let new = CopyEvidence {
            url: &article.url,
            canonical_url: article.canonical_url.as_deref(),
            publisher: &article.publisher,
            byline: article.byline.as_deref(),
            text: &article.text,
            published: article.published_at.map(|t| t.timestamp()),
        };
        for candidate in neighbours
            .iter()
            .filter(|n| n.similarity >= COPY_CANDIDATE_SIMILARITY)
            .take(COPY_CANDIDATES)
        {
            let Some(stored) = self.storage.article(candidate.article_id).await? else {
                continue;
            };
            if containment(&mine, &shingles(&stored.text)) < tidings_enrich::COPY_CONTAINMENT {
                continue;
            }
            let old = CopyEvidence {
                url: &stored.url,
                canonical_url: stored.canonical_url.as_deref(),
                publisher: &stored.publisher,
                byline: stored.byline.as_deref(),
                text: &stored.text,
                published: stored.published_at.map(|t| t.timestamp()),
            };
            let links = self.storage.article_links(stored.id).await?;
            let group = links.and_then(|l| l.copy_of).unwrap_or(stored.id);
            return Ok(match choose_original(&old, &new) {
                Original::First => (Some(group), Vec::new()),
                Original::Second => (None, vec![group]),
            });
        }
        Ok((None, Vec::new()))
    }
}
