//! How a parsed value is compared with a suite's expected value, per kind of
//! field. Titles are plain text in Tidings, so the expected title is read as
//! plain text; summaries and content are HTML, so both sides are parsed and
//! compared as normalised HTML (attribute order, `<br/>` vs `<br />`, and
//! character references do not matter). A suite value does not say whether
//! it is HTML or text, so either reading is accepted.

use chrono::{DateTime, Datelike, Timelike, Utc};
use scraper::{Html, Node};
use serde_json::Value;
use url::Url;

pub fn collapse(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn html_text(html: &str) -> String {
    Html::parse_fragment(html).root_element().text().collect()
}

pub fn title_matches(got: Option<&str>, want: &str) -> bool {
    let Some(got) = got else {
        return collapse(&html_text(want)).is_empty();
    };
    let got = collapse(got);
    got == collapse(&html_text(want)) || got == collapse(want)
}

pub fn html_matches(got: Option<&str>, want: &str) -> bool {
    let Some(got) = got else {
        return collapse(want).is_empty();
    };
    let ours = normalised_html(got);
    ours == normalised_html(want) || ours == normalised_html(&escape(want))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A canonical serialisation: sorted attributes, collapsed whitespace, and
/// one attribute-less wrapper `<div>` around everything removed.
pub fn normalised_html(html: &str) -> String {
    let fragment = Html::parse_fragment(html);
    let mut out = String::new();
    let root = fragment.root_element();
    let children: Vec<_> = root
        .children()
        .filter(|n| !matches!(n.value(), Node::Text(t) if t.trim().is_empty()))
        .collect();
    let wrapper = match children.as_slice() {
        [only] => only
            .value()
            .as_element()
            .filter(|e| e.name() == "div" && e.attrs().next().is_none())
            .map(|_| *only),
        _ => None,
    };
    match wrapper {
        Some(div) => div.children().for_each(|c| write(c, &mut out)),
        None => root.children().for_each(|c| write(c, &mut out)),
    }
    collapse(&out)
}

fn write(node: ego_tree::NodeRef<'_, Node>, out: &mut String) {
    match node.value() {
        Node::Text(text) => out.push_str(&escape(text)),
        Node::Element(element) => {
            // Namespace declarations (`xmlns`, `xmlns:xlink`) carry no content.
            let mut attrs: Vec<(&str, &str)> = element
                .attrs
                .iter()
                .filter(|(name, _)| {
                    name.prefix.as_deref() != Some("xmlns") && &*name.local != "xmlns"
                })
                .map(|(name, value)| (&*name.local, &**value))
                .collect();
            attrs.sort();
            out.push('<');
            out.push_str(element.name());
            for (name, value) in attrs {
                out.push_str(&format!(" {name}=\"{}\"", escape(value)));
            }
            out.push('>');
            node.children().for_each(|c| write(c, out));
            out.push_str(&format!("</{}>", element.name()));
        }
        _ => {}
    }
}

pub fn link_matches(got: Option<&str>, want: &str) -> bool {
    let Some(got) = got else {
        return want.trim().is_empty();
    };
    match (Url::parse(got.trim()), Url::parse(want.trim())) {
        (Ok(a), Ok(b)) => a == b,
        _ => got.trim() == want.trim(),
    }
}

/// feedparser's `author` is "Name (email)" when both are given; Tidings
/// keeps the name.
pub fn author_matches(got: Option<&str>, want: &str) -> bool {
    let want = want.trim();
    let name = want
        .strip_suffix(')')
        .and_then(|w| w.rsplit_once(" ("))
        .filter(|(_, email)| email.contains('@'))
        .map_or(want, |(name, _)| name.trim());
    got.map(str::trim) == Some(name) || got.map(str::trim) == Some(want)
}

pub fn text_matches(got: Option<&str>, want: &Value) -> bool {
    match want {
        Value::String(want) => got.map(str::trim) == Some(want.trim()),
        Value::Null => got.is_none(),
        _ => false,
    }
}

/// feedparser dates are `time.struct_time` tuples (UTC).
pub fn date_matches(got: Option<DateTime<Utc>>, want: &Value) -> bool {
    let Some(parts) = want.as_array() else {
        return got.is_none() && want.is_null();
    };
    let want: Vec<i64> = parts.iter().take(6).filter_map(Value::as_i64).collect();
    got.is_some_and(|d| {
        want == [
            i64::from(d.year()),
            i64::from(d.month()),
            i64::from(d.day()),
            i64::from(d.hour()),
            i64::from(d.minute()),
            i64::from(d.second()),
        ]
    })
}
