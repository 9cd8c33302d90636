//! Inputs that must never make the extractor panic, replayed through every entry point the fuzz
//! target (`fuzz/fuzz_targets/extract.rs`) drives. Crashes the fuzzer finds are added here as
//! they are fixed; the hostile shapes below (deep nesting, broken encodings, stray markup) are
//! kept as the baseline.

use tidings_extract::{ExtractOptions, decode_html, extract, html_to_text, sanitize_fragment};
use url::Url;

/// Runs one input through everything the fuzz target runs, with each header charset it tries.
fn replay(input: &[u8]) {
    let base = Url::parse("https://example.org/news/story.html").ok();
    for charset in [
        None,
        Some("utf-8"),
        Some("windows-1252"),
        Some("shift_jis"),
        Some("no-such-charset"),
    ] {
        let _ = extract(input, charset, &ExtractOptions::default());
        let with_url = ExtractOptions { url: base.clone() };
        let _ = extract(input, charset, &with_url);
        let html = decode_html(input, charset);
        let clean = sanitize_fragment(&html, base.as_ref());
        let _ = html_to_text(&clean);
        let _ = html_to_text(&html);
    }
}

fn nested(open: &str, close: &str, depth: usize, inner: &str) -> Vec<u8> {
    let mut page = String::from("<html><body>");
    page.push_str(&open.repeat(depth));
    page.push_str(inner);
    page.push_str(&close.repeat(depth));
    page.push_str("</body></html>");
    page.into_bytes()
}

#[test]
fn deep_nesting_does_not_overflow_the_stack() {
    let words = "<p>".to_string() + &"word ".repeat(200) + "</p>";
    let options = ExtractOptions {
        url: Url::parse("https://example.org/deep.html").ok(),
    };
    for page in [
        nested("<div>", "</div>", 10_000, &words),
        nested("<b><i>", "", 5_000, &words),
        nested("<table><tr><td>", "", 3_000, &words),
        nested("<ul><li>", "</li></ul>", 5_000, &words),
        nested("<blockquote>", "", 5_000, &words),
    ] {
        let _ = extract(&page, None, &options);
        let _ = html_to_text(&String::from_utf8_lossy(&page));
    }
}

#[test]
fn broken_encodings_and_stray_bytes_are_survived() {
    let inputs: Vec<Vec<u8>> = vec![
        Vec::new(),
        b"\xef\xbb\xbf".to_vec(),
        b"\xff\xfe<\x00h\x00t\x00m\x00l\x00>\x00".to_vec(),
        b"\xfe\xff\x00<\x00p".to_vec(),
        b"<meta charset=\"utf-16\"><p>\xff\xfe\xfd</p>".to_vec(),
        b"<meta http-equiv=content-type content='text/html; charset=x-user-defined'><p>\x80\x81</p>"
            .to_vec(),
        b"<p>\x00\x00\x00</p><title>\x00</title>".to_vec(),
        [b"<p>".as_slice(), &[0xc3; 4096], b"</p>".as_slice()].concat(),
        b"\r\n\t \x0c".to_vec(),
    ];
    for input in inputs {
        replay(&input);
    }
}

#[test]
fn stray_and_unterminated_markup_is_survived() {
    let inputs = [
        "<!--",
        "<![CDATA[",
        "<script>",
        "<style>p{",
        "<title>",
        "<textarea><p>",
        "<a href=\"",
        "<img src=x onerror=alert(1)",
        "<base href=\"javascript:alert(1)\"><a href=\"x\">link</a>",
        "<base href=\"//\"><a href=\"..\">link</a>",
        "<meta property=\"og:url\" content=\"http://[::1\">",
        "<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"datePublished\":\"99999-99-99T99:99:99+99:99\",\"articleBody\":",
        "<script type=\"application/ld+json\">[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[</script>",
        "<time datetime=\"2024-02-30T25:61:61-25:00\">x</time>",
        "<svg><foreignObject><math><mi><p>x</p></mi></math></foreignObject></svg>",
        "<frameset><frame src=x></frameset><noframes><p>text</p>",
        "<table><caption><table><caption><p>x",
        "<h1></h1><h2></h2><h3>\u{202e}\u{200b}\u{feff}</h3>",
    ];
    for input in inputs {
        replay(input.as_bytes());
        replay(input.repeat(300).as_bytes());
    }
}
