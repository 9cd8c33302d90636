//! Prints, for each article of a JSONL file (`title`, `text`, `reference`), the Tidings
//! summary and the Lead-3 summary as JSON lines, for the ROUGE script. Tuning knobs come
//! from `TIDINGS_SUMMARY_TUNING` ("position_decay=1.2,centrality_weight=0.5").

use std::io::{BufRead, Write};

use tidings_ai::{AnalyzedArticle, SummaryTuning, lead, summarize_with};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args()
        .nth(1)
        .ok_or("usage: summarize_eval FILE.jsonl")?;
    let mut tuning = SummaryTuning::default();
    if let Ok(knobs) = std::env::var("TIDINGS_SUMMARY_TUNING") {
        for knob in knobs.split(',').filter(|k| !k.is_empty()) {
            let (name, value) = knob.split_once('=').ok_or("knob without =")?;
            let v: f64 = value.parse()?;
            match name {
                "position_decay" => tuning.position_decay = v,
                "position_weight" => tuning.position_weight = v,
                "centrality_weight" => tuning.centrality_weight = v,
                "title_weight" => tuning.title_weight = v,
                "redundancy_weight" => tuning.redundancy_weight = v,
                "min_words" => tuning.min_words = v as usize,
                "long_words" => tuning.long_words = v as usize,
                "long_penalty" => tuning.long_penalty = v,
                "window" => tuning.window = v as usize,
                other => return Err(format!("unknown knob {other}").into()),
            }
        }
    }
    let file = std::io::BufReader::new(std::fs::File::open(&path)?);
    let mut out = std::io::stdout().lock();
    for line in file.lines() {
        let row: serde_json::Value = serde_json::from_str(&line?)?;
        let title = row["title"].as_str().unwrap_or("");
        let text = row["text"].as_str().unwrap_or("");
        let article = AnalyzedArticle::new(title, text);
        let join = |s: tidings_ai::Summary| {
            s.sentences
                .iter()
                .map(|s| s.text.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        };
        let record = serde_json::json!({
            "tidings": join(summarize_with(&article, &tuning, 3)),
            "lead3": join(lead(&article, 3)),
            "sentences": article.sentences.iter().map(|s| s.text.clone()).collect::<Vec<_>>(),
            "reference": row["reference"],
        });
        writeln!(out, "{record}")?;
    }
    Ok(())
}
