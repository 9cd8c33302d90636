//! gofeed's suite: feeds paired with JSON of gofeed's parse, in three shapes
//! (format-specific RSS, Atom and JSON Feed models, and the "translated"
//! universal model). Each field whose meaning matches ours is compared.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde_json::Value;
use tidings_ingest::{FeedEntry, ParsedFeed, parse_feed};
use url::Url;

use crate::Tally;
use crate::compare::{author_matches, html_matches, link_matches, title_matches};

enum Want {
    Title(String),
    Link(String),
    Id(String),
    Html(String),
    Date(Option<DateTime<Utc>>),
    Names(Vec<String>),
    Terms(Vec<String>),
}

pub fn run(dir: &Path) -> Tally {
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
        collect_pairs(&dir.join(sub), &mut pairs);
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
        let base =
            Url::parse("http://127.0.0.1/gofeed/").unwrap_or_else(|_| crate::fallback_base());
        let parsed = std::fs::read(&input)
            .map_err(|e| e.to_string())
            .and_then(|b| parse_feed(&b, None, &base).map_err(|e| e.to_string()));
        let (mut passed, mut failed, mut detail) = (0, 0, Vec::new());
        for (field, want, got) in comparisons(&expected, parsed.as_ref().ok(), &base) {
            if matches(&want, &got) {
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
                detail.push(format!(
                    "{field}: want {} got {got:?}{err}",
                    describe(&want)
                ));
            }
        }
        tally.record_file(passed, failed, label, detail);
    }
    tally
}

fn describe(want: &Want) -> String {
    match want {
        Want::Title(s) | Want::Link(s) | Want::Id(s) | Want::Html(s) => format!("{s:?}"),
        Want::Date(d) => format!("{d:?}"),
        Want::Names(v) | Want::Terms(v) => format!("{v:?}"),
    }
}

/// What we produced for a field, in comparable form.
#[derive(Debug)]
enum Got {
    Text(Option<String>),
    Date(Option<DateTime<Utc>>),
    List(Vec<String>),
}

fn matches(want: &Want, got: &Got) -> bool {
    match (want, got) {
        (Want::Title(w), Got::Text(g)) => title_matches(g.as_deref(), w),
        (Want::Link(w), Got::Text(g)) => link_matches(g.as_deref(), w),
        (Want::Id(w), Got::Text(g)) => g.as_deref().map(str::trim) == Some(w.trim()),
        (Want::Html(w), Got::Text(g)) => html_matches(g.as_deref(), w),
        (Want::Date(w), Got::Date(g)) => w == g,
        (Want::Names(w), Got::List(g)) => {
            w.len() == g.len() && w.iter().zip(g).all(|(w, g)| author_matches(Some(g), w))
        }
        (Want::Terms(w), Got::List(g)) => w == g,
        _ => false,
    }
}

fn collect_pairs(dir: &Path, pairs: &mut Vec<(PathBuf, PathBuf)>) {
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

fn text(v: &Value) -> Option<String> {
    v.as_str()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
}

/// A string, or an object's `value` (gofeed's RSS guid, Atom content).
fn text_or_value(v: &Value) -> Option<String> {
    text(v).or_else(|| text(&v["value"]))
}

fn date(v: &Value) -> Option<Option<DateTime<Utc>>> {
    let s = text(v)?;
    Some(
        DateTime::parse_from_rfc3339(&s)
            .ok()
            .map(|d| d.with_timezone(&Utc)),
    )
}

fn list(v: &Value, key: &str) -> Option<Vec<String>> {
    let items = v.as_array()?;
    let out: Vec<String> = items
        .iter()
        .filter_map(|i| text(i).or_else(|| text(&i[key])))
        .collect();
    (!out.is_empty()).then_some(out)
}

type Comparison = (String, Want, Got);

/// (field, expected, got) for each field the expected JSON states.
fn comparisons(expected: &Value, feed: Option<&ParsedFeed>, base: &Url) -> Vec<Comparison> {
    let absolute = |s: String| base.join(s.trim()).map(String::from).unwrap_or(s);
    let mut out: Vec<Comparison> = Vec::new();
    if let Some(want) = text(&expected["title"]) {
        let got = Got::Text(feed.and_then(|f| f.title.clone()));
        out.push(("title".into(), Want::Title(want), got));
    }
    // gofeed falls back to the feed's own (`self`) URL; Tidings' site link
    // is the publisher's page, so that fallback is not compared.
    let feed_link = text(&expected["feedLink"]);
    let want_link = text(&expected["link"])
        .or_else(|| text(&expected["home_page_url"]))
        .or_else(|| alternate_href(&expected["links"]))
        .filter(|link| Some(link) != feed_link.as_ref());
    if let Some(want) = want_link {
        let got = Got::Text(feed.and_then(|f| f.site_url.clone()));
        out.push(("link".into(), Want::Link(absolute(want)), got));
    }
    let items = expected["items"]
        .as_array()
        .or_else(|| expected["entries"].as_array());
    for (i, item) in items.into_iter().flatten().enumerate() {
        let entry = feed.and_then(|f| f.entries.get(i));
        item_comparisons(i, item, entry, &absolute, &mut out);
    }
    out
}

fn item_comparisons(
    i: usize,
    item: &Value,
    entry: Option<&FeedEntry>,
    absolute: &dyn Fn(String) -> String,
    out: &mut Vec<Comparison>,
) {
    let get = |f: fn(&FeedEntry) -> Option<String>| Got::Text(entry.and_then(f));
    let mut push =
        |field: &str, want: Want, got: Got| out.push((format!("items[{i}].{field}"), want, got));
    if let Some(want) = text(&item["title"]) {
        push("title", Want::Title(want), get(|e| e.title.clone()));
    }
    let link = text(&item["link"])
        .or_else(|| text(&item["url"]))
        .or_else(|| alternate_href(&item["links"]));
    if let Some(want) = link {
        push("link", Want::Link(absolute(want)), get(|e| e.url.clone()));
    }
    if let Some(want) = text_or_value(&item["guid"]).or_else(|| text(&item["id"])) {
        push("guid", Want::Id(want), get(|e| e.guid.clone()));
    }
    let summary = text(&item["description"]).or_else(|| text_or_value(&item["summary"]));
    if let Some(want) = summary {
        push("summary", Want::Html(want), get(|e| e.summary_html.clone()));
    }
    let content = text_or_value(&item["content"])
        .or_else(|| text(&item["content_html"]))
        .or_else(|| text(&item["content_text"]));
    if let Some(want) = content {
        push("content", Want::Html(want), get(|e| e.content_html.clone()));
    }
    let published = date(&item["publishedParsed"])
        .or_else(|| date(&item["pubDateParsed"]))
        .or_else(|| date(&item["date_published"]));
    if let Some(want) = published {
        push(
            "published",
            Want::Date(want),
            Got::Date(entry.and_then(|e| e.published)),
        );
    }
    let updated = date(&item["updatedParsed"]).or_else(|| date(&item["date_modified"]));
    if let Some(want) = updated {
        push(
            "updated",
            Want::Date(want),
            Got::Date(entry.and_then(|e| e.updated)),
        );
    }
    if let Some(want) = list(&item["authors"], "name") {
        let got = Got::List(entry.map(|e| e.authors.clone()).unwrap_or_default());
        push("authors", Want::Names(want), got);
    }
    let categories = list(&item["categories"], "term")
        .or_else(|| list(&item["categories"], "value"))
        .or_else(|| list(&item["tags"], "term"));
    if let Some(want) = categories {
        let got = Got::List(entry.map(|e| e.categories.clone()).unwrap_or_default());
        push("categories", Want::Terms(want), got);
    }
    if let Some(want) = text(&item["image"]["url"]).or_else(|| text(&item["image"])) {
        push(
            "image",
            Want::Link(absolute(want)),
            get(|e| e.image.clone()),
        );
    }
}

/// The `alternate` (or relation-less) link of a list of link objects.
fn alternate_href(links: &Value) -> Option<String> {
    links
        .as_array()?
        .iter()
        .find(|l| {
            l.is_object()
                && matches!(
                    l.get("rel").and_then(Value::as_str),
                    None | Some("alternate")
                )
        })
        .and_then(|l| l.get("href").and_then(Value::as_str).map(str::to_owned))
}
