//! Owns the repairs applied to XML feeds that fail to parse: dropping
//! characters XML forbids, escaping bare ampersands, turning HTML named
//! entities into character references, and normalising unusual RSS version
//! attributes. Text inside CDATA sections and comments is left alone.

use std::sync::LazyLock;

use regex::Regex;

/// Applies every repair; returns `None` when nothing changed.
pub fn repair(xml: &str) -> Option<String> {
    let mut repaired = fix_text(xml);
    if let Some(versioned) = normalise_rss_version(&repaired) {
        repaired = versioned;
    }
    if repaired.contains("<feed") || repaired.contains(":feed") {
        if let Some(upgraded) = upgrade_atom03(&repaired) {
            repaired = upgraded;
        }
        if let Some(typed) = normalise_atom_text_types(&repaired) {
            repaired = typed;
        }
    }
    (repaired != xml).then_some(repaired)
}

const ATOM03_NS: &str = "http://purl.org/atom/ns#";
const ATOM10_NS: &str = "http://www.w3.org/2005/Atom";

static ATOM03_RENAMED: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"<(/?)((?:[A-Za-z_][\w.-]*:)?)(issued|modified|tagline|copyright)\b").ok()
});

/// Atom 0.3 is read as Atom 1.0: its namespace is swapped and its renamed
/// elements (issued, modified, tagline, copyright) get their 1.0 names.
fn upgrade_atom03(xml: &str) -> Option<String> {
    if !xml.contains(ATOM03_NS) {
        return None;
    }
    let swapped = xml.replace(ATOM03_NS, ATOM10_NS);
    let renamed = ATOM03_RENAMED
        .as_ref()?
        .replace_all(&swapped, |caps: &regex::Captures<'_>| {
            let new_name = match &caps[3] {
                "issued" => "published",
                "modified" => "updated",
                "tagline" => "subtitle",
                _ => "rights",
            };
            format!("<{}{}{}", &caps[1], &caps[2], new_name)
        });
    Some(renamed.into_owned())
}

static ATOM_TEXT_START_TAG: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"<((?:[A-Za-z_][\w.-]*:)?(?:title|subtitle|summary|rights|content))(\s[^>]*)>").ok()
});
static TYPE_ATTR: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"\btype\s*=\s*["']([^"']*)["']"#).ok());
static MODE_ATTR: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"\s\bmode\s*=\s*["'][^"']*["']"#).ok());

/// feed-rs rejects the whole feed when a text construct has a MIME-style
/// type (`text/plain`, `application/xhtml+xml`, upper case, ...); those are
/// mapped onto `text`, `html` and `xhtml`, and Atom 0.3's `mode` is dropped.
fn normalise_atom_text_types(xml: &str) -> Option<String> {
    let (tag_re, type_re, mode_re) = (
        ATOM_TEXT_START_TAG.as_ref()?,
        TYPE_ATTR.as_ref()?,
        MODE_ATTR.as_ref()?,
    );
    let mut changed = false;
    let out = tag_re.replace_all(xml, |caps: &regex::Captures<'_>| {
        let name = &caps[1];
        let attrs = &caps[2];
        let is_content = name.ends_with("content");
        // Out-of-line content must keep its MIME type.
        if is_content && attrs.contains("src") {
            return caps[0].to_owned();
        }
        let mut new_attrs = mode_re.replace_all(attrs, "").into_owned();
        if let Some(ty) = type_re.captures(&new_attrs) {
            let value = ty[1].trim().to_ascii_lowercase();
            let mapped = match value.as_str() {
                "text" | "html" | "xhtml" => Some(value.clone()),
                "text/plain" => Some("text".to_owned()),
                "text/html" | "escaped" => Some("html".to_owned()),
                "application/xhtml+xml" => Some("xhtml".to_owned()),
                _ if is_content => None,
                _ => Some("text".to_owned()),
            };
            if let Some(mapped) = mapped.filter(|m| *m != ty[1]) {
                new_attrs = type_re
                    .replace(&new_attrs, format!("type=\"{mapped}\"").as_str())
                    .into_owned();
            }
        }
        if new_attrs != attrs {
            changed = true;
        }
        format!("<{name}{new_attrs}>")
    });
    changed.then(|| out.into_owned())
}

fn is_forbidden_xml_char(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}')
}

/// C1 control characters (U+0080–U+009F) in feeds are almost always
/// windows-1252 punctuation decoded as Latin-1 or written as `&#146;`;
/// they are read as the windows-1252 characters, as browsers do.
fn windows_1252_c1(code: u32) -> Option<char> {
    let byte = u8::try_from(code)
        .ok()
        .filter(|b| (0x80..=0x9f).contains(b))?;
    let bytes = [byte];
    let (decoded, _, had_errors) = encoding_rs::WINDOWS_1252.decode(&bytes);
    let c = decoded.chars().next()?;
    (!had_errors && u32::from(c) != code).then_some(c)
}

fn fix_text(xml: &str) -> String {
    let mut out = String::with_capacity(xml.len() + 64);
    let mut rest = xml;
    while !rest.is_empty() {
        // Copy CDATA sections and comments verbatim (minus forbidden chars).
        let protected = [("<![CDATA[", "]]>"), ("<!--", "-->")]
            .into_iter()
            .find(|(open, _)| rest.starts_with(open));
        if let Some((open, close)) = protected {
            let end = rest[open.len()..]
                .find(close)
                .map(|i| open.len() + i + close.len())
                .unwrap_or(rest.len());
            out.extend(rest[..end].chars().filter(|c| !is_forbidden_xml_char(*c)));
            rest = &rest[end..];
            continue;
        }
        let mut chars = rest.chars();
        let Some(c) = chars.next() else { break };
        if c == '&' {
            let (replacement, consumed) = fix_reference(rest);
            out.push_str(&replacement);
            rest = &rest[consumed..];
            continue;
        }
        if let Some(mapped) = windows_1252_c1(c as u32) {
            out.push(mapped);
        } else if !is_forbidden_xml_char(c) {
            out.push(c);
        }
        rest = chars.as_str();
    }
    out
}

/// `text` starts with '&'. Returns the text to emit and the bytes consumed.
fn fix_reference(text: &str) -> (String, usize) {
    let after = &text[1..];
    let end = after
        .char_indices()
        .take(32)
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '#'))
        .map(|(i, _)| i);
    let Some(end) = end else {
        return ("&amp;".to_owned(), 1);
    };
    if !after[end..].starts_with(';') || end == 0 {
        return ("&amp;".to_owned(), 1);
    }
    let name = &after[..end];
    let consumed = 1 + end + 1;
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => number.parse::<u32>().ok(),
        };
        let code = code.map(|c| windows_1252_c1(c).map_or(c, u32::from));
        return match code.and_then(char::from_u32) {
            Some(c) if !is_forbidden_xml_char(c) => (format!("&#{};", c as u32), consumed),
            Some(_) => (String::new(), consumed),
            None => ("&amp;".to_owned(), 1),
        };
    }
    if matches!(name, "amp" | "lt" | "gt" | "quot" | "apos") {
        return (text[..consumed].to_owned(), consumed);
    }
    match super::html_entities::lookup(name) {
        Some(c) => (format!("&#{};", c as u32), consumed),
        None => ("&amp;".to_owned(), 1),
    }
}

static RSS_OPEN_TAG: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"<rss\b([^>]*)>"#).ok());
static VERSION_ATTR: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r#"\bversion\s*=\s*["'][^"']*["']"#).ok());

/// feed-rs only recognises `<rss version="2.0|0.91|0.92">`; other or missing
/// versions (0.93, 0.94, 2.0.1, none) are read as RSS 2.0, their superset.
fn normalise_rss_version(xml: &str) -> Option<String> {
    let tag = RSS_OPEN_TAG.as_ref()?.captures(xml)?;
    let whole = tag.get(0)?;
    let attrs = tag.get(1)?.as_str();
    let version_re = VERSION_ATTR.as_ref()?;
    let new_attrs = if let Some(found) = version_re.find(attrs) {
        let value = found.as_str();
        if ["2.0", "0.91", "0.92"]
            .iter()
            .any(|v| value.ends_with(&format!("\"{v}\"")) || value.ends_with(&format!("'{v}'")))
        {
            return None;
        }
        version_re.replace(attrs, "version=\"2.0\"").into_owned()
    } else {
        format!(" version=\"2.0\"{attrs}")
    };
    let mut out = String::with_capacity(xml.len() + 16);
    out.push_str(&xml[..whole.start()]);
    out.push_str("<rss");
    out.push_str(&new_attrs);
    out.push('>');
    out.push_str(&xml[whole.end()..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_bare_ampersands_and_maps_html_entities() {
        let fixed = fix_text("<t>Tom & Jerry &amp; &nbsp;&eacute;&bogus; &#233; &#1;</t>");
        assert_eq!(
            fixed,
            "<t>Tom &amp; Jerry &amp; &#160;&#233;&amp;bogus; &#233; </t>"
        );
    }

    #[test]
    fn leaves_cdata_alone_but_drops_control_chars() {
        let fixed = fix_text("<t>a\u{1}b<![CDATA[x & y\u{1}]]>&</t>");
        assert_eq!(fixed, "<t>ab<![CDATA[x & y]]>&amp;</t>");
    }

    #[test]
    fn upgrades_atom03_and_its_text_types() {
        let doc = "<feed version=\"0.3\" xmlns=\"http://purl.org/atom/ns#\"><tagline type=\"text/plain\">t</tagline>\
            <entry><issued>2003-12-31T10:14:55Z</issued><content type=\"text/html\" mode=\"escaped\">x</content></entry></feed>";
        let fixed = repair(doc).expect("changed");
        assert_eq!(
            fixed,
            "<feed version=\"0.3\" xmlns=\"http://www.w3.org/2005/Atom\"><subtitle type=\"text\">t</subtitle>\
            <entry><published>2003-12-31T10:14:55Z</published><content type=\"html\">x</content></entry></feed>"
        );
    }

    #[test]
    fn normalises_rss_version() {
        assert_eq!(
            normalise_rss_version("<rss version=\"0.94\"><channel/></rss>").as_deref(),
            Some("<rss version=\"2.0\"><channel/></rss>")
        );
        assert_eq!(
            normalise_rss_version("<rss><channel/></rss>").as_deref(),
            Some("<rss version=\"2.0\"><channel/></rss>")
        );
        assert_eq!(normalise_rss_version("<rss version='2.0'>"), None);
    }
}
