//! Feeds out: the site's lists as Atom 1.0 and JSON Feed 1.1 — the whole site, each tag,
//! each source, each story and any search (`/feed.atom`, `/tag/{slug}/feed.json`, …) — and
//! the one Atom writer the briefing's feed uses too.
//!
//! A feed is built once as an [`OutFeed`] and written in either format ([`atom`],
//! [`json_feed`]). Entries point at the Tidings article page (id and link) and at the original
//! (`rel="via"`, `external_url`), and carry the attribution "Article originally published at
//! <Publisher>". Bodies depend only on the data, so the page cache's strong ETag stays the same
//! while nothing changes and feed readers get their 304s.

pub mod atom;
pub mod json_feed;
mod routes;
mod site_base;

use axum::http::header;
use axum::response::{IntoResponse, Response};
use chrono::{DateTime, Utc};
use tidings_core::Article;

use crate::article_body::escape_html;

pub use routes::routes;
pub use site_base::{SiteBase, request_host};

/// The most entries a feed lists.
pub const MAX_ENTRIES: u32 = 50;

/// The media type of an Atom document.
pub const ATOM_TYPE: &str = "application/atom+xml; charset=utf-8";
/// The media type of a JSON Feed.
pub const JSON_FEED_TYPE: &str = "application/feed+json; charset=utf-8";

/// A feed as both formats write it.
#[derive(Debug, Clone)]
pub struct OutFeed {
    pub title: String,
    pub description: Option<String>,
    /// The absolute URL of the page the feed mirrors.
    pub home_page_url: String,
    /// The absolute URL of the Atom form (its id and `rel="self"`).
    pub atom_url: String,
    /// The absolute URL of the JSON Feed form, when there is one.
    pub json_url: Option<String>,
    /// Who the feed is by when an entry names no author: the site.
    pub site_title: String,
    pub site_url: String,
    /// The newest entry's time (a feed without entries: the start of the Unix epoch, so the
    /// body stays the same until something is listed).
    pub updated: DateTime<Utc>,
    pub entries: Vec<OutEntry>,
}

/// One entry of a feed.
#[derive(Debug, Clone)]
pub struct OutEntry {
    /// The absolute URL of the entry's page on this site (its id and link).
    pub url: String,
    pub title: String,
    pub published: Option<DateTime<Utc>>,
    pub updated: DateTime<Utc>,
    /// The byline, else the publisher; `None` leaves the feed's author to stand.
    pub author: Option<String>,
    /// The article this entry mirrors, at its publisher.
    pub original: Option<Original>,
    /// Plain text.
    pub summary: Option<String>,
    /// HTML (escaped by the writers): the summary and the attribution.
    pub content_html: String,
    pub image: Option<String>,
    pub tags: Vec<EntryTag>,
}

/// Where an entry's article was first published.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Original {
    pub url: String,
    pub publisher: String,
    /// The publisher's page on this site (absolute).
    pub publisher_page: String,
}

/// A hashtag of an entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EntryTag {
    pub label: String,
    /// The tag's page on this site (absolute).
    pub url: String,
}

impl OutFeed {
    /// A feed of `entries` (newest first), `updated` at the newest of them.
    pub fn new(
        title: String,
        base: &SiteBase,
        site_title: &str,
        page_path: &str,
        feed_path: &str,
        entries: Vec<OutEntry>,
    ) -> Self {
        let updated = entries
            .iter()
            .map(|e| e.updated)
            .max()
            .unwrap_or(DateTime::UNIX_EPOCH);
        OutFeed {
            title,
            description: None,
            home_page_url: base.url(page_path),
            atom_url: base.url(&format!("{feed_path}.atom")),
            json_url: Some(base.url(&format!("{feed_path}.json"))),
            site_title: site_title.to_owned(),
            site_url: base.url("/"),
            updated,
            entries,
        }
    }
}

impl OutEntry {
    /// The entry for a stored article: its page here, the original, the attribution.
    pub fn for_article(article: &Article, base: &SiteBase) -> Self {
        let url = base.url(&format!("/article/{}", article.id));
        let publisher_page = base.url(&format!("/source/{}", article.publisher_slug));
        let original =
            crate::article_body::safe_outside_url(article.original_url()).map(|url| Original {
                url,
                publisher: article.publisher.clone(),
                publisher_page: publisher_page.clone(),
            });
        let summary = Some(article.excerpt.trim().to_owned()).filter(|s| !s.is_empty());
        let content_html = entry_html(summary.as_deref(), &article.publisher, original.as_ref());
        let author = article
            .byline
            .as_deref()
            .map(str::trim)
            .filter(|b| !b.is_empty())
            .unwrap_or(&article.publisher)
            .to_owned();
        OutEntry {
            url,
            title: article.title.clone(),
            published: article.published_at,
            updated: article.shown_at().max(article.fetched_at),
            author: Some(author),
            original,
            summary,
            content_html,
            image: article
                .image
                .as_deref()
                .and_then(crate::article_body::safe_outside_url),
            tags: article
                .tags
                .iter()
                .map(|t| EntryTag {
                    label: t.label.clone(),
                    url: base.url(&format!("/tag/{}", t.slug)),
                })
                .collect(),
        }
    }
}

/// The HTML of an entry: its summary and the attribution with a link to the original.
fn entry_html(summary: Option<&str>, publisher: &str, original: Option<&Original>) -> String {
    let mut html = String::new();
    if let Some(summary) = summary {
        html.push_str(&format!("<p>{}</p>", escape_html(summary)));
    }
    match original {
        Some(original) => html.push_str(&format!(
            "<p>Article originally published at <a href=\"{}\">{}</a></p>",
            escape_html(&original.url),
            escape_html(publisher)
        )),
        None => html.push_str(&format!(
            "<p>Article originally published by {}</p>",
            escape_html(publisher)
        )),
    }
    html
}

/// The two formats a feed is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedFormat {
    Atom,
    Json,
}

impl FeedFormat {
    /// The format named by a path's last part (`feed.atom`, `feed.json`).
    pub fn from_file(file: &str) -> Option<Self> {
        match file {
            "feed.atom" => Some(FeedFormat::Atom),
            "feed.json" => Some(FeedFormat::Json),
            _ => None,
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            FeedFormat::Atom => "atom",
            FeedFormat::Json => "json",
        }
    }
}

/// The feed written in `format`, with its media type.
pub fn feed_response(feed: &OutFeed, format: FeedFormat) -> Response {
    match format {
        FeedFormat::Atom => {
            ([(header::CONTENT_TYPE, ATOM_TYPE)], atom::write_feed(feed)).into_response()
        }
        FeedFormat::Json => (
            [(header::CONTENT_TYPE, JSON_FEED_TYPE)],
            json_feed::write_feed(feed),
        )
            .into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_html_escapes_and_attributes() {
        let original = Original {
            url: "https://ex.example/a?x=1&y=\"2\"".into(),
            publisher: "Ben & <Jerry>".into(),
            publisher_page: "https://t.example/source/ben-jerry".into(),
        };
        let html = entry_html(Some("1 < 2"), &original.publisher, Some(&original));
        assert_eq!(
            html,
            "<p>1 &lt; 2</p><p>Article originally published at \
             <a href=\"https://ex.example/a?x=1&amp;y=&quot;2&quot;\">Ben &amp; &lt;Jerry&gt;</a></p>"
        );
        assert_eq!(
            entry_html(None, "Metro", None),
            "<p>Article originally published by Metro</p>"
        );
    }

    #[test]
    fn formats_are_named_by_the_file() {
        assert_eq!(FeedFormat::from_file("feed.atom"), Some(FeedFormat::Atom));
        assert_eq!(FeedFormat::from_file("feed.json"), Some(FeedFormat::Json));
        assert_eq!(FeedFormat::from_file("feed.xml"), None);
    }
}
