//! Feed-parser conformance: runs `parse_feed` over feedparser's and gofeed's
//! test suites (in `../shared/data/feeds`, or the folder given as the first
//! argument) and prints pass rates per suite.
//!
//! `cargo run -p tidings-ingest --release --example conformance [DATA_DIR] [--verbose]`
//!
//! Only checks whose meaning matches a `ParsedFeed` field are scored; the rest
//! (bozo flags, detected encodings, sanitised HTML, fields we do not keep) are
//! counted as "does not apply", separately from failures.

use std::path::{Path, PathBuf};

use serde_json::Value;
use tidings_ingest::{ParsedFeed, parse_feed};
use url::Url;

#[derive(Default)]
struct Tally {
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
    let feedparser = run_feedparser(&data_dir.join("feedparser"));
    feedparser.print("feedparser", verbose);
    let gofeed = run_gofeed(&data_dir.join("gofeed"));
    gofeed.print("gofeed", verbose);
}

// ---------- feedparser ----------

enum Mapped {
    NotApplicable,
    Text(Option<String>),
    Date(Option<chrono::DateTime<chrono::Utc>>),
}

fn run_feedparser(dir: &Path) -> Tally {
    let mut tally = Tally::default();
    let Ok(lines) = std::fs::read_to_string(dir.join("expectations.jsonl")) else {
        eprintln!("no feedparser expectations under {}", dir.display());
        return tally;
    };
    for line in lines.lines().filter(|l| !l.trim().is_empty()) {
        let Ok(row) = serde_json::from_str::<Value>(line) else {
            continue;
        };
        let file = row["file"].as_str().unwrap_or_default().to_owned();
        let Some(checks) = row["checks"].as_array() else {
            tally.files_not_applicable += 1;
            continue;
        };
        // feedparser sanitises embedded HTML; Tidings keeps the publisher's
        // HTML and sanitises later, so these tests do not apply.
        let sanitising = file.contains("/sanitize/");
        // feedparser also rewrites relative URIs inside embedded HTML; we
        // resolve only the entry and feed links.
        let rewrites_embedded_uris = file.contains("/base/");
        let content_type = row["headers"]
            .as_object()
            .and_then(|h| {
                h.iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case("content-type"))
            })
            .and_then(|(_, v)| v.as_str());
        // feedparser's suite serves each file from 127.0.0.1:8097 and lets a
        // Content-Location header override the document URL.
        let doc_url = Url::parse(&format!("http://127.0.0.1:8097/{file}"))
            .unwrap_or_else(|_| fallback_base());
        let content_location = row["headers"]
            .as_object()
            .and_then(|h| {
                h.iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case("content-location"))
            })
            .and_then(|(_, v)| v.as_str());
        let base = content_location
            .and_then(|loc| doc_url.join(loc).ok())
            .unwrap_or(doc_url);
        let parsed = std::fs::read(dir.join(&file))
            .map_err(|e| e.to_string())
            .and_then(|bytes| parse_feed(&bytes, content_type, &base).map_err(|e| e.to_string()));
        let (mut passed, mut failed, mut detail) = (0, 0, Vec::new());
        for check in checks {
            let path = check["path"].as_array().cloned().unwrap_or_default();
            let embedded_html = path.iter().any(|k| {
                matches!(
                    k.as_str(),
                    Some(
                        "summary"
                            | "description"
                            | "content"
                            | "title"
                            | "title_detail"
                            | "summary_detail"
                    )
                )
            });
            let mapped = if sanitising || (rewrites_embedded_uris && embedded_html) {
                Mapped::NotApplicable
            } else {
                match &parsed {
                    Ok(feed) => map_feedparser_path(feed, &path),
                    Err(_) => match map_feedparser_path(&empty_feed(), &path) {
                        Mapped::NotApplicable => Mapped::NotApplicable,
                        _ => Mapped::Text(None),
                    },
                }
            };
            let outcome = match mapped {
                Mapped::NotApplicable => None,
                Mapped::Text(got) => Some(text_matches(got.as_deref(), &check["value"])),
                Mapped::Date(got) => Some(date_matches(got, &check["value"])),
            };
            match outcome {
                None => tally.checks_not_applicable += 1,
                Some(true) => {
                    tally.checks_passed += 1;
                    passed += 1;
                }
                Some(false) => {
                    tally.checks_failed += 1;
                    failed += 1;
                    let got = match &parsed {
                        Ok(feed) => describe_mapped(map_feedparser_path(feed, &path)),
                        Err(e) => format!("error: {e}"),
                    };
                    detail.push(format!("{path:?} expected {} got {got}", check["value"]));
                }
            }
        }
        tally.record_file(passed, failed, file, detail);
    }
    tally
}

fn fallback_base() -> Url {
    Url::parse("http://127.0.0.1/").unwrap_or_else(|e| panic!("constant URL: {e}"))
}

fn empty_feed() -> ParsedFeed {
    ParsedFeed {
        format: tidings_ingest::FeedFormat::Rss,
        title: None,
        site_url: None,
        entries: Vec::new(),
    }
}

fn key(v: &Value) -> Option<&str> {
    v.as_str()
}

fn map_feedparser_path(feed: &ParsedFeed, path: &[Value]) -> Mapped {
    let keys: Vec<Option<&str>> = path.iter().map(key).collect();
    match keys.as_slice() {
        [Some("feed"), Some("title")] | [Some("feed"), Some("title_detail"), Some("value")] => {
            Mapped::Text(feed.title.clone())
        }
        [Some("feed"), Some("link")] => Mapped::Text(feed.site_url.clone()),
        [Some("entries"), None, rest @ ..] => {
            let index = path[1].as_u64().unwrap_or(u64::MAX) as usize;
            let entry = feed.entries.get(index);
            let field = |f: fn(&tidings_ingest::FeedEntry) -> Option<String>| {
                Mapped::Text(entry.and_then(f))
            };
            match rest {
                [Some("title")] | [Some("title_detail"), Some("value")] => {
                    field(|e| e.title.clone())
                }
                [Some("link")] => field(|e| e.url.clone()),
                [Some("id")] | [Some("guid")] => field(|e| e.guid.clone()),
                [Some("summary" | "description")] | [Some("summary_detail"), Some("value")] => {
                    field(|e| e.summary_html.clone().or_else(|| e.content_html.clone()))
                }
                [Some("content"), None, Some("value")] if path[3].as_u64() == Some(0) => {
                    field(|e| e.content_html.clone())
                }
                [Some("author")] | [Some("author_detail"), Some("name")] => {
                    field(|e| e.authors.first().cloned())
                }
                [Some("authors"), None, Some("name")] => {
                    let i = path[3].as_u64().unwrap_or(u64::MAX) as usize;
                    Mapped::Text(entry.and_then(|e| e.authors.get(i).cloned()))
                }
                [Some("tags"), None, Some("term")] => {
                    let i = path[3].as_u64().unwrap_or(u64::MAX) as usize;
                    Mapped::Text(entry.and_then(|e| e.categories.get(i).cloned()))
                }
                [Some("published_parsed")] => Mapped::Date(entry.and_then(|e| e.published)),
                [Some("updated_parsed")] => {
                    Mapped::Date(entry.and_then(|e| e.updated.or(e.published)))
                }
                _ => Mapped::NotApplicable,
            }
        }
        _ => Mapped::NotApplicable,
    }
}

fn describe_mapped(mapped: Mapped) -> String {
    match mapped {
        Mapped::NotApplicable => "n/a".into(),
        Mapped::Text(t) => format!("{t:?}"),
        Mapped::Date(d) => format!("{d:?}"),
    }
}

fn text_matches(got: Option<&str>, expected: &Value) -> bool {
    match expected {
        Value::String(want) => got.map(str::trim) == Some(want.trim()),
        Value::Null => got.is_none(),
        _ => false,
    }
}

fn date_matches(got: Option<chrono::DateTime<chrono::Utc>>, expected: &Value) -> bool {
    use chrono::{Datelike, Timelike};
    let Some(parts) = expected.as_array() else {
        return got.is_none() && expected.is_null();
    };
    let want: Vec<i64> = parts.iter().take(6).filter_map(Value::as_i64).collect();
    got.is_some_and(|d| {
        want == [
            i64::from(d.year()),
            i64::from(d.month()),
            i64::from(d.day()),
            i64::from(d.hour()),
            i64::from(d.minute()),
            i64::from(d.second()),
        ]
    })
}

// ---------- gofeed ----------

fn run_gofeed(dir: &Path) -> Tally {
    let mut tally = Tally::default();
    let mut pairs = Vec::new();
    for sub in [
        "parser/atom",
        "parser/rss",
        "parser/json",
        "translator/atom",
        "translator/rss",
        "translator/json",
    ] {
        collect_gofeed_pairs(&dir.join(sub), &mut pairs);
    }
    pairs.sort();
    for (input, expected) in pairs {
        let label = input
            .strip_prefix(dir)
            .unwrap_or(&input)
            .display()
            .to_string();
        let Some(expected) = std::fs::read_to_string(&expected)
            .ok()
            .and_then(|s| serde_json::from_str::<Value>(&s).ok())
        else {
            continue;
        };
        let base = Url::parse("http://127.0.0.1/gofeed/").unwrap_or_else(|_| fallback_base());
        let parsed = std::fs::read(&input)
            .map_err(|e| e.to_string())
            .and_then(|b| parse_feed(&b, None, &base).map_err(|e| e.to_string()));
        let (mut passed, mut failed, mut detail) = (0, 0, Vec::new());
        for (field, want, got) in gofeed_comparisons(&expected, parsed.as_ref().ok(), &base) {
            if want == got {
                tally.checks_passed += 1;
                passed += 1;
            } else {
                tally.checks_failed += 1;
                failed += 1;
                let err = parsed
                    .as_ref()
                    .err()
                    .map(|e| format!(" [{e}]"))
                    .unwrap_or_default();
                detail.push(format!("{field}: want {want:?} got {got:?}{err}"));
            }
        }
        tally.record_file(passed, failed, label, detail);
    }
    tally
}

fn collect_gofeed_pairs(dir: &Path, pairs: &mut Vec<(PathBuf, PathBuf)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        if let Some(stem) = name.strip_suffix(".xml") {
            let expected = dir.join(format!("{stem}.json"));
            if expected.exists() {
                pairs.push((path, expected));
            }
        } else if let Some(stem) = name.strip_suffix("_expected.json") {
            let input = dir.join(format!("{stem}.json"));
            if input.exists() {
                pairs.push((input, path));
            }
        }
    }
}

/// (field, expected, got) for each field the expected JSON states.
fn gofeed_comparisons(
    expected: &Value,
    feed: Option<&ParsedFeed>,
    base: &Url,
) -> Vec<(String, Option<String>, Option<String>)> {
    let absolute = |s: &str| {
        base.join(s.trim())
            .map(String::from)
            .unwrap_or_else(|_| s.to_owned())
    };
    let text = |v: &Value| {
        v.as_str()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
    };
    let mut out = Vec::new();
    if let Some(want) = text(&expected["title"]) {
        out.push((
            "title".into(),
            Some(want),
            feed.and_then(|f| f.title.clone()),
        ));
    }
    let want_link = text(&expected["link"])
        .or_else(|| text(&expected["home_page_url"]))
        .or_else(|| alternate_href(&expected["links"]));
    if let Some(want) = want_link {
        out.push((
            "link".into(),
            Some(absolute(&want)),
            feed.and_then(|f| f.site_url.clone()),
        ));
    }
    let items = expected["items"]
        .as_array()
        .or_else(|| expected["entries"].as_array());
    for (i, item) in items.into_iter().flatten().enumerate() {
        let entry = feed.and_then(|f| f.entries.get(i));
        if let Some(want) = text(&item["title"]) {
            out.push((
                format!("items[{i}].title"),
                Some(want),
                entry.and_then(|e| e.title.clone()),
            ));
        }
        let link = text(&item["link"])
            .or_else(|| text(&item["url"]))
            .or_else(|| alternate_href(&item["links"]));
        if let Some(want) = link {
            out.push((
                format!("items[{i}].link"),
                Some(absolute(&want)),
                entry.and_then(|e| e.url.clone()),
            ));
        }
        let guid = text(&item["guid"])
            .or_else(|| text(&item["guid"]["value"]))
            .or_else(|| text(&item["id"]));
        if let Some(want) = guid {
            out.push((
                format!("items[{i}].guid"),
                Some(want),
                entry.and_then(|e| e.guid.clone()),
            ));
        }
    }
    out
}

fn alternate_href(links: &Value) -> Option<String> {
    let links = links.as_array()?;
    let href = |l: &Value| l.get("href").and_then(Value::as_str).map(str::to_owned);
    links
        .iter()
        .find(|l| {
            matches!(
                l.get("rel").and_then(Value::as_str),
                None | Some("alternate")
            )
        })
        .and_then(href)
        .or_else(|| {
            links
                .first()
                .and_then(|l| l.as_str().map(str::to_owned).or_else(|| href(l)))
        })
}
