//! Behaviour of the public API on handcrafted pages.

use tidings_extract::{
    ExtractError, ExtractOptions, decode_html, excerpt, extract, html_to_text, sanitize_fragment,
};

const NEWS_PAGE: &str = r#"<!doctype html>
<html lang="en"><head>
<meta charset="utf-8">
<title>Bridge reopens after repairs | The Daily Planet</title>
<meta property="og:site_name" content="The Daily Planet">
<meta property="og:image" content="/img/bridge.jpg">
<meta property="article:published_time" content="2024-03-05T09:30:00+01:00">
<link rel="canonical" href="/news/bridge-reopens">
</head><body>
<div class="cookie-banner">We use cookies to improve your experience. Accept all cookies.</div>
<header class="site-header"><a href="/">The Daily Planet</a>
<nav><ul><li><a href="/world">World</a></li><li><a href="/sport">Sport</a></li></ul></nav></header>
<main><article>
<h1>Bridge reopens after repairs</h1>
<div class="share-bar"><a href="https://facebook.com/share">Share on Facebook</a> <a href="https://twitter.com/share">Tweet</a></div>
<p>The old river bridge reopened on Tuesday morning, after eighteen months of repairs that cost the city more than four million euros, officials said.</p>
<p>Engineers replaced the rusted steel girders, rebuilt both abutments and laid a new road surface, according to the <a href="/docs/report.pdf">final report</a> published by the council.</p>
<p>[Read: How the city plans its bridges for the next fifty years]</p>
<h2>What changes for commuters</h2>
<ul><li>Buses return to the bridge from Monday, with the old timetable.</li><li>Cyclists get a separate lane on the northern side of the deck.</li></ul>
<blockquote><p>We are proud that the bridge is open again, and safer than ever before, said the mayor.</p></blockquote>
<figure><img src="/img/deck.jpg" alt="The new deck"><figcaption>The rebuilt deck seen from the east bank, in March.</figcaption></figure>
<img src="https://tracker.example/pixel.gif" width="1" height="1">
<div class="newsletter-signup"><p>Sign up for our newsletter to get the best stories every morning, delivered free to your inbox.</p></div>
<p>Traffic is expected to return to normal levels within two weeks, the transport office said in a statement on its website.</p>
</article></main>
<aside class="related"><h3>Related stories</h3><ul><li><a href="/a">Council approves budget for new tram line and cycle paths</a></li></ul></aside>
<footer class="site-footer"><p>Copyright 2024 The Daily Planet. All rights reserved. Contact us for licensing.</p></footer>
</body></html>"#;

fn news() -> tidings_extract::ExtractedArticle {
    let url = url::Url::parse("https://planet.example/news/bridge-reopens?utm=x").ok();
    extract(NEWS_PAGE.as_bytes(), None, &ExtractOptions { url }).expect("news page extracts")
}

#[test]
fn boilerplate_is_removed() {
    let article = news();
    for junk in [
        "cookies",
        "World",
        "Sport",
        "Share on Facebook",
        "Tweet",
        "[Read:",
        "How the city plans",
        "newsletter",
        "Related stories",
        "tram line",
        "Copyright",
        "Bridge reopens after repairs",
    ] {
        assert!(
            !article.text.contains(junk),
            "{junk:?} leaked into:\n{}",
            article.text
        );
    }
}

#[test]
fn article_blocks_are_kept() {
    let article = news();
    for wanted in [
        "The old river bridge reopened on Tuesday morning",
        "What changes for commuters",
        "Buses return to the bridge from Monday",
        "Cyclists get a separate lane",
        "safer than ever before",
        "Traffic is expected to return to normal levels",
    ] {
        assert!(
            article.text.contains(wanted),
            "{wanted:?} missing from:\n{}",
            article.text
        );
    }
    assert!(
        article.text.contains("\n\n"),
        "paragraphs are separated by blank lines"
    );
    assert!(article.html.contains("<li>"), "{}", article.html);
    assert!(article.html.contains("<blockquote>"), "{}", article.html);
    assert!(article.html.contains("<figcaption>"), "{}", article.html);
    assert!(
        article
            .html
            .contains("The rebuilt deck seen from the east bank"),
        "the caption stays in the HTML body"
    );
    assert!(
        !article
            .text
            .contains("The rebuilt deck seen from the east bank"),
        "captions are left out of the plain text"
    );
}

#[test]
fn links_and_images_are_absolute() {
    let article = news();
    assert!(
        article
            .html
            .contains(r#"href="https://planet.example/docs/report.pdf" rel="noopener nofollow""#),
        "{}",
        article.html
    );
    assert!(
        article
            .html
            .contains(r#"src="https://planet.example/img/deck.jpg""#),
        "{}",
        article.html
    );
    assert!(
        !article.html.contains("tracker.example"),
        "tracking pixel kept: {}",
        article.html
    );
}

#[test]
fn metadata_from_open_graph_and_head() {
    let article = news();
    assert_eq!(
        article.title.as_deref(),
        Some("Bridge reopens after repairs")
    );
    assert_eq!(article.site_name.as_deref(), Some("The Daily Planet"));
    assert_eq!(
        article.image.as_deref(),
        Some("https://planet.example/img/bridge.jpg")
    );
    assert_eq!(
        article.canonical_url.as_deref(),
        Some("https://planet.example/news/bridge-reopens")
    );
    assert_eq!(article.language.as_deref(), Some("en"));
    let published = article.published.expect("date read");
    assert_eq!(published.to_rfc3339(), "2024-03-05T09:30:00+01:00");
    let json = serde_json::to_value(&article).expect("serializes");
    assert_eq!(json["published"], "2024-03-05T09:30:00+01:00");
}

#[test]
fn metadata_from_json_ld() {
    let page = r#"<html><head><title>x</title>
<script type="application/ld+json">{"@context":"https://schema.org","@graph":[
 {"@type":"WebSite","name":"Ignored"},
 {"@type":"NewsArticle","headline":"Storm closes ports","datePublished":"2023-11-02T06:00:00Z",
  "author":[{"@type":"Person","name":"Ana Lima"},{"@type":"Person","name":"Bo Chen"}],
  "publisher":{"@type":"Organization","name":"Coast Herald"},
  "image":{"@type":"ImageObject","url":"https://cdn.example/storm.jpg"}}]}</script>
</head><body><article><p>The storm closed three ports along the coast on Thursday, stranding ferries, trucks and hundreds of passengers overnight.</p></article></body></html>"#;
    let article = extract(page.as_bytes(), None, &ExtractOptions::default()).expect("extracts");
    assert_eq!(article.title.as_deref(), Some("Storm closes ports"));
    assert_eq!(article.byline.as_deref(), Some("Ana Lima, Bo Chen"));
    assert_eq!(article.site_name.as_deref(), Some("Coast Herald"));
    assert_eq!(
        article.image.as_deref(),
        Some("https://cdn.example/storm.jpg")
    );
    assert_eq!(
        article.published.map(|d| d.to_rfc3339()).as_deref(),
        Some("2023-11-02T06:00:00+00:00")
    );
    assert_eq!(
        article.language.as_deref(),
        Some("en"),
        "detected from text"
    );
}

#[test]
fn json_ld_article_body_is_the_fallback() {
    let page = r#"<html><head><script type="application/ld+json">{"@type":"Article","headline":"H",
"articleBody":"First paragraph of the body that only lives in structured data.\nSecond paragraph of it."}</script></head>
<body><div id="app"></div></body></html>"#;
    let article = extract(page.as_bytes(), None, &ExtractOptions::default()).expect("extracts");
    assert_eq!(
        article.text,
        "First paragraph of the body that only lives in structured data.\n\nSecond paragraph of it."
    );
}

#[test]
fn sanitize_removes_active_content() {
    let base = url::Url::parse("https://blog.example/post/1").ok();
    let dirty = r#"<p onclick="steal()">Hi <a href="javascript:alert(1)">x</a> <a href="/about">about</a></p>
<script>alert(1)</script><style>p{}</style><iframe src="https://evil.example"></iframe>
<img src="/a.png" onerror="steal()"><img src="https://t.example/p.gif" width="1" height="1">
<form action="/x"><input name="q"></form>"#;
    let clean = sanitize_fragment(dirty, base.as_ref());
    for banned in [
        "onclick",
        "javascript:",
        "<script",
        "alert(1)",
        "<style",
        "<iframe",
        "onerror",
        "t.example",
        "<form",
        "<input",
    ] {
        assert!(!clean.contains(banned), "{banned:?} kept in {clean}");
    }
    assert!(
        clean.contains(r#"href="https://blog.example/about""#),
        "{clean}"
    );
    assert!(clean.contains("noopener nofollow"), "{clean}");
    assert!(
        clean.contains(r#"src="https://blog.example/a.png""#),
        "{clean}"
    );
}

#[test]
fn charset_from_meta_bom_and_header() {
    let mut latin = b"<html><head><meta charset=\"windows-1252\"></head><body><p>caf".to_vec();
    latin.extend_from_slice(&[0xE9, 0x20, 0x93, b'x', 0x94]);
    latin.extend_from_slice(b"</p></body></html>");
    assert!(decode_html(&latin, None).contains("café “x”"));

    let mut bom = vec![0xEF, 0xBB, 0xBF];
    bom.extend_from_slice("<meta charset=\"windows-1252\"><p>naïve</p>".as_bytes());
    assert!(decode_html(&bom, None).contains("naïve"), "BOM beats meta");

    let utf8 = "<meta charset=\"utf-8\"><p>é</p>".as_bytes();
    assert!(
        decode_html(utf8, Some("ISO-8859-1")).contains("Ã©"),
        "header wins over meta"
    );
    assert!(decode_html(utf8, None).contains("<p>é</p>"));
}

#[test]
fn garbage_input_never_panics() {
    assert_eq!(
        extract(b"", None, &ExtractOptions::default()),
        Err(ExtractError::EmptyInput)
    );
    assert_eq!(
        extract(
            b"<html><body><script>var x = 1;</script><!-- c --></body></html>",
            None,
            &ExtractOptions::default()
        ),
        Err(ExtractError::NoContent)
    );
    let mut state = 0x1234_5678_u32;
    for len in [1usize, 10, 1000, 100_000] {
        let bytes: Vec<u8> = (0..len)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                (state & 0xFF) as u8
            })
            .collect();
        let _ = extract(&bytes, None, &ExtractOptions::default());
        let _ = extract(&bytes, Some("no-such-charset"), &ExtractOptions::default());
    }
    let nested = format!(
        "{}<p>deep text, deep down, with commas, and more words here</p>{}",
        "<div>".repeat(100_000),
        "</div>".repeat(100_000)
    );
    let started = std::time::Instant::now();
    let result = extract(nested.as_bytes(), None, &ExtractOptions::default());
    // Parsing stops past a few thousand open tags, so text 100,000 levels down is not read.
    assert_eq!(result, Err(ExtractError::NoContent));
    assert!(
        started.elapsed().as_secs() < 20,
        "deep nesting took {:?}",
        started.elapsed()
    );
    let _ = extract(
        "<table><tr><td><a><b><i><table>".repeat(2000).as_bytes(),
        None,
        &ExtractOptions::default(),
    );
}

#[test]
fn text_helpers() {
    assert_eq!(
        html_to_text("<h2>Head</h2><p>One<br>two</p><ul><li>a</li><li>b</li></ul>"),
        "Head\n\nOne\ntwo\n\na\n\nb"
    );
    assert_eq!(
        excerpt("Alpha beta gamma delta.\n\nSecond.", 12),
        "Alpha beta…"
    );
}

#[test]
fn deep_nesting_within_the_bounds_keeps_the_whole_article() {
    let paragraph = "The harbour board voted on Tuesday to rebuild the old north pier before the winter storms arrive, and the ferry will use the south quay until the work is done.";
    let body: String = (0..6).map(|_| format!("<p>{paragraph}</p>")).collect();
    // Deeper than the tree keeps (its deeper elements are flattened), shallower than the
    // point where parsing stops.
    let page = format!(
        "<html><body>{}<article>{body}</article>{}</body></html>",
        "<div>".repeat(1000),
        "</div>".repeat(1000)
    );
    let article = extract(page.as_bytes(), None, &ExtractOptions::default()).expect("extracted");
    assert_eq!(
        article.text.matches("north pier").count(),
        6,
        "{}",
        article.text
    );
}
