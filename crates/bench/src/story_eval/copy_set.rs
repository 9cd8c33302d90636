//! The syndicated-copy set: every ground-truth text of the Zyte extraction benchmark
//! republished by another outlet (other boilerplate, an edited headline, the last paragraphs
//! trimmed or reordered, a wire credit), streamed after the originals. Negatives are every
//! other pair, including ECB+ articles on the same event (same subject, different articles).

use std::path::Path;

use anyhow::Context;
use tidings_enrich::{StoryIndex, StoryIndexConfig, is_copy};

use super::{StreamDoc, run_stream};

/// The figures of the copy set.
#[derive(Debug, Clone, PartialEq)]
pub struct CopyFigures {
    pub originals: usize,
    pub copies: usize,
    /// Copies marked with the right original (streamed through the index).
    pub true_positives: usize,
    /// Articles marked as a copy of an article they do not copy.
    pub false_positives: usize,
    pub precision: f64,
    pub recall: f64,
    /// Same-event ECB+ pairs (different articles) checked directly, and how many were judged copies.
    pub same_event_pairs: usize,
    pub same_event_false_copies: usize,
}

const HEADERS: &[&str] = &[
    "Home | World | Business | Sport | Culture — Subscribe for $1 a week",
    "Skip to content. Sign in. Menu. Latest news from the Valley Courier",
    "Advertisement. Share this article on Facebook, Twitter, or by email",
];
const CREDITS: &[&str] = &[
    "(AP) —",
    "LONDON (Reuters) -",
    "(AFP) —",
    "Via the Daily Ledger.",
];
const FOOTERS: &[&str] = &[
    "Copyright 2026 The Associated Press. All rights reserved. This material may not be published, broadcast, rewritten or redistributed.",
    "Sign up for our morning newsletter and get the best stories in your inbox every day. Follow us on social media.",
    "Reporting by staff writers; editing by the news desk. Our standards: the Trust Principles.",
];

/// The republished version of `text`, varied by `variant`.
pub fn republish(title: &str, text: &str, variant: usize) -> (String, String) {
    let mut paragraphs: Vec<&str> = text
        .split('\n')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    match variant % 3 {
        0 if paragraphs.len() > 3 => {
            let keep = paragraphs.len() - (paragraphs.len() / 4).max(1);
            paragraphs.truncate(keep);
        }
        1 if paragraphs.len() > 2 => {
            let n = paragraphs.len();
            paragraphs.swap(n - 1, n - 2);
        }
        _ if paragraphs.len() > 4 => {
            let n = paragraphs.len();
            paragraphs.truncate(n - 2);
            let last = paragraphs.len() - 1;
            paragraphs.swap(last, last - 1);
        }
        _ => {}
    }
    let mut out = vec![HEADERS[variant % HEADERS.len()].to_string()];
    let credit = CREDITS[variant % CREDITS.len()];
    match paragraphs.split_first() {
        Some((first, rest)) => {
            out.push(format!("{credit} {first}"));
            out.extend(rest.iter().map(|p| p.to_string()));
        }
        None => out.push(credit.to_string()),
    }
    out.push(FOOTERS[variant % FOOTERS.len()].to_string());
    (format!("UPDATED: {title} (photos)"), out.join("\n\n"))
}

/// Builds the copy set from `ground-truth.json`, streams it, and checks same-event ECB+ pairs.
pub fn evaluate_copies(
    zyte_truth: &Path,
    ecbplus_docs: &Path,
    config: StoryIndexConfig,
) -> anyhow::Result<CopyFigures> {
    let raw = std::fs::read_to_string(zyte_truth)
        .with_context(|| format!("cannot read {}", zyte_truth.display()))?;
    let truth: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&raw).context("ground-truth.json is not a JSON object")?;
    let mut ids: Vec<&String> = truth.keys().collect();
    ids.sort();
    let originals: Vec<StreamDoc> = ids
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let text = truth[*id]["articleBody"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            let title = text
                .split('.')
                .next()
                .unwrap_or_default()
                .chars()
                .take(90)
                .collect();
            StreamDoc {
                title,
                text,
                at: 1_700_000_000 + 60 * i as i64,
            }
        })
        .collect();
    let n = originals.len();
    let mut stream: Vec<StreamDoc> = Vec::with_capacity(2 * n);
    let copies: Vec<StreamDoc> = originals
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let (title, text) = republish(&o.title, &o.text, i);
            StreamDoc {
                title,
                text,
                at: o.at + 3600,
            }
        })
        .collect();
    stream.extend(originals);
    stream.extend(copies);
    let result = run_stream(&stream, StoryIndex::new(config));
    let (mut tp, mut fp) = (0, 0);
    for (i, original) in result.copy_of.iter().enumerate() {
        match original {
            Some(j) if i >= n && *j == i - n => tp += 1,
            Some(_) => fp += 1,
            None => {}
        }
    }

    let ecb = std::fs::read_to_string(ecbplus_docs)
        .with_context(|| format!("cannot read {}", ecbplus_docs.display()))?;
    let rows: Vec<(String, String)> = ecb
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .map(|v| {
            (
                v["event_cluster"].as_str().unwrap_or_default().to_string(),
                v["text"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect();
    let (mut pairs, mut false_copies) = (0, 0);
    for i in 0..rows.len() {
        for j in i + 1..rows.len() {
            if rows[i].0 == rows[j].0 {
                pairs += 1;
                if is_copy(&rows[i].1, &rows[j].1) {
                    false_copies += 1;
                }
            }
        }
    }
    Ok(CopyFigures {
        originals: n,
        copies: n,
        true_positives: tp,
        false_positives: fp,
        precision: tp as f64 / (tp + fp).max(1) as f64,
        recall: tp as f64 / n.max(1) as f64,
        same_event_pairs: pairs,
        same_event_false_copies: false_copies,
    })
}
