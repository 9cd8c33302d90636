//! Owns finding feeds: `<link rel="alternate">` feed links in an HTML page,
//! and sniffing whether fetched bytes are a feed at all.

use scraper::{Html, Selector};
use url::Url;

use crate::feed::FeedFormat;

/// A feed advertised by an HTML page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DiscoveredFeed {
    /// Absolute feed URL.
    pub url: String,
    pub title: Option<String>,
    pub format: FeedFormat,
}

/// Feed links declared in `html`, resolved against `<base href>` or `base`,
/// without duplicates, in document order.
pub fn discover_feeds(html: &str, base: &Url) -> Vec<DiscoveredFeed> {
    let document = Html::parse_document(html);
    let (Ok(links), Ok(base_tag)) = (Selector::parse("link[href]"), Selector::parse("base[href]"))
    else {
        return Vec::new();
    };
    let base = document
        .select(&base_tag)
        .next()
        .and_then(|b| b.value().attr("href"))
        .and_then(|href| base.join(href.trim()).ok())
        .unwrap_or_else(|| base.clone());
    let mut found: Vec<DiscoveredFeed> = Vec::new();
    for link in document.select(&links) {
        let element = link.value();
        let is_alternate = element.attr("rel").is_some_and(|rel| {
            rel.split_ascii_whitespace()
                .any(|token| token.eq_ignore_ascii_case("alternate"))
        });
        if !is_alternate {
            continue;
        }
        let Some(format) = element.attr("type").and_then(feed_format_of_media_type) else {
            continue;
        };
        let Some(url) = element
            .attr("href")
            .and_then(|href| base.join(href.trim()).ok())
            .filter(|u| matches!(u.scheme(), "http" | "https"))
        else {
            continue;
        };
        let url = String::from(url);
        if found.iter().any(|f| f.url == url) {
            continue;
        }
        let title = element
            .attr("title")
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned);
        found.push(DiscoveredFeed { url, title, format });
    }
    found
}

fn feed_format_of_media_type(media_type: &str) -> Option<FeedFormat> {
    let essence = media_type.split(';').next()?.trim().to_ascii_lowercase();
    match essence.as_str() {
        "application/rss+xml" | "application/rdf+xml" => Some(FeedFormat::Rss),
        "application/atom+xml" => Some(FeedFormat::Atom),
        "application/feed+json" | "application/json" => Some(FeedFormat::JsonFeed),
        _ => None,
    }
}

/// Whether `bytes` look like an RSS, Atom or JSON feed (rather than an HTML
/// page or anything else). Looks at the first element or JSON object; the
/// Content-Type only decides for JSON bodies that lack a version marker.
pub fn looks_like_feed(bytes: &[u8], content_type: Option<&str>) -> bool {
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]);
    let head = head.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n']);
    if head.starts_with('{') {
        let is_json_feed_type =
            content_type.is_some_and(|t| t.to_ascii_lowercase().contains("feed+json"));
        return head.contains("jsonfeed.org/version") || is_json_feed_type;
    }
    match first_element_name(head) {
        Some(name) => {
            let local = name
                .rsplit(':')
                .next()
                .unwrap_or(&name)
                .to_ascii_lowercase();
            matches!(local.as_str(), "rss" | "feed" | "rdf")
        }
        None => false,
    }
}

/// The name of the first element, skipping the XML declaration, processing
/// instructions, comments and the doctype.
fn first_element_name(mut text: &str) -> Option<String> {
    loop {
        text = text.trim_start();
        let skip_to = if text.starts_with("<?") {
            "?>"
        } else if text.starts_with("<!--") {
            "-->"
        } else if text.starts_with("<!") {
            ">"
        } else {
            break;
        };
        let end = text.find(skip_to)?;
        text = &text[end + skip_to.len()..];
    }
    let rest = text.strip_prefix('<')?;
    let name: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || matches!(c, ':' | '_' | '-' | '.'))
        .collect();
    (!name.is_empty()).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_alternate_feed_links() {
        let html = r#"<html><head>
            <link rel="stylesheet" href="/s.css" type="text/css">
            <link rel="alternate" type="application/rss+xml" title=" Main feed " href="/feed.xml">
            <link rel="Alternate home" type="application/atom+xml" href="atom.xml">
            <link rel="alternate" type="application/feed+json" href="https://cdn.example/f.json">
            <link rel="alternate" type="application/rss+xml" href="/feed.xml">
            <link rel="alternate" type="text/html" hreflang="fr" href="/fr/">
            <link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
        </head><body></body></html>"#;
        let base = Url::parse("https://site.example/blog/post").expect("url");
        let found = discover_feeds(html, &base);
        let urls: Vec<_> = found.iter().map(|f| f.url.as_str()).collect();
        assert_eq!(
            urls,
            vec![
                "https://site.example/feed.xml",
                "https://site.example/blog/atom.xml",
                "https://cdn.example/f.json"
            ]
        );
        assert_eq!(found[0].title.as_deref(), Some("Main feed"));
        assert_eq!(found[1].format, FeedFormat::Atom);
    }

    #[test]
    fn honours_base_element() {
        let html = r#"<head><base href="https://other.example/x/"><link rel=alternate type=application/atom+xml href=a.xml></head>"#;
        let base = Url::parse("https://site.example/").expect("url");
        assert_eq!(
            discover_feeds(html, &base)[0].url,
            "https://other.example/x/a.xml"
        );
    }

    #[test]
    fn sniffs_feeds_and_rejects_html() {
        assert!(looks_like_feed(
            b"\xef\xbb\xbf<?xml version=\"1.0\"?>\n<!-- hi --><rss version=\"2.0\">",
            None
        ));
        assert!(looks_like_feed(
            b"<feed xmlns=\"http://www.w3.org/2005/Atom\">",
            None
        ));
        assert!(looks_like_feed(
            b"<?xml version=\"1.0\"?><rdf:RDF xmlns:rdf=\"x\">",
            None
        ));
        assert!(looks_like_feed(
            br#"{"version": "https://jsonfeed.org/version/1.1", "items": []}"#,
            None
        ));
        assert!(!looks_like_feed(
            b"<!DOCTYPE html><html><head>",
            Some("application/rss+xml")
        ));
        assert!(!looks_like_feed(
            br#"{"hello": 1}"#,
            Some("application/json")
        ));
        assert!(!looks_like_feed(b"", None));
    }
}
