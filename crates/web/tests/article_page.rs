//! The article page: body by policy, attribution, canonical link, hashtags, related
//! articles, escaping and 404s.

#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use chrono::Duration;
use common::{TestApp, article, terms};
use tidings_core::{BodySource, RepublishPolicy};
use tidings_web::SiteConfig;

#[tokio::test]
async fn full_article_has_body_attribution_canonical_and_hashtags() {
    let app = TestApp::new().await;
    let mut new = article(
        "Daily Ledger",
        "Council approves budget",
        Duration::hours(2),
        &["City Council", "Budget"],
    );
    new.image = Some("https://daily-ledger.example/img/lead.jpg".to_owned());
    let id = app.insert(new).await;

    let page = app.get(&format!("/article/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.texts("h1"), ["Council approves budget"]);
    let body = page.texts("#article-body").remove(0);
    assert!(body.contains("First paragraph of Council approves budget."));
    assert!(body.contains("Third paragraph."));
    assert!(page.texts("#article-body .continue").is_empty());

    let original = "https://daily-ledger.example/news/councilapprovesbudget";
    assert_eq!(
        page.texts("p#attribution"),
        ["Article originally published at Daily Ledger"]
    );
    assert_eq!(page.attrs("#attribution a", "href"), [original]);
    assert_eq!(page.attrs("#attribution a", "rel"), ["noopener"]);
    assert_eq!(page.attrs("link[rel=canonical]", "href"), [original]);

    assert_eq!(page.texts("#hashtags a"), ["#City Council", "#Budget"]);
    assert_eq!(
        page.attrs("#hashtags a", "href"),
        ["/tag/citycouncil", "/tag/budget"]
    );
    assert_eq!(page.texts(".byline"), ["By Ada Reporter"]);
    assert_eq!(page.attrs("article.article", "lang"), ["en"]);
    assert_eq!(page.texts("article time"), ["2 hours ago"]);
    // The publisher's image is never linked: the page waits for the worker's copy.
    assert!(page.attrs(".article__image img", "src").is_empty());
    assert!(!page.body.contains("daily-ledger.example/img/lead.jpg"));
    assert_eq!(
        page.attrs("meta[property='og:title']", "content"),
        ["Council approves budget"]
    );
    assert!(
        page.attrs("meta[property='og:image']", "content")
            .is_empty()
    );
    assert!(
        page.texts(".note").is_empty(),
        "no feed note for page bodies"
    );
    assert!(
        page.texts("#related").is_empty(),
        "no related section when none"
    );
    assert!(
        page.texts("#comments .comments__empty")
            .first()
            .is_some_and(|t| t.starts_with("No comments yet")),
        "an empty discussion says so"
    );
}

#[tokio::test]
async fn og_url_uses_the_configured_base_url() {
    let app = TestApp::with_site(SiteConfig {
        title: "Tidings".into(),
        base_url: Some(url::Url::parse("https://news.example/").unwrap()),
    })
    .await;
    let id = app
        .insert(article("Daily Ledger", "Story", Duration::hours(1), &[]))
        .await;
    let page = app.get(&format!("/article/{id}")).await;
    assert_eq!(
        page.attrs("meta[property='og:url']", "content"),
        [format!("https://news.example/article/{id}")]
    );
    // The canonical link still names the original, not this copy.
    assert_eq!(
        page.attrs("link[rel=canonical]", "href"),
        ["https://daily-ledger.example/news/story"]
    );
}

#[tokio::test]
async fn excerpt_policy_shows_the_first_paragraphs_and_a_continue_link() {
    let app = TestApp::new().await;
    let mut new = article("Harbor Times", "Long read", Duration::hours(1), &[]);
    new.policy = RepublishPolicy::Excerpt;
    new.text = (1..=6)
        .map(|i| format!("Paragraph number {i}."))
        .collect::<Vec<_>>()
        .join("\n\n");
    new.html = new
        .text
        .split("\n\n")
        .map(|p| format!("<p>{p}</p>"))
        .collect();
    let id = app.insert(new).await;

    let page = app.get(&format!("/article/{id}")).await;
    let body = page.texts("#article-body").remove(0);
    assert!(body.contains("Paragraph number 1."));
    assert!(body.contains("Paragraph number 3."));
    assert!(!body.contains("Paragraph number 4."), "{body}");
    assert!(!body.contains("Paragraph number 6."), "{body}");
    assert_eq!(
        page.texts("#article-body .continue a"),
        ["Continue reading at Harbor Times →"]
    );
    assert_eq!(
        page.attrs("#article-body .continue a", "href"),
        ["https://harbor-times.example/news/longread"]
    );
}

#[tokio::test]
async fn feed_content_bodies_carry_a_note() {
    let app = TestApp::new().await;
    let mut new = article("Harbor Times", "From the feed", Duration::hours(1), &[]);
    new.body_source = BodySource::FeedContent;
    let id = app.insert(new).await;
    let page = app.get(&format!("/article/{id}")).await;
    assert_eq!(
        page.texts(".note"),
        ["Shown from the publisher's feed; the page could not be fetched."]
    );
}

#[tokio::test]
async fn related_lists_only_other_publishers() {
    let app = TestApp::new().await;
    let mut main = article(
        "Daily Ledger",
        "Ceasefire talks in Geneva",
        Duration::hours(1),
        &[],
    );
    main.terms = terms(&["ceasefire", "geneva", "talks", "envoy"]);
    let main_id = app.insert(main).await;
    let mut same_publisher = article(
        "Daily Ledger",
        "Geneva talks continue",
        Duration::hours(2),
        &[],
    );
    same_publisher.terms = terms(&["ceasefire", "geneva", "talks", "envoy"]);
    app.insert(same_publisher).await;
    let mut other = article(
        "Harbor Times",
        "Envoys meet on ceasefire",
        Duration::hours(3),
        &[],
    );
    other.terms = terms(&["ceasefire", "geneva", "envoy"]);
    app.insert(other).await;
    let mut unrelated = article("Harbor Times", "Tomato harvest", Duration::hours(4), &[]);
    unrelated.terms = terms(&["tomato", "harvest"]);
    app.insert(unrelated).await;

    let page = app.get(&format!("/article/{main_id}")).await;
    assert_eq!(page.texts("#related > h2"), ["Related Articles"]);
    let titles = page.texts("#related .card__title a");
    assert!(
        titles.contains(&"Envoys meet on ceasefire".to_owned()),
        "{titles:?}"
    );
    assert!(
        !titles.contains(&"Geneva talks continue".to_owned()),
        "{titles:?}"
    );
    let publishers = page.texts("#related .publisher");
    assert!(
        publishers.iter().all(|p| p == "Harbor Times"),
        "{publishers:?}"
    );
    assert_eq!(page.texts("#related time")[0], "3 hours ago");
    assert!(page.texts("#related .card__excerpt")[0].contains("Summary of Envoys"));
}

#[tokio::test]
async fn feed_supplied_markup_in_titles_is_escaped() {
    let app = TestApp::new().await;
    let id = app
        .insert(article(
            "Evil <b>Press</b>",
            "<script>alert(1)</script> Headline",
            Duration::hours(1),
            &[],
        ))
        .await;
    let title = "<script>alert(1)</script> Headline";
    for (path, selector) in [
        (format!("/article/{id}"), "h1"),
        ("/".to_owned(), ".card__title a"),
    ] {
        let page = app.get(&path).await;
        assert!(!page.body.contains("<script>alert(1)</script>"), "{path}");
        assert!(!page.body.contains("<b>Press</b>"), "{path}");
        // Parsed back, the markup is the title's text, not elements.
        assert_eq!(page.texts(selector), [title], "{path}");
        // The only scripts are the site's and the AI panel's external files; nothing runs
        // inline (the article's JSON-LD is data, never run).
        assert!(
            page.texts("script:not([type='application/ld+json'])")
                .iter()
                .all(|t| t.trim().is_empty())
                && page.attrs("script", "src").iter().all(|s| {
                    (s.starts_with("/static/ai.") || s.starts_with("/static/site."))
                        && s.ends_with(".js")
                }),
            "{path}"
        );
        assert!(
            page.texts(".publisher")[0].contains("<b>Press</b>"),
            "{path}"
        );
    }
}

#[tokio::test]
async fn javascript_links_from_feeds_are_not_linked() {
    let app = TestApp::new().await;
    let mut new = article("Daily Ledger", "Sneaky", Duration::hours(1), &[]);
    new.url = "javascript:alert(1)".to_owned();
    new.canonical_url = None;
    new.image = Some("javascript:alert(2)".to_owned());
    let id = app.insert(new).await;
    let page = app.get(&format!("/article/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("javascript:"), "{}", page.body);
    assert_eq!(
        page.texts("#attribution"),
        ["Article originally published by Daily Ledger"]
    );
}

#[tokio::test]
async fn unknown_or_malformed_ids_are_404_pages() {
    let app = TestApp::new().await;
    for path in ["/article/999", "/article/abc", "/article/0"] {
        let page = app.get(path).await;
        assert_eq!(page.status, StatusCode::NOT_FOUND, "{path}");
        assert!(page.body.contains("not found"), "{path}");
        assert!(
            page.header("content-type")
                .unwrap()
                .starts_with("text/html")
        );
    }
}
