//! Home, publisher, tag and search pages, error pages and response headers.

#![allow(clippy::unwrap_used)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::Duration;
use common::{TestApp, article};

#[tokio::test]
async fn home_lists_articles_newest_first_with_publisher_time_and_tags() {
    let app = TestApp::new().await;
    app.insert(article(
        "Daily Ledger",
        "Old news",
        Duration::days(3) + Duration::hours(1),
        &["Economy"],
    ))
    .await;
    app.insert(article(
        "Harbor Times",
        "Fresh news",
        Duration::minutes(19) + Duration::seconds(20),
        &["Nuclear Talks", "Geneva"],
    ))
    .await;
    app.insert(article(
        "Daily Ledger",
        "Middle news",
        Duration::hours(2) + Duration::minutes(5),
        &[],
    ))
    .await;

    let page = app.get("/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(
        page.texts(".card__title a"),
        ["Fresh news", "Middle news", "Old news"]
    );
    assert_eq!(
        page.texts(".card .publisher"),
        ["Harbor Times", "Daily Ledger", "Daily Ledger"]
    );
    assert_eq!(
        page.attrs(".card .publisher", "href")[0],
        "/source/harbor-times"
    );
    assert_eq!(
        page.texts(".card time"),
        ["19 minutes ago", "2 hours ago", "3 days ago"]
    );
    let datetime = &page.attrs(".card time", "datetime")[0];
    assert!(
        chrono::DateTime::parse_from_rfc3339(datetime).is_ok(),
        "{datetime}"
    );
    let first_card_tags = page.attrs(".card:first-child .tags a", "href");
    assert_eq!(first_card_tags, ["/tag/nucleartalks", "/tag/geneva"]);
    assert!(
        page.texts(".card .tags a")
            .contains(&"#Nuclear Talks".to_owned())
    );
    // The trending sidebar links the tags of the last three days only.
    let trending = page.attrs("#trending a", "href");
    assert!(
        trending.contains(&"/tag/nucleartalks".to_owned()),
        "{trending:?}"
    );
    assert!(
        !trending.contains(&"/tag/economy".to_owned()),
        "{trending:?}"
    );
    let article_links = page.attrs(".card__title a", "href");
    assert!(article_links.iter().all(|h| h.starts_with("/article/")));
}

#[tokio::test]
async fn home_is_paginated_with_newer_and_older_links() {
    let app = TestApp::new().await;
    for i in 0..25 {
        app.insert(article(
            "Daily Ledger",
            &format!("Story {i:02}"),
            Duration::minutes(i * 10 + 1),
            &[],
        ))
        .await;
    }
    let first = app.get("/").await;
    let titles = first.texts(".card__title a");
    assert_eq!(titles.len(), 20);
    assert_eq!(titles[0], "Story 00");
    assert_eq!(first.attrs(".pager__older", "href"), ["/?page=2"]);
    assert!(first.attrs(".pager__newer", "href").is_empty());

    let second = app.get("/?page=2").await;
    assert_eq!(second.status, StatusCode::OK);
    assert_eq!(
        second.texts(".card__title a"),
        ["Story 20", "Story 21", "Story 22", "Story 23", "Story 24"]
    );
    assert_eq!(second.attrs(".pager__newer", "href"), ["/"]);
    assert!(second.attrs(".pager__older", "href").is_empty());

    let beyond = app.get("/?page=9").await;
    assert_eq!(beyond.status, StatusCode::OK);
    assert!(beyond.texts(".card").is_empty());
    assert!(beyond.body.contains("No older articles"));
}

#[tokio::test]
async fn a_bad_page_number_is_a_400_page_naming_the_parameter() {
    let app = TestApp::new().await;
    let page = app.get("/?page=abc").await;
    assert_eq!(page.status, StatusCode::BAD_REQUEST);
    assert!(
        page.body.contains("page must be a whole number"),
        "{}",
        page.body
    );
    assert!(page.body.contains("<header class=\"site-header\">"));
}

#[tokio::test]
async fn tag_page_shows_the_label_count_and_only_tagged_articles() {
    let app = TestApp::new().await;
    app.insert(article(
        "Daily Ledger",
        "Talks resume",
        Duration::hours(1),
        &["Nuclear Talks"],
    ))
    .await;
    app.insert(article(
        "Harbor Times",
        "Talks stall",
        Duration::hours(2),
        &["Nuclear Talks", "Geneva"],
    ))
    .await;
    app.insert(article(
        "Harbor Times",
        "Weather",
        Duration::hours(3),
        &["Storms"],
    ))
    .await;

    let page = app.get("/tag/nucleartalks").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.texts("h1"), ["#Nuclear Talks"]);
    assert_eq!(page.texts(".page-summary"), ["2 articles"]);
    assert_eq!(
        page.texts(".card__title a"),
        ["Talks resume", "Talks stall"]
    );
    assert!(page.texts("title")[0].starts_with("#Nuclear Talks"));

    assert_eq!(
        app.get("/tag/unknowntag").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn source_page_lists_one_publishers_articles() {
    let app = TestApp::new().await;
    app.insert(article(
        "Daily Ledger",
        "Ledger one",
        Duration::hours(1),
        &[],
    ))
    .await;
    app.insert(article(
        "Harbor Times",
        "Harbor one",
        Duration::hours(2),
        &[],
    ))
    .await;
    app.insert(article(
        "Daily Ledger",
        "Ledger two",
        Duration::hours(3),
        &[],
    ))
    .await;

    let page = app.get("/source/daily-ledger").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.texts("h1"), ["Daily Ledger"]);
    assert_eq!(page.texts(".page-summary"), ["2 articles"]);
    assert_eq!(page.texts(".card__title a"), ["Ledger one", "Ledger two"]);

    let loose = app.get("/source/Daily%20Ledger").await;
    assert_eq!(loose.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(loose.header("location"), Some("/source/daily-ledger"));

    let missing = app.get("/source/nobody").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("not found"));
}

#[tokio::test]
async fn search_finds_matching_articles_and_keeps_the_words_in_the_form() {
    let app = TestApp::new().await;
    app.insert(article(
        "Daily Ledger",
        "Volcano erupts in Iceland",
        Duration::hours(1),
        &[],
    ))
    .await;
    app.insert(article(
        "Harbor Times",
        "Markets rally",
        Duration::hours(2),
        &[],
    ))
    .await;

    let page = app.get("/search?q=volcano").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.texts(".card__title a"), ["Volcano erupts in Iceland"]);
    assert_eq!(page.attrs("#site-search-q", "value"), ["volcano"]);

    let none = app.get("/search?q=zeppelin").await;
    assert_eq!(none.status, StatusCode::OK);
    assert!(none.texts(".card").is_empty());
    assert!(none.body.contains("No articles match"));
}

#[tokio::test]
async fn search_without_words_shows_the_form_and_punctuation_does_not_error() {
    let app = TestApp::new().await;
    app.insert(article("Daily Ledger", "Anything", Duration::hours(1), &[]))
        .await;

    let empty = app.get("/search?q=").await;
    assert_eq!(empty.status, StatusCode::OK);
    assert_eq!(empty.attrs("form.search-large input", "name"), ["q"]);
    assert!(empty.texts(".card").is_empty());
    assert_eq!(app.get("/search").await.status, StatusCode::OK);

    for query in ["%22%2A%28%29%3A-%5E", "%22", "AND%20OR%20NOT", "a%22b%22"] {
        let page = app.get(&format!("/search?q={query}")).await;
        assert_eq!(page.status, StatusCode::OK, "query {query}: {}", page.body);
    }
}

#[tokio::test]
async fn unknown_pages_get_an_html_404() {
    let app = TestApp::new().await;
    let page = app.get("/no/such/page").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(
        page.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert!(page.body.contains("Page not found"));
    assert!(
        page.body.contains("/static/site."),
        "the fingerprinted stylesheet"
    );
}

#[tokio::test]
async fn security_headers_are_set_on_pages_and_errors() {
    let app = TestApp::new().await;
    for path in ["/", "/no/such/page", "/healthz"] {
        let page = app.get(path).await;
        let csp = page.header("content-security-policy").unwrap();
        assert!(csp.contains("default-src 'self'"), "{csp}");
        assert!(csp.contains("script-src 'self'"), "{csp}");
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
        assert!(page.header("referrer-policy").is_some());
    }
    let home = app.get("/").await;
    assert!(
        home.texts("script").iter().all(|t| t.trim().is_empty()),
        "no inline script"
    );
    let scripts = home.attrs("script", "src");
    assert_eq!(scripts.len(), 1, "{scripts:?}");
    assert!(
        scripts[0].starts_with("/static/site.") && scripts[0].ends_with(".js"),
        "only the site's own script: {scripts:?}"
    );
    assert!(!home.body.contains(" onclick="), "no inline event handlers");
    assert!(
        !home.body.contains("style="),
        "no inline styles under the CSP"
    );
}

#[tokio::test]
async fn healthz_answers_ok() {
    let app = TestApp::new().await;
    let page = app.get("/healthz").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.body, "ok");
}

#[tokio::test]
async fn the_stylesheet_is_versioned_and_cached_for_long() {
    let app = TestApp::new().await;
    let home = app.get("/").await;
    let href = home.attrs("link[rel=stylesheet]", "href").remove(0);
    assert!(
        href.starts_with("/static/site.") && href.ends_with(".css") && href.len() > 20,
        "{href}"
    );
    let css = app.get(&href).await;
    assert_eq!(css.status, StatusCode::OK);
    assert!(css.header("content-type").unwrap().starts_with("text/css"));
    assert!(
        css.header("cache-control")
            .unwrap()
            .contains("max-age=31536000")
    );
    assert!(css.body.contains("prefers-color-scheme: dark"));
}

#[tokio::test]
async fn responses_are_gzipped_when_asked() {
    let app = TestApp::new().await;
    let request = Request::get("/static/site.css")
        .header("accept-encoding", "gzip")
        .body(Body::empty())
        .unwrap();
    let response = app.request(request).await;
    assert_eq!(response.header("content-encoding"), Some("gzip"));
}
