//! Story grouping, Related@5 and copies on ECB+ (`stories/ecbplus-dev/docs.jsonl`), fed as a
//! stream. The documents carry no dates, so several orders are measured: file order (one minute
//! apart, each topic's two events back to back), publication order, the times the demo corpus
//! (`crates/demo/data/corpus.jsonl`, built from the same documents) publishes them at, and
//! seeded shuffles (one minute apart, every event interleaved with every other), which show how
//! much a figure owes to one order.

use std::collections::HashMap;
use std::path::Path;

use anyhow::Context;
use tidings_enrich::{StoryIndex, StoryIndexConfig, StoryKey};

use super::{StreamDoc, pairwise_f1, run_stream};

/// The order the documents are streamed in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StreamOrder<'a> {
    /// The file's order, one minute apart.
    File,
    /// The demo corpus's publication times (`offset_minutes` per `id`); documents the corpus
    /// leaves out are left out here too.
    Published(&'a Path),
    /// A shuffle of the file's order drawn from this seed, one minute apart.
    Shuffled(u64),
}

/// The figures of one ECB+ run.
#[derive(Debug, Clone, PartialEq)]
pub struct EcbFigures {
    pub documents: usize,
    pub events: usize,
    pub stories: usize,
    pub precision: f64,
    pub recall: f64,
    pub f1: f64,
    /// Mean share of the first 5 related items in the same event, over articles whose event
    /// has at least 5 other articles (missing items count as wrong).
    pub related_at_5: f64,
    pub related_articles: usize,
    /// Documents marked as a copy of another: (copy, original) doc ids.
    pub copies: Vec<(String, String)>,
    /// Each document's doc id, event and story, in stream order.
    pub assignments: Vec<(String, String, StoryKey)>,
}

struct EcbDoc {
    doc_id: String,
    event: String,
    doc: StreamDoc,
}

const EPOCH: i64 = 1_700_000_000;

fn load(path: &Path) -> anyhow::Result<Vec<EcbDoc>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut docs = Vec::new();
    for (i, line) in text.lines().filter(|l| !l.trim().is_empty()).enumerate() {
        let row: serde_json::Value =
            serde_json::from_str(line).with_context(|| format!("line {} is not JSON", i + 1))?;
        let field = |name: &str| {
            row[name]
                .as_str()
                .map(str::to_string)
                .with_context(|| format!("line {} has no {name}", i + 1))
        };
        let body = field("text")?;
        let title = body
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with("http"))
            .unwrap_or_default()
            .to_string();
        docs.push(EcbDoc {
            doc_id: field("doc_id")?,
            event: field("event_cluster")?,
            doc: StreamDoc {
                title,
                text: body,
                at: EPOCH + 60 * i as i64,
            },
        });
    }
    Ok(docs)
}

/// Puts `docs` in the demo corpus's publication order, at its times.
fn publication_order(docs: Vec<EcbDoc>, corpus: &Path) -> anyhow::Result<Vec<EcbDoc>> {
    let text = std::fs::read_to_string(corpus)
        .with_context(|| format!("cannot read {}", corpus.display()))?;
    let mut offsets: HashMap<String, i64> = HashMap::new();
    for (i, line) in text.lines().filter(|l| !l.trim().is_empty()).enumerate() {
        let row: serde_json::Value = serde_json::from_str(line)
            .with_context(|| format!("{} line {} is not JSON", corpus.display(), i + 1))?;
        let (Some(id), Some(minutes)) = (row["id"].as_str(), row["offset_minutes"].as_i64()) else {
            anyhow::bail!(
                "{} line {} lacks id or offset_minutes",
                corpus.display(),
                i + 1
            );
        };
        offsets.insert(id.to_string(), minutes);
    }
    let mut kept: Vec<(i64, EcbDoc)> = docs
        .into_iter()
        .filter_map(|mut d| {
            let minutes = *offsets.get(&d.doc_id)?;
            d.doc.at = EPOCH + 60 * minutes;
            Some((minutes, d))
        })
        .collect();
    kept.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.doc_id.cmp(&b.1.doc_id)));
    Ok(kept.into_iter().map(|(_, d)| d).collect())
}

/// The documents in an order drawn from `seed` (Fisher–Yates over a SplitMix64 sequence, so
/// a seed gives the same order everywhere), one minute apart.
fn shuffled(mut docs: Vec<EcbDoc>, seed: u64) -> Vec<EcbDoc> {
    let mut state = seed;
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    for i in (1..docs.len()).rev() {
        let j = (next() % (i as u64 + 1)) as usize;
        docs.swap(i, j);
    }
    for (i, d) in docs.iter_mut().enumerate() {
        d.doc.at = EPOCH + 60 * i as i64;
    }
    docs
}

/// Runs the stream over `docs.jsonl` in `order` with `config` and scores it.
pub fn evaluate_ecbplus(
    path: &Path,
    order: StreamOrder<'_>,
    config: StoryIndexConfig,
) -> anyhow::Result<EcbFigures> {
    let docs = match order {
        StreamOrder::File => load(path)?,
        StreamOrder::Published(corpus) => publication_order(load(path)?, corpus)?,
        StreamOrder::Shuffled(seed) => shuffled(load(path)?, seed),
    };
    let mut doc_ids = Vec::with_capacity(docs.len());
    let mut owned_events = Vec::with_capacity(docs.len());
    let mut stream = Vec::with_capacity(docs.len());
    for d in docs {
        doc_ids.push(d.doc_id);
        owned_events.push(d.event);
        stream.push(d.doc);
    }
    let events: Vec<&str> = owned_events.iter().map(String::as_str).collect();
    let result = run_stream(&stream, StoryIndex::new(config));
    let (precision, recall, f1) = pairwise_f1(&result.stories, &events);

    let mut event_sizes: HashMap<&str, usize> = HashMap::new();
    for e in &events {
        *event_sizes.entry(e).or_default() += 1;
    }
    let mut related_sum = 0.0;
    let mut related_articles = 0;
    for (i, event) in events.iter().enumerate() {
        if event_sizes[event] < 6 {
            continue;
        }
        let related = result.index.related(i as i64, 5);
        let same = related
            .iter()
            .filter(|n| events[n.article_id as usize] == *event)
            .count();
        related_sum += same as f64 / 5.0;
        related_articles += 1;
    }
    let mut story_ids = result.stories.clone();
    story_ids.sort_unstable();
    story_ids.dedup();
    let copies = result
        .copy_of
        .iter()
        .enumerate()
        .filter_map(|(i, o)| Some((doc_ids[i].clone(), doc_ids[(*o)?].clone())))
        .collect();
    let assignments = doc_ids
        .iter()
        .zip(&owned_events)
        .zip(&result.stories)
        .map(|((d, e), s)| (d.clone(), e.clone(), *s))
        .collect();
    Ok(EcbFigures {
        documents: events.len(),
        events: event_sizes.len(),
        stories: story_ids.len(),
        precision,
        recall,
        f1,
        related_at_5: related_sum / related_articles.max(1) as f64,
        related_articles,
        copies,
        assignments,
    })
}

/// Pairwise figures over several shuffled orders.
#[derive(Debug, Clone, PartialEq)]
pub struct ShuffledFigures {
    pub orders: usize,
    pub mean_precision: f64,
    pub mean_recall: f64,
    pub mean_f1: f64,
    pub min_f1: f64,
    pub max_f1: f64,
}

/// Runs the stream once per seed in `seeds` ([`StreamOrder::Shuffled`]) and sums it up.
pub fn evaluate_shuffles(
    path: &Path,
    seeds: std::ops::RangeInclusive<u64>,
    config: StoryIndexConfig,
) -> anyhow::Result<ShuffledFigures> {
    let mut runs = Vec::new();
    for seed in seeds {
        runs.push(evaluate_ecbplus(path, StreamOrder::Shuffled(seed), config)?);
    }
    let n = runs.len().max(1) as f64;
    let f1s = runs.iter().map(|f| f.f1);
    Ok(ShuffledFigures {
        orders: runs.len(),
        mean_precision: runs.iter().map(|f| f.precision).sum::<f64>() / n,
        mean_recall: runs.iter().map(|f| f.recall).sum::<f64>() / n,
        mean_f1: f1s.clone().sum::<f64>() / n,
        min_f1: f1s.clone().fold(f64::INFINITY, f64::min),
        max_f1: f1s.fold(f64::NEG_INFINITY, f64::max),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs_file(dir: &Path, ids: &[&str]) -> std::path::PathBuf {
        let path = dir.join("docs.jsonl");
        let rows: String = ids
            .iter()
            .map(|id| {
                format!("{{\"doc_id\":\"{id}\",\"topic\":1,\"event_cluster\":\"e\",\"text\":\"T {id}.\"}}\n")
            })
            .collect();
        std::fs::write(&path, rows).expect("write docs");
        path
    }

    #[test]
    fn shuffles_are_permutations_fixed_by_their_seed() {
        let dir = tempfile::tempdir().expect("temp dir");
        let ids: Vec<String> = (0..30).map(|i| format!("d{i}")).collect();
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let path = docs_file(dir.path(), &refs);
        let order = |seed| -> Vec<String> {
            shuffled(load(&path).expect("load"), seed)
                .into_iter()
                .map(|d| d.doc_id)
                .collect()
        };
        let first = order(1);
        assert_eq!(first, order(1), "one seed, one order");
        assert_ne!(first, order(2), "another seed, another order");
        assert_ne!(first, ids, "shuffled");
        let mut sorted = first.clone();
        sorted.sort();
        let mut expected = ids.clone();
        expected.sort();
        assert_eq!(sorted, expected, "every document once");
        let times: Vec<i64> = shuffled(load(&path).expect("load"), 1)
            .iter()
            .map(|d| d.doc.at)
            .collect();
        assert!(times.windows(2).all(|w| w[1] - w[0] == 60), "{times:?}");
    }

    #[test]
    fn publication_order_follows_the_corpus_times_and_drops_what_it_leaves_out() {
        let dir = tempfile::tempdir().expect("temp dir");
        let docs = dir.path().join("docs.jsonl");
        let corpus = dir.path().join("corpus.jsonl");
        let row = |id: &str, event: &str| {
            format!(
                "{{\"doc_id\":\"{id}\",\"topic\":1,\"event_cluster\":\"{event}\",\"text\":\"Text of {id}.\"}}\n"
            )
        };
        std::fs::write(
            &docs,
            [row("a", "e1"), row("b", "e2"), row("c", "e1")].concat(),
        )
        .expect("write docs");
        std::fs::write(
            &corpus,
            "{\"id\":\"c\",\"offset_minutes\":5}\n{\"id\":\"a\",\"offset_minutes\":90}\n",
        )
        .expect("write corpus");
        let ordered = publication_order(load(&docs).expect("load"), &corpus).expect("order");
        let ids: Vec<&str> = ordered.iter().map(|d| d.doc_id.as_str()).collect();
        assert_eq!(ids, ["c", "a"]);
        assert_eq!(ordered[1].doc.at - ordered[0].doc.at, 85 * 60);

        std::fs::write(&corpus, "{\"id\":\"c\"}\n").expect("write corpus");
        let error = publication_order(load(&docs).expect("load"), &corpus)
            .err()
            .expect("a row without offset is an error");
        assert!(error.to_string().contains("offset_minutes"), "{error}");
    }
}
