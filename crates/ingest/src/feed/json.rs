//! Owns reading JSON Feed 1.0/1.1 documents into a [`ParsedFeed`]. Fields
//! of the wrong JSON type are ignored rather than failing the feed.

use serde_json::Value;
use url::Url;

use super::dates::parse_date;
use super::entry_builder::{absolute, push_author, push_unique};
use super::limits::{self, FeedLimits, Notes};
use super::markup::{TextValue, escape_html};
use super::{FeedEntry, FeedError, FeedFormat, ParsedFeed};

/// serde_json refuses documents nested deeper than 128 levels by itself; entries past the
/// per-feed count are not read.
pub fn read(text: &str, base: &Url, limits: &FeedLimits) -> Result<ParsedFeed, FeedError> {
    let value: Value =
        serde_json::from_str(text).map_err(|e| FeedError::MalformedJson(e.to_string()))?;
    let items = value.get("items").and_then(Value::as_array);
    let version = value.get("version").and_then(Value::as_str);
    match (version, items) {
        (None, None) => return Err(FeedError::NotAFeed),
        (Some(v), None) if !v.contains("jsonfeed.org/version/") => {
            return Err(FeedError::UnsupportedJsonVersion(v.to_owned()));
        }
        _ => {}
    }
    let string = |v: &Value, key: &str| {
        v.get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
    };
    let mut notes = Notes::default();
    let objects = items.into_iter().flatten().filter(|item| item.is_object());
    let entries: Vec<FeedEntry> = objects
        .clone()
        .take(limits.max_entries)
        .map(|item| read_item(item, base, &string))
        .collect();
    notes.add(
        limits::EXTRA_ENTRY,
        objects.count().saturating_sub(entries.len()),
    );
    Ok(ParsedFeed {
        format: FeedFormat::JsonFeed,
        title: string(&value, "title").and_then(|t| TextValue::Plain(t).into_plain()),
        site_url: string(&value, "home_page_url").and_then(|u| absolute(&u, base)),
        entries,
        notes,
    })
}

fn read_item(
    item: &Value,
    base: &Url,
    string: &dyn Fn(&Value, &str) -> Option<String>,
) -> FeedEntry {
    let guid = match item.get("id") {
        Some(Value::String(s)) => Some(s.trim().to_owned()).filter(|s| !s.is_empty()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    let content_html = string(item, "content_html")
        .or_else(|| string(item, "content_text").map(|t| escape_html(&t)));
    let mut authors = Vec::new();
    let people = item
        .get("authors")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .chain(item.get("author"));
    for person in people {
        if let Some(name) = string(person, "name") {
            push_author(&mut authors, &name);
        }
    }
    let mut categories = Vec::new();
    for tag in item
        .get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
    {
        push_unique(&mut categories, tag);
    }
    FeedEntry {
        guid,
        url: string(item, "url")
            .or_else(|| string(item, "external_url"))
            .and_then(|u| absolute(&u, base)),
        title: string(item, "title").and_then(|t| TextValue::Plain(t).into_plain()),
        summary_html: string(item, "summary").map(|s| escape_html(&s)),
        content_html,
        published: string(item, "date_published").and_then(|d| parse_date(&d)),
        updated: string(item, "date_modified").and_then(|d| parse_date(&d)),
        authors,
        categories,
        image: string(item, "image")
            .or_else(|| string(item, "banner_image"))
            .and_then(|u| absolute(&u, base)),
    }
}
