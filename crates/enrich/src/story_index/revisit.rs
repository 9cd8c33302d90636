//! Revisiting recent decisions as coverage accumulates, so grouping depends less on the order
//! articles arrive in. After an article is placed, its story is compared with the stories of
//! its nearest articles: two stories whose coverage has become alike (centroid similarity at
//! least `merge_threshold`, not dated differently) are one event and merge, the smaller into
//! the larger. A story whose articles fall into two groups that have little in common (the two
//! halves' similarity at most `split_threshold`) is split, the group without its first article
//! leaving. The two thresholds are far apart so a merge is never undone by a split, nor the
//! other way round. Only the stories the new article touches are looked at, each bounded in
//! size, so the cost does not grow with the archive.

use std::collections::HashMap;

use super::{Neighbour, StoryIndex, StoryKey, dot, normalise};

/// Most revisions to make after one article (each is bounded; this bounds their chain).
pub const REVISIONS_PER_ARTICLE: usize = 4;
/// Rounds of two-means when looking for a split.
const SPLIT_ROUNDS: usize = 4;
/// Least articles each half of a split must hold: one odd article is not another event.
const SPLIT_MIN_PART: usize = 2;

/// A change the revisit step makes to the stories.
#[derive(Debug, Clone, PartialEq)]
pub enum Revision {
    /// Every article of `from` now belongs to `into`; `from` is gone.
    Merge { from: StoryKey, into: StoryKey },
    /// These articles leave `story` for a story of their own.
    Split { story: StoryKey, articles: Vec<i64> },
}

impl StoryIndex {
    /// The revision the story of `article_id` calls for, given the article's nearest
    /// articles (as [`StoryIndex::place`] found them), or `None`. Nothing is changed: apply it
    /// with [`StoryIndex::merge_stories`] or [`StoryIndex::split_story`].
    pub fn revisit(&self, article_id: i64, neighbours: &[Neighbour]) -> Option<Revision> {
        let story = self.story_of(article_id)?;
        self.merge_candidate(story, neighbours)
            .or_else(|| self.split_candidate(story))
    }

    fn story_vector(&self, story: StoryKey) -> Vec<(u32, f32)> {
        let Some(entry) = self.stories.get(&story) else {
            return Vec::new();
        };
        let mut vector: Vec<(u32, f32)> = entry
            .centroid
            .iter()
            .map(|(&id, &w)| (id, w * self.idf(id)))
            .collect();
        normalise(&mut vector);
        vector
    }

    /// How alike two stories' coverage is: the cosine of their centroids (0 when either is
    /// unknown).
    pub fn story_similarity(&self, a: StoryKey, b: StoryKey) -> f32 {
        let mine: HashMap<u32, f32> = self.story_vector(a).into_iter().collect();
        dot(&mine, &self.story_vector(b))
    }

    fn members(&self, story: StoryKey) -> usize {
        self.stories.get(&story).map_or(0, |s| s.members.len())
    }

    fn merge_candidate(&self, story: StoryKey, neighbours: &[Neighbour]) -> Option<Revision> {
        let mine: HashMap<u32, f32> = self.story_vector(story).into_iter().collect();
        let time = &self.stories.get(&story)?.time;
        let mut others: Vec<StoryKey> = neighbours
            .iter()
            .filter_map(|n| self.story_of(n.article_id))
            .filter(|&s| s != story)
            .collect();
        others.sort_unstable();
        others.dedup();
        let mut best: Option<(StoryKey, f32)> = None;
        for other in others {
            let Some(entry) = self.stories.get(&other) else {
                continue;
            };
            if time.conflicts_with(&entry.time) {
                continue;
            }
            let similarity = dot(&mine, &self.story_vector(other));
            if similarity >= self.config.merge_threshold && best.is_none_or(|(_, s)| similarity > s)
            {
                best = Some((other, similarity));
            }
        }
        let (other, _) = best?;
        let keep_other = (self.members(other), -other) > (self.members(story), -story);
        Some(if keep_other {
            Revision::Merge {
                from: story,
                into: other,
            }
        } else {
            Revision::Merge {
                from: other,
                into: story,
            }
        })
    }

    fn split_candidate(&self, story: StoryKey) -> Option<Revision> {
        let members = &self.stories.get(&story)?.members;
        if members.len() < 2 * SPLIT_MIN_PART || members.len() > self.config.split_max_members {
            return None;
        }
        let vectors: Vec<HashMap<u32, f32>> = members
            .iter()
            .map(|&m| self.doc_vector(self.doc(m)).into_iter().collect())
            .collect();
        let centre = sum_normalised(vectors.iter());
        // Seeds: the member least like the story, then the member least like that one.
        let far = argmin(&vectors, &centre)?;
        let seed: HashMap<u32, f32> = vectors[far].clone();
        let other = argmin(&vectors, &seed)?;
        let mut centres = [vectors[other].clone(), seed];
        let mut side = vec![0usize; vectors.len()];
        for _ in 0..SPLIT_ROUNDS {
            for (i, v) in vectors.iter().enumerate() {
                side[i] = usize::from(similarity(v, &centres[1]) > similarity(v, &centres[0]));
            }
            for (k, centre) in centres.iter_mut().enumerate() {
                *centre = sum_normalised(
                    vectors
                        .iter()
                        .zip(&side)
                        .filter(|(_, s)| **s == k)
                        .map(|(v, _)| v),
                );
            }
        }
        let leaving_side = 1 - side[0];
        let leaving = side.iter().filter(|&&s| s == leaving_side).count();
        if leaving < SPLIT_MIN_PART || vectors.len() - leaving < SPLIT_MIN_PART {
            return None;
        }
        if similarity(&centres[0], &centres[1]) > self.config.split_threshold {
            return None;
        }
        let articles = members
            .iter()
            .zip(&side)
            .filter(|(_, s)| **s == leaving_side)
            .map(|(&m, _)| self.doc(m).article_id)
            .collect();
        Some(Revision::Split { story, articles })
    }

    /// Moves every indexed article of `from` to `into`.
    pub fn merge_stories(&mut self, from: StoryKey, into: StoryKey) {
        if from == into {
            return;
        }
        let Some(gone) = self.stories.remove(&from) else {
            return;
        };
        for &m in &gone.members {
            self.doc_mut(m).story = into;
        }
        let target = self.stories.entry(into).or_default();
        for (id, w) in gone.centroid {
            *target.centroid.entry(id).or_default() += w;
        }
        target.time.absorb(&gone.time);
        target.members.extend(gone.members);
        target.members.sort_unstable();
    }

    /// Moves the indexed `articles` (of one story) to `new_story`.
    pub fn split_story(&mut self, articles: &[i64], new_story: StoryKey) {
        for &article in articles {
            let Some(&seq) = self.slots.get(&article) else {
                continue;
            };
            let old = self.doc(seq).story;
            if old == new_story {
                continue;
            }
            let terms = self.doc(seq).terms.clone();
            if let Some(story) = self.stories.get_mut(&old) {
                for &(id, w) in terms.iter() {
                    if let Some(c) = story.centroid.get_mut(&id) {
                        *c -= w;
                        if *c <= 1e-5 {
                            story.centroid.remove(&id);
                        }
                    }
                    story.time.remove_term(&self.term_names[id as usize], w);
                }
                story.members.retain(|&m| m != seq);
                if story.members.is_empty() {
                    self.stories.remove(&old);
                }
            }
            let target = self.stories.entry(new_story).or_default();
            for &(id, w) in terms.iter() {
                *target.centroid.entry(id).or_default() += w;
                target.time.add_term(&self.term_names[id as usize], w);
            }
            target.members.push(seq);
            target.members.sort_unstable();
            self.doc_mut(seq).story = new_story;
        }
    }
}

fn similarity(a: &HashMap<u32, f32>, b: &HashMap<u32, f32>) -> f32 {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    small
        .iter()
        .filter_map(|(id, w)| large.get(id).map(|o| o * w))
        .sum()
}

fn sum_normalised<'a>(vectors: impl Iterator<Item = &'a HashMap<u32, f32>>) -> HashMap<u32, f32> {
    let mut sum: HashMap<u32, f32> = HashMap::new();
    for v in vectors {
        for (&id, &w) in v {
            *sum.entry(id).or_default() += w;
        }
    }
    let norm = sum.values().map(|w| w * w).sum::<f32>().sqrt();
    if norm > 0.0 {
        for w in sum.values_mut() {
            *w /= norm;
        }
    }
    sum
}

fn argmin(vectors: &[HashMap<u32, f32>], to: &HashMap<u32, f32>) -> Option<usize> {
    vectors
        .iter()
        .enumerate()
        .min_by(|(_, a), (_, b)| similarity(a, to).total_cmp(&similarity(b, to)))
        .map(|(i, _)| i)
}
