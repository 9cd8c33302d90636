//! Owns the limits a feed must stay within, whatever its publisher sends: element nesting,
//! element and attribute counts, entity expansion, entries per feed, categories and authors
//! per entry, field lengths, and the window a date must fall in. Every limit that is hit
//! leaves a [`Notes`] count, so the poll can record one line on the feed saying what was
//! dropped or cut.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::{FeedEntry, ParsedFeed};

/// Limits applied while a feed is read. The defaults are far above what real feeds need.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedLimits {
    /// Elements nested deeper than this are flattened: their text is kept in the deepest
    /// element kept, their tags are dropped.
    pub max_depth: usize,
    /// Elements kept in one document; further elements are flattened the same way.
    pub max_elements: usize,
    /// Attributes kept per element; the rest are dropped.
    pub max_attributes: usize,
    /// Characters one declared entity (`<!ENTITY a "…">`) may stand for.
    pub max_entity_chars: usize,
    /// Characters all references to declared entities may expand to, in total.
    pub max_expansion_chars: usize,
    /// Entries kept per feed (the first ones, which are the newest in practice).
    pub max_entries: usize,
    pub max_categories: usize,
    pub max_authors: usize,
    pub max_title_chars: usize,
    pub max_summary_chars: usize,
    pub max_content_chars: usize,
    pub max_author_chars: usize,
    pub max_category_chars: usize,
    /// Links and ids longer than this are dropped (a cut URL would point elsewhere).
    pub max_link_chars: usize,
    /// How far ahead of the fetch a date may be (clock skew); later dates become the fetch
    /// time.
    pub future_skew: Duration,
}

impl Default for FeedLimits {
    fn default() -> Self {
        FeedLimits {
            max_depth: 64,
            max_elements: 200_000,
            max_attributes: 64,
            max_entity_chars: 16 * 1024,
            max_expansion_chars: 1024 * 1024,
            max_entries: 500,
            max_categories: 32,
            max_authors: 16,
            max_title_chars: 1_000,
            max_summary_chars: 64 * 1024,
            max_content_chars: 512 * 1024,
            max_author_chars: 200,
            max_category_chars: 100,
            max_link_chars: 2_048,
            future_skew: Duration::minutes(10),
        }
    }
}

/// What the limits dropped or cut, counted by kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Notes {
    counts: BTreeMap<&'static str, usize>,
}

impl Notes {
    pub fn add(&mut self, what: &'static str, count: usize) {
        if count > 0 {
            *self.counts.entry(what).or_default() += count;
        }
    }

    pub fn is_empty(&self) -> bool {
        self.counts.is_empty()
    }

    pub fn merge(&mut self, other: Notes) {
        for (what, count) in other.counts {
            self.add(what, count);
        }
    }

    /// How often `what` was noted.
    pub fn count(&self, what: &str) -> usize {
        self.counts.get(what).copied().unwrap_or(0)
    }

    /// One line: "limits applied: 3 × title cut to 1000 characters; …", or `None`.
    pub fn summary(&self) -> Option<String> {
        if self.counts.is_empty() {
            return None;
        }
        let parts: Vec<String> = self
            .counts
            .iter()
            .map(|(what, count)| format!("{count} × {what}"))
            .collect();
        Some(format!("limits applied: {}", parts.join("; ")))
    }
}

/// Note kinds (also the wording of the summary line).
pub const DEEP_ELEMENT: &str = "element nested too deep, flattened";
pub const DEEP_HTML: &str = "HTML nested too deep, flattened";
pub const EXTRA_ELEMENT: &str = "element over the per-feed count, flattened";
pub const EXTRA_ATTRIBUTE: &str = "attribute over the per-element count, dropped";
pub const EXTRA_ENTRY: &str = "entry over the per-feed count, dropped";
pub const EXTRA_CATEGORY: &str = "category over the per-entry count, dropped";
pub const EXTRA_AUTHOR: &str = "author over the per-entry count, dropped";
pub const LONG_TITLE: &str = "title too long, cut";
pub const LONG_SUMMARY: &str = "summary too long, cut";
pub const LONG_CONTENT: &str = "content too long, cut";
pub const LONG_AUTHOR: &str = "author too long, cut";
pub const LONG_CATEGORY: &str = "category too long, cut";
pub const LONG_LINK: &str = "link or id too long, dropped";
pub const FUTURE_DATE: &str = "date in the future, read as the fetch time";
pub const EARLY_DATE: &str = "date before 1970, read as unknown";

/// Applies the per-feed and per-entry limits and the date window to a read feed.
pub fn apply(feed: &mut ParsedFeed, limits: &FeedLimits, fetched_at: DateTime<Utc>) {
    let notes = &mut feed.notes;
    if feed.entries.len() > limits.max_entries {
        notes.add(EXTRA_ENTRY, feed.entries.len() - limits.max_entries);
        feed.entries.truncate(limits.max_entries);
    }
    if let Some(title) = &mut feed.title {
        cut(title, limits.max_title_chars, LONG_TITLE, notes);
    }
    if feed
        .site_url
        .as_ref()
        .is_some_and(|u| u.chars().count() > limits.max_link_chars)
    {
        notes.add(LONG_LINK, 1);
        feed.site_url = None;
    }
    for entry in &mut feed.entries {
        limit_entry(entry, limits, fetched_at, notes);
    }
}

fn limit_entry(
    entry: &mut FeedEntry,
    limits: &FeedLimits,
    fetched_at: DateTime<Utc>,
    notes: &mut Notes,
) {
    for field in [&mut entry.guid, &mut entry.url, &mut entry.image] {
        if field
            .as_ref()
            .is_some_and(|v| v.chars().count() > limits.max_link_chars)
        {
            notes.add(LONG_LINK, 1);
            *field = None;
        }
    }
    if let Some(title) = &mut entry.title {
        cut(title, limits.max_title_chars, LONG_TITLE, notes);
    }
    if let Some(summary) = &mut entry.summary_html {
        flatten(summary, notes);
        cut(summary, limits.max_summary_chars, LONG_SUMMARY, notes);
    }
    if let Some(content) = &mut entry.content_html {
        flatten(content, notes);
        cut(content, limits.max_content_chars, LONG_CONTENT, notes);
    }
    cap_list(
        &mut entry.authors,
        limits.max_authors,
        limits.max_author_chars,
        (EXTRA_AUTHOR, LONG_AUTHOR),
        notes,
    );
    cap_list(
        &mut entry.categories,
        limits.max_categories,
        limits.max_category_chars,
        (EXTRA_CATEGORY, LONG_CATEGORY),
        notes,
    );
    entry.published = clamp_date(entry.published, fetched_at, limits, notes);
    entry.updated = clamp_date(entry.updated, fetched_at, limits, notes);
}

fn cap_list(
    list: &mut Vec<String>,
    max_items: usize,
    max_chars: usize,
    (extra, long): (&'static str, &'static str),
    notes: &mut Notes,
) {
    if list.len() > max_items {
        notes.add(extra, list.len() - max_items);
        list.truncate(max_items);
    }
    for item in list.iter_mut() {
        cut(item, max_chars, long, notes);
    }
}

/// HTML (escaped in the feed, so not part of the XML tree) nested deeper than
/// [`tidings_extract::MAX_FRAGMENT_DEPTH`] loses its deepest tags, keeping their text.
fn flatten(html: &mut String, notes: &mut Notes) {
    let (bounded, flattened) =
        tidings_extract::bound_nesting(html, tidings_extract::MAX_FRAGMENT_DEPTH);
    if flattened {
        let bounded = bounded.into_owned();
        *html = bounded;
        notes.add(DEEP_HTML, 1);
    }
}

/// Cuts `text` to at most `max_chars` characters (at a character boundary).
pub fn cut(text: &mut String, max_chars: usize, what: &'static str, notes: &mut Notes) {
    if text.len() <= max_chars {
        return;
    }
    if let Some((end, _)) = text.char_indices().nth(max_chars) {
        text.truncate(end);
        notes.add(what, 1);
    }
}

/// A date later than the fetch (beyond the allowed skew) becomes the fetch time; one before
/// 1970 becomes unknown.
pub fn clamp_date(
    date: Option<DateTime<Utc>>,
    fetched_at: DateTime<Utc>,
    limits: &FeedLimits,
    notes: &mut Notes,
) -> Option<DateTime<Utc>> {
    let date = date?;
    if date > fetched_at + limits.future_skew {
        notes.add(FUTURE_DATE, 1);
        return Some(fetched_at);
    }
    if date < Utc.timestamp_opt(0, 0).single().unwrap_or(date) {
        notes.add(EARLY_DATE, 1);
        return None;
    }
    Some(date)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_at_a_character_boundary() {
        let mut notes = Notes::default();
        let mut text = "ééééé".to_string();
        cut(&mut text, 3, LONG_TITLE, &mut notes);
        assert_eq!(text, "ééé");
        assert_eq!(notes.count(LONG_TITLE), 1);
        let mut short = "abc".to_string();
        cut(&mut short, 3, LONG_TITLE, &mut notes);
        assert_eq!((short.as_str(), notes.count(LONG_TITLE)), ("abc", 1));
    }

    #[test]
    fn summary_names_each_kind_once() {
        let mut notes = Notes::default();
        notes.add(LONG_TITLE, 2);
        notes.add(EXTRA_ENTRY, 5);
        notes.add(LONG_TITLE, 1);
        let line = notes.summary().expect("notes");
        assert!(line.contains("3 × title too long"), "{line}");
        assert!(line.contains("5 × entry over"), "{line}");
        assert!(!line.contains('\n'));
    }
}
