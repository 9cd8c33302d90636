//! Owns what a feed's text fields mean: titles become plain text, bodies
//! stay HTML. Covers Atom text constructs (`text`, `html`, `xhtml`, MIME
//! types, Atom 0.3 `mode="escaped|base64|xml"`) and RSS text that may be
//! escaped HTML or "naked" inline markup.

use base64::Engine;

use super::xml_tree::{Element, XHTML_NS};

/// A text field's value together with whether it is HTML.
#[derive(Debug, Clone, PartialEq)]
pub enum TextValue {
    Plain(String),
    Html(String),
}

impl TextValue {
    /// As plain text with runs of ASCII whitespace (line breaks, tabs)
    /// collapsed to one space (for titles); no-break spaces are kept.
    pub fn into_plain(self) -> Option<String> {
        let text = match self {
            TextValue::Plain(text) => text,
            TextValue::Html(html) => html_to_text(&html),
        };
        let collapsed = text
            .split(|c: char| c.is_ascii_whitespace())
            .filter(|word| !word.is_empty())
            .collect::<Vec<_>>()
            .join(" ");
        (!collapsed.is_empty()).then_some(collapsed)
    }

    /// As HTML (plain text is escaped), trimmed.
    pub fn into_html(self) -> Option<String> {
        let html = match self {
            TextValue::Plain(text) => escape_html(text.trim()),
            TextValue::Html(html) => html.trim().to_owned(),
        };
        (!html.is_empty()).then_some(html)
    }
}

/// Longest HTML read for a plain-text field (titles): far more than a title
/// needs, small enough that deep nesting costs the HTML parser little.
const MAX_PLAIN_HTML_BYTES: usize = 16 * 1024;

/// Plain text of an HTML fragment (tags dropped, references decoded); only
/// the first [`MAX_PLAIN_HTML_BYTES`] are read.
pub fn html_to_text(html: &str) -> String {
    if !html.contains(['<', '&']) {
        return html.to_owned();
    }
    let mut end = html.len().min(MAX_PLAIN_HTML_BYTES);
    while !html.is_char_boundary(end) {
        end -= 1;
    }
    scraper::Html::parse_fragment(&html[..end])
        .root_element()
        .text()
        .collect()
}

pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            _ => out.push(c),
        }
    }
    out
}

/// RSS text elements: inline child elements are markup; otherwise the
/// text is HTML when it looks like HTML (tags or character references).
pub fn rss_text(element: &Element) -> TextValue {
    if element.has_element_children() {
        return TextValue::Html(element.inner_xml());
    }
    let text = element.text();
    if looks_like_html(&text) {
        TextValue::Html(text)
    } else {
        TextValue::Plain(text)
    }
}

/// RSS bodies (`description`, `content:encoded`) are always HTML.
pub fn rss_html(element: &Element) -> TextValue {
    if element.has_element_children() {
        TextValue::Html(element.inner_xml())
    } else {
        TextValue::Html(element.text())
    }
}

fn looks_like_html(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.windows(2).any(|w| {
        (w[0] == b'<' && (w[1].is_ascii_alphabetic() || w[1] == b'/' || w[1] == b'!'))
            || (w[0] == b'&' && (w[1].is_ascii_alphanumeric() || w[1] == b'#'))
    })
}

enum Kind {
    Text,
    Html,
    Xhtml,
    Binary,
}

/// An Atom text construct (`title`, `subtitle`, `summary`, `content`,
/// `rights`); `None` for out-of-line or non-text content.
pub fn atom_text(element: &Element) -> Option<TextValue> {
    let ty = element
        .attr("type")
        .map(|t| t.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let mode = element
        .attr("mode")
        .map(|m| m.trim().to_ascii_lowercase())
        .unwrap_or_default();
    let kind = match ty.as_str() {
        "" | "text" | "text/plain" => Kind::Text,
        "html" | "text/html" | "escaped" => Kind::Html,
        "xhtml" | "application/xhtml+xml" => Kind::Xhtml,
        t if t.starts_with("text/") => Kind::Text,
        t if t.ends_with("+xml") || t.ends_with("/xml") => Kind::Xhtml,
        _ => Kind::Binary,
    };
    if element.attr("src").is_some() && element.children.is_empty() {
        return None;
    }
    if mode == "base64" || (matches!(kind, Kind::Binary) && !element.has_element_children()) {
        // Binary types whose bytes are not text (images...) are dropped;
        // a mislabelled plain text body is kept as text.
        return match (decode_base64(&element.text()), kind) {
            (Some(decoded), Kind::Html | Kind::Xhtml) => Some(TextValue::Html(decoded)),
            (Some(decoded), Kind::Text | Kind::Binary) => Some(TextValue::Plain(decoded)),
            (None, Kind::Binary) if mode != "base64" => {
                Some(TextValue::Plain(element.text())).filter(|_| !ty.starts_with("image/"))
            }
            (None, _) => None,
        };
    }
    if element.has_element_children() || mode == "xml" || matches!(kind, Kind::Xhtml) {
        if !element.has_element_children() && matches!(kind, Kind::Text) {
            return Some(TextValue::Plain(element.text()));
        }
        return Some(TextValue::Html(xhtml_inner(element)));
    }
    Some(match kind {
        Kind::Html => TextValue::Html(element.text()),
        _ => TextValue::Plain(element.text()),
    })
}

/// The markup inside an xhtml construct, without the mandatory wrapper
/// `<div xmlns="http://www.w3.org/1999/xhtml">`.
fn xhtml_inner(element: &Element) -> String {
    let mut elements = element.elements();
    let only = elements.next().filter(|_| elements.next().is_none());
    let text_outside = element.children.iter().any(|n| match n {
        super::xml_tree::Node::Text(t) => !t.trim().is_empty(),
        super::xml_tree::Node::Element(_) => false,
    });
    match only {
        Some(div) if div.name == "div" && div.ns == XHTML_NS && !text_outside => div.inner_xml(),
        _ => element.inner_xml(),
    }
}

fn decode_base64(text: &str) -> Option<String> {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(compact.as_bytes())
        .or_else(|_| {
            base64::engine::general_purpose::STANDARD_NO_PAD.decode(compact.trim_end_matches('='))
        })
        .ok()?;
    String::from_utf8(bytes)
        .ok()
        .filter(|text| !text.chars().any(|c| c.is_control() && !c.is_whitespace()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feed::xml_tree::parse;

    fn atom(xml: &str) -> Option<TextValue> {
        atom_text(&parse(xml).expect("xml"))
    }

    #[test]
    fn atom_text_constructs() {
        assert_eq!(
            atom("<title type=\"html\">A &lt;b&gt;bold&lt;/b&gt; &amp;amp; more</title>")
                .and_then(TextValue::into_plain),
            Some("A bold & more".into())
        );
        assert_eq!(
            atom("<summary>a &lt; b</summary>").and_then(TextValue::into_html),
            Some("a &lt; b".into())
        );
        assert_eq!(
            atom(
                "<content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\"><p>Hi</p></div></content>"
            ),
            Some(TextValue::Html("<p>Hi</p>".into()))
        );
        assert_eq!(
            atom("<title type=\"text/html\" mode=\"base64\">PGI+SGk8L2I+</title>"),
            Some(TextValue::Html("<b>Hi</b>".into()))
        );
        assert_eq!(
            atom("<content type=\"image/png\">iVBORw0KGgo=</content>"),
            None
        );
        assert_eq!(
            atom("<content type=\"application/octet-stream\"> PGI+SGk8L2I+ </content>"),
            Some(TextValue::Plain("<b>Hi</b>".into()))
        );
        assert_eq!(
            atom("<title type=\"application/x-custom\">test</title>"),
            Some(TextValue::Plain("test".into()))
        );
        assert_eq!(
            atom("<content src=\"http://x/\" type=\"text/html\"/>"),
            None
        );
    }

    #[test]
    fn rss_text_detects_markup() {
        let el = parse("<description>Hi <b>there</b><br/></description>").expect("xml");
        assert_eq!(
            rss_html(&el),
            TextValue::Html("Hi <b>there</b><br />".into())
        );
        let el = parse("<title>AT&amp;amp;T &lt;3</title>").expect("xml");
        assert_eq!(rss_text(&el).into_plain(), Some("AT&T <3".into()));
        let el = parse("<title>x &lt; y</title>").expect("xml");
        assert_eq!(rss_text(&el).into_plain(), Some("x < y".into()));
    }
}
