//! The offline extractive summary: three sentences of the article, chosen by position (news
//! puts the gist first), centrality (how much of the article's vocabulary a sentence
//! shares), overlap with the title, and a fitting length, with a penalty for repeating a
//! sentence already chosen. Returned in reading order with their sentence numbers.

use std::collections::HashMap;

use serde::Serialize;

use crate::text::{AnalyzedArticle, Sentence};

/// How many sentences a summary has.
pub const SUMMARY_SENTENCES: usize = 3;

/// The weights of the sentence score; the defaults were tuned on CNN/DailyMail articles.
#[derive(Debug, Clone, Copy)]
pub struct SummaryTuning {
    /// Exponent of the position prior `1 / (1 + index)^position_decay`.
    pub position_decay: f64,
    pub position_weight: f64,
    pub centrality_weight: f64,
    pub title_weight: f64,
    /// Penalty times the cosine similarity to the most similar chosen sentence.
    pub redundancy_weight: f64,
    /// Sentences shorter than this many words are skipped when longer ones exist.
    pub min_words: usize,
    /// Words beyond which a sentence is penalized.
    pub long_words: usize,
    pub long_penalty: f64,
    /// Only sentences among the first `window` are candidates (0: all).
    pub window: usize,
}

impl Default for SummaryTuning {
    fn default() -> Self {
        SummaryTuning {
            position_decay: 0.75,
            position_weight: 4.0,
            centrality_weight: 0.8,
            title_weight: 0.15,
            redundancy_weight: 0.6,
            min_words: 6,
            long_words: 35,
            long_penalty: 0.5,
            window: 0,
        }
    }
}

/// A summary: sentences of the article in reading order.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub sentences: Vec<Sentence>,
}

/// The default summary of an article.
pub fn summarize(article: &AnalyzedArticle) -> Summary {
    summarize_with(article, &SummaryTuning::default(), SUMMARY_SENTENCES)
}

/// The first `count` sentences: the Lead-N baseline.
pub fn lead(article: &AnalyzedArticle, count: usize) -> Summary {
    Summary {
        sentences: article.sentences.iter().take(count).cloned().collect(),
    }
}

/// A summary of `count` sentences under explicit weights.
pub fn summarize_with(article: &AnalyzedArticle, tuning: &SummaryTuning, count: usize) -> Summary {
    let n = article.sentences.len();
    if n <= count {
        return lead(article, count);
    }
    let vectors: Vec<HashMap<&str, f64>> = (0..n).map(|i| weighted_vector(article, i)).collect();
    let mut document: HashMap<&str, f64> = HashMap::new();
    for vector in &vectors {
        for (stem, weight) in vector {
            *document.entry(stem).or_insert(0.0) += weight;
        }
    }
    let window = if tuning.window == 0 {
        n
    } else {
        tuning.window.min(n)
    };
    let long_enough = (0..window)
        .filter(|&i| {
            article.word_count(i) >= tuning.min_words && !is_boilerplate(&article.sentences[i].text)
        })
        .count();
    let mut base: Vec<(usize, f64)> = (0..window)
        .filter(|&i| long_enough < count || article.word_count(i) >= tuning.min_words)
        .filter(|&i| long_enough < count || !is_boilerplate(&article.sentences[i].text))
        .map(|i| (i, base_score(article, tuning, &vectors[i], &document, i)))
        .collect();
    let mut chosen: Vec<usize> = Vec::new();
    while chosen.len() < count && !base.is_empty() {
        let best = base
            .iter()
            .enumerate()
            .map(|(slot, &(i, score))| {
                let redundancy = chosen
                    .iter()
                    .map(|&c| cosine(&vectors[i], &vectors[c]))
                    .fold(0.0, f64::max);
                (slot, score - tuning.redundancy_weight * redundancy)
            })
            .max_by(|a, b| a.1.total_cmp(&b.1));
        let Some((slot, _)) = best else { break };
        chosen.push(base.swap_remove(slot).0);
    }
    chosen.sort_unstable();
    Summary {
        sentences: chosen
            .into_iter()
            .map(|i| article.sentences[i].clone())
            .collect(),
    }
}

fn base_score(
    article: &AnalyzedArticle,
    tuning: &SummaryTuning,
    vector: &HashMap<&str, f64>,
    document: &HashMap<&str, f64>,
    index: usize,
) -> f64 {
    let position = 1.0 / (1.0 + index as f64).powf(tuning.position_decay);
    let centrality = cosine(vector, document);
    let title = if article.title_stems.is_empty() {
        0.0
    } else {
        let hits = article
            .title_stems
            .iter()
            .filter(|stem| vector.contains_key(stem.as_str()))
            .count();
        hits as f64 / article.title_stems.len() as f64
    };
    let words = article.word_count(index);
    let length = if words > tuning.long_words {
        tuning.long_penalty * ((words - tuning.long_words) as f64 / tuning.long_words as f64)
    } else {
        0.0
    };
    tuning.position_weight * position
        + tuning.centrality_weight * centrality
        + tuning.title_weight * title
        - length
}

/// Lines that are page furniture rather than prose (bylines, timestamps, captions).
fn is_boilerplate(text: &str) -> bool {
    let lower = text.to_lowercase();
    [
        "published:",
        "updated:",
        "last updated",
        "follow @",
        "click here",
        "scroll down",
    ]
    .iter()
    .any(|marker| lower.contains(marker))
        || lower.starts_with("by ")
}

/// The sentence's content stems weighted by idf.
fn weighted_vector(article: &AnalyzedArticle, index: usize) -> HashMap<&str, f64> {
    let mut vector = HashMap::new();
    for stem in article.content_stems(index) {
        *vector.entry(stem).or_insert(0.0) += article.idf(stem);
    }
    vector
}

pub(crate) fn cosine(a: &HashMap<&str, f64>, b: &HashMap<&str, f64>) -> f64 {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let dot: f64 = small
        .iter()
        .filter_map(|(k, v)| large.get(k).map(|w| v * w))
        .sum();
    let norm = |v: &HashMap<&str, f64>| v.values().map(|x| x * x).sum::<f64>().sqrt();
    let denominator = norm(a) * norm(b);
    if denominator == 0.0 {
        0.0
    } else {
        dot / denominator
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "Pirates attacked a cargo ship in the Gulf of Aden on Saturday. \
        The navy said its warship answered the distress call within minutes.\n\n\
        Weather was fine. The pirates fled in two boats before the warship arrived. \
        Officials later said the cargo ship and its crew were safe. \
        A spokesman thanked the navy for its quick response to the pirates.";

    #[test]
    fn picks_three_sentences_in_reading_order() {
        let article = AnalyzedArticle::new("Navy drives pirates from cargo ship", TEXT);
        let summary = summarize(&article);
        assert_eq!(summary.sentences.len(), 3);
        let numbers: Vec<usize> = summary.sentences.iter().map(|s| s.number).collect();
        let mut sorted = numbers.clone();
        sorted.sort_unstable();
        assert_eq!(numbers, sorted);
        assert_eq!(numbers[0], 1, "the lead sentence carries the gist");
        assert!(!numbers.contains(&3), "a three-word sentence is skipped");
    }

    #[test]
    fn short_articles_are_their_own_summary() {
        let article = AnalyzedArticle::new("", "Only one sentence here.");
        assert_eq!(summarize(&article).sentences.len(), 1);
        assert!(
            summarize(&AnalyzedArticle::new("", ""))
                .sentences
                .is_empty()
        );
    }
}
