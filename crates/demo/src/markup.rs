//! Escaping text for the demo's generated HTML and XML, and the date formats feeds and HTTP use.

use chrono::{DateTime, Utc};

/// Escapes text for use in HTML/XML element content and double- or single-quoted attributes.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Serializes a value as JSON that is safe inside an HTML `<script>` element.
pub fn json_for_script(value: &serde_json::Value) -> String {
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

/// The IMF-fixdate form of HTTP dates (`Last-Modified`, `If-Modified-Since`).
pub fn http_date(at: DateTime<Utc>) -> String {
    at.format("%a, %d %b %Y %H:%M:%S GMT").to_string()
}

/// RFC 3339 with whole seconds, as Atom, JSON Feed and Dublin Core dates are usually written.
pub fn iso_date(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            escape(r#"Tom & "Jerry" <b>'s</b>"#),
            "Tom &amp; &quot;Jerry&quot; &lt;b&gt;&#39;s&lt;/b&gt;"
        );
    }

    #[test]
    fn script_json_cannot_close_the_script_element() {
        let json = json_for_script(&serde_json::json!({"headline": "</script><b>"}));
        assert!(!json.contains("</script>"));
        let back: serde_json::Value = serde_json::from_str(&json).expect("still valid JSON");
        assert_eq!(back["headline"], "</script><b>");
    }
}
