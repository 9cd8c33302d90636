//! `tidings summarize FILE.jsonl`: the offline summary of each article in a JSON-lines file
//! (the fields `tidings import` reads: url, title, text, publisher, published), one JSON
//! object per line, for evaluation.

use std::io::{BufRead, Write};
use std::path::Path;

use serde::{Deserialize, Serialize};
use tidings_ai::{AnalyzedArticle, Sentence, summarize};

#[derive(Debug, Deserialize)]
struct InputArticle {
    #[serde(default)]
    url: Option<String>,
    #[serde(default)]
    title: String,
    text: String,
}

#[derive(Debug, Serialize)]
struct SummaryLine {
    line: usize,
    url: Option<String>,
    summary: String,
    sentences: Vec<Sentence>,
}

/// Summarizes every line of `path` to `out`; returns how many lines could not be read (each
/// reported on stderr with its line number).
pub fn summarize_file(path: &Path, out: &mut impl Write) -> anyhow::Result<usize> {
    let file = std::fs::File::open(path)
        .map_err(|e| anyhow::anyhow!("cannot open {}: {e}", path.display()))?;
    let mut failed = 0;
    for (index, line) in std::io::BufReader::new(file).lines().enumerate() {
        let line = line.map_err(|e| anyhow::anyhow!("cannot read {}: {e}", path.display()))?;
        if line.trim().is_empty() {
            continue;
        }
        let article: InputArticle = match serde_json::from_str(&line) {
            Ok(article) => article,
            Err(e) => {
                eprintln!("{}:{}: not an article: {e}", path.display(), index + 1);
                failed += 1;
                continue;
            }
        };
        let analyzed = AnalyzedArticle::new(&article.title, &article.text);
        let sentences = summarize(&analyzed).sentences;
        let record = SummaryLine {
            line: index + 1,
            url: article.url,
            summary: sentences
                .iter()
                .map(|s| s.text.as_str())
                .collect::<Vec<_>>()
                .join("\n"),
            sentences,
        };
        writeln!(out, "{}", serde_json::to_string(&record)?)?;
    }
    Ok(failed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summarizes_each_line_and_reports_bad_ones() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("in.jsonl");
        std::fs::write(
            &path,
            "{\"url\":\"https://a.example/1\",\"title\":\"Storm\",\"text\":\"A storm hit the coast on Monday. Trees fell. Power was cut to 4,000 homes. Crews worked overnight to restore it. Schools stayed shut.\"}\nnot json\n",
        )
        .expect("write");
        let mut out = Vec::new();
        let failed = summarize_file(&path, &mut out).expect("summarize");
        assert_eq!(failed, 1);
        let text = String::from_utf8(out).expect("utf-8");
        let row: serde_json::Value = serde_json::from_str(text.trim()).expect("json");
        assert_eq!(row["sentences"].as_array().map(Vec::len), Some(3));
        assert_eq!(row["sentences"][0]["number"], 1);
    }
}
