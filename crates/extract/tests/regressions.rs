//! Regression tests for general extraction rules, each on a small handcrafted page.

use tidings_extract::{ExtractOptions, ExtractedArticle, extract};

fn run(page: &str) -> ExtractedArticle {
    extract(page.as_bytes(), None, &ExtractOptions::default()).expect("page extracts")
}

/// A sentence long enough to count as prose, numbered so each one is distinct.
fn prose(n: usize) -> String {
    format!(
        "Paragraph {n} explains, in plain words and at some length, how the harbour committee \
         weighed the costs, the risks and the benefits of rebuilding the northern pier this year."
    )
}

#[test]
fn body_split_into_widget_blocks_is_kept() {
    // Page builders wrap each paragraph in a block whose class says "widget".
    let blocks: String = (0..6)
        .map(|n| {
            format!(
                r#"<div class="builder-widget widget-text"><p>{}</p></div>"#,
                prose(n)
            )
        })
        .collect();
    let page = format!(
        r#"<html><body><nav><a href="/">Home</a></nav><div class="page">{blocks}</div></body></html>"#
    );
    let article = run(&page);
    for n in 0..6 {
        assert!(
            article.text.contains(&format!("Paragraph {n} explains")),
            "paragraph {n} missing from:\n{}",
            article.text
        );
    }
}

#[test]
fn body_split_over_sibling_sections_is_one_article() {
    let section = |from: usize| {
        let paragraphs: String = (from..from + 3)
            .map(|n| format!("<p>{}</p>", prose(n)))
            .collect();
        format!(r#"<section class="block"><div class="inner">{paragraphs}</div></section>"#)
    };
    let page = format!(
        r#"<html><body><div class="layout">{}{}{}</div>
<footer><p>Contact the newsroom at any time of the day or night by email.</p></footer></body></html>"#,
        section(0),
        section(3),
        section(6)
    );
    let article = run(&page);
    for n in 0..9 {
        assert!(
            article.text.contains(&format!("Paragraph {n} explains")),
            "paragraph {n} missing from:\n{}",
            article.text
        );
    }
    assert!(!article.text.contains("Contact the newsroom"));
}

#[test]
fn bylines_and_datelines_do_not_leak_into_the_body() {
    let paragraphs: String = (0..4).map(|n| format!("<p>{}</p>", prose(n))).collect();
    for meta_block in [
        r#"<p class="entry-meta">Posted <time datetime="2026-11-26T21:05:00Z">November 26, 2026 at 9:05 PM UTC</time> by <span class="author">Abigail Norcross</span> &middot; 4 comments</p>"#,
        r#"<div class="meta-line"><div>Abigail Norcross, The Harbour Ledger</div><div>Updated November 26, 2026</div></div>"#,
        r#"<div><address>By <a href="/people/">Abigail Norcross</a></address><p><time datetime="2026-11-26">November 26, 2026</time></p></div>"#,
    ] {
        let page = format!(
            r#"<html><head><meta name="author" content="Abigail Norcross"></head><body><article><h1>Pier to be rebuilt</h1>{meta_block}<div class="entry-content">{paragraphs}</div></article></body></html>"#
        );
        let article = run(&page);
        assert!(
            article.text.starts_with("Paragraph 0 explains"),
            "byline or date leaked:\n{}",
            article.text
        );
        assert!(!article.text.contains("Norcross"), "{}", article.text);
        assert_eq!(article.byline.as_deref(), Some("Abigail Norcross"));
    }
}

#[test]
fn copyright_and_tag_lines_are_dropped() {
    let paragraphs: String = (0..4).map(|n| format!("<p>{}</p>", prose(n))).collect();
    let page = format!(
        r#"<html><body><article>{paragraphs}<p>Filed under: harbour, council, budget</p><p>© 2026 The Harbour Ledger. All rights reserved.</p></article></body></html>"#
    );
    let article = run(&page);
    assert!(article.text.contains("Paragraph 3 explains"));
    assert!(!article.text.contains("Filed under"), "{}", article.text);
    assert!(
        !article.text.contains("All rights reserved"),
        "{}",
        article.text
    );
}

#[test]
fn json_ld_in_cdata_is_read_and_name_matching_the_title_wins() {
    let page = format!(
        r#"<html lang="en-GB"><head><title>New Harbour - Encyclopedia</title>
<script type="application/ld+json"><![CDATA[
{{"@context":"https://schema.org","@type":"Article","name":"New Harbour","headline":"port town on the northern coast",
 "author":{{"@type":"Organization","name":"Contributors"}},"datePublished":"2001-10-29T01:59:14Z"}}
]]></script></head><body><article><p>{}</p><p>{}</p></article></body></html>"#,
        prose(0),
        prose(1)
    );
    let article = run(&page);
    assert_eq!(article.title.as_deref(), Some("New Harbour"));
    assert_eq!(article.byline.as_deref(), Some("Contributors"));
    assert_eq!(
        article.published.map(|d| d.to_rfc3339()).as_deref(),
        Some("2001-10-29T01:59:14+00:00")
    );
    assert_eq!(
        article.language.as_deref(),
        Some("en"),
        "primary subtag only"
    );
}

#[test]
fn declared_titles_and_bylines_follow_the_preferred_order() {
    let page = format!(
        r#"<html><head><title>Title Element</title>
<meta property="og:title" content="Open Graph title">
<meta property="x:title dc:title" content="Dublin Core title">
<meta name="author" content="Meta author">
<meta property="dc:creator" content="Dublin Core author">
</head><body><article><p>{}</p><p>{}</p></article></body></html>"#,
        prose(0),
        prose(1)
    );
    let article = run(&page);
    assert_eq!(article.title.as_deref(), Some("Dublin Core title"));
    assert_eq!(article.byline.as_deref(), Some("Dublin Core author"));
}

#[test]
fn page_bylines_lose_prefixes_and_trailing_dates() {
    for (markup, want) in [
        (
            r#"<span class="byline">By Dan Goodin - Apr 16, 2015 8:02 pm UTC</span>"#,
            "Dan Goodin",
        ),
        (
            r#"<div class="author-name">por César Salza</div>"#,
            "César Salza",
        ),
        (
            r#"<a rel="author" href="/a">Nicolas Perriault —</a>"#,
            "Nicolas Perriault",
        ),
    ] {
        let page = format!(
            r#"<html><body><article>{markup}<p>{}</p><p>{}</p></article></body></html>"#,
            prose(0),
            prose(1)
        );
        assert_eq!(run(&page).byline.as_deref(), Some(want), "{markup}");
    }
}

#[test]
fn loose_text_beside_blocks_is_the_body() {
    // The article written straight into a layout `<div>`, between a date line and a share row.
    let page = format!(
        r#"<html><body><div class="menu"><ul><li><a href="/a">News archive for every month of the year</a></li></ul></div>
<div class="col-main"><p class="title">Pier to be rebuilt</p><small>05/10/2018</small><br>{} {} {}<br><br>
<div class="row"><a href="/share">Share</a></div></div>
<div class="footer-address">Harbour Office, 1 Quay Street, open weekdays from nine to five, phone 555-0100</div></body></html>"#,
        prose(0),
        prose(1),
        prose(2)
    );
    let article = run(&page);
    assert!(
        article.text.contains("Paragraph 2 explains"),
        "{}",
        article.text
    );
    assert!(!article.text.contains("Quay Street"), "{}", article.text);
}

#[test]
fn text_in_a_paywall_container_is_kept() {
    let open: String = (0..2).map(|n| format!("<p>{}</p>", prose(n))).collect();
    let gated: String = (2..6).map(|n| format!("<p>{}</p>", prose(n))).collect();
    let page = format!(
        r#"<html><body><article><div class="article-body">{open}<div class="paywall">{gated}</div></div></article></body></html>"#
    );
    let article = run(&page);
    assert!(
        article.text.contains("Paragraph 5 explains"),
        "{}",
        article.text
    );
}

#[test]
fn calls_to_action_are_dropped() {
    let paragraphs: String = (0..4).map(|n| format!("<p>{}</p>", prose(n))).collect();
    let page = format!(
        r#"<html><body><article>{paragraphs}<p>This slideshow requires JavaScript.</p><p>There's plenty more where that came from. Sign up today to get the free daily newsletter delivered to your inbox.</p></article></body></html>"#
    );
    let article = run(&page);
    assert!(!article.text.contains("JavaScript"), "{}", article.text);
    assert!(!article.text.contains("newsletter"), "{}", article.text);
}
