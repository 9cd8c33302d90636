//! Feeds arbitrary bytes to every entry point of the extractor that takes outside input: the
//! whole-page extractor (with and without a header charset and a page URL), charset decoding,
//! fragment sanitizing and HTML-to-text. Any panic is a bug.

#![no_main]

use libfuzzer_sys::fuzz_target;
use tidings_extract::{ExtractOptions, decode_html, extract, html_to_text, sanitize_fragment};

fuzz_target!(|data: &[u8]| {
    // The first byte picks the header charset, so charset handling is fuzzed too.
    let (charset, page) = match data.split_first() {
        Some((0, rest)) => (Some("utf-8"), rest),
        Some((1, rest)) => (Some("windows-1252"), rest),
        Some((2, rest)) => (Some("shift_jis"), rest),
        Some((3, rest)) => (Some("no-such-charset"), rest),
        _ => (None, data),
    };
    let base = url::Url::parse("https://example.org/news/story.html").ok();
    let _ = extract(page, charset, &ExtractOptions::default());
    let mut with_url = ExtractOptions::default();
    with_url.url = base.clone();
    let _ = extract(page, charset, &with_url);
    let html = decode_html(page, charset);
    let clean = sanitize_fragment(&html, base.as_ref());
    let _ = html_to_text(&clean);
    let _ = html_to_text(&html);
});
