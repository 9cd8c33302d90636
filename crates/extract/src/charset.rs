//! Turning page bytes into text: picks the character encoding from the HTTP header, then a
//! byte-order mark, then `<meta charset>` / `http-equiv` in the first bytes, then detection.

use encoding_rs::Encoding;

/// How many leading bytes are searched for a `<meta>` charset declaration.
const META_SCAN_BYTES: usize = 4096;

/// Decodes an HTML page to a `String`, never failing: undecodable bytes become U+FFFD.
///
/// The charset is taken from, in order: `header_charset` (the HTTP `Content-Type` parameter), a
/// byte-order mark, a `<meta charset>` or `<meta http-equiv="Content-Type">` in the first 4 KiB,
/// and finally statistical detection (chardetng).
pub fn decode_html(bytes: &[u8], header_charset: Option<&str>) -> String {
    let encoding = header_charset
        .and_then(|label| Encoding::for_label(label.trim().trim_matches('"').as_bytes()))
        .or_else(|| Encoding::for_bom(bytes).map(|(encoding, _)| encoding))
        .or_else(|| {
            let declared = meta_charset(&bytes[..bytes.len().min(META_SCAN_BYTES)]);
            // Bytes that are valid UTF-8 with non-ASCII text are UTF-8 whatever a stale
            // `<meta>` says: other encodings almost never form long valid UTF-8 sequences.
            // Checking validity is also far cheaper than statistical detection.
            if declared.is_none_or(|e| e != encoding_rs::UTF_8) && is_utf8_text(bytes) {
                Some(encoding_rs::UTF_8)
            } else {
                declared
            }
        })
        .unwrap_or_else(|| {
            if bytes.is_ascii() {
                encoding_rs::UTF_8
            } else {
                detect(bytes)
            }
        });
    // A UTF-16 label in a meta tag cannot be right for bytes that were readable as ASCII.
    let encoding = if encoding == encoding_rs::UTF_16LE || encoding == encoding_rs::UTF_16BE {
        if Encoding::for_bom(bytes).is_some() {
            encoding
        } else {
            encoding_rs::UTF_8
        }
    } else {
        encoding
    };
    // `decode` honours a BOM over the given encoding and strips it.
    let (text, _, _) = encoding.decode(bytes);
    text.into_owned()
}

/// Valid UTF-8 holding at least one non-ASCII character (pure ASCII says nothing).
fn is_utf8_text(bytes: &[u8]) -> bool {
    !bytes.is_ascii() && std::str::from_utf8(bytes).is_ok()
}

fn detect(bytes: &[u8]) -> &'static Encoding {
    let mut detector = chardetng::EncodingDetector::new();
    let sample = &bytes[..bytes.len().min(256 * 1024)];
    detector.feed(sample, sample.len() == bytes.len());
    detector.guess(None, true)
}

/// Finds a charset declared in a `<meta>` tag within `head` (ASCII-compatible scan).
fn meta_charset(head: &[u8]) -> Option<&'static Encoding> {
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut from = 0;
    while let Some(offset) = find(&lower[from..], b"<meta") {
        let start = from + offset;
        let end = lower[start..]
            .iter()
            .position(|&b| b == b'>')
            .map_or(lower.len(), |p| start + p);
        let tag = &lower[start..end];
        if let Some(pos) = find(tag, b"charset") {
            let rest = &tag[pos + b"charset".len()..];
            let rest = trim_start(rest);
            if let Some(rest) = rest.strip_prefix(b"=") {
                let rest = trim_start(rest);
                let rest = rest
                    .strip_prefix(b"\"")
                    .or_else(|| rest.strip_prefix(b"'"))
                    .unwrap_or(rest);
                let label_end = rest
                    .iter()
                    .position(|&b| matches!(b, b'"' | b'\'' | b';' | b' ' | b'/' | b'>'))
                    .unwrap_or(rest.len());
                if let Some(encoding) = Encoding::for_label(&rest[..label_end]) {
                    return Some(encoding);
                }
            }
        }
        from = end.max(start + 1);
        if from >= lower.len() {
            break;
        }
    }
    None
}

fn trim_start(bytes: &[u8]) -> &[u8] {
    let skip = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    &bytes[skip..]
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack
        .windows(needle.len())
        .position(|window| window == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_utf8_wins_over_a_stale_legacy_declaration() {
        let page = "<meta charset=\"gb2312\"><title>新电脑</title>".as_bytes();
        assert!(decode_html(page, None).contains("新电脑"));
        let latin = b"<meta charset=\"iso-8859-1\"><p>caf\xe9</p>";
        assert!(decode_html(latin, None).contains("café"));
    }

    #[test]
    fn meta_charset_is_found_in_http_equiv() {
        let head = br#"<html><head><meta http-equiv="Content-Type" content="text/html; charset=ISO-8859-1">"#;
        assert_eq!(meta_charset(head), Some(encoding_rs::WINDOWS_1252));
    }

    #[test]
    fn meta_charset_attribute_without_quotes() {
        assert_eq!(
            meta_charset(b"<meta charset=utf-8>"),
            Some(encoding_rs::UTF_8)
        );
    }
}
