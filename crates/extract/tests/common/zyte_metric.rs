//! The Zyte article-extraction benchmark's metric and corpus loader, shared by the `zyte`
//! example and the regression tests: shingles of 4 `\w+` tokens, per-page normalised counts,
//! F1 of the mean precision and the mean recall.
#![allow(dead_code)]

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;

/// One benchmark page.
pub struct ZytePage {
    pub id: String,
    pub url: Option<url::Url>,
    pub html: Vec<u8>,
    pub truth: String,
}

/// Loads every page of the corpus in `dir`, sorted by id.
pub fn load_corpus(dir: &Path) -> Result<Vec<ZytePage>, Box<dyn std::error::Error>> {
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("ground-truth.json"))?)?;
    let truth = truth.as_object().ok_or("ground truth is not an object")?;
    let mut pages = Vec::new();
    for (id, entry) in truth {
        let mut html = Vec::new();
        let file = std::fs::File::open(dir.join("html").join(format!("{id}.html.gz")))?;
        flate2::read::GzDecoder::new(file).read_to_end(&mut html)?;
        pages.push(ZytePage {
            id: id.clone(),
            url: entry["url"].as_str().and_then(|u| url::Url::parse(u).ok()),
            html,
            truth: entry["articleBody"].as_str().unwrap_or("").to_string(),
        });
    }
    pages.sort_by(|a, b| a.id.cmp(&b.id));
    Ok(pages)
}

fn shingles(text: &str, words: &regex::Regex) -> HashMap<Vec<String>, i64> {
    let tokens: Vec<String> = words
        .find_iter(text)
        .map(|m| m.as_str().to_string())
        .collect();
    let mut counts = HashMap::new();
    if tokens.is_empty() {
        return counts;
    }
    if tokens.len() < 4 {
        *counts.entry(tokens).or_insert(0) += 1;
        return counts;
    }
    for window in tokens.windows(4) {
        *counts.entry(window.to_vec()).or_insert(0) += 1;
    }
    counts
}

/// Per-page score.
#[derive(Debug, Clone, Copy)]
pub struct PageScore {
    pub tp: f64,
    pub fp: f64,
    pub fn_: f64,
}

impl PageScore {
    pub fn precision(&self) -> f64 {
        if self.fp == 0.0 && self.fn_ == 0.0 {
            1.0
        } else if self.tp == 0.0 && self.fp == 0.0 {
            0.0
        } else {
            self.tp / (self.tp + self.fp)
        }
    }

    pub fn recall(&self) -> f64 {
        if self.fp == 0.0 && self.fn_ == 0.0 {
            1.0
        } else if self.tp == 0.0 && self.fn_ == 0.0 {
            0.0
        } else {
            self.tp / (self.tp + self.fn_)
        }
    }
}

/// Normalised (tp, fp, fn) of one page.
pub fn score_page(truth: &str, predicted: &str) -> PageScore {
    let words = regex::Regex::new(r"\w+").expect("token pattern compiles");
    let truth = shingles(truth, &words);
    let predicted = shingles(predicted, &words);
    let (mut tp, mut fp, mut fn_) = (0i64, 0i64, 0i64);
    for (key, &t) in &truth {
        let p = predicted.get(key).copied().unwrap_or(0);
        tp += t.min(p);
        fn_ += (t - p).max(0);
    }
    for (key, &p) in &predicted {
        let t = truth.get(key).copied().unwrap_or(0);
        fp += (p - t).max(0);
    }
    let sum = (tp + fp + fn_) as f64;
    if sum > 0.0 {
        PageScore {
            tp: tp as f64 / sum,
            fp: fp as f64 / sum,
            fn_: fn_ as f64 / sum,
        }
    } else {
        PageScore {
            tp: 0.0,
            fp: 0.0,
            fn_: 0.0,
        }
    }
}

/// Corpus (precision, recall, F1).
pub fn corpus_score(pages: &[PageScore]) -> (f64, f64, f64) {
    let precisions: Vec<f64> = pages
        .iter()
        .filter(|s| s.tp + s.fp > 0.0)
        .map(PageScore::precision)
        .collect();
    let recalls: Vec<f64> = pages
        .iter()
        .filter(|s| s.tp + s.fn_ > 0.0)
        .map(PageScore::recall)
        .collect();
    let mean = |v: &[f64]| {
        if v.is_empty() {
            0.0
        } else {
            v.iter().sum::<f64>() / v.len() as f64
        }
    };
    let (p, r) = (mean(&precisions), mean(&recalls));
    let f1 = if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    };
    (p, r, f1)
}
