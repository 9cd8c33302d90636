//! The article as the offline features read it: numbered sentences, each with its tokens,
//! and the document statistics (stem frequencies) the scorers share.

mod sentences;
mod words;

use std::collections::{HashMap, HashSet};

pub use sentences::{Sentence, paragraphs, split_paragraph, split_sentences};
pub use words::{
    Token, WordStemmer, is_number, is_stop_word, is_time_word, looks_like_name, raw_words,
};

/// An article split and tokenized once for every offline feature.
pub struct AnalyzedArticle {
    pub title: String,
    pub sentences: Vec<Sentence>,
    /// Tokens of each sentence, index-aligned with `sentences`.
    pub tokens: Vec<Vec<Token>>,
    /// In how many sentences each content stem occurs.
    pub sentence_frequency: HashMap<String, usize>,
    /// Content stems of the title.
    pub title_stems: HashSet<String>,
    pub stemmer: WordStemmer,
}

impl AnalyzedArticle {
    pub fn new(title: &str, text: &str) -> Self {
        let stemmer = WordStemmer::default();
        let sentences = split_sentences(text);
        let tokens: Vec<Vec<Token>> = sentences.iter().map(|s| stemmer.tokens(&s.text)).collect();
        let mut sentence_frequency = HashMap::new();
        for sentence_tokens in &tokens {
            let unique: HashSet<&str> = sentence_tokens
                .iter()
                .filter(|t| !t.stop)
                .map(|t| t.stem.as_str())
                .collect();
            for stem in unique {
                *sentence_frequency.entry(stem.to_owned()).or_insert(0) += 1;
            }
        }
        let title_stems = stemmer.content_stems(title).into_iter().collect();
        AnalyzedArticle {
            title: title.to_owned(),
            sentences,
            tokens,
            sentence_frequency,
            title_stems,
            stemmer,
        }
    }

    /// Inverse sentence frequency of a stem (stems absent from the article weigh as much as
    /// the rarest present ones).
    pub fn idf(&self, stem: &str) -> f64 {
        let n = self.sentences.len().max(1) as f64;
        let df = self
            .sentence_frequency
            .get(stem)
            .copied()
            .unwrap_or(1)
            .max(1) as f64;
        ((n + 1.0) / (df + 0.5)).ln().max(0.05)
    }

    /// Content stems of sentence `index` (0-based), with repeats.
    pub fn content_stems(&self, index: usize) -> impl Iterator<Item = &str> {
        self.tokens[index]
            .iter()
            .filter(|t| !t.stop)
            .map(|t| t.stem.as_str())
    }

    /// Number of words in sentence `index`.
    pub fn word_count(&self, index: usize) -> usize {
        self.tokens[index].len()
    }
}
