//! Feed-parser conformance: runs `parse_feed` over feedparser's and gofeed's
//! test suites (in `../shared/data/feeds`, or the folder given as the first
//! argument) and prints pass rates per suite.
//!
//! `cargo run -p tidings-ingest --release --example conformance [DATA_DIR] [--verbose]`
//!
//! Only checks whose meaning matches a `ParsedFeed` field are scored; the
//! rest (bozo flags, detected encodings, feedparser's sanitised or
//! URI-rewritten HTML, fields Tidings does not keep) count as "does not
//! apply", separately from failures, and are listed by reason.

mod compare;
mod feedparser;
mod gofeed;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use url::Url;

#[derive(Default)]
pub struct Tally {
    files_passed: usize,
    files_failed: usize,
    files_not_applicable: usize,
    checks_passed: usize,
    checks_failed: usize,
    checks_not_applicable: usize,
    failures: Vec<String>,
}

impl Tally {
    fn print(&self, suite: &str, verbose: bool) {
        let scored = self.files_passed + self.files_failed;
        let checks = self.checks_passed + self.checks_failed;
        println!(
            "{suite}: files {}/{} passed ({:.1}%), {} does-not-apply; checks {}/{} passed ({:.1}%), {} does-not-apply",
            self.files_passed,
            scored,
            percent(self.files_passed, scored),
            self.files_not_applicable,
            self.checks_passed,
            checks,
            percent(self.checks_passed, checks),
            self.checks_not_applicable,
        );
        let all_files = scored + self.files_not_applicable;
        let all_checks = checks + self.checks_not_applicable;
        println!(
            "{suite} (does-not-apply counted as failed): files {}/{} ({:.1}%); checks {}/{} ({:.1}%)",
            self.files_passed,
            all_files,
            percent(self.files_passed, all_files),
            self.checks_passed,
            all_checks,
            percent(self.checks_passed, all_checks),
        );
        if verbose {
            for failure in &self.failures {
                println!("  FAIL {failure}");
            }
        }
    }

    fn record_file(&mut self, passed: usize, failed: usize, label: String, detail: Vec<String>) {
        if failed > 0 {
            self.files_failed += 1;
            self.failures
                .push(format!("{label}: {}", detail.join("; ")));
        } else if passed > 0 {
            self.files_passed += 1;
        } else {
            self.files_not_applicable += 1;
        }
    }
}

fn percent(part: usize, whole: usize) -> f64 {
    if whole == 0 {
        0.0
    } else {
        100.0 * part as f64 / whole as f64
    }
}

pub fn fallback_base() -> Url {
    Url::parse("http://127.0.0.1/").unwrap_or_else(|e| panic!("constant URL: {e}"))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let verbose = args.iter().any(|a| a == "--verbose");
    let data_dir = args
        .iter()
        .find(|a| !a.starts_with("--"))
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/feeds")
        });
    let mut reasons = BTreeMap::new();
    let feedparser = feedparser::run(&data_dir.join("feedparser"), &mut reasons);
    feedparser.print("feedparser", verbose);
    println!("feedparser does-not-apply checks by reason:");
    for (reason, count) in &reasons {
        println!("  {count:5}  {reason}");
    }
    let gofeed = gofeed::run(&data_dir.join("gofeed"));
    gofeed.print("gofeed", verbose);
}
