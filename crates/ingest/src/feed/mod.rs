//! Owns feed parsing: RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and JSON Feed 1.0/1.1
//! bytes → [`ParsedFeed`], with charset normalisation, repairs for
//! malformed XML, and the lenient reading feeds in the wild need
//! (namespaced or unusual core elements, extension vocabularies, loose
//! dates). Titles come out as plain text, summaries and content as HTML
//! (unsanitised: the pipeline sanitises before storing). Everything read
//! stays within [`FeedLimits`]; what they dropped or cut is in
//! [`ParsedFeed::notes`].

mod atom;
pub(crate) mod charset;
mod dates;
mod entry_builder;
mod html_entities;
mod json;
pub mod limits;
mod markup;
mod rss;
mod xml_reader;
mod xml_repair;
mod xml_tree;

pub use dates::parse_date;
pub use limits::{FeedLimits, Notes};

use chrono::{DateTime, Utc};
use url::Url;

/// The syntax family a feed was written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedFormat {
    Rss,
    Atom,
    JsonFeed,
}

/// A parsed feed with the fields Tidings uses.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedFeed {
    pub format: FeedFormat,
    pub title: Option<String>,
    /// The publisher's site (the feed's alternate link), absolute.
    pub site_url: Option<String>,
    pub entries: Vec<FeedEntry>,
    /// What the limits dropped or cut while reading.
    pub notes: Notes,
}

/// One item of a feed.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedEntry {
    /// The publisher's id (`guid`, `id`); `None` when the feed gave none.
    pub guid: Option<String>,
    /// The entry's page, absolute.
    pub url: Option<String>,
    pub title: Option<String>,
    pub summary_html: Option<String>,
    pub content_html: Option<String>,
    pub published: Option<DateTime<Utc>>,
    pub updated: Option<DateTime<Utc>>,
    pub authors: Vec<String>,
    pub categories: Vec<String>,
    /// A representative image (thumbnail, image enclosure), absolute.
    pub image: Option<String>,
}

/// Why a document could not be read as a feed.
#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    #[error("empty document: no feed content")]
    Empty,
    #[error("not a feed: no RSS, Atom or JSON Feed root element found")]
    NotAFeed,
    #[error("malformed XML feed: {0}")]
    MalformedXml(String),
    #[error("malformed JSON feed: {0}")]
    MalformedJson(String),
    #[error("unsupported JSON Feed version {0:?}")]
    UnsupportedJsonVersion(String),
    #[error("unreadable feed: {0}")]
    Unreadable(String),
    #[error("feed refused: {0}")]
    OverLimit(String),
}

/// Parses feed bytes under the default [`FeedLimits`], as fetched now.
/// `content_type` is the HTTP Content-Type header value (its charset is used
/// when the bytes are not valid UTF-8); `base` is the feed's URL, against
/// which relative links are resolved.
pub fn parse_feed(
    bytes: &[u8],
    content_type: Option<&str>,
    base: &Url,
) -> Result<ParsedFeed, FeedError> {
    parse_feed_with(
        bytes,
        content_type,
        base,
        &FeedLimits::default(),
        Utc::now(),
    )
}

/// Parses feed bytes within `limits`; dates later than `fetched_at` (beyond
/// the allowed skew) are read as `fetched_at`, dates before 1970 as unknown.
pub fn parse_feed_with(
    bytes: &[u8],
    content_type: Option<&str>,
    base: &Url,
    limits: &FeedLimits,
    fetched_at: DateTime<Utc>,
) -> Result<ParsedFeed, FeedError> {
    let mut feed = parse_unlimited_fields(bytes, content_type, base, limits)?;
    limits::apply(&mut feed, limits, fetched_at);
    Ok(feed)
}

/// Reads the feed (the tree within `limits`); fields are limited afterwards.
fn parse_unlimited_fields(
    bytes: &[u8],
    content_type: Option<&str>,
    base: &Url,
    limits: &FeedLimits,
) -> Result<ParsedFeed, FeedError> {
    let first = bytes
        .iter()
        .copied()
        .find(|b| !b.is_ascii_whitespace() && !matches!(b, 0xef | 0xbb | 0xbf));
    let Some(first) = first else {
        return Err(FeedError::Empty);
    };
    if first == b'{' {
        return json::read(&charset::to_utf8(bytes, content_type), base, limits);
    }
    parse_xml(bytes, content_type, base, limits)
}

/// XML feeds are always repaired before parsing (undefined entities, bare
/// ampersands, truncated end tags...), then read as a tree and dispatched
/// on the root element.
fn parse_xml(
    bytes: &[u8],
    content_type: Option<&str>,
    base: &Url,
    limits: &FeedLimits,
) -> Result<ParsedFeed, FeedError> {
    let text = charset::to_utf8(bytes, content_type);
    // The repaired copy replaces the original, so only one copy is held while parsing.
    let source = match xml_repair::repair(&text) {
        Some(repaired) => repaired,
        None => text,
    };
    let (root, notes) = xml_reader::parse_with(&source, limits).map_err(|e| match e {
        xml_reader::TreeError::NoRoot => FeedError::NotAFeed,
        xml_reader::TreeError::Xml(message) => FeedError::MalformedXml(message),
        xml_reader::TreeError::Limit(message) => FeedError::OverLimit(message),
    })?;
    let mut feed = match root.name.to_ascii_lowercase().as_str() {
        "rss" | "rdf" | "channel" => rss::read(&root, base),
        "feed" => atom::read(&root, base),
        _ => return Err(FeedError::NotAFeed),
    };
    feed.notes.merge(notes);
    Ok(feed)
}

/// A display name for a feed author. RSS `<author>` holds an e-mail
/// address, often as `me@example.com (Name)`; `Name (me@example.com)` and
/// `Name <me@example.com>` are common too. The name wins over the address.
pub(crate) fn author_name(raw: &str, email: Option<&str>) -> Option<String> {
    let raw = raw.trim();
    let raw = if raw.is_empty() {
        email.map(str::trim).unwrap_or_default()
    } else {
        raw
    };
    if raw.is_empty() {
        return None;
    }
    for (open, close) in [('(', ')'), ('<', '>')] {
        if let Some((before, after)) = raw.split_once(open)
            && let Some(inside) = after.trim_end().strip_suffix(close)
        {
            let (before, inside) = (before.trim(), inside.trim());
            if before.contains('@') && !inside.is_empty() && !inside.contains('@') {
                return Some(inside.to_owned());
            }
            if inside.contains('@') && !before.is_empty() {
                return Some(before.to_owned());
            }
        }
    }
    Some(raw.to_owned())
}

fn looks_like_web_url(s: &str) -> bool {
    Url::parse(s).is_ok_and(|u| matches!(u.scheme(), "http" | "https"))
}

#[cfg(test)]
mod tests;
