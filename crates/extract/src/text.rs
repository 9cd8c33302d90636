//! Plain-text helpers: block-aware HTML → text, excerpts, and plain text → body HTML.

use crate::dom::Dom;
use crate::render::{self, Rendered, escape_into};

/// Converts HTML to plain text: block elements become paragraphs separated by blank lines,
/// `<br>` becomes a line break, whitespace is collapsed, scripts and styles are dropped.
pub fn html_to_text(html: &str) -> String {
    let dom = Dom::parse(html);
    let skip = vec![false; dom.nodes.len()];
    render::render(&dom, &[0], &skip, None).text
}

/// The first paragraph(s) of `text`, at most `max_chars` characters, cut at a word boundary
/// with "…" when shortened.
pub fn excerpt(text: &str, max_chars: usize) -> String {
    let mut out = String::new();
    for paragraph in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        let joined = paragraph.split_whitespace().collect::<Vec<_>>().join(" ");
        let candidate = if out.is_empty() {
            joined.clone()
        } else {
            format!("{out} {joined}")
        };
        if candidate.chars().count() <= max_chars {
            out = candidate;
            continue;
        }
        if out.is_empty() {
            return cut_on_word(&joined, max_chars);
        }
        break;
    }
    out
}

fn cut_on_word(text: &str, max_chars: usize) -> String {
    if max_chars == 0 {
        return String::new();
    }
    let limit = max_chars.saturating_sub(1);
    let byte_end = text
        .char_indices()
        .nth(limit)
        .map_or(text.len(), |(i, _)| i);
    let head = &text[..byte_end];
    let ends_on_word = text[byte_end..]
        .chars()
        .next()
        .is_none_or(char::is_whitespace);
    let cut = if ends_on_word {
        head.len()
    } else {
        head.rfind(char::is_whitespace)
            .filter(|&p| p > 0)
            .unwrap_or(head.len())
    };
    let trimmed = head[..cut].trim_end_matches(|c: char| c.is_whitespace() || ",;:-".contains(c));
    format!("{trimmed}…")
}

/// Body from plain text (JSON-LD `articleBody`): paragraphs on blank or single line breaks.
pub fn from_plain(text: &str) -> Rendered {
    let paragraphs: Vec<String> = text
        .split('\n')
        .map(|line| line.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|line| !line.is_empty())
        .collect();
    let mut html = String::new();
    for paragraph in &paragraphs {
        html.push_str("<p>");
        escape_into(&mut html, paragraph);
        html.push_str("</p>");
    }
    Rendered {
        text: paragraphs.join("\n\n"),
        html,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_cuts_on_word_boundary() {
        let text = "The quick brown fox jumps over the lazy dog.\n\nSecond paragraph.";
        assert_eq!(excerpt(text, 20), "The quick brown fox…");
        assert_eq!(
            excerpt(text, 200),
            "The quick brown fox jumps over the lazy dog. Second paragraph."
        );
        assert_eq!(
            excerpt(text, 50),
            "The quick brown fox jumps over the lazy dog."
        );
    }

    #[test]
    fn html_to_text_separates_blocks() {
        let text = html_to_text(
            "<div><p>One <b>two</b></p><p>three<br>four</p><script>x()</script></div>",
        );
        assert_eq!(text, "One two\n\nthree\nfour");
    }
}
