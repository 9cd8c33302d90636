//! Hit rates of title, byline, published time and site name on Mozilla Readability's test pages
//! (`<name>/source.html` with `expected-metadata.json`).
//!
//! `cargo run --release -p tidings-extract --example metadata -- /work/shared/data/extraction/readability-pages [-v]`
//! Title and site name count on every page: a hit when both are absent, or both present and
//! equal after collapsing whitespace and case. Byline and published time count only on pages
//! that declare them (the bar is "right on the pages that have them"): bylines compare without
//! a leading "By", published times compare as instants (or as wall-clock times when the
//! expected value has no zone, as dates when it has no time).

use std::path::Path;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime};
use tidings_extract::{ExtractOptions, extract};

fn normalise(value: Option<&str>) -> Option<String> {
    value
        .map(|v| {
            v.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase()
        })
        .filter(|v| !v.is_empty())
}

/// Expected published times come in several shapes; returns the instant or, without a zone,
/// the wall-clock time.
fn parse_time(raw: &str) -> Option<(Option<DateTime<FixedOffset>>, NaiveDateTime)> {
    let raw = raw.trim();
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f%:z",
        "%Y-%m-%dT%H:%M:%S%.f%z",
        "%Y-%m-%dT%H:%M:%S%z",
    ] {
        if let Ok(time) = DateTime::parse_from_str(raw, format) {
            return Some((Some(time), time.naive_local()));
        }
    }
    if let Ok(time) = DateTime::parse_from_rfc3339(raw) {
        return Some((Some(time), time.naive_local()));
    }
    for format in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(time) = NaiveDateTime::parse_from_str(raw.trim_end_matches('Z'), format) {
            return Some((None, time));
        }
    }
    NaiveDate::parse_from_str(raw, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| (None, t))
}

fn same_time(want: &str, got: &str) -> bool {
    let (Some(want), Some((Some(got), got_local))) = (parse_time(want), parse_time(got)) else {
        return false;
    };
    match want {
        (Some(instant), _) => instant == got,
        (None, wall) if wall.time() == chrono::NaiveTime::MIN => wall.date() == got_local.date(),
        (None, wall) => wall == got_local,
    }
}

fn without_by(value: Option<String>) -> Option<String> {
    value.map(|v| v.strip_prefix("by ").map(str::to_string).unwrap_or(v))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let dir = Path::new(args.get(1).map_or(
        "/work/shared/data/extraction/readability-pages",
        String::as_str,
    ));
    let verbose = args.iter().any(|a| a == "-v");
    let fields = ["title", "byline", "publishedTime", "siteName"];
    let mut hits = [0usize; 4];
    let mut counted = [0usize; 4];
    let mut pages = 0usize;
    let mut entries: Vec<_> = std::fs::read_dir(dir)?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .collect();
    entries.sort();
    for page_dir in entries.iter().filter(|p| p.join("source.html").exists()) {
        let expected: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(
            page_dir.join("expected-metadata.json"),
        )?)?;
        let bytes = std::fs::read(page_dir.join("source.html"))?;
        let url = url::Url::parse("http://fakehost/test/page.html").ok();
        let article = extract(&bytes, None, &ExtractOptions { url }).ok();
        pages += 1;
        let got = [
            article.as_ref().and_then(|a| a.title.clone()),
            article.as_ref().and_then(|a| a.byline.clone()),
            article
                .as_ref()
                .and_then(|a| a.published.map(|d| d.to_rfc3339())),
            article.as_ref().and_then(|a| a.site_name.clone()),
        ];
        for (i, field) in fields.iter().enumerate() {
            let want = expected[field].as_str().filter(|w| !w.trim().is_empty());
            let declared_only = matches!(*field, "byline" | "publishedTime");
            if declared_only && want.is_none() {
                continue;
            }
            counted[i] += 1;
            let hit = match (*field, want, got[i].as_deref()) {
                (_, None, None) => true,
                ("publishedTime", Some(w), Some(g)) => same_time(w, g),
                ("byline", w, g) => without_by(normalise(w)) == without_by(normalise(g)),
                (_, w, g) => normalise(w) == normalise(g),
            };
            if hit {
                hits[i] += 1;
            } else if verbose {
                let name = page_dir
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                println!("{name:<32} {field:<14} want {want:?} got {:?}", got[i]);
            }
        }
    }
    println!("pages={pages}");
    for ((field, hit), counted) in fields.iter().zip(hits).zip(counted) {
        println!(
            "{field:<14} {hit}/{counted} = {:.3}",
            hit as f64 / counted.max(1) as f64
        );
    }
    Ok(())
}
