//! One article from one feed entry and its extracted page: which of the two each field of the
//! stored article comes from is decided here, in one place.
//!
//! The feed speaks for what the publisher announced (title, dates, categories); the page for
//! what only it knows well (byline, canonical URL, language, site name, lead image, the full
//! text). A page that could not be fetched, or whose text is thinner than the feed's, leaves
//! the feed's content to stand on its own.

use chrono::{DateTime, Utc};
use tidings_core::{BodySource, Feed, NewArticle};
use tidings_extract::ExtractedArticle;
use tidings_ingest::feed::FeedEntry;
use url::Url;

use crate::article_extraction::{MIN_PAGE_TEXT, enrich_body};

/// The entry's link, or its guid when that is an http(s) URL.
pub fn entry_link(entry: &FeedEntry) -> Option<Url> {
    [entry.url.as_deref(), entry.guid.as_deref()]
        .into_iter()
        .flatten()
        .filter_map(|s| Url::parse(s).ok())
        .find(|u| matches!(u.scheme(), "http" | "https"))
}

/// What the extracted page adds to the entry; all empty when the page is not used.
#[derive(Default)]
struct PageFields {
    title: Option<String>,
    byline: Option<String>,
    published: Option<DateTime<Utc>>,
    canonical_url: Option<String>,
    image: Option<String>,
    language: Option<String>,
    site_name: Option<String>,
    /// The page's plain text and sanitized HTML.
    body: Option<(String, String)>,
}

impl From<ExtractedArticle> for PageFields {
    fn from(page: ExtractedArticle) -> Self {
        PageFields {
            title: page.title,
            byline: page.byline,
            published: page.published.map(|p| p.with_timezone(&Utc)),
            canonical_url: page.canonical_url,
            image: page.image,
            language: page.language,
            site_name: page.site_name,
            body: Some((page.text, page.html)),
        }
    }
}

/// Joins the feed entry of `feed` and its page — the final URL and the extraction, or why
/// there is none — into the article to store. `link` is the entry's link
/// ([`entry_link`]).
pub fn build_article(
    feed: &Feed,
    entry: &FeedEntry,
    link: &Url,
    page: Result<(Url, ExtractedArticle), String>,
) -> NewArticle {
    let feed_html = entry
        .content_html
        .as_deref()
        .or(entry.summary_html.as_deref())
        .map(|html| tidings_extract::sanitize_fragment(html, Some(link)))
        .unwrap_or_default();
    let feed_text = tidings_extract::html_to_text(&feed_html);
    // The page is used when its text is long enough, or at least longer than the feed's.
    let (url, page) = match page {
        Ok((url, extracted))
            if extracted.text.chars().count()
                >= MIN_PAGE_TEXT.min(feed_text.chars().count() + 1) =>
        {
            (url, PageFields::from(extracted))
        }
        Ok((url, _)) => (url, PageFields::default()),
        Err(reason) => {
            tracing::info!(url = %link, %reason, "using the feed's content");
            (link.clone(), PageFields::default())
        }
    };

    let title = entry
        .title
        .clone()
        .filter(|t| !t.trim().is_empty())
        .or(page.title)
        .unwrap_or_else(|| "Untitled".to_string());
    let feed_authors = (!entry.authors.is_empty()).then(|| entry.authors.join(", "));
    let (text, html, body_source) = match page.body {
        Some((text, html)) => (text, html, BodySource::Page),
        None => (feed_text, feed_html, BodySource::FeedContent),
    };
    let enrichment = enrich_body(&title, &text, &entry.categories);
    NewArticle {
        feed_id: Some(feed.id),
        publisher: feed.publisher.clone(),
        guid: entry.guid.clone(),
        url: url.to_string(),
        canonical_url: page.canonical_url,
        title,
        byline: page.byline.or(feed_authors),
        published_at: entry.published.or(page.published).or(entry.updated),
        image: page.image.or_else(|| entry.image.clone()),
        language: page.language,
        site_name: page.site_name,
        excerpt: enrichment.excerpt,
        text,
        html,
        body_source,
        policy: feed.policy,
        tags: enrichment.tags,
        terms: enrichment.terms,
    }
}

#[cfg(test)]
mod tests;
