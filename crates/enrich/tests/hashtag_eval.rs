//! The labelled hashtag sample (`data/hashtag_sample.jsonl`, rules in `data/README.md`): 40
//! demo-corpus articles (ECB+, one per event) and 20 newspaper4k pages, each tag the
//! enrichment may give judged good or bad. Precision counts a tag that was never judged as
//! bad; a redundant pair is two tags of one article where one's words are part of the
//! other's. Figures per split (tuning, held-out) with
//! `cargo test -p tidings-enrich --test hashtag_eval -- --nocapture`.

#![allow(clippy::unwrap_used)]

use std::collections::HashMap;

use tidings_enrich::enrich;

const CORPUS: &str = include_str!("../../demo/data/corpus.jsonl");
const SAMPLE: &str = include_str!("data/hashtag_sample.jsonl");

#[derive(serde::Deserialize)]
struct CorpusRow {
    id: String,
    paragraphs: Vec<String>,
}

#[derive(serde::Deserialize)]
struct SampleRow {
    source: String,
    id: String,
    title: String,
    categories: Vec<String>,
    #[serde(default)]
    text: Option<String>,
    split: String,
    good: Vec<String>,
    bad: Vec<String>,
}

#[derive(Default)]
struct Tally {
    articles: usize,
    tags: usize,
    good: usize,
    unjudged: usize,
    redundant_pairs: usize,
}

impl Tally {
    fn precision(&self) -> f64 {
        self.good as f64 / self.tags.max(1) as f64
    }

    fn report(&self, name: &str) {
        println!(
            "{name}: {} articles, {} tags, {} good = {:.1}% ({} never judged), {} redundant pairs ({:.2} per 20 articles)",
            self.articles,
            self.tags,
            self.good,
            100.0 * self.precision(),
            self.unjudged,
            self.redundant_pairs,
            20.0 * self.redundant_pairs as f64 / self.articles.max(1) as f64
        );
    }
}

fn words(label: &str) -> Vec<String> {
    label
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// Whether one label's words appear in a row in the other's ("Page" in "Bettie Page").
fn redundant(a: &str, b: &str) -> bool {
    let (a, b) = (words(a), words(b));
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    !short.is_empty() && long.windows(short.len()).any(|w| w == short.as_slice())
}

#[test]
fn hashtag_sample_meets_the_bars() {
    let corpus: HashMap<String, CorpusRow> = CORPUS
        .lines()
        .map(|l| serde_json::from_str::<CorpusRow>(l).unwrap())
        .map(|row| (row.id.clone(), row))
        .collect();
    let sample: Vec<SampleRow> = SAMPLE
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(sample.len(), 60, "the sample has 60 articles");
    let mut tallies: HashMap<&str, Tally> = HashMap::new();
    for row in &sample {
        let text = match row.source.as_str() {
            "demo" => corpus
                .get(&row.id)
                .unwrap_or_else(|| panic!("no demo article {}", row.id))
                .paragraphs
                .join("\n\n"),
            "newspaper4k" => row.text.clone().expect("newspaper4k rows carry their text"),
            other => panic!("unknown source {other}"),
        };
        let enrichment = enrich(&row.title, &text, &row.categories);
        let tally = tallies.entry(row.split.as_str()).or_default();
        tally.articles += 1;
        let labels: Vec<&str> = enrichment.tags.iter().map(|t| t.label.as_str()).collect();
        println!("{} [{}]: {labels:?}", row.id, row.split);
        for label in &labels {
            tally.tags += 1;
            if row.good.iter().any(|g| g == label) {
                tally.good += 1;
            } else if !row.bad.iter().any(|b| b == label) {
                tally.unjudged += 1;
                println!("  never judged: {label:?}");
            } else {
                println!("  bad: {label:?}");
            }
        }
        for (i, a) in labels.iter().enumerate() {
            for b in &labels[i + 1..] {
                if redundant(a, b) {
                    tally.redundant_pairs += 1;
                    println!("  redundant: {a:?} / {b:?}");
                }
            }
        }
    }
    let mut all = Tally::default();
    for name in ["tuning", "held-out"] {
        let tally = tallies.get(name).expect("both splits");
        tally.report(name);
        all.articles += tally.articles;
        all.tags += tally.tags;
        all.good += tally.good;
        all.unjudged += tally.unjudged;
        all.redundant_pairs += tally.redundant_pairs;
    }
    all.report("all");
    assert!(all.tags >= 120, "too few tags to judge: {}", all.tags);
    assert!(
        all.precision() >= 0.9,
        "precision {:.3} below 0.9",
        all.precision()
    );
    assert!(
        all.redundant_pairs * 20 <= all.articles,
        "{} redundant pairs in {} articles",
        all.redundant_pairs,
        all.articles
    );
}
