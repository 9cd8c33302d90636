//! The measurements behind the story, related-articles and copy quality bars, and the
//! story-index scale curve, run by `tidings-bench stories`. Everything is deterministic.

mod copy_set;
mod ecbplus;
mod scale;

pub use copy_set::{CopyFigures, evaluate_copies};
pub use ecbplus::{EcbFigures, ShuffledFigures, StreamOrder, evaluate_ecbplus, evaluate_shuffles};
pub use scale::{ScalePoint, measure_scale};

use tidings_enrich::{IndexedArticle, StoryIndex, StoryKey, is_copy};

/// One article of an evaluation stream.
pub struct StreamDoc {
    pub title: String,
    pub text: String,
    pub at: i64,
}

/// What the stream made of each document: its story and the document it copies, if any.
pub struct StreamResult {
    pub stories: Vec<StoryKey>,
    pub copy_of: Vec<Option<usize>>,
    pub index: StoryIndex,
}

/// Nearest indexed articles checked for being the original of a new one.
pub const COPY_CANDIDATES: usize = 5;

/// Feeds documents one by one through enrichment, copy detection and story assignment, as
/// the pipeline does (article ids are the positions in `docs`).
pub fn run_stream(docs: &[StreamDoc], mut index: StoryIndex) -> StreamResult {
    let mut stories = Vec::with_capacity(docs.len());
    let mut copy_of = Vec::with_capacity(docs.len());
    let mut next_story: StoryKey = 1;
    for (i, doc) in docs.iter().enumerate() {
        let enrichment = tidings_enrich::enrich(&doc.title, &doc.text, &[]);
        let placement = index.place(doc.at, &enrichment.terms);
        let original = placement
            .neighbours
            .iter()
            .take(COPY_CANDIDATES)
            .map(|n| n.article_id as usize)
            .find(|&j| is_copy(&docs[j].text, &doc.text));
        let story = match (original, placement.story) {
            (Some(j), _) => stories[j],
            (None, Some(story)) => story,
            (None, None) => {
                next_story += 1;
                next_story - 1
            }
        };
        index.insert(IndexedArticle {
            article_id: i as i64,
            at: doc.at,
            story,
            copy_of: original.map(|j| j as i64),
            terms: enrichment.terms,
        });
        stories.push(story);
        copy_of.push(original);
    }
    StreamResult {
        stories,
        copy_of,
        index,
    }
}

/// Pairwise precision, recall and F1 of a predicted clustering against the truth.
pub fn pairwise_f1<A: PartialEq, B: PartialEq>(predicted: &[A], truth: &[B]) -> (f64, f64, f64) {
    let (mut tp, mut fp, mut fn_) = (0u64, 0u64, 0u64);
    for i in 0..predicted.len() {
        for j in i + 1..predicted.len() {
            match (predicted[i] == predicted[j], truth[i] == truth[j]) {
                (true, true) => tp += 1,
                (true, false) => fp += 1,
                (false, true) => fn_ += 1,
                (false, false) => {}
            }
        }
    }
    let p = tp as f64 / (tp + fp).max(1) as f64;
    let r = tp as f64 / (tp + fn_).max(1) as f64;
    let f = if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    };
    (p, r, f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairwise_f1_counts_pairs() {
        assert_eq!(pairwise_f1(&[1, 1, 2], &["a", "a", "b"]), (1.0, 1.0, 1.0));
        let (p, r, _) = pairwise_f1(&[1, 1, 1], &["a", "a", "b"]);
        assert!((p - 1.0 / 3.0).abs() < 1e-9 && (r - 1.0).abs() < 1e-9);
    }
}
