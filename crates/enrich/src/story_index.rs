//! Story assignment: an in-memory index of the articles inside a time window, built as
//! articles arrive (and rebuilt from storage at start). A new article is compared with the
//! articles sharing its rarest key terms (TF-IDF cosine over the key terms, names weighing
//! double, weights growing with the logarithm of use), then joins the story it is closest to,
//! or starts one. A story dated by another year than the article scores less: that is the same
//! kind of event happening again, not more coverage of this one. Only stated dates ("May 24,
//! 2005") make that call, bare years being too often background (see `event_time`).
//!
//! Cost per article is bounded: at most `probe_terms` posting lists are read, each from its
//! newest end and at most `postings_per_term` entries, so it does not grow with the archive.
//! Memory is bounded too: articles that leave the window are evicted (`window.rs`), and
//! recent decisions are revisited as coverage accumulates (`revisit.rs`).

mod revisit;
mod window;

pub use revisit::{REVISIONS_PER_ARTICLE, Revision};

use std::collections::{HashMap, VecDeque};

use tidings_core::KeyTerm;

use crate::event_time::EventTime;

/// A stored story's id.
pub type StoryKey = i64;

/// How stories are formed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct StoryIndexConfig {
    /// Articles further apart in time than this (seconds) never share a story.
    pub window_secs: i64,
    /// Least similarity for an article to join a story rather than start one.
    pub join_threshold: f32,
    /// Weight of the nearest member (the rest is the story centroid) in a story's score.
    pub nearest_weight: f32,
    /// Exponent of the inverse document frequency: above 1, rare terms (names, places,
    /// numbers of one event) outweigh the words an event shares with others of its kind.
    pub idf_power: f32,
    /// The rarest key terms of an article whose posting lists are read.
    pub probe_terms: usize,
    /// Newest postings read per probed term.
    pub postings_per_term: usize,
    /// What a story's score is multiplied by when the article and the story are dated by
    /// different years (1 turns the rule off): two events of one kind, years apart. See
    /// `event_time` for when they are.
    pub year_conflict_factor: f32,
    /// Articles older than this (seconds) before the newest indexed one are evicted. At least
    /// `window_secs`, so late arrivals still find the coverage they belong with.
    pub keep_secs: i64,
    /// Most articles indexed at once, whatever their dates say: the oldest inserted go first.
    pub max_articles: usize,
    /// Least similarity of two stories' centroids for the revisit step to merge them.
    pub merge_threshold: f32,
    /// Most similarity of the two halves of a story for the revisit step to split it.
    pub split_threshold: f32,
    /// Stories larger than this are not considered for a split (it costs the square of it).
    pub split_max_members: usize,
}

impl Default for StoryIndexConfig {
    fn default() -> Self {
        StoryIndexConfig {
            window_secs: 4 * 24 * 3600,
            join_threshold: 0.32,
            nearest_weight: 0.3,
            idf_power: 1.0,
            probe_terms: 12,
            postings_per_term: 200,
            year_conflict_factor: 0.5,
            keep_secs: 8 * 24 * 3600,
            max_articles: 400_000,
            merge_threshold: 0.45,
            split_threshold: 0.15,
            split_max_members: 64,
        }
    }
}

/// An article as the index knows it.
#[derive(Debug, Clone, PartialEq)]
pub struct IndexedArticle {
    pub article_id: i64,
    /// Publication (or fetch) time, seconds since the epoch.
    pub at: i64,
    pub story: StoryKey,
    /// The original, when this article is a syndicated copy.
    pub copy_of: Option<i64>,
    pub terms: Vec<KeyTerm>,
}

/// An indexed article and its similarity to the one asked about.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Neighbour {
    pub article_id: i64,
    pub story: StoryKey,
    pub similarity: f32,
}

/// Where a new article belongs.
#[derive(Debug, Clone, PartialEq)]
pub struct Placement {
    /// The story to join, or `None` to start a new one.
    pub story: Option<StoryKey>,
    /// The story's score (0 when none was close).
    pub score: f32,
    /// The nearest indexed articles, most similar first.
    pub neighbours: Vec<Neighbour>,
}

struct Doc {
    article_id: i64,
    at: i64,
    story: StoryKey,
    copy_of: Option<i64>,
    terms: Box<[(u32, f32)]>,
}

#[derive(Default)]
struct Story {
    centroid: HashMap<u32, f32>,
    /// The years and dates its articles name.
    time: EventTime,
    /// Sequence numbers, oldest first.
    members: Vec<u64>,
}

/// The index of articles for story assignment and related articles.
pub struct StoryIndex {
    config: StoryIndexConfig,
    term_ids: HashMap<String, u32>,
    term_names: Vec<String>,
    /// Term ids whose last article left; reused before new ones.
    free_terms: Vec<u32>,
    df: Vec<u32>,
    /// Per term, the sequence numbers of its articles, oldest first.
    postings: Vec<VecDeque<u64>>,
    /// Indexed articles in the order they were inserted; `docs[0]` has sequence `base`.
    docs: VecDeque<Doc>,
    base: u64,
    /// The newest publication time indexed.
    newest_at: i64,
    slots: HashMap<i64, u64>,
    stories: HashMap<StoryKey, Story>,
}

impl StoryIndex {
    pub fn new(config: StoryIndexConfig) -> Self {
        StoryIndex {
            config,
            term_ids: HashMap::new(),
            term_names: Vec::new(),
            free_terms: Vec::new(),
            df: Vec::new(),
            postings: Vec::new(),
            docs: VecDeque::new(),
            base: 0,
            newest_at: i64::MIN,
            slots: HashMap::new(),
            stories: HashMap::new(),
        }
    }

    pub fn config(&self) -> &StoryIndexConfig {
        &self.config
    }

    pub fn len(&self) -> usize {
        self.docs.len()
    }

    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// Whether an article is indexed.
    pub fn contains(&self, article_id: i64) -> bool {
        self.slots.contains_key(&article_id)
    }

    /// The story of an indexed article.
    pub fn story_of(&self, article_id: i64) -> Option<StoryKey> {
        self.slots
            .get(&article_id)
            .map(|&slot| self.doc(slot).story)
    }

    /// The indexed article with sequence number `seq` (which must be indexed).
    fn doc(&self, seq: u64) -> &Doc {
        &self.docs[(seq - self.base) as usize]
    }

    fn doc_mut(&mut self, seq: u64) -> &mut Doc {
        let base = self.base;
        &mut self.docs[(seq - base) as usize]
    }

    /// How many stories have an indexed article.
    pub fn story_count(&self) -> usize {
        self.stories.len()
    }

    /// How many distinct key terms are indexed.
    pub fn term_count(&self) -> usize {
        self.term_ids.len()
    }

    fn idf(&self, term: u32) -> f32 {
        let n = self.docs.len() as f32 + 1.0;
        let df = self.df.get(term as usize).copied().unwrap_or(0) as f32 + 1.0;
        ((n / df).ln() + 1.0).powf(self.config.idf_power)
    }

    /// The query's terms known to the index, weighted by idf and normalised.
    fn weigh(&self, terms: &[KeyTerm]) -> Vec<(u32, f32)> {
        let mut out: Vec<(u32, f32)> = terms
            .iter()
            .filter_map(|t| {
                let id = *self.term_ids.get(&t.term)?;
                Some((id, t.weight * self.idf(id)))
            })
            .collect();
        normalise(&mut out);
        out
    }

    fn doc_vector(&self, doc: &Doc) -> Vec<(u32, f32)> {
        let mut out: Vec<(u32, f32)> = doc
            .terms
            .iter()
            .map(|&(id, w)| (id, w * self.idf(id)))
            .collect();
        normalise(&mut out);
        out
    }

    /// Indexed articles within the window that share the query's rarest terms.
    fn candidates(&self, at: i64, terms: &[KeyTerm]) -> Vec<u64> {
        let mut probes: Vec<u32> = terms
            .iter()
            .filter_map(|t| self.term_ids.get(&t.term).copied())
            .collect();
        probes.sort_by_key(|&id| self.df[id as usize]);
        probes.truncate(self.config.probe_terms);
        let mut seen: Vec<u64> = Vec::new();
        for id in probes {
            for &slot in self.postings[id as usize]
                .iter()
                .rev()
                .take(self.config.postings_per_term)
            {
                if (self.doc(slot).at - at).abs() <= self.config.window_secs {
                    seen.push(slot);
                }
            }
        }
        seen.sort_unstable();
        seen.dedup();
        seen
    }

    /// Whether an article and a story are dated differently (see [`EventTime`]).
    fn dated_differently(&self, story: StoryKey, article: &EventTime) -> bool {
        self.stories
            .get(&story)
            .is_some_and(|s| article.conflicts_with(&s.time))
    }

    /// Where an article with these terms, published at `at`, belongs. Nothing is changed.
    pub fn place(&self, at: i64, terms: &[KeyTerm]) -> Placement {
        let query = self.weigh(terms);
        let query_map: HashMap<u32, f32> = query.iter().copied().collect();
        let mut neighbours: Vec<Neighbour> = self
            .candidates(at, terms)
            .into_iter()
            .map(|slot| {
                let doc = self.doc(slot);
                Neighbour {
                    article_id: doc.article_id,
                    story: doc.story,
                    similarity: dot(&query_map, &self.doc_vector(doc)),
                }
            })
            .filter(|n| n.similarity > 0.0)
            .collect();
        neighbours.sort_by(|a, b| b.similarity.total_cmp(&a.similarity));
        let mut nearest_by_story: HashMap<StoryKey, f32> = HashMap::new();
        for n in &neighbours {
            let best = nearest_by_story.entry(n.story).or_insert(0.0);
            *best = best.max(n.similarity);
        }
        let time = EventTime::of_terms(terms);
        let mut best: Option<(StoryKey, f32)> = None;
        for (&story, &nearest) in &nearest_by_story {
            let conflict = !time.is_empty() && self.dated_differently(story, &time);
            let year_factor = if conflict {
                self.config.year_conflict_factor
            } else {
                1.0
            };
            let centroid = self.centroid_similarity(story, &query_map);
            let w = self.config.nearest_weight;
            let score = (w * nearest + (1.0 - w) * centroid) * year_factor;
            if best.is_none_or(|(_, s)| score > s) {
                best = Some((story, score));
            }
        }
        let (story, score) = match best {
            Some((story, score)) if score >= self.config.join_threshold => (Some(story), score),
            Some((_, score)) => (None, score),
            None => (None, 0.0),
        };
        neighbours.truncate(50);
        Placement {
            story,
            score,
            neighbours,
        }
    }

    fn centroid_similarity(&self, story: StoryKey, query: &HashMap<u32, f32>) -> f32 {
        let Some(entry) = self.stories.get(&story) else {
            return 0.0;
        };
        let mut vector: Vec<(u32, f32)> = entry
            .centroid
            .iter()
            .map(|(&id, &w)| (id, w * self.idf(id)))
            .collect();
        normalise(&mut vector);
        dot(query, &vector)
    }

    /// Adds an article (its story chosen already), then evicts what left the window.
    /// Indexing an article twice replaces nothing.
    pub fn insert(&mut self, article: IndexedArticle) {
        if self.slots.contains_key(&article.article_id) {
            return;
        }
        let slot = self.base + self.docs.len() as u64;
        let mut terms: Vec<(u32, f32)> = Vec::with_capacity(article.terms.len());
        for t in &article.terms {
            let id = self.term_id(&t.term);
            if terms.iter().any(|&(known, _)| known == id) {
                continue;
            }
            self.df[id as usize] += 1;
            self.postings[id as usize].push_back(slot);
            terms.push((id, t.weight));
        }
        normalise(&mut terms);
        let story = self.stories.entry(article.story).or_default();
        for &(id, w) in &terms {
            *story.centroid.entry(id).or_default() += w;
            story.time.add_term(&self.term_names[id as usize], w);
        }
        story.members.push(slot);
        self.slots.insert(article.article_id, slot);
        self.newest_at = self.newest_at.max(article.at);
        self.docs.push_back(Doc {
            article_id: article.article_id,
            at: article.at,
            story: article.story,
            copy_of: article.copy_of,
            terms: terms.into_boxed_slice(),
        });
        self.evict();
    }

    /// The id of a term, made when it is new.
    fn term_id(&mut self, term: &str) -> u32 {
        if let Some(&id) = self.term_ids.get(term) {
            return id;
        }
        let id = match self.free_terms.pop() {
            Some(id) => {
                self.term_names[id as usize] = term.to_string();
                id
            }
            None => {
                self.term_names.push(term.to_string());
                self.df.push(0);
                self.postings.push(VecDeque::new());
                (self.term_names.len() - 1) as u32
            }
        };
        self.term_ids.insert(term.to_string(), id);
        id
    }

    /// Records that an indexed article is a copy of `original`.
    pub fn mark_copy(&mut self, article_id: i64, original: i64) {
        if let Some(&slot) = self.slots.get(&article_id) {
            self.doc_mut(slot).copy_of = Some(original);
        }
    }

    /// The original of an article's copy group (the article itself when it is no copy).
    fn original_of(&self, article_id: i64) -> i64 {
        self.slots
            .get(&article_id)
            .and_then(|&slot| self.doc(slot).copy_of)
            .unwrap_or(article_id)
    }

    /// Related articles of an indexed article: its story's other coverage first (most similar
    /// first), then the nearest articles of other stories; never itself or its copies.
    pub fn related(&self, article_id: i64, limit: usize) -> Vec<Neighbour> {
        let Some(&slot) = self.slots.get(&article_id) else {
            return Vec::new();
        };
        let doc = self.doc(slot);
        let query: HashMap<u32, f32> = self.doc_vector(doc).into_iter().collect();
        let group = self.original_of(article_id);
        let same_group = |other: &Doc| {
            other.article_id == article_id
                || other.article_id == group
                || other.copy_of == Some(group)
        };
        let mut own: Vec<Neighbour> = self
            .stories
            .get(&doc.story)
            .map(|s| s.members.as_slice())
            .unwrap_or_default()
            .iter()
            .map(|&m| self.doc(m))
            .filter(|other| !same_group(other))
            .map(|other| Neighbour {
                article_id: other.article_id,
                story: other.story,
                similarity: dot(&query, &self.doc_vector(other)),
            })
            .collect();
        own.sort_by(|a, b| b.similarity.total_cmp(&a.similarity));
        own.truncate(limit);
        if own.len() < limit {
            let terms: Vec<KeyTerm> = doc
                .terms
                .iter()
                .filter_map(|&(id, w)| {
                    let term = self.term_name(id)?;
                    Some(KeyTerm { term, weight: w })
                })
                .collect();
            for n in self.place(doc.at, &terms).neighbours {
                if own.len() >= limit {
                    break;
                }
                let Some(&other) = self.slots.get(&n.article_id) else {
                    continue;
                };
                if n.story != doc.story && !same_group(self.doc(other)) {
                    own.push(n);
                }
            }
        }
        own
    }

    fn term_name(&self, id: u32) -> Option<String> {
        self.term_names.get(id as usize).cloned()
    }
}

fn normalise(vector: &mut [(u32, f32)]) {
    let norm = vector.iter().map(|(_, w)| w * w).sum::<f32>().sqrt();
    if norm > 0.0 {
        for (_, w) in vector.iter_mut() {
            *w /= norm;
        }
    }
}

fn dot(query: &HashMap<u32, f32>, vector: &[(u32, f32)]) -> f32 {
    vector
        .iter()
        .filter_map(|(id, w)| query.get(id).map(|q| q * w))
        .sum()
}
