//! Writes an [`OutFeed`] as JSON Feed 1.1 (<https://jsonfeed.org/version/1.1>) through serde:
//! `url` is the entry's page here, `external_url` the original, `authors` the byline or
//! publisher, dates in RFC 3339.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::Serialize;

use super::{OutEntry, OutFeed};

const VERSION: &str = "https://jsonfeed.org/version/1.1";

#[derive(Serialize)]
struct JsonFeed<'a> {
    version: &'static str,
    title: &'a str,
    home_page_url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    feed_url: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    authors: Vec<Author<'a>>,
    items: Vec<Item<'a>>,
}

#[derive(Serialize)]
struct Author<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<&'a str>,
}

#[derive(Serialize)]
struct Item<'a> {
    id: &'a str,
    url: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    external_url: Option<&'a str>,
    title: &'a str,
    content_html: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    summary: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    image: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    date_published: Option<String>,
    date_modified: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    authors: Vec<Author<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tags: Vec<&'a str>,
}

fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn item(entry: &OutEntry) -> Item<'_> {
    Item {
        id: &entry.url,
        url: &entry.url,
        external_url: entry.original.as_ref().map(|o| o.url.as_str()),
        title: &entry.title,
        content_html: &entry.content_html,
        summary: entry.summary.as_deref(),
        image: entry.image.as_deref(),
        date_published: entry.published.map(rfc3339),
        date_modified: rfc3339(entry.updated),
        authors: entry
            .author
            .as_deref()
            .map(|name| Author {
                name,
                url: entry.original.as_ref().map(|o| o.publisher_page.as_str()),
            })
            .into_iter()
            .collect(),
        tags: entry.tags.iter().map(|t| t.label.as_str()).collect(),
    }
}

/// The feed as a JSON Feed document.
pub fn write_feed(feed: &OutFeed) -> String {
    let document = JsonFeed {
        version: VERSION,
        title: &feed.title,
        home_page_url: &feed.home_page_url,
        feed_url: feed.json_url.as_deref(),
        description: feed.description.as_deref(),
        authors: vec![Author {
            name: &feed.site_title,
            url: Some(&feed.site_url),
        }],
        items: feed.entries.iter().map(item).collect(),
    };
    serde_json::to_string_pretty(&document).unwrap_or_else(|error| {
        tracing::error!(%error, "writing a JSON Feed failed");
        String::from("{}")
    })
}
