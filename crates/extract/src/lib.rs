//! Article extraction: turns a fetched HTML page into clean article text, sanitized body HTML
//! and metadata (title, byline, date, image, language, canonical URL, site name), with no
//! per-site rules. Pure and synchronous; any input gives `Ok` or an [`ExtractError`].
//!
//! Modules: [`charset`] decodes bytes, `unread_markup` cuts what is never read, `parse_tree`
//! receives html5ever's tree, `dom` lays it out as the page tree, `junk` knows furniture,
//! `analysis` sums per-node figures, `content` picks the body, `cleanup` trims inside it,
//! `render` writes text and HTML, `metadata` reads head facts (`linked_data` the JSON-LD),
//! `sanitize` cleans feed HTML (after `nesting` bounds its depth), `text` holds plain-text
//! helpers, [`recurring`] drops the blocks a site repeats across its pages (counted by the
//! caller).

mod analysis;
mod charset;
mod cleanup;
mod content;
mod dom;
mod junk;
mod linked_data;
mod metadata;
mod nesting;
mod parse_tree;
pub mod recurring;
mod render;
mod sanitize;
mod text;
mod unread_markup;

use chrono::{DateTime, FixedOffset};
use serde::{Deserialize, Serialize};
use url::Url;

pub use charset::decode_html;
pub use nesting::{MAX_FRAGMENT_DEPTH, bound_nesting};
pub use recurring::{block_keys, strip_blocks};
pub use sanitize::sanitize_fragment;
pub use text::{excerpt, html_to_text};

/// Longest decoded page processed; the rest is cut (at a character boundary).
pub const MAX_HTML_CHARS: usize = 3 * 1024 * 1024;

/// What [`extract`] needs besides the page bytes.
#[derive(Debug, Clone, Default)]
pub struct ExtractOptions {
    /// The page's URL: base for relative links and the canonical URL when the page names none.
    pub url: Option<Url>,
}

/// An article read from a page.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct ExtractedArticle {
    pub title: Option<String>,
    pub byline: Option<String>,
    /// Publication time with its zone (RFC 3339 when serialized).
    pub published: Option<DateTime<FixedOffset>>,
    pub image: Option<String>,
    pub language: Option<String>,
    pub canonical_url: Option<String>,
    pub site_name: Option<String>,
    /// Plain text, paragraphs separated by one blank line.
    pub text: String,
    /// Sanitized HTML of the body only.
    pub html: String,
}

/// Why no article could be read.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ExtractError {
    #[error("the page is empty")]
    EmptyInput,
    #[error("no article text found on the page")]
    NoContent,
}

/// Body text shorter than this makes extraction retry with lenient furniture removal.
const RETRY_BELOW_CHARS: usize = 500;

/// Shortest body text accepted from the page before falling back to JSON-LD `articleBody`.
const MIN_BODY_CHARS: usize = 200;

/// Whether `base` (a page's `<base href>` or a feed's `xml:base`) may decide where the
/// relative links of a document at `page` point: only on the page's own site, meaning the
/// same host, or one host a subdomain of the other once a leading `www.` is set aside
/// (`cdn.example.com` for `www.example.com`). Any other base is ignored and links resolve
/// against the page itself, so a publisher's markup cannot send readers' browsers to a third
/// party (a tracker) for every relative image.
pub fn same_site(base: &Url, page: &Url) -> bool {
    let (Some(a), Some(b)) = (base.host_str(), page.host_str()) else {
        return false;
    };
    let strip = |h: &str| h.strip_prefix("www.").unwrap_or(h).to_ascii_lowercase();
    let (a, b) = (strip(a), strip(b));
    a == b || a.ends_with(&format!(".{b}")) || b.ends_with(&format!(".{a}"))
}

/// Extracts the article from page bytes. `header_charset` is the HTTP `Content-Type` charset.
pub fn extract(
    bytes: &[u8],
    header_charset: Option<&str>,
    opts: &ExtractOptions,
) -> Result<ExtractedArticle, ExtractError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ExtractError::EmptyInput);
    }
    let mut html = decode_html(bytes, header_charset);
    if html.len() > MAX_HTML_CHARS {
        let mut cut = MAX_HTML_CHARS;
        while !html.is_char_boundary(cut) {
            cut -= 1;
        }
        html.truncate(cut);
    }
    let page = dom::Dom::parse(&html);
    let base = page
        .head
        .base_href
        .as_deref()
        .and_then(|href| match &opts.url {
            Some(url) => url.join(href).ok().filter(|base| same_site(base, url)),
            None => Url::parse(href).ok(),
        })
        .or_else(|| opts.url.clone());
    let meta = metadata::read(&page, opts.url.as_ref());
    let figures = analysis::PageFigures::compute(&page);
    let read_body = |strictness| {
        let selection = content::select(&page, &figures, strictness, meta.byline.as_deref());
        render::render(&page, &selection.roots, &selection.skip, base.as_ref())
    };
    let mut body = read_body(content::Strictness::Strict);
    if body.text.chars().count() < RETRY_BELOW_CHARS {
        let lenient = read_body(content::Strictness::Lenient);
        if lenient.text.chars().count() > body.text.chars().count() {
            body = lenient;
        }
    }
    let body_chars = body.text.chars().count();
    if body_chars < MIN_BODY_CHARS
        && let Some(article_body) = meta.article_body.as_deref()
        && article_body.chars().count() > body_chars
    {
        body = text::from_plain(article_body);
    }
    if body.text.trim().is_empty() {
        return Err(ExtractError::NoContent);
    }
    let language = meta
        .language
        .or_else(|| metadata::detect_language(&body.text));
    Ok(ExtractedArticle {
        title: meta.title,
        byline: meta.byline,
        published: meta.published,
        image: meta.image,
        language,
        canonical_url: meta.canonical_url,
        site_name: meta.site_name,
        text: body.text,
        html: body.html,
    })
}
