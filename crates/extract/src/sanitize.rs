//! Sanitizing HTML that comes from feeds: an ammonia allowlist with absolute links,
//! `rel="noopener nofollow"`, and no tracking pixels. Nesting is bounded first
//! ([`crate::bound_nesting`]), so ammonia's parser never sees a tree deeper than
//! [`crate::MAX_FRAGMENT_DEPTH`] levels (and its cost stays linear).

use std::borrow::Cow;
use std::collections::HashSet;

use url::Url;

use crate::render::absolute_link;

/// Cleans a feed-supplied HTML fragment for display.
///
/// Removes scripts, styles, iframes, forms, event handlers and `javascript:` URLs; resolves
/// relative links and images against `base`; drops 1×1 tracking images.
pub fn sanitize_fragment(html: &str, base: Option<&Url>) -> String {
    let (bounded, _) = crate::bound_nesting(html, crate::MAX_FRAGMENT_DEPTH);
    clean(&bounded, base)
}

fn clean(html: &str, base: Option<&Url>) -> String {
    let tags: HashSet<&str> = [
        "a",
        "abbr",
        "b",
        "blockquote",
        "br",
        "caption",
        "cite",
        "code",
        "dd",
        "del",
        "dl",
        "dt",
        "em",
        "figcaption",
        "figure",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "i",
        "img",
        "ins",
        "li",
        "mark",
        "ol",
        "p",
        "pre",
        "q",
        "s",
        "small",
        "strong",
        "sub",
        "sup",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "u",
        "ul",
    ]
    .into_iter()
    .collect();
    let mut builder = ammonia::Builder::default();
    builder
        .tags(tags)
        .link_rel(Some("noopener nofollow"))
        .url_schemes(["http", "https", "mailto"].into_iter().collect());
    let base_owned = base.cloned();
    builder.attribute_filter(move |element, attribute, value| {
        if element == "img" && matches!(attribute, "width" | "height") {
            let tiny = value
                .trim()
                .trim_end_matches("px")
                .parse::<u32>()
                .is_ok_and(|v| v <= 1);
            if tiny {
                return Some(Cow::Borrowed("tracking-pixel"));
            }
        }
        if matches!(attribute, "href" | "src") {
            return absolute_link(value, base_owned.as_ref()).map(Cow::Owned);
        }
        Some(Cow::Borrowed(value))
    });
    let cleaned = builder.clean(html).to_string();
    drop_tracking_pixels(&cleaned)
}

/// Removes `<img>` tags marked as tracking pixels by the attribute filter.
fn drop_tracking_pixels(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(start) = rest.find("<img ") {
        out.push_str(&rest[..start]);
        let tail = &rest[start..];
        let end = tail.find('>').map_or(tail.len(), |p| p + 1);
        let tag = &tail[..end];
        if !tag.contains("\"tracking-pixel\"") {
            out.push_str(tag);
        }
        rest = &tail[end..];
    }
    out.push_str(rest);
    out
}
