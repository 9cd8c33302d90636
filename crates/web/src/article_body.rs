//! What of an article's body Tidings may show, given the publisher's republishing policy,
//! and which outside links are safe to put in an `href` or `src`.

use tidings_core::{Article, RepublishPolicy};

/// Most paragraphs an excerpt shows.
const EXCERPT_MAX_PARAGRAPHS: usize = 3;
/// An excerpt stops adding paragraphs once it has this many characters.
const EXCERPT_TARGET_CHARS: usize = 600;

/// The part of the body a page or API answer shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShownBody {
    /// The stored, already sanitized HTML of the whole article.
    FullHtml(String),
    /// Plain-text paragraphs (escaped when rendered) — an excerpt, or the whole text when the
    /// stored HTML is empty.
    Paragraphs {
        paragraphs: Vec<String>,
        truncated: bool,
    },
}

impl ShownBody {
    /// The body as the policy allows it.
    pub fn for_article(article: &Article) -> Self {
        match article.policy {
            RepublishPolicy::Full if !article.html.trim().is_empty() => {
                ShownBody::FullHtml(article.html.clone())
            }
            RepublishPolicy::Full => ShownBody::Paragraphs {
                paragraphs: paragraphs(&article.text).map(str::to_owned).collect(),
                truncated: false,
            },
            RepublishPolicy::Excerpt => excerpt_paragraphs(&article.text, &article.excerpt),
        }
    }

    /// The body as plain text, paragraphs separated by blank lines.
    pub fn text(&self, article: &Article) -> String {
        match self {
            ShownBody::FullHtml(_) => article.text.clone(),
            ShownBody::Paragraphs { paragraphs, .. } => paragraphs.join("\n\n"),
        }
    }

    /// The body as HTML; paragraphs are escaped here, and images in stored HTML (which point
    /// at publishers) are left out (`body_images`).
    pub fn html(&self) -> String {
        match self {
            ShownBody::FullHtml(html) => crate::body_images::without_images(html),
            ShownBody::Paragraphs { paragraphs, .. } => paragraphs
                .iter()
                .map(|p| format!("<p>{}</p>", escape_html(p)))
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }
}

/// The non-empty, trimmed paragraphs of a plain text (separated by blank lines).
fn paragraphs(text: &str) -> impl Iterator<Item = &str> {
    text.split("\n\n").map(str::trim).filter(|p| !p.is_empty())
}

/// The first paragraphs of `text` (at most three, fewer once long enough), else the excerpt.
fn excerpt_paragraphs(text: &str, excerpt: &str) -> ShownBody {
    let all: Vec<&str> = paragraphs(text).collect();
    if all.is_empty() {
        let excerpt = excerpt.trim();
        return ShownBody::Paragraphs {
            paragraphs: if excerpt.is_empty() {
                Vec::new()
            } else {
                vec![excerpt.to_owned()]
            },
            truncated: true,
        };
    }
    let mut shown = Vec::new();
    let mut chars = 0;
    for paragraph in &all {
        if shown.len() == EXCERPT_MAX_PARAGRAPHS || chars >= EXCERPT_TARGET_CHARS {
            break;
        }
        chars += paragraph.chars().count();
        shown.push((*paragraph).to_owned());
    }
    let truncated = shown.len() < all.len();
    ShownBody::Paragraphs {
        paragraphs: shown,
        truncated,
    }
}

/// Escapes text for HTML element content and attribute values.
pub(crate) fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            other => out.push(other),
        }
    }
    out
}

/// `link` when it is an absolute http(s) URL, so a feed cannot smuggle `javascript:` links
/// or odd schemes into the page.
pub fn safe_outside_url(link: &str) -> Option<String> {
    let parsed = url::Url::parse(link.trim()).ok()?;
    matches!(parsed.scheme(), "http" | "https").then(|| parsed.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_takes_at_most_three_short_paragraphs() {
        let text = "One.\n\nTwo.\n\nThree.\n\nFour.\n\nFive.";
        let shown = excerpt_paragraphs(text, "ignored");
        assert_eq!(
            shown,
            ShownBody::Paragraphs {
                paragraphs: vec!["One.".into(), "Two.".into(), "Three.".into()],
                truncated: true
            }
        );
    }

    #[test]
    fn excerpt_stops_early_after_long_paragraphs() {
        let long = "word ".repeat(150);
        let text = format!("{long}\n\n{long}\n\nthird");
        let ShownBody::Paragraphs {
            paragraphs,
            truncated,
        } = excerpt_paragraphs(&text, "")
        else {
            panic!("expected paragraphs");
        };
        assert_eq!(paragraphs.len(), 1);
        assert!(truncated);
    }

    #[test]
    fn short_text_is_not_marked_truncated() {
        let shown = excerpt_paragraphs("Only one.", "");
        assert_eq!(
            shown,
            ShownBody::Paragraphs {
                paragraphs: vec!["Only one.".into()],
                truncated: false
            }
        );
    }

    #[test]
    fn empty_text_falls_back_to_the_excerpt() {
        let shown = excerpt_paragraphs("  \n\n ", "The summary.");
        assert_eq!(shown.html(), "<p>The summary.</p>");
    }

    #[test]
    fn paragraphs_are_escaped_in_html() {
        let shown = excerpt_paragraphs("a <b> & \"c\"", "");
        assert_eq!(shown.html(), "<p>a &lt;b&gt; &amp; &quot;c&quot;</p>");
    }

    #[test]
    fn only_http_links_are_safe() {
        assert_eq!(
            safe_outside_url(" https://example.com/a?b=1 ").as_deref(),
            Some("https://example.com/a?b=1")
        );
        assert!(safe_outside_url("http://example.com").is_some());
        assert_eq!(safe_outside_url("javascript:alert(1)"), None);
        assert_eq!(safe_outside_url("data:text/html,hi"), None);
        assert_eq!(safe_outside_url("/relative"), None);
    }
}
