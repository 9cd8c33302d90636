//! Eviction: the index holds only the articles of its window. An article published more
//! than `keep_secs` before the newest indexed one leaves the index, oldest inserted first,
//! taking its postings, its share of its story's centroid and dates, and the terms no other
//! article uses, so memory follows the window and not the archive. However the dates fall,
//! no more than `max_articles` are held.

use super::StoryIndex;

/// What the story centroid keeps of a term's weight below which it forgets the term.
const CENTROID_EPSILON: f32 = 1e-5;

impl StoryIndex {
    /// Evicts the oldest inserted articles while they lie outside the kept span.
    pub(super) fn evict(&mut self) {
        let keep = self.config.keep_secs.max(self.config.window_secs);
        let horizon = self.newest_at.saturating_sub(keep);
        while self
            .docs
            .front()
            .is_some_and(|d| d.at < horizon || self.docs.len() > self.config.max_articles)
        {
            self.evict_front();
        }
    }

    fn evict_front(&mut self) {
        let Some(doc) = self.docs.pop_front() else {
            return;
        };
        let seq = self.base;
        self.base += 1;
        self.slots.remove(&doc.article_id);
        for &(id, _) in doc.terms.iter() {
            let list = &mut self.postings[id as usize];
            // Postings are appended in insertion order, so the oldest article is first.
            if list.front() == Some(&seq) {
                list.pop_front();
            } else {
                list.retain(|&s| s != seq);
            }
            self.df[id as usize] = self.df[id as usize].saturating_sub(1);
        }
        if let Some(story) = self.stories.get_mut(&doc.story) {
            for &(id, w) in doc.terms.iter() {
                if let Some(c) = story.centroid.get_mut(&id) {
                    *c -= w;
                    if *c <= CENTROID_EPSILON {
                        story.centroid.remove(&id);
                    }
                }
                story.time.remove_term(&self.term_names[id as usize], w);
            }
            if let Some(pos) = story.members.iter().position(|&m| m == seq) {
                story.members.remove(pos);
            }
            if story.members.is_empty() {
                self.stories.remove(&doc.story);
            }
        }
        for &(id, _) in doc.terms.iter() {
            if self.df[id as usize] == 0 {
                let name = std::mem::take(&mut self.term_names[id as usize]);
                self.term_ids.remove(&name);
                self.postings[id as usize] = Default::default();
                self.free_terms.push(id);
            }
        }
    }
}
