//! Regression tests on the Zyte benchmark pages in the shared data folder: snapshots of the
//! text of ten pages, and the corpus F1. Skipped with a note when the folder is absent.

#[path = "common/zyte_metric.rs"]
mod zyte_metric;

use std::path::{Path, PathBuf};

use tidings_extract::{ExtractOptions, extract};
use zyte_metric::ZytePage;

fn corpus() -> Option<Vec<ZytePage>> {
    let dir: PathBuf = std::env::var_os("TIDINGS_ZYTE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/extraction/zyte")
        });
    if !dir.join("ground-truth.json").exists() {
        println!(
            "note: {} is absent; skipping the Zyte regression tests",
            dir.display()
        );
        return None;
    }
    Some(zyte_metric::load_corpus(&dir).expect("corpus loads"))
}

fn text_of(page: &ZytePage) -> String {
    extract(
        &page.html,
        None,
        &ExtractOptions {
            url: page.url.clone(),
        },
    )
    .map(|a| a.text)
    .unwrap_or_else(|e| format!("error: {e}"))
}

#[test]
fn snapshot_of_ten_pages() {
    let Some(pages) = corpus() else { return };
    for page in pages.iter().step_by(18).take(10) {
        insta::assert_snapshot!(format!("zyte_{}", &page.id[..12]), text_of(page));
    }
}

#[test]
fn corpus_f1_stays_above_floor() {
    let Some(pages) = corpus() else { return };
    let scores: Vec<_> = pages
        .iter()
        .map(|page| zyte_metric::score_page(&page.truth, &text_of(page)))
        .collect();
    let (precision, recall, f1) = zyte_metric::corpus_score(&scores);
    println!("zyte: precision={precision:.4} recall={recall:.4} F1={f1:.4}");
    assert!(
        f1 >= 0.97,
        "F1 {f1:.4} fell below 0.97 (P={precision:.4} R={recall:.4})"
    );
}

#[test]
fn metric_matches_hand_counts() {
    let perfect = zyte_metric::score_page("one two three four five", "one two three four five");
    assert_eq!((perfect.precision(), perfect.recall()), (1.0, 1.0));
    // truth shingles: [a b c d], [b c d e]; predicted: [a b c d], [b c d x] → tp 1, fp 1, fn 1.
    let half = zyte_metric::score_page("a b c d e", "a b c d x");
    assert!((half.precision() - 0.5).abs() < 1e-9 && (half.recall() - 0.5).abs() < 1e-9);
    let empty = zyte_metric::score_page("a b c d", "");
    assert_eq!((empty.precision(), empty.recall()), (0.0, 0.0));
}
