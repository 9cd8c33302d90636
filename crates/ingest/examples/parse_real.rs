//! Parse-speed benchmark: times `parse_feed` over every feed (format rss, atom, rdf or
//! jsonfeed) listed in `real/INDEX.jsonl` (under `../shared/data/feeds`, or the folder given as
//! the first argument) and prints feeds/s and MB/s plus any failures.
//!
//! `cargo run -p tidings-ingest --release --example parse_real [DATA_DIR]`

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tidings_ingest::parse_feed;
use url::Url;

const ROUNDS: usize = 5;

fn main() {
    let data_dir = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/feeds")
        });
    let real = data_dir.join("real");
    let index = match std::fs::read_to_string(real.join("INDEX.jsonl")) {
        Ok(index) => index,
        Err(e) => {
            eprintln!("cannot read {}: {e}", real.join("INDEX.jsonl").display());
            std::process::exit(1);
        }
    };
    let mut feeds: Vec<(String, Vec<u8>)> = Vec::new();
    for line in index.lines().filter(|l| !l.trim().is_empty()) {
        let Ok(row) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let Some(path) = row["path"].as_str() else {
            continue;
        };
        // The folder also holds HTML pages, OPML files and scripts.
        if !matches!(
            row["format"].as_str(),
            Some("rss" | "atom" | "rdf" | "jsonfeed")
        ) {
            continue;
        }
        match std::fs::read(real.join(path)) {
            Ok(bytes) => feeds.push((path.to_owned(), bytes)),
            Err(e) => eprintln!("skip {path}: {e}"),
        }
    }
    let total_bytes: usize = feeds.iter().map(|(_, b)| b.len()).sum();
    let base = Url::parse("https://feeds.example/").unwrap_or_else(|e| panic!("constant URL: {e}"));

    let mut failures = Vec::new();
    let mut entries = 0usize;
    for (path, bytes) in &feeds {
        match parse_feed(bytes, None, &base) {
            Ok(feed) => entries += feed.entries.len(),
            Err(e) => failures.push(format!("{path}: {e}")),
        }
    }

    let mut best = Duration::MAX;
    for _ in 0..ROUNDS {
        let started = Instant::now();
        for (_, bytes) in &feeds {
            let _ = std::hint::black_box(parse_feed(bytes, None, &base));
        }
        best = best.min(started.elapsed());
    }
    let secs = best.as_secs_f64();
    println!(
        "{} feeds, {:.1} MB, {} entries; parsed {}/{} ok",
        feeds.len(),
        total_bytes as f64 / 1e6,
        entries,
        feeds.len() - failures.len(),
        feeds.len()
    );
    println!(
        "best of {ROUNDS} rounds: {:.3}s = {:.0} feeds/s, {:.1} MB/s (single thread)",
        secs,
        feeds.len() as f64 / secs,
        total_bytes as f64 / 1e6 / secs
    );
    for failure in &failures {
        println!("  FAIL {failure}");
    }
}
