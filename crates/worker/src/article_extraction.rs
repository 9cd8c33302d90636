//! From fetched page bytes to an article's extracted parts, shared by the ingestion pipeline
//! and `tidings reextract`: per-site rules, the extractor, the excerpt and enrichment (hashtags
//! and key terms), and keeping the raw page compressed.

use std::io::{Read, Write};

use flate2::Compression;
use flate2::read::MultiGzDecoder;
use flate2::write::GzEncoder;
use tidings_core::{Article, ArticleExtraction, BodySource, KeyTerm, Tag};
use tidings_extract::{ExtractError, ExtractOptions, ExtractedArticle};
use url::Url;

use crate::site_rules::SiteRules;

/// Longest excerpt shown on lists, in characters.
pub const EXCERPT_CHARS: usize = 280;
/// An extracted body shorter than this (in characters) loses to a longer feed body, and a
/// re-extraction shorter than this never replaces a stored body.
pub const MIN_PAGE_TEXT: usize = 200;
/// Largest page a stored raw page may decompress to.
const MAX_RAW_PAGE_BYTES: u64 = 64 * 1024 * 1024;

/// Extracts the article from a fetched page, applying the site rule matching `url` first.
/// `charset` is the HTTP `Content-Type` charset. CPU-bound: call it off the async threads.
pub fn extract_page(
    bytes: &[u8],
    charset: Option<&str>,
    url: &Url,
    rules: &SiteRules,
) -> Result<ExtractedArticle, ExtractError> {
    let options = ExtractOptions {
        url: Some(url.clone()),
    };
    if !rules.is_empty() {
        let html = tidings_extract::decode_html(bytes, charset);
        if let Some(rewritten) = rules.apply(Some(url), &html) {
            return tidings_extract::extract(rewritten.as_bytes(), Some("utf-8"), &options);
        }
    }
    tidings_extract::extract(bytes, charset, &options)
}

/// The excerpt, hashtags and key terms of an article body.
pub struct BodyEnrichment {
    pub excerpt: String,
    pub tags: Vec<Tag>,
    pub terms: Vec<KeyTerm>,
}

/// Reads the excerpt, hashtags and key terms from an article's title, text and the feed's
/// categories.
pub fn enrich_body(title: &str, text: &str, categories: &[String]) -> BodyEnrichment {
    let enrichment = tidings_enrich::enrich(title, text, categories);
    BodyEnrichment {
        excerpt: tidings_extract::excerpt(text, EXCERPT_CHARS),
        tags: enrichment.tags,
        terms: enrichment.terms,
    }
}

/// What a new extraction of a stored article's page changes, or `None` when the new body is
/// too short to replace the stored one. The title, URLs and dates stay (the feed's come first
/// at ingestion); metadata the new extraction lacks keeps its stored value.
pub fn reextraction(
    article: &Article,
    extracted: ExtractedArticle,
    categories: &[String],
) -> Option<ArticleExtraction> {
    let chars = extracted.text.chars().count();
    if chars < MIN_PAGE_TEXT.min(article.text.chars().count() + 1) {
        return None;
    }
    let enrichment = enrich_body(&article.title, &extracted.text, categories);
    Some(ArticleExtraction {
        byline: extracted.byline.or_else(|| article.byline.clone()),
        image: extracted.image.or_else(|| article.image.clone()),
        language: extracted.language.or_else(|| article.language.clone()),
        site_name: extracted.site_name.or_else(|| article.site_name.clone()),
        text: extracted.text,
        html: extracted.html,
        excerpt: enrichment.excerpt,
        body_source: BodySource::Page,
        tags: enrichment.tags,
        terms: enrichment.terms,
    })
}

/// Gzip-compresses a page for keeping.
pub fn compress_page(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut encoder = GzEncoder::new(Vec::with_capacity(bytes.len() / 4), Compression::new(6));
    encoder.write_all(bytes)?;
    encoder.finish()
}

/// Decompresses a kept page (at most 64 MiB).
pub fn decompress_page(gzip: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(gzip.len() * 4);
    MultiGzDecoder::new(gzip)
        .take(MAX_RAW_PAGE_BYTES)
        .read_to_end(&mut out)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_survive_compression() {
        let page = "<p>Snow on the harbour.</p>".repeat(500);
        let gzip = compress_page(page.as_bytes()).expect("compress");
        assert!(gzip.len() < page.len() / 10, "{} bytes", gzip.len());
        assert_eq!(decompress_page(&gzip).expect("decompress"), page.as_bytes());
        assert!(decompress_page(b"not gzip at all").is_err());
    }
}
