//! Owns assembling a [`FeedEntry`] from an item's elements, including the
//! extension vocabularies RSS and Atom feeds share (Dublin Core, DC terms,
//! `content:encoded`, Media RSS, iTunes). Core fields win over extension
//! fallbacks whatever their order in the document.

use std::sync::LazyLock;

use chrono::{DateTime, Utc};
use regex::Regex;
use url::Url;

use super::dates::parse_date;
use super::markup::{TextValue, rss_html, rss_text};
use super::xml_tree::{Element, XHTML_NS};
use super::{FeedEntry, author_name};

pub const ATOM10_NS: &str = "http://www.w3.org/2005/Atom";
pub const ATOM03_NS: &str = "http://purl.org/atom/ns#";
const DC_NS: &str = "http://purl.org/dc/elements/1.1/";
const DCTERMS_NS: &str = "http://purl.org/dc/terms/";
const CONTENT_NS: &str = "http://purl.org/rss/1.0/modules/content/";

/// Extension vocabularies, recognised by namespace URI.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vocabulary {
    Atom,
    DublinCore,
    DcTerms,
    Content,
    Media,
    Itunes,
    Xhtml,
    Other,
}

pub fn vocabulary(ns: &str) -> Vocabulary {
    let lower = ns.trim().trim_end_matches('/').to_ascii_lowercase();
    match lower.as_str() {
        l if l == ATOM10_NS.to_ascii_lowercase() || l == ATOM03_NS => Vocabulary::Atom,
        l if l == DC_NS.trim_end_matches('/') => Vocabulary::DublinCore,
        l if l == DCTERMS_NS.trim_end_matches('/') => Vocabulary::DcTerms,
        l if l == CONTENT_NS.trim_end_matches('/') => Vocabulary::Content,
        "http://search.yahoo.com/mrss" | "http://video.search.yahoo.com/mrss" => Vocabulary::Media,
        "http://www.itunes.com/dtds/podcast-1.0.dtd" => Vocabulary::Itunes,
        l if l == XHTML_NS => Vocabulary::Xhtml,
        _ => Vocabulary::Other,
    }
}

/// Collects candidate values; `finish` applies precedence.
#[derive(Default)]
pub struct EntryBuilder {
    pub guid: Option<String>,
    pub url: Option<String>,
    pub title: Option<TextValue>,
    pub summary: Option<TextValue>,
    pub content: Option<TextValue>,
    pub published: Option<DateTime<Utc>>,
    pub updated: Option<DateTime<Utc>>,
    pub authors: Vec<String>,
    pub categories: Vec<String>,
    pub image: Option<String>,
    fallback_title: Option<TextValue>,
    fallback_summary: Option<TextValue>,
    fallback_published: Option<DateTime<Utc>>,
    fallback_authors: Vec<String>,
}

impl EntryBuilder {
    /// Handles an extension element; returns `false` when it is not one.
    pub fn extension(&mut self, element: &Element, base: &Url) -> bool {
        let name = element.name.to_ascii_lowercase();
        match (vocabulary(&element.ns), name.as_str()) {
            (Vocabulary::DublinCore, "title") => {
                set_once(&mut self.fallback_title, rss_text(element));
            }
            (Vocabulary::DublinCore, "description") => {
                set_once(&mut self.fallback_summary, rss_html(element));
            }
            (Vocabulary::DublinCore, "creator" | "author") => {
                push_author(&mut self.authors, &element.text());
            }
            (Vocabulary::DublinCore, "contributor") | (Vocabulary::Itunes, "author") => {
                push_author(&mut self.fallback_authors, &element.text());
            }
            (Vocabulary::DublinCore, "subject") | (Vocabulary::Media, "category") => {
                push_unique(&mut self.categories, &element.text());
            }
            (Vocabulary::DublinCore, "date") | (Vocabulary::DcTerms, "issued" | "created") => {
                if self.fallback_published.is_none() {
                    self.fallback_published = parse_date(&element.text());
                }
            }
            (Vocabulary::DcTerms, "modified") => {
                if self.updated.is_none() {
                    self.updated = parse_date(&element.text());
                }
            }
            (Vocabulary::Content, "encoded") => {
                set_once(&mut self.content, rss_html(element));
            }
            (Vocabulary::Xhtml, "body" | "div") => {
                set_once(&mut self.content, TextValue::Html(element.inner_xml()));
            }
            (Vocabulary::Itunes, "summary" | "subtitle") | (Vocabulary::Media, "description") => {
                set_once(&mut self.fallback_summary, rss_text(element));
            }
            (Vocabulary::Media, "title") => set_once(&mut self.fallback_title, rss_text(element)),
            (Vocabulary::Itunes, "category") => self.itunes_category(element),
            (Vocabulary::Itunes, "keywords") => {
                for keyword in element.text().split(',') {
                    push_unique(&mut self.categories, keyword);
                }
            }
            (Vocabulary::Itunes, "link") => {
                if element.attr("rel").is_some_and(|r| r.trim() == "image") {
                    self.set_image(element.attr("href"), base);
                }
            }
            (Vocabulary::Itunes, "image") => {
                let href = element.attr("href").or_else(|| element.attr("url"));
                self.set_image(href, base);
            }
            (Vocabulary::Media, "thumbnail") => self.set_image(element.attr("url"), base),
            (Vocabulary::Media, "content") => {
                if is_image(
                    element.attr("medium"),
                    element.attr("type"),
                    element.attr("url"),
                ) {
                    self.set_image(element.attr("url"), base);
                }
                for child in element.elements() {
                    self.extension(child, base);
                }
            }
            (Vocabulary::Media, "group") => {
                for child in element.elements() {
                    self.extension(child, base);
                }
            }
            _ => return false,
        }
        true
    }

    fn itunes_category(&mut self, element: &Element) {
        if let Some(text) = element.attr("text") {
            push_unique(&mut self.categories, text);
        }
        for child in element.elements() {
            if vocabulary(&child.ns) == Vocabulary::Itunes && child.name == "category" {
                self.itunes_category(child);
            }
        }
    }

    /// An RSS `<enclosure>` or Atom `rel="enclosure"` link.
    pub fn enclosure(&mut self, href: Option<&str>, media_type: Option<&str>, base: &Url) {
        if is_image(None, media_type, None) {
            self.set_image(href, base);
        }
    }

    pub fn set_image(&mut self, href: Option<&str>, base: &Url) {
        if self.image.is_none() {
            self.image = href.and_then(|h| absolute(h, base));
        }
    }

    /// `base` resolves an image found inside the entry's HTML, and its relative
    /// URLs, unless it is on another site than the entry's page: then the page
    /// is the base (see `tidings_extract::same_site`).
    pub fn finish(self, base: &Url) -> FeedEntry {
        let page = self.url.as_deref().and_then(|u| Url::parse(u).ok());
        let base = match page {
            Some(page) if !tidings_extract::same_site(base, &page) => page,
            _ => base.clone(),
        };
        let base = &base;
        let summary_html = self
            .summary
            .and_then(TextValue::into_html)
            .or_else(|| self.fallback_summary.and_then(TextValue::into_html))
            .map(|html| resolve_html_urls(&html, base));
        let content_html = self
            .content
            .and_then(TextValue::into_html)
            .map(|html| resolve_html_urls(&html, base));
        let image = self.image.or_else(|| {
            [&content_html, &summary_html]
                .into_iter()
                .flatten()
                .find_map(|html| first_img_src(html))
                .and_then(|src| absolute(&src, base))
        });
        let authors = if self.authors.is_empty() {
            self.fallback_authors
        } else {
            self.authors
        };
        FeedEntry {
            guid: self.guid.filter(|g| !g.is_empty()),
            url: self.url,
            title: self
                .title
                .and_then(TextValue::into_plain)
                .or_else(|| self.fallback_title.and_then(TextValue::into_plain)),
            summary_html,
            content_html,
            published: self.published.or(self.fallback_published),
            updated: self.updated,
            authors,
            categories: self.categories,
            image,
        }
    }
}

static URL_ATTR: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r#"(?i)(\s(?:href|src|poster)\s*=\s*)(?:"([^"]*)"|'([^']*)')"#).ok()
});

/// Relative `href`/`src` values inside HTML made absolute against the
/// entry's base, so the HTML still works when shown on another site.
pub fn resolve_html_urls(html: &str, base: &Url) -> String {
    let Some(re) = URL_ATTR.as_ref() else {
        return html.to_owned();
    };
    if !html.contains('=') {
        return html.to_owned();
    }
    re.replace_all(html, |caps: &regex::Captures<'_>| {
        let value = caps
            .get(2)
            .or_else(|| caps.get(3))
            .map_or("", |m| m.as_str());
        let trimmed = value.trim();
        let relative = !trimmed.is_empty()
            && !trimmed.starts_with('#')
            && matches!(
                Url::parse(trimmed),
                Err(url::ParseError::RelativeUrlWithoutBase)
            );
        let resolved = if relative {
            base.join(trimmed)
                .map_or_else(|_| value.to_owned(), String::from)
        } else {
            value.to_owned()
        };
        format!("{}\"{}\"", &caps[1], resolved.replace('"', "&quot;"))
    })
    .into_owned()
}

static IMG_SRC: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"(?i)<img\b[^>]*?\bsrc\s*=\s*(?:"([^"]+)"|'([^']+)')"#).ok());

/// The first `<img src>` in an HTML body: the representative image when
/// the feed names none (as many WordPress feeds do).
fn first_img_src(html: &str) -> Option<String> {
    let caps = IMG_SRC.as_ref()?.captures(html)?;
    let src = caps.get(1).or_else(|| caps.get(2))?.as_str();
    let src = src.replace("&amp;", "&");
    (!src.trim().starts_with("data:")).then_some(src)
}

/// Keeps the first non-empty value.
pub fn set_once(slot: &mut Option<TextValue>, value: TextValue) {
    let empty = match &value {
        TextValue::Plain(t) | TextValue::Html(t) => t.trim().is_empty(),
    };
    if slot.is_none() && !empty {
        *slot = Some(value);
    }
}

pub fn push_unique(list: &mut Vec<String>, value: &str) {
    let value = value.trim();
    if !value.is_empty() && !list.iter().any(|v| v == value) {
        list.push(value.to_owned());
    }
}

pub fn push_author(list: &mut Vec<String>, raw: &str) {
    if let Some(name) = author_name(raw, None) {
        push_unique(list, &name);
    }
}

fn is_image(medium: Option<&str>, media_type: Option<&str>, url: Option<&str>) -> bool {
    medium.is_some_and(|m| m.eq_ignore_ascii_case("image"))
        || media_type.is_some_and(|t| t.trim().to_ascii_lowercase().starts_with("image/"))
        || (medium.is_none()
            && media_type.is_none()
            && url.is_some_and(|u| {
                let path = u.split(['?', '#']).next().unwrap_or(u).to_ascii_lowercase();
                [".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif"]
                    .iter()
                    .any(|ext| path.ends_with(ext))
            }))
}

/// `href` resolved against `base`; `None` when empty or unusable.
pub fn absolute(href: &str, base: &Url) -> Option<String> {
    let href = href.trim();
    if href.is_empty() {
        return None;
    }
    base.join(href).ok().map(String::from)
}

/// The element's own `xml:base` applied to its parent's base.
pub fn element_base(element: &Element, parent: &Url) -> Url {
    element
        .attr_ns(super::xml_tree::XML_NS, "base")
        .and_then(|b| parent.join(b.trim()).ok())
        .unwrap_or_else(|| parent.clone())
}
