//! The schema.org `NewsArticle` an article page carries as JSON-LD, for search engines:
//! headline, dates, author, publisher, the lead picture as Tidings serves it, the page itself (`mainEntityOfPage`) and the
//! original as `isBasedOn`.
//!
//! It sits in `<script type="application/ld+json">`, a data block the browser never runs (so
//! the CSP's `script-src 'self'` does not apply to it). Its text must still not end the
//! element early: every `<`, `>` and `&` is written as a JSON `\u` escape, so a title holding
//! `</script>` stays inside the string; U+2028 and U+2029 are escaped as well.

use serde_json::{Value, json};
use tidings_core::Article;

use crate::SiteConfig;
use crate::article_body::safe_outside_url;
use crate::relative_time::iso_timestamp;

/// Google shows at most this many characters of a headline.
const MAX_HEADLINE_CHARS: usize = 110;

/// The JSON-LD of `article`'s page, ready to put between the script tags as it is. `image` is
/// the absolute address of the lead picture Tidings serves, never the publisher's own.
pub fn news_article(article: &Article, site: &SiteConfig, image: Option<&str>) -> String {
    let path = format!("/article/{}", article.id);
    let page = site.absolute_url(&path).unwrap_or(path);
    let publisher_page = site.absolute_url(&format!("/source/{}", article.publisher_slug));
    let author = match article.byline.as_deref().map(str::trim) {
        Some(byline) if !byline.is_empty() => json!({"@type": "Person", "name": byline}),
        _ => json!({"@type": "Organization", "name": article.publisher}),
    };
    let mut publisher = json!({"@type": "Organization", "name": article.publisher});
    if let Some(url) = publisher_page {
        publisher["url"] = Value::String(url);
    }
    let published = article.shown_at();
    let mut data = json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": headline(&article.title),
        "datePublished": iso_timestamp(published),
        "dateModified": iso_timestamp(published.max(article.fetched_at)),
        "author": [author],
        "publisher": publisher,
        "mainEntityOfPage": {"@type": "WebPage", "@id": page},
        "url": page,
    });
    if let Some(original) = safe_outside_url(article.original_url()) {
        data["isBasedOn"] = Value::String(original);
    }
    if let Some(image) = image {
        data["image"] = json!([image]);
    }
    if !article.excerpt.trim().is_empty() {
        data["description"] = Value::String(article.excerpt.trim().to_owned());
    }
    if let Some(language) = &article.language {
        data["inLanguage"] = Value::String(language.clone());
    }
    if !article.tags.is_empty() {
        let labels: Vec<&str> = article.tags.iter().map(|t| t.label.as_str()).collect();
        data["keywords"] = Value::String(labels.join(", "));
    }
    script_safe(&data.to_string())
}

/// The title cut to [`MAX_HEADLINE_CHARS`] at a word where it is longer.
fn headline(title: &str) -> String {
    if title.chars().count() <= MAX_HEADLINE_CHARS {
        return title.to_owned();
    }
    let cut: String = title.chars().take(MAX_HEADLINE_CHARS - 1).collect();
    let at_word = cut.rfind(' ').filter(|&at| at > MAX_HEADLINE_CHARS / 2);
    format!(
        "{}…",
        at_word.map_or(cut.as_str(), |at| &cut[..at]).trim_end()
    )
}

/// JSON text that cannot end or open markup inside a `<script>` element.
fn script_safe(json: &str) -> String {
    let mut out = String::with_capacity(json.len());
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_the_data_is_escaped_and_reads_back_the_same() {
        let raw = json!({"headline": "</script><script>alert(1)</script> & <!-- \u{2028}"});
        let safe = script_safe(&raw.to_string());
        assert!(!safe.contains('<') && !safe.contains('>') && !safe.contains('&'));
        assert!(!safe.contains('\u{2028}'));
        let back: Value = serde_json::from_str(&safe).expect("still JSON");
        assert_eq!(back, raw);
    }

    #[test]
    fn long_headlines_are_cut_at_a_word() {
        assert_eq!(headline("Short title"), "Short title");
        let long = "word ".repeat(40);
        let cut = headline(&long);
        assert!(cut.chars().count() <= MAX_HEADLINE_CHARS, "{cut}");
        assert!(cut.ends_with("word…"), "{cut}");
    }
}
