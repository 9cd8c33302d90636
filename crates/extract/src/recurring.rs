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

/// The distinct keys of the short paragraphs of a body's plain text (paragraphs are separated
/// by blank lines), at most [`MAX_BLOCKS_PER_PAGE`], in reading order.
pub fn block_keys(text: &str) -> Vec<String> {
    let mut seen = HashSet::new();
    text.split("\n\n")
        .filter_map(block_key)
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
    let is_recurring = |block: &str| block_key(block).is_some_and(|k| recurring.contains(&k));
    let paragraphs: Vec<&str> = article.text.split("\n\n").collect();
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
            ["fires", "a long paragraph of the article."]
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
    fn a_body_of_nothing_but_recurring_blocks_is_kept() {
        let mut body = article("<p>Fires</p>");
        let recurring: HashSet<String> = ["fires".to_owned()].into_iter().collect();
        assert_eq!(strip_blocks(&mut body, &recurring), 0);
        assert_eq!(body.text, "Fires");
    }
}
