//! Extraction speed on the Zyte benchmark pages, in process: loads every page into memory, then
//! extracts them all several times and reports the best round.
//!
//! `cargo run --release -p tidings-extract --example speed -- /work/shared/data/extraction/zyte [ROUNDS]`
//! prints ms/page and pages/s of the best round (5 rounds unless told).

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
    let rounds: usize = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(5);
    let pages = zyte_metric::load_corpus(dir)?;
    if pages.is_empty() {
        return Err("no pages found".into());
    }
    let options: Vec<ExtractOptions> = pages
        .iter()
        .map(|page| ExtractOptions {
            url: page.url.clone(),
        })
        .collect();
    let mut best = Duration::MAX;
    let mut text_chars = 0usize;
    for round in 0..rounds.max(1) {
        let start = Instant::now();
        let mut chars = 0usize;
        for (page, opts) in pages.iter().zip(&options) {
            if let Ok(article) = extract(&page.html, None, opts) {
                chars += article.text.len();
            }
        }
        let elapsed = start.elapsed();
        println!(
            "round {}: {:.3} ms/page",
            round + 1,
            elapsed.as_secs_f64() * 1000.0 / pages.len() as f64
        );
        best = best.min(elapsed);
        text_chars = chars;
    }
    let n = pages.len() as f64;
    let kb = pages.iter().map(|p| p.html.len()).sum::<usize>() as f64 / n / 1024.0;
    println!(
        "pages={n} best of {rounds}: ms/page={:.3} pages/s={:.0} avg_kb={kb:.0} text_bytes={text_chars}",
        best.as_secs_f64() * 1000.0 / n,
        n / best.as_secs_f64(),
    );
    Ok(())
}
