//! Owns bounding how deeply an HTML fragment nests before any HTML parser sees it: a single
//! forward scan that follows the tokenizer's rules closely enough (comments, raw-text
//! elements, quoted attribute values, void elements, the implied end of a repeated `<p>` or
//! `<li>`) and drops the tags of elements opened deeper than the limit, keeping their text.
//! The scan over-counts rather than under-counts (an element it cannot see closed stays open
//! in its count), so the parsed tree is never deeper than the limit by more than the few
//! elements a parser inserts itself.

use std::borrow::Cow;

/// Elements nested deeper than this in feed or comment HTML lose their tags.
pub const MAX_FRAGMENT_DEPTH: usize = 100;

const VOID: [&str; 15] = [
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr", "keygen",
];
/// Elements whose content is raw text up to their end tag.
const RAW_TEXT: [&str; 8] = [
    "script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes",
];
/// A start tag of one of these closes an element of the same name open right above it.
const SELF_ENDING: [&str; 8] = ["p", "li", "dt", "dd", "option", "tr", "td", "th"];

/// The fragment with tags nested deeper than `max_depth` removed (their text kept), and
/// whether anything was removed.
pub fn bound_nesting(html: &str, max_depth: usize) -> (Cow<'_, str>, bool) {
    if memchr::memchr_iter(b'<', html.as_bytes()).count() <= max_depth {
        return (Cow::Borrowed(html), false);
    }
    let mut out = String::with_capacity(html.len());
    let mut open: Vec<String> = Vec::new();
    let mut flattened = false;
    let mut rest = html;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        rest = &rest[lt..];
        let tag = Tag::read(rest);
        let consumed = match &tag {
            Tag::Start { name, len } => {
                let name_lower = name.to_ascii_lowercase();
                if SELF_ENDING.contains(&name_lower.as_str())
                    && open.last().is_some_and(|top| *top == name_lower)
                {
                    open.pop();
                }
                let void = VOID.contains(&name_lower.as_str());
                let keep = void || open.len() < max_depth;
                let mut len = *len;
                if RAW_TEXT.contains(&name_lower.as_str()) {
                    // The raw text runs to the matching end tag (or the end of the input).
                    let body = raw_text_len(&rest[len..], &name_lower);
                    if keep {
                        out.push_str(&rest[..len + body]);
                        len += body;
                    } else {
                        // Dropped whole, end tag included: its text is not text.
                        let after = &rest[len + body..];
                        len += body + after.find('>').map_or(after.len(), |i| i + 1);
                    }
                } else {
                    if keep {
                        out.push_str(&rest[..len]);
                    } else {
                        flattened = true;
                    }
                    if !void {
                        open.push(name_lower);
                    }
                }
                if !keep {
                    flattened = true;
                }
                len
            }
            Tag::End { name, len } => {
                let name_lower = name.to_ascii_lowercase();
                match open.iter().rposition(|n| *n == name_lower) {
                    Some(position) => {
                        if position < max_depth {
                            out.push_str(&rest[..*len]);
                        }
                        open.truncate(position);
                    }
                    None => out.push_str(&rest[..*len]),
                }
                *len
            }
            Tag::Other { len } => {
                out.push_str(&rest[..*len]);
                *len
            }
            Tag::Text => {
                out.push('<');
                1
            }
        };
        rest = &rest[consumed..];
    }
    out.push_str(rest);
    if flattened {
        (Cow::Owned(out), true)
    } else {
        (Cow::Borrowed(html), false)
    }
}

enum Tag<'a> {
    Start {
        name: &'a str,
        len: usize,
    },
    End {
        name: &'a str,
        len: usize,
    },
    /// A comment, doctype, processing instruction or CDATA section, copied as it is.
    Other {
        len: usize,
    },
    /// A `<` that starts no tag (text).
    Text,
}

impl<'a> Tag<'a> {
    /// Reads the tag at the start of `s` (which starts with `<`).
    fn read(s: &'a str) -> Tag<'a> {
        let bytes = s.as_bytes();
        match bytes.get(1) {
            Some(b'!') => {
                let len = if let Some(comment) = s.strip_prefix("<!--") {
                    comment.find("-->").map_or(s.len(), |i| 4 + i + 3)
                } else {
                    s.find('>').map_or(s.len(), |i| i + 1)
                };
                Tag::Other { len }
            }
            Some(b'?') => Tag::Other {
                len: s.find('>').map_or(s.len(), |i| i + 1),
            },
            Some(b'/') => match bytes.get(2) {
                Some(b) if b.is_ascii_alphabetic() => {
                    let name = name_at(&s[2..]);
                    Tag::End {
                        name,
                        len: s.find('>').map_or(s.len(), |i| i + 1),
                    }
                }
                _ => Tag::Text,
            },
            Some(b) if b.is_ascii_alphabetic() => {
                let name = name_at(&s[1..]);
                Tag::Start {
                    name,
                    len: 1 + name.len() + attributes_len(&s[1 + name.len()..]),
                }
            }
            _ => Tag::Text,
        }
    }
}

fn name_at(s: &str) -> &str {
    let end = s
        .find(|c: char| c.is_ascii_whitespace() || c == '/' || c == '>')
        .unwrap_or(s.len());
    &s[..end]
}

/// Length up to and including the `>` that ends a start tag, quoted values skipped.
fn attributes_len(s: &str) -> usize {
    let mut quote: Option<u8> = None;
    for (i, b) in s.bytes().enumerate() {
        match (quote, b) {
            (Some(q), b) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'"' | b'\'') => {
                // Only a quote right after `=` (and optional spaces) opens a value.
                let before = s[..i].trim_end();
                if before.ends_with('=') {
                    quote = Some(b);
                }
            }
            (None, b'>') => return i + 1,
            (None, _) => {}
        }
    }
    s.len()
}

/// Length of a raw-text element's body: up to (not including) `</name`.
fn raw_text_len(s: &str, name: &str) -> usize {
    let lower_needle = format!("</{name}");
    let bytes = s.as_bytes();
    let mut from = 0;
    while let Some(i) = s[from..].find("</") {
        let at = from + i;
        let candidate = &bytes[at..(at + lower_needle.len()).min(bytes.len())];
        if candidate.eq_ignore_ascii_case(lower_needle.as_bytes()) {
            return at;
        }
        from = at + 2;
    }
    s.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nested(depth: usize) -> String {
        format!("{}x{}", "<div>".repeat(depth), "</div>".repeat(depth))
    }

    #[test]
    fn shallow_html_is_left_alone() {
        let html = nested(10);
        let (out, flattened) = bound_nesting(&html, 20);
        assert!(!flattened);
        assert_eq!(out, html);
    }

    #[test]
    fn deep_tags_are_dropped_and_text_kept() {
        let deep = nested(50);
        let (out, flattened) = bound_nesting(&deep, 5);
        assert!(flattened);
        assert_eq!(out, nested(5));
    }

    #[test]
    fn repeated_paragraphs_and_voids_do_not_count_as_nesting() {
        let html = "<p>a<br><img src=x>".repeat(40);
        let (out, flattened) = bound_nesting(&html, 5);
        assert!(!flattened, "{out}");
    }

    #[test]
    fn quotes_comments_and_raw_text_are_skipped_whole() {
        let html = format!(
            "<a title=\"<b>\">t</a><!-- <div><div> --><script>\"<div>\"</script>{}",
            "<i>".repeat(3)
        );
        let (out, flattened) = bound_nesting(&html, 3);
        assert!(!flattened, "{out}");
        let deeper = format!("{}<script>x</script>", "<i>".repeat(4));
        let (out, flattened) = bound_nesting(&deeper, 3);
        assert!(flattened);
        assert_eq!(out, "<i><i><i>");
    }
}
