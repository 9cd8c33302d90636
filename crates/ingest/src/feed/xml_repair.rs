//! Owns the repairs applied to XML feeds before parsing: dropping
//! characters XML forbids, escaping bare ampersands, turning HTML named
//! entities into character references, and completing an end tag cut off
//! at the end of the document. Text inside CDATA sections and comments is
//! left alone, and entities the document declares itself are kept.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

/// Applies every repair; returns `None` when nothing changed.
pub fn repair(xml: &str) -> Option<String> {
    let declared = super::xml_tree::declared_entities(xml);
    let mut repaired = fix_text(xml, &declared);
    if let Some(completed) = complete_final_end_tag(&repaired) {
        repaired = completed;
    }
    (repaired != xml).then_some(repaired)
}

static CUT_END_TAG: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"</[A-Za-z_][\w.:-]*\s*$").ok());

/// `...</feed` (the final `>` lost) becomes `...</feed>`.
fn complete_final_end_tag(xml: &str) -> Option<String> {
    let trimmed = xml.trim_end();
    CUT_END_TAG.as_ref()?.find(trimmed)?;
    Some(format!("{trimmed}>"))
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

fn fix_text(xml: &str, declared: &HashMap<String, String>) -> String {
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
            let (replacement, consumed) = fix_reference(rest, declared);
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
fn fix_reference(text: &str, declared: &HashMap<String, String>) -> (String, usize) {
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
    if matches!(name, "amp" | "lt" | "gt" | "quot" | "apos") || declared.contains_key(name) {
        return (text[..consumed].to_owned(), consumed);
    }
    match super::html_entities::lookup(name) {
        Some(c) => (format!("&#{};", c as u32), consumed),
        None => ("&amp;".to_owned(), 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_bare_ampersands_and_maps_html_entities() {
        let fixed = fix_text(
            "<t>Tom & Jerry &amp; &nbsp;&eacute;&bogus; &#233; &#1;</t>",
            &HashMap::new(),
        );
        assert_eq!(
            fixed,
            "<t>Tom &amp; Jerry &amp; &#160;&#233;&amp;bogus; &#233; </t>"
        );
    }

    #[test]
    fn leaves_cdata_alone_but_drops_control_chars() {
        let fixed = fix_text("<t>a\u{1}b<![CDATA[x & y\u{1}]]>&</t>", &HashMap::new());
        assert_eq!(fixed, "<t>ab<![CDATA[x & y]]>&amp;</t>");
    }

    #[test]
    fn keeps_declared_entities_and_completes_cut_end_tag() {
        let doc = "<!DOCTYPE rss [<!ENTITY id \"tag:x,\">]><rss><g>&id;1 &nope;</g></rss";
        let fixed = repair(doc).expect("changed");
        assert!(fixed.ends_with("<g>&id;1 &amp;nope;</g></rss>"), "{fixed}");
    }
}
