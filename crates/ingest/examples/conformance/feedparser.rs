//! feedparser's suite: each file's `Expect:` reduced to checks on
//! feedparser's field names, mapped onto `ParsedFeed` where the meaning is
//! the same. Everything else counts as "does not apply", with its reason.

use std::collections::BTreeMap;
use std::path::Path;

use serde_json::{Value, json};
use tidings_ingest::{FeedEntry, ParsedFeed, parse_feed};
use url::Url;

use crate::Tally;
use crate::compare::{
    author_matches, date_matches, html_matches, link_matches, text_matches, title_matches,
};

/// What a feedparser path means in our model.
enum Mapped {
    NotApplicable(&'static str),
    Title(Option<String>),
    Html(Option<String>),
    Link(Option<String>),
    Id(Option<String>),
    Author(Option<String>),
    Date(Option<chrono::DateTime<chrono::Utc>>),
}

pub fn run(dir: &Path, reasons: &mut BTreeMap<&'static str, usize>) -> Tally {
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
        let checks = match row["checks"].as_array() {
            Some(checks) => checks.clone(),
            None => match chained_checks(row["expect"].as_str().unwrap_or_default()) {
                Some(checks) => checks,
                None => {
                    *reasons
                        .entry("(whole files) Expect expression not reducible to field checks")
                        .or_default() += 1;
                    tally.files_not_applicable += 1;
                    continue;
                }
            },
        };
        let header = |name: &str| {
            row["headers"].as_object().and_then(|h| {
                h.iter()
                    .find(|(k, _)| k.eq_ignore_ascii_case(name))
                    .and_then(|(_, v)| v.as_str())
            })
        };
        // The suite serves each file from 127.0.0.1:8097; a Content-Location
        // header overrides the document URL.
        let doc_url = Url::parse(&format!("http://127.0.0.1:8097/{file}"))
            .unwrap_or_else(|_| crate::fallback_base());
        // Tidings only ever fetches http(s), so only such a base is taken.
        let base = header("content-location")
            .and_then(|loc| doc_url.join(loc).ok())
            .filter(|u| matches!(u.scheme(), "http" | "https"))
            .unwrap_or(doc_url);
        let parsed = std::fs::read(dir.join(&file))
            .map_err(|e| e.to_string())
            .and_then(|bytes| {
                parse_feed(&bytes, header("content-type"), &base).map_err(|e| e.to_string())
            });
        let empty = ParsedFeed {
            format: tidings_ingest::FeedFormat::Rss,
            title: None,
            site_url: None,
            entries: Vec::new(),
            notes: Default::default(),
        };
        let feed = parsed.as_ref().unwrap_or(&empty);
        let (mut passed, mut failed, mut detail) = (0, 0, Vec::new());
        for check in &checks {
            let path = check["path"].as_array().cloned().unwrap_or_default();
            let want = &check["value"];
            let mapped = not_applicable_by_topic(&file, &path)
                .map(Mapped::NotApplicable)
                .unwrap_or_else(|| map_path(feed, &path));
            let want_str = want.as_str().unwrap_or_default();
            let outcome = match &mapped {
                Mapped::NotApplicable(reason) => {
                    *reasons.entry(reason).or_default() += 1;
                    None
                }
                _ if check["op"] != "==" => {
                    *reasons.entry("comparison other than ==").or_default() += 1;
                    None
                }
                Mapped::Title(got) => Some(title_matches(got.as_deref(), want_str)),
                Mapped::Html(got) => Some(html_matches(got.as_deref(), want_str)),
                Mapped::Link(got) if want.is_string() => {
                    Some(link_matches(got.as_deref(), want_str))
                }
                Mapped::Author(got) => Some(author_matches(got.as_deref(), want_str)),
                Mapped::Link(got) | Mapped::Id(got) => Some(text_matches(got.as_deref(), want)),
                Mapped::Date(got) => Some(date_matches(*got, want)),
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
                        Ok(_) => describe(&mapped),
                        Err(e) => format!("error: {e}"),
                    };
                    detail.push(format!("{path:?} expected {want} got {got}"));
                }
            }
        }
        tally.record_file(passed, failed, file, detail);
    }
    tally
}

/// Whole topics Tidings does not model.
fn not_applicable_by_topic(file: &str, _path: &[Value]) -> Option<&'static str> {
    if file.contains("/sanitize/") {
        // feedparser's own sanitiser output; Tidings sanitises later, with
        // its own allow-list.
        return Some("feedparser HTML sanitising");
    }
    None
}

fn index(path: &[Value], at: usize) -> usize {
    path.get(at)
        .and_then(Value::as_u64)
        .and_then(|i| usize::try_from(i).ok())
        .unwrap_or(usize::MAX)
}

fn map_path(feed: &ParsedFeed, path: &[Value]) -> Mapped {
    let keys: Vec<Option<&str>> = path.iter().map(Value::as_str).collect();
    match keys.as_slice() {
        [Some("bozo" | "bozo_exception")] => Mapped::NotApplicable("bozo (malformed) flag"),
        [Some("encoding")] => Mapped::NotApplicable("detected encoding name"),
        [Some("version")] => Mapped::NotApplicable("feed format version string"),
        [Some("feed"), Some("title")] | [Some("feed"), Some("title_detail"), Some("value")] => {
            Mapped::Title(feed.title.clone())
        }
        [Some("feed"), Some("link")] => Mapped::Link(feed.site_url.clone()),
        [Some("feed"), ..] => Mapped::NotApplicable("feed-level field Tidings does not keep"),
        [Some("entries"), None, rest @ ..] => {
            let entry = feed.entries.get(index(path, 1));
            map_entry_path(entry, rest, path)
        }
        _ => Mapped::NotApplicable("top-level field Tidings does not keep"),
    }
}

fn map_entry_path(entry: Option<&FeedEntry>, rest: &[Option<&str>], path: &[Value]) -> Mapped {
    let get = |f: fn(&FeedEntry) -> Option<String>| entry.and_then(f);
    match rest {
        [Some("title")] | [Some("title_detail"), Some("value")] => {
            Mapped::Title(get(|e| e.title.clone()))
        }
        [Some("link")] => Mapped::Link(get(|e| e.url.clone())),
        [Some("id" | "guid")] => Mapped::Id(get(|e| e.guid.clone())),
        [Some("summary" | "description")] | [Some("summary_detail"), Some("value")] => {
            Mapped::Html(get(|e| {
                e.summary_html.clone().or_else(|| e.content_html.clone())
            }))
        }
        [Some("content"), None, Some("value")] if index(path, 3) == 0 => {
            Mapped::Html(get(|e| e.content_html.clone()))
        }
        [Some("author")] | [Some("author_detail"), Some("name")] => {
            Mapped::Author(get(|e| e.authors.first().cloned()))
        }
        [Some("authors"), None, Some("name")] => {
            let i = index(path, 3);
            Mapped::Author(entry.and_then(|e| e.authors.get(i).cloned()))
        }
        [Some("tags"), None, Some("term")] => {
            let i = index(path, 3);
            Mapped::Id(entry.and_then(|e| e.categories.get(i).cloned()))
        }
        [Some("category")] => Mapped::Id(get(|e| e.categories.first().cloned())),
        [Some("image"), Some("href")] => Mapped::Link(get(|e| e.image.clone())),
        [Some("published_parsed")] => Mapped::Date(entry.and_then(|e| e.published)),
        [Some("updated_parsed")] => Mapped::Date(entry.and_then(|e| e.updated.or(e.published))),
        [Some("published" | "updated" | "created")] => {
            Mapped::NotApplicable("raw date string (Tidings keeps the parsed date)")
        }
        [Some(_), Some("language" | "base" | "type"), ..] => {
            Mapped::NotApplicable("text construct language/base/type")
        }
        _ => Mapped::NotApplicable("entry field Tidings does not keep"),
    }
}

fn describe(mapped: &Mapped) -> String {
    match mapped {
        Mapped::NotApplicable(reason) => format!("n/a ({reason})"),
        Mapped::Title(t)
        | Mapped::Html(t)
        | Mapped::Link(t)
        | Mapped::Id(t)
        | Mapped::Author(t) => format!("{t:?}"),
        Mapped::Date(d) => format!("{d:?}"),
    }
}

/// Reduces the few expressions left unreduced that are plain chains of
/// entry-field equalities (`entries[0]['link'] == entries[1]['link'] ==
/// '…'`) or a missing entry link, to checks.
fn chained_checks(expect: &str) -> Option<Vec<Value>> {
    let expr = expect.trim().trim_start_matches("not bozo and ").trim();
    if let Some(rest) = expr.strip_prefix("not entries[") {
        let (i, tail) = rest.split_once(']')?;
        if tail == ".has_key('link')" {
            let i: u64 = i.parse().ok()?;
            return Some(vec![
                json!({"path": ["entries", i, "link"], "op": "==", "value": null}),
            ]);
        }
        return None;
    }
    let parts: Vec<&str> = expr.split(" == ").map(str::trim).collect();
    let (literal, fields) = parts.split_last()?;
    let value = literal.strip_prefix('\'')?.strip_suffix('\'')?;
    if fields.is_empty() || value.contains('\'') {
        return None;
    }
    fields
        .iter()
        .map(|field| {
            let rest = field.strip_prefix("entries[")?;
            let (i, rest) = rest.split_once("]['")?;
            let key = rest.strip_suffix("']")?;
            if key.contains(['[', ']', '\'']) {
                return None;
            }
            let i: u64 = i.parse().ok()?;
            Some(json!({"path": ["entries", i, key], "op": "==", "value": value}))
        })
        .collect()
}
