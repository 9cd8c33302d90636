//! Scores the extractor on the Zyte article-extraction benchmark with the benchmark's own metric.
//!
//! `cargo run --release -p tidings-extract --example zyte -- /work/shared/data/extraction/zyte [WORST_N] [ID]`
//! prints precision, recall, F1, speed and the worst pages; with an ID it also prints that
//! page's extracted text and its ground truth.

#[path = "../tests/common/zyte_metric.rs"]
mod zyte_metric;

use std::path::Path;
use std::time::{Duration, Instant};

use tidings_extract::{ExtractOptions, extract};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let dir = Path::new(
        args.get(1)
            .map_or("/work/shared/data/extraction/zyte", String::as_str),
    );
    let worst_n: usize = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(10);
    let only = args.get(3);
    let pages = zyte_metric::load_corpus(dir)?;
    let mut scores = Vec::new();
    let mut per_page = Vec::new();
    let mut elapsed = Duration::ZERO;
    let mut bytes_total = 0usize;
    for page in pages.iter().filter(|p| only.is_none_or(|o| *o == p.id)) {
        bytes_total += page.html.len();
        let start = Instant::now();
        let result = extract(
            &page.html,
            None,
            &ExtractOptions {
                url: page.url.clone(),
            },
        );
        elapsed += start.elapsed();
        let predicted = result.map(|a| a.text).unwrap_or_default();
        if only.is_some() {
            println!("{predicted}\n=========== TRUTH\n{}", page.truth);
        }
        let score = zyte_metric::score_page(&page.truth, &predicted);
        scores.push(score);
        per_page.push((page.id.clone(), score.precision(), score.recall()));
    }
    let (p, r, f1) = zyte_metric::corpus_score(&scores);
    per_page.sort_by(|a, b| (a.1 + a.2).total_cmp(&(b.1 + b.2)));
    println!("worst pages (precision, recall):");
    for (id, precision, recall) in per_page.iter().take(worst_n) {
        println!("  {id}  P={precision:.3} R={recall:.3}");
    }
    let n = per_page.len() as f64;
    println!(
        "pages={n} precision={p:.4} recall={r:.4} F1={f1:.4} pages/s={:.0} ms/page={:.2} avg_kb={:.0}",
        n / elapsed.as_secs_f64(),
        elapsed.as_secs_f64() * 1000.0 / n,
        bytes_total as f64 / n / 1024.0
    );
    Ok(())
}
