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

use std::collections::HashMap;

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
    members: Vec<u32>,
}

/// The index of articles for story assignment and related articles.
pub struct StoryIndex {
    config: StoryIndexConfig,
    term_ids: HashMap<String, u32>,
    term_names: Vec<String>,
    df: Vec<u32>,
    postings: Vec<Vec<u32>>,
    docs: Vec<Doc>,
    slots: HashMap<i64, u32>,
    stories: HashMap<StoryKey, Story>,
}

impl StoryIndex {
    pub fn new(config: StoryIndexConfig) -> Self {
        StoryIndex {
            config,
            term_ids: HashMap::new(),
            term_names: Vec::new(),
            df: Vec::new(),
            postings: Vec::new(),
            docs: Vec::new(),
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
            .map(|&slot| self.docs[slot as usize].story)
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
    fn candidates(&self, at: i64, terms: &[KeyTerm]) -> Vec<u32> {
        let mut probes: Vec<u32> = terms
            .iter()
            .filter_map(|t| self.term_ids.get(&t.term).copied())
            .collect();
        probes.sort_by_key(|&id| self.df[id as usize]);
        probes.truncate(self.config.probe_terms);
        let mut seen: Vec<u32> = Vec::new();
        for id in probes {
            for &slot in self.postings[id as usize]
                .iter()
                .rev()
                .take(self.config.postings_per_term)
            {
                if (self.docs[slot as usize].at - at).abs() <= self.config.window_secs {
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
                let doc = &self.docs[slot as usize];
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

    /// Adds an article (its story chosen already). Indexing an article twice replaces nothing.
    pub fn insert(&mut self, article: IndexedArticle) {
        if self.slots.contains_key(&article.article_id) {
            return;
        }
        let slot = self.docs.len() as u32;
        let mut terms: Vec<(u32, f32)> = Vec::with_capacity(article.terms.len());
        for t in &article.terms {
            let next = self.term_ids.len() as u32;
            let id = *self.term_ids.entry(t.term.clone()).or_insert(next);
            if id == next {
                self.term_names.push(t.term.clone());
                self.df.push(0);
                self.postings.push(Vec::new());
            }
            if terms.iter().any(|&(known, _)| known == id) {
                continue;
            }
            self.df[id as usize] += 1;
            self.postings[id as usize].push(slot);
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
        self.docs.push(Doc {
            article_id: article.article_id,
            at: article.at,
            story: article.story,
            copy_of: article.copy_of,
            terms: terms.into_boxed_slice(),
        });
    }

    /// Records that an indexed article is a copy of `original`.
    pub fn mark_copy(&mut self, article_id: i64, original: i64) {
        if let Some(&slot) = self.slots.get(&article_id) {
            self.docs[slot as usize].copy_of = Some(original);
        }
    }

    /// The original of an article's copy group (the article itself when it is no copy).
    fn original_of(&self, article_id: i64) -> i64 {
        self.slots
            .get(&article_id)
            .and_then(|&slot| self.docs[slot as usize].copy_of)
            .unwrap_or(article_id)
    }

    /// Related articles of an indexed article: its story's other coverage first (most similar
    /// first), then the nearest articles of other stories; never itself or its copies.
    pub fn related(&self, article_id: i64, limit: usize) -> Vec<Neighbour> {
        let Some(&slot) = self.slots.get(&article_id) else {
            return Vec::new();
        };
        let doc = &self.docs[slot as usize];
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
            .map(|&m| &self.docs[m as usize])
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
                if n.story != doc.story && !same_group(&self.docs[other as usize]) {
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
