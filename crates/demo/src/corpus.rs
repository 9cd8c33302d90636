//! The embedded demo corpus: news texts (from ECB+, see `demo/ATTRIBUTION.md`) already assigned
//! to the fictional outlets by `scripts/build-demo-corpus.py`.

use anyhow::{Context, bail};
use serde::Deserialize;

const CORPUS_JSONL: &str = include_str!("../data/corpus.jsonl");

/// Furthest back a demo article may be published, in minutes before "now".
pub const MAX_OFFSET_MINUTES: u32 = 2880;

/// One article of the demo corpus, as stored in `demo/corpus.jsonl`.
#[derive(Debug, Clone, Deserialize)]
pub struct CorpusArticle {
    /// Source document id (ECB+ `doc_id`), unique in the corpus.
    pub id: String,
    /// Slug of the outlet that publishes it.
    pub outlet: String,
    pub title: String,
    pub byline: String,
    /// ECB+ event cluster: articles with the same event report the same happening.
    pub event: String,
    /// Minutes before "now" at which the article is published.
    pub offset_minutes: u32,
    pub paragraphs: Vec<String>,
    pub categories: Vec<String>,
}

/// Parses the corpus embedded in the binary.
pub fn embedded_corpus() -> anyhow::Result<Vec<CorpusArticle>> {
    parse_corpus(CORPUS_JSONL).context("the embedded demo corpus is invalid")
}

/// Parses corpus JSON Lines, rejecting records the demo could not publish.
pub fn parse_corpus(jsonl: &str) -> anyhow::Result<Vec<CorpusArticle>> {
    let mut articles = Vec::new();
    for (index, line) in jsonl.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let line_no = index + 1;
        let article: CorpusArticle = serde_json::from_str(line)
            .with_context(|| format!("corpus line {line_no} is not a valid article record"))?;
        if article.title.trim().is_empty() {
            bail!("corpus line {line_no} ({}) has an empty title", article.id);
        }
        if article.paragraphs.iter().all(|p| p.trim().is_empty()) {
            bail!("corpus line {line_no} ({}) has no paragraphs", article.id);
        }
        if article.offset_minutes > MAX_OFFSET_MINUTES {
            bail!(
                "corpus line {line_no} ({}) has offset_minutes {} beyond {MAX_OFFSET_MINUTES}",
                article.id,
                article.offset_minutes
            );
        }
        articles.push(article);
    }
    Ok(articles)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_corpus_parses_with_unique_ids() {
        let corpus = embedded_corpus().expect("corpus parses");
        assert!(corpus.len() > 240, "only {} articles", corpus.len());
        let mut ids: Vec<&str> = corpus.iter().map(|a| a.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), corpus.len());
    }

    #[test]
    fn bad_line_is_reported_by_number() {
        let good = r#"{"id":"a","outlet":"o","title":"T","byline":"B","event":"e","offset_minutes":1,"paragraphs":["p"],"categories":[]}"#;
        let err = parse_corpus(&format!("{good}\n{{not json\n")).expect_err("must fail");
        assert!(format!("{err:#}").contains("line 2"), "{err:#}");
    }

    #[test]
    fn out_of_window_offset_is_rejected() {
        let line = r#"{"id":"a","outlet":"o","title":"T","byline":"B","event":"e","offset_minutes":9999,"paragraphs":["p"],"categories":[]}"#;
        let err = parse_corpus(line).expect_err("must fail");
        assert!(format!("{err:#}").contains("offset_minutes"), "{err:#}");
    }
}
