//! Hit rates of title, byline, published time and site name on Mozilla Readability's test pages
//! (`<name>/source.html` with `expected-metadata.json`).
//!
//! `cargo run --release -p tidings-extract --example metadata -- /work/shared/data/extraction/readability-pages [-v]`
//! A field counts as a hit when both are absent, or both present and equal after collapsing
//! whitespace and case; published times compare as instants.

use std::path::Path;

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

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let dir = Path::new(args.get(1).map_or(
        "/work/shared/data/extraction/readability-pages",
        String::as_str,
    ));
    let verbose = args.iter().any(|a| a == "-v");
    let fields = ["title", "byline", "publishedTime", "siteName"];
    let mut hits = [0usize; 4];
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
            let want = expected[field].as_str();
            let hit = if *field == "publishedTime" {
                let parse = |s: &str| chrono::DateTime::parse_from_rfc3339(s).ok();
                match (want, got[i].as_deref()) {
                    (None, None) => true,
                    (Some(w), Some(g)) => {
                        parse(w).is_some_and(|w| parse(g) == Some(w))
                            || normalise(Some(w)) == normalise(Some(g))
                    }
                    _ => false,
                }
            } else {
                normalise(want) == normalise(got[i].as_deref())
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
    for (field, hit) in fields.iter().zip(hits) {
        println!(
            "{field:<14} {hit}/{pages} = {:.3}",
            hit as f64 / pages.max(1) as f64
        );
    }
    Ok(())
}
