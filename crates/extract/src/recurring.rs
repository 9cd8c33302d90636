//! Boilerplate that only shows across pages: a section label ("Fires"), a comment count
//! ("Sports94 comments"), a contact or newsletter line that one site prints on many of its
//! pages. One page cannot tell such a block from a short paragraph of the article, so the
//! extractor's caller counts, per site, on how many pages each short block appears
//! ([`block_keys`] gives the keys to count) and then drops the blocks seen on many of the
//! site's pages ([`strip_blocks`]) from the body's text and HTML.

use std::collections::HashSet;

use crate::ExtractedArticle;
use crate::dom::{Dom, NodeData, NodeId};
use crate::render;

/// Longest paragraph (in characters) counted as a possible boilerplate block; article
/// paragraphs are longer, labels and contact lines are shorter.
pub const MAX_BLOCK_CHARS: usize = 160;
/// Most blocks of one page that are counted (the first ones in reading order).
pub const MAX_BLOCKS_PER_PAGE: usize = 200;
/// Longest key kept, in bytes (a key is never longer than its block).
const MAX_KEY_BYTES: usize = 4 * MAX_BLOCK_CHARS;

/// The block's key: lower-cased, every run of digits written `#` (so "94 comments" and
/// "111 comments" are one block), whitespace collapsed. `None` for a block too long to be
/// boilerplate or without a letter.
pub fn block_key(block: &str) -> Option<String> {
    if block.chars().count() > MAX_BLOCK_CHARS || !block.chars().any(char::is_alphabetic) {
        return None;
    }
    let mut key = String::with_capacity(block.len());
    let mut in_digits = false;
    let mut pending_space = false;
    for c in block.trim().chars() {
        if c.is_whitespace() {
            pending_space = !key.is_empty();
            in_digits = false;
            continue;
        }
        if pending_space {
            key.push(' ');
            pending_space = false;
        }
        if c.is_ascii_digit() {
            if !in_digits {
                key.push('#');
            }
            in_digits = true;
            continue;
        }
        in_digits = false;
        key.extend(c.to_lowercase());
    }
    (!key.is_empty() && key.len() <= MAX_KEY_BYTES).then_some(key)
}

/// Keys longer than this many bytes get no glued-tail key.
const MAX_GLUED_BLOCK_BYTES: usize = 60;

/// The keys a block is counted under: its own, and for a short block where a word runs
/// straight into a number ("obituaries# comments": a section label and a comment count that
/// the page set side by side) the head before the number ("obituaries") and the tail from it
/// on ("# comments"): either recurs on the site's pages alone.
fn keys_of(block: &str) -> Vec<String> {
    let Some(key) = block_key(block) else {
        return Vec::new();
    };
    let glued_at = key
        .char_indices()
        .find(|&(_, c)| c == '#')
        .map(|(at, _)| at)
        .filter(|&at| at > 0 && key[..at].ends_with(char::is_alphabetic));
    let parts = glued_at
        .filter(|_| key.len() <= MAX_GLUED_BLOCK_BYTES)
        .map(|at| [key[..at].to_owned(), key[at..].to_owned()]);
    std::iter::once(key.clone())
        .chain(parts.into_iter().flatten())
        .collect()
}

/// The key counted for a page whose body opens with a label-like block (see
/// [`is_label_like`]): when a site's pages open so again and again, the opening label is the
/// site's (a section name printed above every article), even one seen on no other page.
pub const LEADING_LABEL_KEY: &str = "\u{1}leading label";

/// A block that reads as a label, not prose: at most four words and 40 characters, with no
/// sentence punctuation.
pub fn is_label_like(block: &str) -> bool {
    let block = block.trim();
    !block.is_empty()
        && block.chars().count() <= 40
        && block.split_whitespace().count() <= 4
        && !block.contains(['.', ',', ';', ':', '!', '?', '"', '“', '”'])
}

/// The distinct keys of the short paragraphs of a body's plain text (paragraphs are separated
/// by blank lines), at most [`MAX_BLOCKS_PER_PAGE`], in reading order; and
/// [`LEADING_LABEL_KEY`] when the body opens with a label-like block.
pub fn block_keys(text: &str) -> Vec<String> {
    let mut seen = HashSet::new();
    let leading = text
        .split("\n\n")
        .map(str::trim)
        .find(|p| !p.is_empty())
        .is_some_and(is_label_like)
        .then(|| LEADING_LABEL_KEY.to_owned());
    leading
        .into_iter()
        .chain(text.split("\n\n").flat_map(keys_of))
        .filter(|key| seen.insert(key.clone()))
        .take(MAX_BLOCKS_PER_PAGE)
        .collect()
}

/// Removes from the body every paragraph whose key is in `recurring`, from the text and from
/// the HTML alike; returns how many text paragraphs were removed. A body made only of such
/// blocks is left as it is (nothing of the article would remain).
pub fn strip_blocks(article: &mut ExtractedArticle, recurring: &HashSet<String>) -> usize {
    if recurring.is_empty() {
        return 0;
    }
    let paragraphs: Vec<&str> = article.text.split("\n\n").collect();
    // The opening label, when the site opens its pages with one.
    let leading_label = recurring
        .contains(LEADING_LABEL_KEY)
        .then(|| paragraphs.iter().map(|p| p.trim()).find(|p| !p.is_empty()))
        .flatten()
        .filter(|p| is_label_like(p))
        .and_then(block_key);
    let is_recurring = |block: &str| {
        let keys = keys_of(block);
        keys.iter().any(|k| recurring.contains(k))
            || keys
                .first()
                .is_some_and(|k| leading_label.as_ref() == Some(k))
    };
    let kept: Vec<&str> = paragraphs
        .iter()
        .copied()
        .filter(|p| !is_recurring(p))
        .collect();
    let removed = paragraphs.len() - kept.len();
    if removed == 0 || kept.iter().all(|p| p.trim().is_empty()) {
        return 0;
    }
    article.text = kept.join("\n\n");
    let dom = Dom::parse(&article.html);
    let skip = recurring_nodes(&dom, &is_recurring);
    article.html = render::render(&dom, &[0], &skip, None).html;
    removed
}

/// Elements whose whole text is a recurring block (the outermost such element only).
fn recurring_nodes(dom: &Dom, is_recurring: &dyn Fn(&str) -> bool) -> Vec<bool> {
    let mut skip = vec![false; dom.nodes.len()];
    let mut stack: Vec<NodeId> = vec![0];
    while let Some(id) = stack.pop() {
        let node = &dom.nodes[id];
        if matches!(node.data, NodeData::Element { .. }) && is_block(node.tag()) {
            let text = text_of(dom, id);
            if is_recurring(&text) {
                skip[id] = true;
                continue;
            }
        }
        stack.extend(node.children.iter().rev().copied());
    }
    skip
}

fn is_block(tag: &str) -> bool {
    matches!(
        tag,
        "p" | "div"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "li"
            | "blockquote"
            | "figcaption"
            | "dt"
            | "dd"
            | "pre"
    )
}

/// The text under `id`, whitespace collapsed, stopping once it is longer than any block.
fn text_of(dom: &Dom, id: NodeId) -> String {
    let mut out = String::new();
    let mut stack = vec![id];
    while let Some(id) = stack.pop() {
        if out.len() > MAX_KEY_BYTES {
            break;
        }
        let node = &dom.nodes[id];
        if let NodeData::Text(text) = &node.data {
            out.push_str(text);
        }
        stack.extend(node.children.iter().rev().copied());
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(html: &str) -> ExtractedArticle {
        ExtractedArticle {
            title: None,
            byline: None,
            published: None,
            image: None,
            language: None,
            canonical_url: None,
            site_name: None,
            text: crate::html_to_text(html),
            html: html.to_owned(),
        }
    }

    #[test]
    fn keys_fold_case_counts_and_spaces() {
        assert_eq!(
            block_key("Sports94 comments"),
            block_key("SPORTS111  comments")
        );
        assert_eq!(block_key(" Fires ").as_deref(), Some("fires"));
        assert_eq!(block_key("2026"), None);
        assert_eq!(block_key(&"word ".repeat(40)), None);
        assert_eq!(
            block_keys("Fires\n\nA long paragraph of the article.\n\nFires"),
            [
                LEADING_LABEL_KEY,
                "fires",
                "a long paragraph of the article."
            ]
        );
        assert_eq!(
            block_keys("Obituaries237 comments\n\nHe was 45 years old."),
            [
                LEADING_LABEL_KEY,
                "obituaries# comments",
                "obituaries",
                "# comments",
                "he was # years old."
            ]
        );
    }

    #[test]
    fn recurring_blocks_leave_text_and_html() {
        let mut body = article(
            "<p>Crime<a href=\"https://x.example/#c\">111 comments</a></p>\
             <p>The council met on Monday and voted to close the bridge.</p>\
             <p>Contact The Daily Meridian at tips@daily-meridian.example.</p>",
        );
        let recurring: HashSet<String> = [
            "crime# comments",
            "contact the daily meridian at tips@daily-meridian.example.",
        ]
        .into_iter()
        .map(str::to_owned)
        .collect();
        assert_eq!(strip_blocks(&mut body, &recurring), 2);
        assert_eq!(
            body.text,
            "The council met on Monday and voted to close the bridge."
        );
        assert!(!body.html.contains("comments"), "{}", body.html);
        assert!(!body.html.contains("Contact"), "{}", body.html);
        assert!(
            body.html.contains("voted to close the bridge"),
            "{}",
            body.html
        );
    }

    #[test]
    fn a_label_glued_to_a_recurring_count_goes_too() {
        let mut body = article(
            "<p>Obituaries<a href=\"https://x.example/#c\">237 comments</a></p>\
             <p>She swam in films for two decades and was 91 years old.</p>",
        );
        let recurring: HashSet<String> = ["# comments".to_owned()].into_iter().collect();
        assert_eq!(strip_blocks(&mut body, &recurring), 1);
        assert!(body.text.starts_with("She swam"), "{}", body.text);
    }

    #[test]
    fn a_site_that_opens_with_labels_loses_even_a_rare_one() {
        let html = "<p>Obituaries</p><p>She swam in films for two decades.</p><p>Fires</p>";
        let keys = block_keys(&crate::html_to_text(html));
        assert_eq!(keys[0], LEADING_LABEL_KEY);
        let mut body = article(html);
        let recurring: HashSet<String> = [LEADING_LABEL_KEY.to_owned()].into_iter().collect();
        assert_eq!(strip_blocks(&mut body, &recurring), 1);
        assert_eq!(body.text, "She swam in films for two decades.\n\nFires");
        assert!(!body.html.contains("Obituaries"), "{}", body.html);
        let mut prose = article("<p>She swam in films.</p><p>Fires</p>");
        assert_eq!(
            strip_blocks(&mut prose, &recurring),
            0,
            "only an opening label goes"
        );
    }

    #[test]
    fn a_body_of_nothing_but_recurring_blocks_is_kept() {
        let mut body = article("<p>Fires</p>");
        let recurring: HashSet<String> = ["fires".to_owned()].into_iter().collect();
        assert_eq!(strip_blocks(&mut body, &recurring), 0);
        assert_eq!(body.text, "Fires");
    }
}
