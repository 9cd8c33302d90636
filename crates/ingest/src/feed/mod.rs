//! Owns feed parsing: RSS 0.9x/1.0/2.0, Atom 0.3/1.0 and JSON Feed 1.0/1.1
//! bytes → [`ParsedFeed`], via feed-rs, with charset normalisation and
//! repairs for malformed XML.

pub(crate) mod charset;
mod html_entities;
mod xml_repair;

use chrono::{DateTime, Utc};
use feed_rs::model;
use feed_rs::parser::{ParseErrorKind, ParseFeedError};
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
}

impl From<ParseFeedError> for FeedError {
    fn from(err: ParseFeedError) -> Self {
        match err {
            ParseFeedError::ParseError(ParseErrorKind::NoFeedRoot) => FeedError::NotAFeed,
            ParseFeedError::ParseError(kind) => FeedError::Unreadable(kind.to_string()),
            ParseFeedError::IoError(e) => FeedError::Unreadable(e.to_string()),
            ParseFeedError::JsonSerde(e) => FeedError::MalformedJson(e.to_string()),
            ParseFeedError::JsonUnsupportedVersion(v) => FeedError::UnsupportedJsonVersion(v),
            ParseFeedError::XmlReader(e) => FeedError::MalformedXml(e.to_string()),
        }
    }
}

/// Parses feed bytes. `content_type` is the HTTP Content-Type header value
/// (its charset is used when the bytes are not valid UTF-8); `base` is the
/// feed's URL, against which relative links are resolved.
pub fn parse_feed(
    bytes: &[u8],
    content_type: Option<&str>,
    base: &Url,
) -> Result<ParsedFeed, FeedError> {
    let first = bytes
        .iter()
        .copied()
        .find(|b| !b.is_ascii_whitespace() && !matches!(b, 0xef | 0xbb | 0xbf));
    let Some(first) = first else {
        return Err(FeedError::Empty);
    };
    let feed = if first == b'{' {
        parse_json(&charset::to_utf8(bytes, content_type), base)?
    } else {
        parse_xml(bytes, content_type, base)?
    };
    Ok(convert_feed(feed, base))
}

/// JSON Feeds whose `version` is not one of the jsonfeed.org URLs feed-rs
/// knows (e.g. a bare "1.1") are read as JSON Feed 1.1.
fn parse_json(text: &str, base: &Url) -> Result<model::Feed, FeedError> {
    match parse_with_feed_rs(text, base) {
        Err(FeedError::UnsupportedJsonVersion(version)) => {
            let mut value: serde_json::Value =
                serde_json::from_str(text).map_err(|e| FeedError::MalformedJson(e.to_string()))?;
            let looks_like_json_feed = value.get("items").is_some_and(serde_json::Value::is_array);
            match value.get_mut("version") {
                Some(v) if looks_like_json_feed => {
                    *v = serde_json::Value::from("https://jsonfeed.org/version/1.1");
                }
                _ => return Err(FeedError::UnsupportedJsonVersion(version)),
            }
            parse_with_feed_rs(&value.to_string(), base)
        }
        other => other,
    }
}

/// XML feeds are always repaired before parsing: feed-rs silently drops text
/// containing an undefined entity or a bare `&` instead of failing, so
/// "parse, then repair on error" would lose titles without noticing.
fn parse_xml(
    bytes: &[u8],
    content_type: Option<&str>,
    base: &Url,
) -> Result<model::Feed, FeedError> {
    let text = charset::to_utf8(bytes, content_type);
    match xml_repair::repair(&text) {
        Some(repaired) => parse_with_feed_rs(&repaired, base),
        None => parse_with_feed_rs(&text, base),
    }
}

fn parse_with_feed_rs(text: &str, base: &Url) -> Result<model::Feed, FeedError> {
    feed_rs::parser::Builder::new()
        .base_uri(Some(base.as_str()))
        // An empty id tells us the publisher gave none.
        .id_generator(|_, _, _| String::new())
        .build()
        .parse(text.as_bytes())
        .map_err(FeedError::from)
}

fn convert_feed(feed: model::Feed, base: &Url) -> ParsedFeed {
    let format = match feed.feed_type {
        model::FeedType::Atom => FeedFormat::Atom,
        model::FeedType::JSON => FeedFormat::JsonFeed,
        model::FeedType::RSS0 | model::FeedType::RSS1 | model::FeedType::RSS2 => FeedFormat::Rss,
    };
    let site_url = alternate_link(&feed.links).and_then(|href| absolute(href, base));
    ParsedFeed {
        format,
        title: feed.title.as_ref().and_then(text_content),
        site_url,
        entries: feed
            .entries
            .into_iter()
            .map(|entry| convert_entry(entry, base))
            .collect(),
    }
}

fn convert_entry(entry: model::Entry, base: &Url) -> FeedEntry {
    let entry_base = entry
        .base
        .as_deref()
        .and_then(|b| base.join(b).ok())
        .unwrap_or_else(|| base.clone());
    let guid = Some(entry.id.trim().to_owned()).filter(|id| !id.is_empty());
    let url = alternate_link(&entry.links)
        .and_then(|href| absolute(href, &entry_base))
        .or_else(|| {
            guid.as_deref()
                .filter(|g| looks_like_web_url(g))
                .map(str::to_owned)
        });
    FeedEntry {
        guid,
        url,
        title: entry.title.as_ref().and_then(text_content),
        summary_html: entry.summary.as_ref().and_then(text_content),
        content_html: entry
            .content
            .as_ref()
            .and_then(|c| c.body.as_deref())
            .map(strip_xhtml_wrapper)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned),
        published: entry.published,
        updated: entry.updated,
        authors: entry.authors.iter().filter_map(author_name).collect(),
        categories: entry
            .categories
            .iter()
            .filter_map(|c| {
                c.label
                    .as_deref()
                    .and_then(non_empty)
                    .or_else(|| non_empty(&c.term))
            })
            .collect(),
        image: entry_image(&entry.media, &entry.links).and_then(|href| absolute(href, &entry_base)),
    }
}

/// A display name for a feed author. RSS `<author>` holds an e-mail
/// address, often as `me@example.com (Name)`, and feed-rs then names the
/// person "author"; `Name (me@example.com)` is common in `dc:creator`.
fn author_name(person: &model::Person) -> Option<String> {
    let name = person.name.trim();
    let raw = match person.email.as_deref() {
        Some(email) if name.is_empty() || name == "author" => email.trim(),
        _ => name,
    };
    if raw.is_empty() {
        return None;
    }
    if let Some((before, after)) = raw.split_once('(')
        && let Some(inside) = after.trim_end().strip_suffix(')')
    {
        let (before, inside) = (before.trim(), inside.trim());
        if before.contains('@') && !inside.is_empty() {
            return Some(inside.to_owned());
        }
        if inside.contains('@') && !before.is_empty() {
            return Some(before.to_owned());
        }
    }
    Some(raw.to_owned())
}

fn non_empty(s: &str) -> Option<String> {
    let trimmed = s.trim();
    (!trimmed.is_empty()).then(|| trimmed.to_owned())
}

fn text_content(text: &model::Text) -> Option<String> {
    non_empty(strip_xhtml_wrapper(&text.content))
}

/// Atom `type="xhtml"` content comes wrapped in the mandatory
/// `<div xmlns="http://www.w3.org/1999/xhtml">`; that wrapper is not content.
fn strip_xhtml_wrapper(text: &str) -> &str {
    let trimmed = text.trim();
    let Some(rest) = trimmed.strip_prefix("<div") else {
        return text;
    };
    let Some(open_end) = rest.find('>') else {
        return text;
    };
    let attrs = &rest[..open_end];
    if !attrs.contains("http://www.w3.org/1999/xhtml") || attrs.ends_with('/') {
        return text;
    }
    let inner = &rest[open_end + 1..];
    match inner.strip_suffix("</div>") {
        Some(inner)
            if !inner.contains("<div")
                || inner.matches("<div").count() == inner.matches("</div>").count() =>
        {
            inner
        }
        _ => text,
    }
}

/// The `alternate` link, or the first link that is not self/enclosure/etc.
fn alternate_link(links: &[model::Link]) -> Option<&str> {
    let rel_is = |link: &model::Link, want: &str| {
        link.rel.as_deref().map(str::trim).unwrap_or("alternate") == want
    };
    links
        .iter()
        .find(|l| rel_is(l, "alternate") && !l.href.trim().is_empty())
        .or_else(|| {
            links.iter().find(|l| {
                !l.href.trim().is_empty()
                    && !["self", "enclosure", "hub", "replies", "edit"]
                        .iter()
                        .any(|r| rel_is(l, r))
            })
        })
        .map(|l| l.href.trim())
}

fn entry_image<'a>(media: &'a [model::MediaObject], links: &'a [model::Link]) -> Option<&'a str> {
    let thumbnail = media
        .iter()
        .flat_map(|m| m.thumbnails.iter())
        .map(|t| t.image.uri.as_str())
        .next();
    let image_content = || {
        media
            .iter()
            .flat_map(|m| m.content.iter())
            .find(|c| {
                c.content_type
                    .as_ref()
                    .is_some_and(|t| t.to_string().starts_with("image/"))
                    || c.url
                        .as_ref()
                        .is_some_and(|u| has_image_extension(u.path()))
            })
            .and_then(|c| c.url.as_ref())
            .map(Url::as_str)
    };
    let image_enclosure = || {
        links
            .iter()
            .find(|l| {
                l.rel.as_deref() == Some("enclosure")
                    && l.media_type
                        .as_deref()
                        .is_some_and(|t| t.starts_with("image/"))
            })
            .map(|l| l.href.as_str())
    };
    thumbnail.or_else(image_content).or_else(image_enclosure)
}

fn has_image_extension(path: &str) -> bool {
    let lower = path.to_ascii_lowercase();
    [".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

fn looks_like_web_url(s: &str) -> bool {
    Url::parse(s).is_ok_and(|u| matches!(u.scheme(), "http" | "https"))
}

fn absolute(href: &str, base: &Url) -> Option<String> {
    base.join(href.trim()).ok().map(String::from)
}

#[cfg(test)]
mod tests;
