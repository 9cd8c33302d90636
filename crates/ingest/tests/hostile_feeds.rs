//! Feeds written to hurt: deep nesting, huge fields, floods of entries, attributes and
//! categories, entity amplification and XXE, far-future and ancient dates, a foreign
//! `xml:base`, and deeply nested JSON. Each is parsed on a thread with the 2 MiB stack a
//! tokio worker has, so a recursion the input can drive shows up as a crash here.

use chrono::{TimeZone, Utc};
use tidings_ingest::feed::limits;
use tidings_ingest::{FeedError, FeedLimits, ParsedFeed, parse_feed_with};
use url::Url;

const SMALL_STACK: usize = 2 * 1024 * 1024;

fn base() -> Url {
    Url::parse("https://news.example/feed.xml").expect("url")
}

fn fetched_at() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 3, 8, 0, 0)
        .single()
        .expect("time")
}

/// Parses on a small-stack thread, like the pipeline's blocking pool.
fn parse_small_stack(body: Vec<u8>) -> Result<ParsedFeed, FeedError> {
    std::thread::Builder::new()
        .stack_size(SMALL_STACK)
        .spawn(move || parse_feed_with(&body, None, &base(), &FeedLimits::default(), fetched_at()))
        .expect("thread")
        .join()
        .expect("the parser panicked")
}

fn item(n: usize, extra: &str) -> String {
    format!(
        "<item><title>Item {n}</title><link>https://news.example/{n}</link>\
         <guid>g{n}</guid>{extra}</item>"
    )
}

fn rss(items: &str) -> Vec<u8> {
    format!("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Hostile</title>{items}</channel></rss>")
        .into_bytes()
}

#[test]
fn naked_markup_nested_20000_deep_is_flattened_and_the_rest_of_the_feed_kept() {
    for depth in [100, 20_000, 49_000] {
        let deep = format!("{}deep text{}", "<a>".repeat(depth), "</a>".repeat(depth));
        let body = rss(&format!(
            "{}{}{}",
            item(1, ""),
            item(2, &format!("<description>{deep}</description>")),
            item(3, "")
        ));
        let feed = parse_small_stack(body).expect("parsed");
        assert_eq!(feed.entries.len(), 3, "depth {depth}");
        assert_eq!(feed.entries[2].title.as_deref(), Some("Item 3"));
        let summary = feed.entries[1].summary_html.as_deref().expect("summary");
        assert!(summary.contains("deep text"), "text kept");
        assert!(summary.matches("<a>").count() < 100, "tags flattened");
        assert!(feed.notes.count(limits::DEEP_ELEMENT) > 0);
        assert!(
            feed.notes
                .summary()
                .is_some_and(|s| s.contains("nested too deep"))
        );
    }
}

#[test]
fn naked_markup_nested_100000_deep_refuses_the_feed_with_a_clear_error() {
    let deep = format!("{}x{}", "<a>".repeat(100_000), "</a>".repeat(100_000));
    let body = rss(&item(1, &format!("<description>{deep}</description>")));
    let err = parse_small_stack(body).expect_err("refused");
    assert!(matches!(err, FeedError::OverLimit(_)), "{err}");
    assert!(err.to_string().contains("nested more than"), "{err}");
}

#[test]
fn escaped_html_nested_100000_deep_is_flattened_before_any_html_parser() {
    let depth = 100_000;
    let deep = format!(
        "{}x{}",
        "&lt;div&gt;".repeat(depth),
        "&lt;/div&gt;".repeat(depth)
    );
    let body = rss(&item(1, &format!("<description>{deep}</description>")));
    let feed = parse_small_stack(body).expect("parsed");
    let summary = feed.entries[0].summary_html.clone().expect("summary");
    assert!(summary.matches("<div>").count() <= tidings_extract::MAX_FRAGMENT_DEPTH);
    assert_eq!(feed.notes.count(limits::DEEP_HTML), 1);
    // The sanitizer and the text renderer get it on a small stack too.
    let cleaned = std::thread::Builder::new()
        .stack_size(SMALL_STACK)
        .spawn(move || {
            let html = tidings_extract::sanitize_fragment(&summary, None);
            let text = tidings_extract::html_to_text(&html);
            (html, text)
        })
        .expect("thread")
        .join()
        .expect("sanitizer panicked");
    assert_eq!(cleaned.1.trim(), "x");
}

#[test]
fn atom_xhtml_content_nested_deep_is_flattened() {
    let depth = 30_000;
    let deep = format!("{}y{}", "<div>".repeat(depth), "</div>".repeat(depth));
    let body = format!(
        "<feed xmlns=\"http://www.w3.org/2005/Atom\"><title>A</title>\
         <entry><id>e1</id><title>Deep</title><link href=\"https://news.example/e1\"/>\
         <content type=\"xhtml\"><div xmlns=\"http://www.w3.org/1999/xhtml\">{deep}</div></content></entry>\
         <entry><id>e2</id><title>Fine</title><link href=\"https://news.example/e2\"/></entry></feed>"
    );
    let feed = parse_small_stack(body.into_bytes()).expect("parsed");
    assert_eq!(feed.entries.len(), 2);
    assert!(
        feed.entries[0]
            .content_html
            .as_deref()
            .is_some_and(|c| c.contains('y'))
    );
    assert_eq!(feed.entries[1].title.as_deref(), Some("Fine"));
}

#[test]
fn a_9_mib_title_is_cut_at_a_character_boundary() {
    let title = "é".repeat(9 * 1024 * 1024 / 2);
    let body = rss(&format!(
        "<item><title>{title}</title><link>https://news.example/1</link></item>"
    ));
    let feed = parse_small_stack(body).expect("parsed");
    let cut = feed.entries[0].title.as_deref().expect("title");
    assert_eq!(cut.chars().count(), FeedLimits::default().max_title_chars);
    assert!(cut.chars().all(|c| c == 'é'));
    assert_eq!(feed.notes.count(limits::LONG_TITLE), 1);
}

#[test]
fn long_fields_and_floods_of_categories_attributes_and_links_are_capped() {
    let categories: String = (0..500)
        .map(|i| format!("<category>c{i}</category>"))
        .collect();
    let long_author = format!("<author>{}</author>", "n".repeat(10_000));
    let long_link = format!("https://news.example/{}", "p".repeat(10_000));
    let attrs: String = (0..10_000).map(|i| format!(" a{i}=\"v\"")).collect();
    let items = format!(
        "{}<item><title>Long link</title><link>{long_link}</link><enclosure{attrs} url=\"x.jpg\" type=\"image/jpeg\"/></item>{}",
        item(
            1,
            &format!(
                "{categories}{long_author}<description>{}</description>",
                "s".repeat(200_000)
            )
        ),
        item(
            3,
            &format!(
                "<content:encoded xmlns:content=\"http://purl.org/rss/1.0/modules/content/\">{}</content:encoded>",
                "c".repeat(2_000_000)
            )
        ),
    );
    let feed = parse_small_stack(rss(&items)).expect("parsed");
    let limits = FeedLimits::default();
    let first = &feed.entries[0];
    assert_eq!(first.categories.len(), limits.max_categories);
    assert_eq!(first.authors[0].chars().count(), limits.max_author_chars);
    let summary = first.summary_html.as_deref().expect("summary");
    assert_eq!(summary.chars().count(), limits.max_summary_chars);
    assert!(feed.entries[1].url.is_none(), "a 10 KB link was kept");
    // The enclosure's url came after the 64th attribute: dropped with the rest.
    assert!(feed.entries[1].image.is_none());
    let content = feed.entries[2].content_html.as_deref().expect("content");
    assert_eq!(content.chars().count(), limits.max_content_chars);
    for what in [
        limits::EXTRA_CATEGORY,
        limits::LONG_AUTHOR,
        limits::LONG_SUMMARY,
        limits::LONG_LINK,
        limits::EXTRA_ATTRIBUTE,
        limits::LONG_CONTENT,
    ] {
        assert!(
            feed.notes.count(what) > 0,
            "{what} not noted: {:?}",
            feed.notes
        );
    }
}

#[test]
fn a_feed_of_100000_entries_keeps_the_first_ones() {
    let items: String = (0..100_000).map(|n| item(n, "")).collect();
    let feed = parse_small_stack(rss(&items)).expect("parsed");
    let max = FeedLimits::default().max_entries;
    assert_eq!(feed.entries.len(), max);
    assert_eq!(feed.entries[0].guid.as_deref(), Some("g0"));
    assert_eq!(
        feed.entries[max - 1].guid.as_deref(),
        Some(&*format!("g{}", max - 1))
    );
    assert_eq!(feed.notes.count(limits::EXTRA_ENTRY), 100_000 - max);
    // The same for JSON Feed.
    let items: Vec<String> = (0..100_000)
        .map(|n| format!("{{\"id\":\"j{n}\",\"url\":\"https://news.example/{n}\"}}"))
        .collect();
    let json = format!(
        "{{\"version\":\"https://jsonfeed.org/version/1.1\",\"items\":[{}]}}",
        items.join(",")
    );
    let feed = parse_small_stack(json.into_bytes()).expect("parsed");
    assert_eq!(feed.entries.len(), max);
    assert_eq!(feed.notes.count(limits::EXTRA_ENTRY), 100_000 - max);
}

#[test]
fn many_elements_past_the_document_count_are_flattened() {
    let limits = FeedLimits {
        max_elements: 1_000,
        ..FeedLimits::default()
    };
    let junk = "<x>j</x>".repeat(5_000);
    let body = rss(&format!("{}{}", item(1, &junk), item(2, "")));
    let feed = parse_feed_with(&body, None, &base(), &limits, fetched_at()).expect("parsed");
    assert!(feed.notes.count(limits::EXTRA_ELEMENT) > 0);
    assert_eq!(feed.entries[0].title.as_deref(), Some("Item 1"));
}

#[test]
fn entity_amplification_is_refused_with_a_clear_error() {
    // One entity of 1 MiB: over the per-entity limit.
    let big = format!(
        "<!DOCTYPE rss [<!ENTITY a \"{}\">]><rss><channel>{}</channel></rss>",
        "x".repeat(1024 * 1024),
        item(1, "<description>&a;</description>")
    );
    let err = parse_small_stack(big.into_bytes()).expect_err("refused");
    assert!(matches!(err, FeedError::OverLimit(_)), "{err}");
    assert!(err.to_string().contains("&a;"), "{err}");
    // A small entity referenced 2,000,000 times: over the total.
    let refs = "&a;".repeat(2_000_000);
    let many = format!(
        "<!DOCTYPE rss [<!ENTITY a \"{}\">]><rss><channel>{}</channel></rss>",
        "x".repeat(1_000),
        item(1, &format!("<description>{refs}</description>"))
    );
    let err = parse_small_stack(many.into_bytes()).expect_err("refused");
    assert!(err.to_string().contains("expand"), "{err}");
    assert!(!err.to_string().contains('\n'));
    // References inside attribute values count too.
    let attrs = format!(
        "<!DOCTYPE rss [<!ENTITY a \"{}\">]><rss><channel>{}</channel></rss>",
        "x".repeat(10_000),
        (0..200)
            .map(|n| item(n, "<enclosure url=\"&a;&a;&a;\" type=\"image/png\"/>"))
            .collect::<String>()
    );
    assert!(matches!(
        parse_small_stack(attrs.into_bytes()),
        Err(FeedError::OverLimit(_))
    ));
}

#[test]
fn billion_laughs_and_xxe_expand_nothing() {
    let laughs = "<!DOCTYPE rss [<!ENTITY l0 \"ha\"><!ENTITY l1 \"&l0;&l0;&l0;&l0;&l0;&l0;&l0;&l0;\">\
        <!ENTITY l2 \"&l1;&l1;&l1;&l1;&l1;&l1;&l1;&l1;\"><!ENTITY l3 \"&l2;&l2;&l2;&l2;&l2;&l2;&l2;&l2;\">]>";
    let body = format!(
        "{laughs}<rss><channel>{}</channel></rss>",
        item(1, "<description>&l3;</description>")
    );
    let feed = parse_small_stack(body.into_bytes()).expect("parsed");
    let summary = feed.entries[0].summary_html.as_deref().unwrap_or_default();
    assert!(
        summary.len() < 100,
        "nested entities expanded: {} bytes",
        summary.len()
    );
    let xxe = format!(
        "<!DOCTYPE rss [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><rss><channel>{}</channel></rss>",
        item(1, "<description>&x;</description>")
    );
    let feed = parse_small_stack(xxe.into_bytes()).expect("parsed");
    let summary = feed.entries[0].summary_html.as_deref().unwrap_or_default();
    assert!(!summary.contains("root:"), "{summary}");
}

#[test]
fn dates_are_clamped_to_a_sane_window() {
    let dated = |date: &str| {
        item(0, &format!("<pubDate>{date}</pubDate>"))
            .replace("<guid>g0</guid>", &format!("<guid>{date}</guid>"))
    };
    let items = [
        "Fri, 31 Dec 9999 23:59:59 GMT",
        "Thu, 03 Dec 2026 08:05:00 GMT",
        "Thu, 03 Dec 2026 09:00:00 GMT",
        "Wed, 31 Dec 1969 23:00:00 GMT",
        "not a date at all",
        "Tue, 01 Dec 2026 08:00:00 GMT",
    ]
    .map(dated)
    .concat();
    let feed = parse_small_stack(rss(&items)).expect("parsed");
    let published: Vec<Option<String>> = feed
        .entries
        .iter()
        .map(|e| e.published.map(|d| d.to_rfc3339()))
        .collect();
    assert_eq!(
        published,
        [
            Some("2026-12-03T08:00:00+00:00".to_string()),
            Some("2026-12-03T08:05:00+00:00".to_string()),
            Some("2026-12-03T08:00:00+00:00".to_string()),
            None,
            None,
            Some("2026-12-01T08:00:00+00:00".to_string()),
        ]
    );
    assert_eq!(feed.notes.count(limits::FUTURE_DATE), 2);
    assert_eq!(feed.notes.count(limits::EARLY_DATE), 1);
}

#[test]
fn a_foreign_xml_base_does_not_decide_where_relative_images_point() {
    let body = "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:base=\"https://tracker.example/t/\">\
        <entry><id>e1</id><title>T</title><link href=\"https://news.example/2026/story\"/>\
        <content type=\"html\" xml:base=\"https://tracker.example/c/\">&lt;img src=\"pic.jpg\"&gt;&lt;a href=\"more\"&gt;m&lt;/a&gt;</content></entry>\
        <entry><id>e2</id><title>T</title><link href=\"https://news.example/2026/other\"/>\
        <content type=\"html\" xml:base=\"https://cdn.news.example/img/\">&lt;img src=\"pic.jpg\"&gt;</content></entry></feed>";
    let feed = parse_small_stack(body.as_bytes().to_vec()).expect("parsed");
    let html = feed.entries[0].content_html.as_deref().expect("content");
    assert!(!html.contains("tracker.example"), "{html}");
    assert!(html.contains("https://news.example/2026/pic.jpg"), "{html}");
    assert_eq!(
        feed.entries[0].image.as_deref(),
        Some("https://news.example/2026/pic.jpg")
    );
    // On the page's own site (a subdomain of it) the base counts.
    let html = feed.entries[1].content_html.as_deref().expect("content");
    assert!(
        html.contains("https://cdn.news.example/img/pic.jpg"),
        "{html}"
    );
}

#[test]
fn json_nested_deeper_than_serde_allows_is_an_error_not_a_crash() {
    let depth = 100_000;
    let json = format!(
        "{{\"version\":\"https://jsonfeed.org/version/1\",\"items\":[{{\"x\":{}1{}}}]}}",
        "[".repeat(depth),
        "]".repeat(depth)
    );
    let err = parse_small_stack(json.into_bytes()).expect_err("refused");
    assert!(matches!(err, FeedError::MalformedJson(_)), "{err}");
}

#[test]
fn script_in_feed_fields_is_removed_by_the_sanitizer() {
    let body = rss(&item(
        1,
        "<description>&lt;p onclick=\"steal()\"&gt;hi&lt;script&gt;alert(1)&lt;/script&gt;\
         &lt;a href=\"javascript:alert(1)\"&gt;x&lt;/a&gt;&lt;img src=x onerror=alert(1)&gt;&lt;/p&gt;</description>",
    ));
    let feed = parse_small_stack(body).expect("parsed");
    let raw = feed.entries[0].summary_html.as_deref().expect("summary");
    let clean = tidings_extract::sanitize_fragment(raw, Some(&base()));
    for bad in ["<script", "onclick", "javascript:", "onerror", "alert(1)"] {
        assert!(!clean.contains(bad), "{bad} kept in {clean}");
    }
    assert!(clean.contains("hi"));
}
