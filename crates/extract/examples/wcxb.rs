//! Scores the extractor on the article pages of the WCXB dev split with the benchmark's metric:
//! per page, the bag-of-words F1 of the lower-cased `\w+` tokens against
//! `ground_truth.main_content`; the corpus figure is the mean of the per-page F1s.
//!
//! `cargo run --release -p tidings-extract --example wcxb -- /work/shared/data/extraction/wcxb-dev-articles [WORST_N] [ID]`
//! prints mean F1, precision and recall, speed and the worst pages; with an ID it also prints
//! that page's extracted text and its ground truth.

use std::collections::HashMap;
use std::io::Read;
use std::path::Path;
use std::time::{Duration, Instant};

use tidings_extract::{ExtractOptions, extract};

struct WcxbPage {
    id: String,
    url: Option<url::Url>,
    html: Vec<u8>,
    truth: String,
}

fn load_corpus(dir: &Path) -> Result<Vec<WcxbPage>, Box<dyn std::error::Error>> {
    let mut ids: Vec<String> = std::fs::read_dir(dir.join("ground-truth"))?
        .filter_map(Result::ok)
        .filter_map(|e| {
            e.file_name()
                .to_str()
                .and_then(|n| n.strip_suffix(".json"))
                .map(str::to_string)
        })
        .collect();
    ids.sort();
    let mut pages = Vec::new();
    for id in ids {
        let record: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(
            dir.join("ground-truth").join(format!("{id}.json")),
        )?)?;
        let mut html = Vec::new();
        let file = std::fs::File::open(dir.join("html").join(format!("{id}.html.gz")))?;
        flate2::read::GzDecoder::new(file).read_to_end(&mut html)?;
        pages.push(WcxbPage {
            url: record["url"].as_str().and_then(|u| url::Url::parse(u).ok()),
            truth: record["ground_truth"]["main_content"]
                .as_str()
                .unwrap_or("")
                .to_string(),
            id,
            html,
        });
    }
    Ok(pages)
}

fn bag(text: &str, words: &regex::Regex) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for word in words.find_iter(&text.to_lowercase()) {
        *counts.entry(word.as_str().to_string()).or_insert(0) += 1;
    }
    counts
}

/// (precision, recall, F1) of one page.
fn score(truth: &str, predicted: &str, words: &regex::Regex) -> (f64, f64, f64) {
    let truth = bag(truth, words);
    let predicted = bag(predicted, words);
    let truth_len: usize = truth.values().sum();
    let predicted_len: usize = predicted.values().sum();
    if truth_len == 0 && predicted_len == 0 {
        return (1.0, 1.0, 1.0);
    }
    if truth_len == 0 || predicted_len == 0 {
        return (0.0, 0.0, 0.0);
    }
    let overlap: usize = predicted
        .iter()
        .map(|(word, n)| (*n).min(truth.get(word).copied().unwrap_or(0)))
        .sum();
    let p = overlap as f64 / predicted_len as f64;
    let r = overlap as f64 / truth_len as f64;
    let f1 = if p + r > 0.0 {
        2.0 * p * r / (p + r)
    } else {
        0.0
    };
    (p, r, f1)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let dir = Path::new(args.get(1).map_or(
        "/work/shared/data/extraction/wcxb-dev-articles",
        String::as_str,
    ));
    let worst_n: usize = args.get(2).and_then(|n| n.parse().ok()).unwrap_or(10);
    let only = args.get(3);
    let words = regex::Regex::new(r"\w+")?;
    let pages = load_corpus(dir)?;
    let mut per_page = Vec::new();
    let mut elapsed = Duration::ZERO;
    for page in pages.iter().filter(|p| only.is_none_or(|o| *o == p.id)) {
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
        let (p, r, f1) = score(&page.truth, &predicted, &words);
        per_page.push((page.id.clone(), p, r, f1));
    }
    let n = per_page.len().max(1) as f64;
    let mean =
        |pick: fn(&(String, f64, f64, f64)) -> f64| per_page.iter().map(pick).sum::<f64>() / n;
    let (p, r, f1) = (mean(|x| x.1), mean(|x| x.2), mean(|x| x.3));
    per_page.sort_by(|a, b| a.3.total_cmp(&b.3));
    println!("worst pages (precision, recall, F1):");
    for (id, p, r, f1) in per_page.iter().take(worst_n) {
        println!("  {id}  P={p:.3} R={r:.3} F1={f1:.3}");
    }
    println!(
        "pages={} mean_F1={f1:.4} mean_precision={p:.4} mean_recall={r:.4} pages/s={:.0} ms/page={:.2}",
        per_page.len(),
        n / elapsed.as_secs_f64(),
        elapsed.as_secs_f64() * 1000.0 / n
    );
    Ok(())
}
