//! Owns turning feed bytes in any declared, undeclared or mis-declared
//! character set into UTF-8 text whose XML declaration says UTF-8.
//!
//! Order of evidence: a byte-order mark, then UTF-16 without a BOM (by its
//! zero bytes), then "the bytes are valid UTF-8" (mislabelled UTF-8 is far
//! more common than Latin-1 text that happens to be valid UTF-8), then the
//! HTTP charset, then the XML declaration, then statistical detection.

use std::borrow::Cow;
use std::sync::LazyLock;

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE};
use regex::bytes::Regex as BytesRegex;

static DECLARED_ENCODING: LazyLock<Option<BytesRegex>> = LazyLock::new(|| {
    BytesRegex::new(r#"^\s*<\?xml[^>]*?\bencoding\s*=\s*["']([A-Za-z0-9._:\-]+)["']"#).ok()
});

static DECLARATION_ENCODING_ATTR: LazyLock<Option<regex::Regex>> = LazyLock::new(|| {
    regex::Regex::new(r#"^(\s*<\?xml[^>]*?)\bencoding\s*=\s*["'][^"']*["']"#).ok()
});

/// The encoding named in the XML declaration, if any (ASCII-compatible only).
pub fn declared_encoding(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = &bytes[..bytes.len().min(1024)];
    let re = DECLARED_ENCODING.as_ref()?;
    let label = re.captures(head)?.get(1)?.as_bytes();
    Encoding::for_label(label)
}

/// The charset parameter of a Content-Type header value.
pub fn http_charset(content_type: Option<&str>) -> Option<&'static Encoding> {
    let content_type = content_type?;
    content_type.split(';').skip(1).find_map(|param| {
        let (key, value) = param.split_once('=')?;
        if !key.trim().eq_ignore_ascii_case("charset") {
            return None;
        }
        Encoding::for_label(value.trim().trim_matches('"').as_bytes())
    })
}

/// The encoding the bytes are most likely in.
pub fn choose_encoding(bytes: &[u8], content_type: Option<&str>) -> &'static Encoding {
    if let Some((bom_encoding, _)) = Encoding::for_bom(bytes) {
        return bom_encoding;
    }
    match bytes {
        [b'<', 0, b'?', 0, ..] | [b'<', 0, b'r', 0, ..] | [b'<', 0, b'f', 0, ..] => {
            return UTF_16LE;
        }
        [0, b'<', 0, b'?', ..] | [0, b'<', 0, b'r', ..] | [0, b'<', 0, b'f', ..] => {
            return UTF_16BE;
        }
        _ => {}
    }
    if std::str::from_utf8(bytes).is_ok() {
        return UTF_8;
    }
    let labelled = http_charset(content_type)
        .into_iter()
        .chain(declared_encoding(bytes))
        .find(|enc| *enc != UTF_8 && *enc != UTF_16LE && *enc != UTF_16BE);
    labelled.unwrap_or_else(|| detect(bytes))
}

fn detect(bytes: &[u8]) -> &'static Encoding {
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(bytes, true);
    detector.guess(None, false)
}

/// Decodes `bytes` to UTF-8 (malformed sequences become U+FFFD) and makes
/// any XML declaration say UTF-8.
pub(crate) fn to_utf8(bytes: &[u8], content_type: Option<&str>) -> String {
    let encoding = choose_encoding(bytes, content_type);
    let (text, _, _) = encoding.decode(bytes);
    let text = match text {
        Cow::Borrowed(s) => s.strip_prefix('\u{feff}').unwrap_or(s).to_owned(),
        Cow::Owned(s) => match s.strip_prefix('\u{feff}') {
            Some(rest) => rest.to_owned(),
            None => s,
        },
    };
    declare_utf8(text)
}

fn declare_utf8(text: String) -> String {
    match DECLARATION_ENCODING_ATTR.as_ref() {
        Some(re) if re.is_match(&text) => re.replace(&text, "${1}encoding=\"UTF-8\"").into_owned(),
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin1_bytes_declared_utf8_are_detected() {
        let bytes = b"<?xml version=\"1.0\" encoding=\"utf-8\"?><rss><title>Caf\xe9 cr\xe8me \x93quoted\x94</title></rss>";
        let text = to_utf8(bytes, None);
        assert!(text.contains("Café crème “quoted”"), "{text}");
        assert!(text.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
    }

    #[test]
    fn declared_legacy_encoding_is_honoured() {
        let (koi8, _, _) = encoding_rs::KOI8_R.encode("Привет, мир");
        let mut bytes = b"<?xml version='1.0' encoding='koi8-r'?><rss><title>".to_vec();
        bytes.extend_from_slice(&koi8);
        bytes.extend_from_slice(b"</title></rss>");
        let text = to_utf8(&bytes, None);
        assert!(text.contains("Привет, мир"), "{text}");
        assert!(text.contains("encoding=\"UTF-8\""));
    }

    #[test]
    fn utf16_with_bom_is_decoded() {
        let mut bytes = vec![0xff, 0xfe];
        for unit in "<?xml version=\"1.0\" encoding=\"utf-16\"?><feed>é</feed>".encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        let text = to_utf8(&bytes, None);
        assert_eq!(
            text,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><feed>é</feed>"
        );
    }
}
