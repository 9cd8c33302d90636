//! The story stage of the pipeline: after an article is stored, decide whether it is a
//! syndicated copy of a stored article (and which of the two is the original), which story it
//! joins, its nearest articles and its story-consistent hashtags, and write that down.
//!
//! The in-memory [`StoryIndex`] covers the story window; it is rebuilt from storage the first
//! time an article is placed after start.
//!
//! The stage takes its work from storage, not from ingestion: every stored article that is in
//! no story yet waits among the unplaced articles. Placement needs one index that has seen
//! every article, so among the processes sharing a database only the holder of the "stories"
//! role places: it drains the unplaced articles ([`StoryStage::place_pending`]), in id order,
//! whichever process stored them. A process that gains the role rebuilds its index from
//! storage first. After each placement the stories it touches are revisited (merged, split:
//! `story_revisions.rs`).

use std::collections::HashSet;
use std::sync::Arc;

use chrono::{Duration, Utc};
use tidings_core::{ArticleId, NewArticle, Storage, StoryId, StoryPlacement};
use tidings_enrich::{
    CopyEvidence, IndexedArticle, Original, StoryIndex, StoryIndexConfig, choose_original,
    containment, harmonise_tags, shingles,
};
use tokio::sync::{Mutex, watch};

use crate::leadership::{LeaderState, Leadership};
use crate::metrics::WorkerMetrics;

/// Nearest stored articles checked for being a copy (or the original) of a new one.
const COPY_CANDIDATES: usize = 5;
/// Least key-term similarity for a stored article to be checked as a copy.
const COPY_CANDIDATE_SIMILARITY: f32 = 0.3;
/// Nearest articles kept per article for Related Articles.
const NEIGHBOURS_KEPT: usize = 10;
/// Rows read per query while rebuilding the index.
const REBUILD_BATCH: u32 = 2_000;
/// The role whose holder places articles in stories.
pub const STORY_ROLE: &str = "stories";
/// How long the role outlives a holder that died (where the backend uses leases), unless set
/// with [`StoryStage::with_leader_ttl`].
const DEFAULT_LEADER_TTL: std::time::Duration = std::time::Duration::from_secs(15);
/// Unplaced articles read per query while draining them.
const PENDING_BATCH: u32 = 200;
/// How often the story role's holder drains what other processes stored.
const PENDING_TICK: std::time::Duration = std::time::Duration::from_secs(1);

struct IndexState {
    index: StoryIndex,
    loaded: bool,
}

/// Places stored articles into stories; one per process.
pub struct StoryStage {
    storage: Arc<dyn Storage>,
    state: Mutex<IndexState>,
    /// This process's claim on the story role.
    leadership: Mutex<Leadership>,
    /// Stored articles that could not be placed in this term (logged once, not retried).
    unplaceable: std::sync::Mutex<HashSet<ArticleId>>,
    metrics: WorkerMetrics,
}

impl StoryStage {
    pub fn new(storage: Arc<dyn Storage>, config: StoryIndexConfig) -> Self {
        StoryStage {
            leadership: Mutex::new(Leadership::new(
                Arc::clone(&storage),
                STORY_ROLE,
                DEFAULT_LEADER_TTL,
            )),
            unplaceable: std::sync::Mutex::new(HashSet::new()),
            metrics: WorkerMetrics::default(),
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
        crate::story_revisions::revise(
            self.storage.as_ref(),
            &mut state.index,
            id,
            &placed.neighbours,
        )
        .await?;
        Ok(state.index.story_of(id).unwrap_or(story))
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

/// Leadership of the story role, and placing what other processes stored.
impl StoryStage {
    /// The stage with the story role outliving a holder that died by `ttl`.
    pub fn with_leader_ttl(mut self, ttl: std::time::Duration) -> Self {
        self.leadership = Mutex::new(Leadership::new(Arc::clone(&self.storage), STORY_ROLE, ttl));
        self
    }

    /// Whether this process leads the story role, taking it when it is free (tried at most
    /// every few seconds). On gaining it, the index is dropped, to be rebuilt from storage
    /// before the next placement: another process may have placed articles meanwhile.
    pub async fn leads(&self) -> bool {
        let state = self.leadership.lock().await.check(false).await;
        if state == LeaderState::Gained {
            let mut index = self.state.lock().await;
            index.index = StoryIndex::new(*index.index.config());
            index.loaded = false;
            self.unplaceable
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .clear();
        }
        state.leads()
    }

    /// Places a just-stored article when this process leads the story role; otherwise leaves
    /// it for the leader, which finds it among the unplaced articles. The story, when placed.
    pub async fn place_if_leading(
        &self,
        id: ArticleId,
        article: &NewArticle,
    ) -> anyhow::Result<Option<StoryId>> {
        if !self.leads().await {
            return Ok(None);
        }
        self.place(id, article).await.map(Some)
    }

    /// When this process leads the story role: places every stored article that is in no
    /// story yet, lowest id first, and returns how many it placed (0 when another process
    /// leads). An article that fails is logged and skipped for the rest of this term.
    pub async fn place_pending(&self) -> anyhow::Result<usize> {
        let mut after = 0;
        let mut placed = 0;
        'drain: while self.leads().await {
            let ids = self.storage.unplaced_articles(after, PENDING_BATCH).await?;
            let Some(&last) = ids.last() else { break };
            after = last;
            for id in ids {
                // Checked before each article (the database is asked every few seconds at
                // most), so a role lost mid-batch stops the placing at once.
                if !self.leads().await {
                    break 'drain;
                }
                if self.is_unplaceable(id) {
                    continue;
                }
                match self.place_stored(id).await {
                    Ok(true) => placed += 1,
                    Ok(false) => {}
                    Err(e) => {
                        tracing::warn!(article = id, error = %e, "story placement failed");
                        self.unplaceable
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .insert(id);
                    }
                }
            }
        }
        Ok(placed)
    }

    /// The stage recording in `metrics` how long stored articles waited for placement.
    pub fn with_metrics(mut self, metrics: WorkerMetrics) -> Self {
        self.metrics = metrics;
        self
    }

    /// Gives the story role up (another process may take it at once).
    pub async fn resign(&self) {
        self.leadership.lock().await.resign();
    }

    fn is_unplaceable(&self, id: ArticleId) -> bool {
        self.unplaceable
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .contains(&id)
    }

    /// Places a stored article, read back from storage; `false` when it is gone.
    async fn place_stored(&self, id: ArticleId) -> anyhow::Result<bool> {
        let Some(article) = self.storage.article(id).await? else {
            return Ok(false);
        };
        let stored_at = article.fetched_at;
        self.place(id, &stored_as_new(article)).await?;
        let lag = (Utc::now() - stored_at).to_std().unwrap_or_default();
        self.metrics.article_placed(lag);
        Ok(true)
    }
}

/// What placement reads of a stored article, as the pipeline had it: the key terms are read
/// again from the title and text, exactly as at ingestion (the feed's categories only ever
/// add hashtags, which are stored).
fn stored_as_new(article: tidings_core::Article) -> NewArticle {
    let terms = tidings_enrich::enrich(&article.title, &article.text, &[]).terms;
    NewArticle {
        feed_id: article.feed_id,
        publisher: article.publisher,
        guid: article.guid,
        url: article.url,
        canonical_url: article.canonical_url,
        title: article.title,
        byline: article.byline,
        published_at: article.published_at,
        image: article.image,
        language: article.language,
        site_name: article.site_name,
        text: article.text,
        html: article.html,
        excerpt: article.excerpt,
        body_source: article.body_source,
        policy: article.policy,
        tags: article.tags,
        terms,
    }
}

/// Runs until `shutdown` turns true: every tick, checks (or tries for) the story role and,
/// while it is held, places what other processes stored. Gives the role up at the end.
pub async fn run_story_placement(stories: Arc<StoryStage>, mut shutdown: watch::Receiver<bool>) {
    while !*shutdown.borrow() {
        match stories.place_pending().await {
            Ok(0) => {}
            Ok(placed) => tracing::info!(placed, "placed stored articles in stories"),
            Err(e) => tracing::warn!(error = %e, "could not place stored articles"),
        }
        tokio::select! {
            _ = tokio::time::sleep(PENDING_TICK) => {}
            _ = shutdown.changed() => {}
        }
    }
    stories.resign().await;
}
