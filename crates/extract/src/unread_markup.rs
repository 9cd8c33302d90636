//! Removing what is never read before the HTML is parsed: the bodies of scripts and style
//! sheets, the content of inline `<svg>` drawings, and comments.
//!
//! Script and style text is about half the bytes of a modern page and is never read (except
//! JSON-LD), yet the HTML tokenizer walks it character by character. A fast byte scan that
//! follows the tokenizer's rules for tags, attribute quoting, comments and raw-text elements
//! finds each of them and leaves it out, keeping the start and end tags, so the tree the parser
//! builds is the same apart from the missing text, drawings and comments. Where the scan
//! meets something it does not model exactly (a `<!--` inside a script, which switches the
//! tokenizer into its escaped states, or `<plaintext>`), it stops and copies the rest as it is.

use std::borrow::Cow;

use memchr::{memchr, memmem};

/// `html` without the text of `<script>` (other than JSON-LD) and `<style>` elements.
pub fn strip_unread_markup(html: &str) -> Cow<'_, str> {
    let bytes = html.as_bytes();
    // Byte ranges to leave out, in order; every bound sits on an ASCII byte.
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    let mut pos = 0;
    while let Some(offset) = memchr(b'<', &bytes[pos..]) {
        let lt = pos + offset;
        let Some(next) = skip_markup(bytes, lt, &mut cuts) else {
            break;
        };
        pos = next;
    }
    if cuts.is_empty() {
        return Cow::Borrowed(html);
    }
    let removed: usize = cuts.iter().map(|(start, end)| end - start).sum();
    let mut out = String::with_capacity(html.len() - removed);
    let mut copied_to = 0;
    for (start, end) in cuts {
        out.push_str(&html[copied_to..start]);
        copied_to = end;
    }
    out.push_str(&html[copied_to..]);
    Cow::Owned(out)
}

/// Handles the markup starting at `lt` (a `<`); returns where scanning goes on, or `None` to
/// stop (end of input or a construct the scan does not follow).
fn skip_markup(bytes: &[u8], lt: usize, cuts: &mut Vec<(usize, usize)>) -> Option<usize> {
    let after = lt + 1;
    match bytes.get(after)? {
        b'!' if bytes[after..].starts_with(b"!--") => {
            let end = comment_end(bytes, lt + 4)?;
            cuts.push((lt, end));
            Some(end)
        }
        b'!' | b'?' => find_byte(bytes, after, b'>').map(|gt| gt + 1),
        b'/' => match bytes.get(after + 1)? {
            c if c.is_ascii_alphabetic() => tag_end(bytes, after + 1, None).map(|(_, end)| end),
            b'>' => Some(after + 2),
            _ => find_byte(bytes, after, b'>').map(|gt| gt + 1),
        },
        c if c.is_ascii_alphabetic() => {
            let (name_end, end) = start_tag_end(bytes, after, cuts)?;
            let name = &bytes[after..name_end];
            raw_text_element(bytes, name, name_end, end, cuts)
        }
        _ => Some(after),
    }
}

/// After the start tag of `name` (ending at `end`): skips the element's text when the
/// tokenizer reads it as raw text, cutting it out for scripts and styles.
fn raw_text_element(
    bytes: &[u8],
    name: &[u8],
    name_end: usize,
    end: usize,
    cuts: &mut Vec<(usize, usize)>,
) -> Option<usize> {
    let mut lower = [0u8; 9];
    let Some(lower) = lower.get_mut(..name.len()) else {
        return Some(end);
    };
    for (to, from) in lower.iter_mut().zip(name) {
        *to = from.to_ascii_lowercase();
    }
    let tag: &[u8] = match &*lower {
        b"plaintext" => return None,
        b"svg" => return Some(svg_content_end(bytes, end, cuts)),
        b"script" => b"script",
        b"style" => b"style",
        b"title" => b"title",
        b"textarea" => b"textarea",
        b"xmp" => b"xmp",
        b"iframe" => b"iframe",
        b"noembed" => b"noembed",
        b"noframes" => b"noframes",
        b"noscript" => b"noscript",
        _ => return Some(end),
    };
    let close = closing_tag(bytes, end, tag)?;
    if tag == b"script" {
        if is_double_escaped(&bytes[end..close]) {
            return None;
        }
        // Raw attribute bytes: the `+` of "ld+json" may be written as a character reference.
        let attributes = &bytes[name_end..end];
        let contains = |word: &[u8]| {
            attributes
                .windows(word.len())
                .any(|w| w.eq_ignore_ascii_case(word))
        };
        let is_json_ld = contains(b"json") && contains(b"ld");
        if !is_json_ld && close > end {
            cuts.push((end, close));
        }
    } else if tag == b"style" && close > end {
        cuts.push((end, close));
    }
    Some(close)
}

/// After an `<svg>` start tag ending at `end`: cuts the drawing's content (the element is left
/// out of the page tree whole) unless the tag closes itself or another `<svg>` is nested.
fn svg_content_end(bytes: &[u8], end: usize, cuts: &mut Vec<(usize, usize)>) -> usize {
    if bytes[..end].ends_with(b"/>") {
        return end;
    }
    let Some(close) = closing_tag(bytes, end, b"svg") else {
        return end;
    };
    let nested = bytes[end..close]
        .windows(4)
        .any(|w| w.eq_ignore_ascii_case(b"<svg"));
    if nested {
        return end;
    }
    if close > end {
        cuts.push((end, close));
    }
    close
}

/// Whether script text may hold a `<script` after a `<!--`: the tokenizer's double-escaped
/// state, where `</script>` does not end the script.
fn is_double_escaped(script: &[u8]) -> bool {
    memmem::find(script, b"<!--").is_some_and(|comment| {
        script[comment..]
            .windows(7)
            .any(|w| w.eq_ignore_ascii_case(b"<script"))
    })
}

/// Position of the first `</tag` (any case) at or after `from` that the tokenizer takes as the
/// end tag: followed by whitespace, `/` or `>`.
fn closing_tag(bytes: &[u8], from: usize, tag: &[u8]) -> Option<usize> {
    let finder = memmem::Finder::new(b"</");
    let mut at = from;
    loop {
        let start = at + finder.find(&bytes[at..])?;
        let name_start = start + 2;
        let name_end = name_start + tag.len();
        if bytes
            .get(name_start..name_end)
            .is_some_and(|name| name.eq_ignore_ascii_case(tag))
            && matches!(
                bytes.get(name_end),
                Some(b'\t' | b'\n' | b'\x0c' | b'\r' | b' ' | b'/' | b'>')
            )
        {
            return Some(start);
        }
        at = start + 2;
    }
}

/// End of a comment whose text starts at `from` (just after `<!--`).
fn comment_end(bytes: &[u8], from: usize) -> Option<usize> {
    let rest = bytes.get(from..)?;
    if rest.starts_with(b">") {
        return Some(from + 1);
    }
    if rest.starts_with(b"->") {
        return Some(from + 2);
    }
    let finder = memmem::Finder::new(b"--");
    let mut at = from;
    loop {
        let dashes = at + finder.find(&bytes[at..])?;
        match bytes.get(dashes + 2) {
            Some(b'>') => return Some(dashes + 3),
            Some(b'!') if bytes.get(dashes + 3) == Some(&b'>') => return Some(dashes + 4),
            _ => at = dashes + 1,
        }
    }
}

fn find_byte(bytes: &[u8], from: usize, byte: u8) -> Option<usize> {
    memchr(byte, bytes.get(from..)?).map(|offset| from + offset)
}

fn is_space(byte: u8) -> bool {
    matches!(byte, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ')
}

/// Whether the extractor reads an attribute (or the tree builder looks at it); every other
/// attribute of a start tag is cut. A new attribute read anywhere in the crate must be added
/// here.
fn is_read_attribute(name: &[u8]) -> bool {
    let mut lower = [0u8; 16];
    let Some(lower) = lower.get_mut(..name.len()) else {
        return false;
    };
    for (to, from) in lower.iter_mut().zip(name) {
        *to = from.to_ascii_lowercase();
    }
    matches!(
        &*lower,
        b"class"
            | b"id"
            | b"hidden"
            | b"aria-hidden"
            | b"aria-label"
            | b"style"
            | b"role"
            | b"href"
            | b"src"
            | b"data-src"
            | b"data-lazy-src"
            | b"data-original"
            | b"alt"
            | b"width"
            | b"height"
            | b"rel"
            | b"itemprop"
            | b"datetime"
            | b"content"
            | b"value"
            | b"property"
            | b"name"
            | b"http-equiv"
            | b"type"
            | b"lang"
            | b"xml:lang"
            | b"charset"
            | b"encoding"
            | b"color"
            | b"face"
            | b"size"
    )
}

/// Reads a start tag, cutting the attributes the extractor never reads.
fn start_tag_end(
    bytes: &[u8],
    name_start: usize,
    cuts: &mut Vec<(usize, usize)>,
) -> Option<(usize, usize)> {
    let mut unread = Vec::new();
    let (name_end, end) = tag_end(bytes, name_start, Some(&mut unread))?;
    cuts.extend(unread);
    Some((name_end, end))
}

/// Reads a tag whose name starts at `name_start`, following the tokenizer's attribute rules
/// (quoted values may hold `>`); returns the end of the name and the position after `>`.
/// With `unread`, the byte ranges of attributes [`is_read_attribute`] rejects that follow
/// whitespace are collected there.
fn tag_end(
    bytes: &[u8],
    name_start: usize,
    mut unread: Option<&mut Vec<(usize, usize)>>,
) -> Option<(usize, usize)> {
    let mut i = name_start;
    while !matches!(bytes.get(i)?, b'/' | b'>') && !is_space(bytes[i]) {
        i += 1;
    }
    let name_end = i;
    loop {
        while is_space(*bytes.get(i)?) {
            i += 1;
        }
        match bytes[i] {
            b'>' => return Some((name_end, i + 1)),
            b'/' => {
                i += 1;
                continue;
            }
            _ => {}
        }
        // Attribute name (a leading `=` belongs to it).
        let attribute_start = i;
        i += 1;
        while !matches!(bytes.get(i)?, b'/' | b'>' | b'=') && !is_space(bytes[i]) {
            i += 1;
        }
        let attribute_name = &bytes[attribute_start..i];
        while is_space(*bytes.get(i)?) {
            i += 1;
        }
        if bytes[i] == b'=' {
            i += 1;
            while is_space(*bytes.get(i)?) {
                i += 1;
            }
            match bytes[i] {
                quote @ (b'"' | b'\'') => i = find_byte(bytes, i + 1, quote)? + 1,
                b'>' => return Some((name_end, i + 1)),
                _ => {
                    while bytes.get(i).is_some_and(|&b| b != b'>' && !is_space(b)) {
                        i += 1;
                    }
                }
            }
        }
        if let Some(unread) = unread.as_deref_mut()
            && is_space(bytes[attribute_start - 1])
            && !is_read_attribute(attribute_name)
        {
            unread.push((attribute_start, i));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_and_style_bodies_are_removed() {
        let html =
            "<p>a</p><script src=x>if (a<b) { s = '</p>'; }</script><style>p{}</style><p>b</p>";
        assert_eq!(
            strip_unread_markup(html),
            "<p>a</p><script src=x></script><style></style><p>b</p>"
        );
    }

    #[test]
    fn json_ld_and_other_raw_text_are_kept() {
        let html = r#"<script type="application/ld+json">{"a":1}</script><title>Use <script> well</title><p>x</p><script type="application/ld&#x2B;json">{}</script>"#;
        assert_eq!(strip_unread_markup(html), html);
    }

    #[test]
    fn markup_in_quotes_and_comments_is_not_a_tag() {
        let html = r#"<div class="<script>">y</div><!-- <style> --><p>z</p><script>1</script>"#;
        assert_eq!(
            strip_unread_markup(html),
            r#"<div class="<script>">y</div><p>z</p><script></script>"#
        );
    }

    #[test]
    fn drawings_are_emptied_unless_nested_or_self_closed() {
        assert_eq!(
            strip_unread_markup("<svg viewBox=\"0 0 1 1\"><path d=\"M0\"/></svg><p>a</p>"),
            "<svg ></svg><p>a</p>"
        );
        // The outer drawing is kept; the inner one, holding no drawing, is emptied.
        let nested = "<svg><svg><path/></svg><g/></svg><p>a</p>";
        assert_eq!(
            strip_unread_markup(nested),
            "<svg><svg></svg><g/></svg><p>a</p>"
        );
        let closed = "<svg/><p>a</p><svg><g/></svg>";
        assert_eq!(strip_unread_markup(closed), "<svg/><p>a</p><svg></svg>");
    }

    #[test]
    fn unread_attributes_are_cut() {
        let html = r#"<img srcset="a.jpg 2x, b.jpg 3x" src=a.jpg data-x='1 > 0' ALT="A"><p onclick=f() id=p>t</p>"#;
        assert_eq!(
            strip_unread_markup(html),
            r#"<img  src=a.jpg  ALT="A"><p  id=p>t</p>"#
        );
    }

    #[test]
    fn escaped_scripts_and_unclosed_tags_stop_the_scan() {
        let escaped = "<script><!-- <script></script> --></script><p>t</p><style>s</style>";
        assert_eq!(strip_unread_markup(escaped), escaped);
        let commented = "<script><!-- x() --></script><p>t</p>";
        assert_eq!(strip_unread_markup(commented), "<script></script><p>t</p>");
        let unclosed = "<p>t</p><script>never closed";
        assert_eq!(strip_unread_markup(unclosed), unclosed);
        let cut = "<div class=\"a";
        assert_eq!(strip_unread_markup(cut), cut);
    }
}
