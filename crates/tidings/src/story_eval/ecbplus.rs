//! Story grouping, Related@5 and copies on ECB+ (`stories/ecbplus-dev/docs.jsonl`), fed as a
//! stream in file order, one minute apart (the documents carry no dates).

use std::collections::HashMap;
use std::path::Path;

use anyhow::Context;
use tidings_enrich::{StoryIndex, StoryIndexConfig};

use super::{StreamDoc, pairwise_f1, run_stream};

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
    /// Documents marked as a copy of another (every ECB+ document is a different article).
    pub copies_marked: usize,
}

struct EcbDoc {
    event: String,
    doc: StreamDoc,
}

fn load(path: &Path) -> anyhow::Result<Vec<EcbDoc>> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut docs = Vec::new();
    for (i, line) in text.lines().filter(|l| !l.trim().is_empty()).enumerate() {
        let row: serde_json::Value =
            serde_json::from_str(line).with_context(|| format!("line {} is not JSON", i + 1))?;
        let body = row["text"]
            .as_str()
            .with_context(|| format!("line {} has no text", i + 1))?;
        let event = row["event_cluster"]
            .as_str()
            .with_context(|| format!("line {} has no event_cluster", i + 1))?;
        let title = body
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with("http"))
            .unwrap_or_default()
            .to_string();
        docs.push(EcbDoc {
            event: event.to_string(),
            doc: StreamDoc {
                title,
                text: body.to_string(),
                at: 1_700_000_000 + 60 * i as i64,
            },
        });
    }
    Ok(docs)
}

/// Runs the stream over `docs.jsonl` with `config` and scores it.
pub fn evaluate_ecbplus(path: &Path, config: StoryIndexConfig) -> anyhow::Result<EcbFigures> {
    let docs = load(path)?;
    let (owned_events, stream): (Vec<String>, Vec<StreamDoc>) =
        docs.into_iter().map(|d| (d.event, d.doc)).unzip();
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
    Ok(EcbFigures {
        documents: events.len(),
        events: event_sizes.len(),
        stories: story_ids.len(),
        precision,
        recall,
        f1,
        related_at_5: related_sum / related_articles.max(1) as f64,
        related_articles,
        copies_marked: result.copy_of.iter().flatten().count(),
    })
}
