//! Feeds out: the site, tag, source, story and search feeds in Atom and JSON Feed, their
//! entries' attribution and links, hostile titles, conditional GET through the page cache,
//! and the `<link rel="alternate">` on the pages they mirror.

#![allow(clippy::unwrap_used)]

mod common;
mod feeds_support;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{DateTime, Duration};
use common::{TestApp, TestResponse, article};
use feeds_support::{BASE, app, placement};
use tidings_core::StoryStore;

/// `GET path` with one conditional header.
async fn get_if(app: &TestApp, path: &str, name: header::HeaderName, value: &str) -> TestResponse {
    app.request(
        Request::get(path)
            .header(name, value)
            .body(Body::empty())
            .unwrap(),
    )
    .await
}

/// Two articles of one tag and publisher (the newer without a byline), one other.
async fn fixture(app: &TestApp) -> [i64; 3] {
    let older = app
        .insert(article(
            "Daily Ledger",
            "Harbour reopens",
            Duration::hours(3),
            &["Harbour"],
        ))
        .await;
    let mut newer = article(
        "Daily Ledger",
        "Harbour traffic doubles",
        Duration::hours(1),
        &["Harbour", "Shipping"],
    );
    newer.byline = None;
    let newer = app.insert(newer).await;
    let other = app
        .insert(article(
            "Evening Lantern",
            "Budget vote",
            Duration::hours(2),
            &["Budget"],
        ))
        .await;
    [older, newer, other]
}

fn atom(response: &TestResponse) -> feeds_support::Element {
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(
        response.header("content-type"),
        Some("application/atom+xml; charset=utf-8")
    );
    let feed = feeds_support::parse(&response.body);
    assert_eq!(feed.name, "feed");
    assert_eq!(feed.attr("xmlns"), Some("http://www.w3.org/2005/Atom"));
    feed
}

fn entry_ids(feed: &feeds_support::Element) -> Vec<String> {
    feed.all("entry")
        .iter()
        .map(|e| e.text_of("id").to_owned())
        .collect()
}

fn article_url(id: i64) -> String {
    format!("{BASE}article/{id}")
}

#[tokio::test]
async fn the_site_feed_is_atom_with_attribution_and_links_to_the_original() {
    let app = app().await;
    let [older, newer, other] = fixture(&app).await;
    let feed = atom(&app.get("/feed.atom").await);
    assert_eq!(feed.text_of("id"), "https://news.example/feed.atom");
    assert_eq!(feed.text_of("title"), "Tidings");
    assert_eq!(feed.link("self"), Some("https://news.example/feed.atom"));
    assert_eq!(feed.link("alternate"), Some("https://news.example/"));
    assert_eq!(feed.one("author").text_of("name"), "Tidings");
    assert_eq!(
        entry_ids(&feed),
        vec![article_url(newer), article_url(other), article_url(older)]
    );
    let entries = feed.all("entry");
    // The feed is as new as its newest entry.
    let updated: Vec<DateTime<chrono::FixedOffset>> = entries
        .iter()
        .map(|e| DateTime::parse_from_rfc3339(e.text_of("updated")).unwrap())
        .collect();
    assert_eq!(
        DateTime::parse_from_rfc3339(feed.text_of("updated")).unwrap(),
        *updated.iter().max().unwrap()
    );

    let first = entries[2];
    assert_eq!(first.text_of("title"), "Harbour reopens");
    assert_eq!(first.link("alternate"), Some(article_url(older).as_str()));
    assert_eq!(
        first.link("via"),
        Some("https://daily-ledger.example/news/harbourreopens")
    );
    assert_eq!(first.one("author").text_of("name"), "Ada Reporter");
    assert_eq!(first.text_of("summary"), "Summary of Harbour reopens.");
    let content = first.one("content");
    assert_eq!(content.attr("type"), Some("html"));
    assert!(
        content.text.contains(
            "Article originally published at \
             <a href=\"https://daily-ledger.example/news/harbourreopens\">Daily Ledger</a>"
        ),
        "{}",
        content.text
    );
    DateTime::parse_from_rfc3339(first.text_of("published")).unwrap();
    let terms: Vec<&str> = first
        .all("category")
        .iter()
        .filter_map(|c| c.attr("term"))
        .collect();
    assert_eq!(terms, vec!["Harbour"]);
    // Without a byline the publisher is the author.
    assert_eq!(entries[0].one("author").text_of("name"), "Daily Ledger");
}

#[tokio::test]
async fn the_json_feed_mirrors_the_atom_feed() {
    let app = app().await;
    let [older, newer, other] = fixture(&app).await;
    let response = app.get("/feed.json").await;
    assert_eq!(response.status, StatusCode::OK);
    assert_eq!(
        response.header("content-type"),
        Some("application/feed+json; charset=utf-8")
    );
    let feed = response.json();
    assert_eq!(feed["version"], "https://jsonfeed.org/version/1.1");
    assert_eq!(feed["title"], "Tidings");
    assert_eq!(feed["home_page_url"], BASE);
    assert_eq!(feed["feed_url"], "https://news.example/feed.json");
    let items = feed["items"].as_array().unwrap();
    let ids: Vec<&str> = items.iter().map(|i| i["id"].as_str().unwrap()).collect();
    assert_eq!(
        ids,
        vec![article_url(newer), article_url(other), article_url(older)]
    );
    let item = &items[2];
    assert_eq!(item["url"], article_url(older));
    assert_eq!(
        item["external_url"],
        "https://daily-ledger.example/news/harbourreopens"
    );
    assert_eq!(item["authors"][0]["name"], "Ada Reporter");
    assert_eq!(
        item["authors"][0]["url"],
        "https://news.example/source/daily-ledger"
    );
    assert_eq!(item["summary"], "Summary of Harbour reopens.");
    assert!(
        item["content_html"]
            .as_str()
            .unwrap()
            .contains("Article originally published at")
    );
    assert_eq!(item["tags"], serde_json::json!(["Harbour"]));
    DateTime::parse_from_rfc3339(item["date_published"].as_str().unwrap()).unwrap();
    DateTime::parse_from_rfc3339(item["date_modified"].as_str().unwrap()).unwrap();
}

#[tokio::test]
async fn tag_source_story_and_search_feeds_list_their_own_articles() {
    let app = app().await;
    let [older, newer, other] = fixture(&app).await;
    let story = app
        .storage
        .place_in_story(placement(older, None))
        .await
        .unwrap();
    app.storage
        .place_in_story(placement(other, Some(story)))
        .await
        .unwrap();

    let tag = atom(&app.get("/tag/harbour/feed.atom").await);
    assert_eq!(
        entry_ids(&tag),
        vec![article_url(newer), article_url(older)]
    );
    assert_eq!(tag.text_of("title"), "#Harbour · Tidings");
    assert_eq!(
        tag.link("alternate"),
        Some("https://news.example/tag/harbour")
    );
    assert_eq!(
        tag.link("self"),
        Some("https://news.example/tag/harbour/feed.atom")
    );

    let source = app.get("/source/evening-lantern/feed.json").await.json();
    assert_eq!(source["title"], "Evening Lantern · Tidings");
    assert_eq!(source["items"].as_array().unwrap().len(), 1);
    assert_eq!(source["items"][0]["id"], article_url(other));

    let story_feed = atom(&app.get(&format!("/story/{story}/feed.atom")).await);
    assert_eq!(
        entry_ids(&story_feed),
        vec![article_url(other), article_url(older)]
    );
    assert_eq!(
        story_feed.link("alternate"),
        Some(format!("{BASE}story/{story}").as_str())
    );

    let search = atom(&app.get("/search/feed.atom?q=budget").await);
    assert_eq!(entry_ids(&search), vec![article_url(other)]);
    assert_eq!(
        search.link("self"),
        Some("https://news.example/search/feed.atom?q=budget")
    );
    assert_eq!(
        search.link("alternate"),
        Some("https://news.example/search?q=budget")
    );
    let search_json = app.get("/search/feed.json?q=harbour").await.json();
    assert_eq!(search_json["items"].as_array().unwrap().len(), 2);
    let nothing = atom(&app.get("/search/feed.atom?q=zeppelin").await);
    assert!(nothing.all("entry").is_empty());
}

#[tokio::test]
async fn unknown_feeds_are_not_found_and_other_spellings_redirect() {
    let app = app().await;
    fixture(&app).await;
    for path in [
        "/tag/nothing/feed.atom",
        "/source/nobody/feed.json",
        "/story/999/feed.atom",
        "/story/abc/feed.json",
        "/tag/harbour/feed.xml",
    ] {
        assert_eq!(app.get(path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    let moved = app.get("/tag/Harbour/feed.json").await;
    assert_eq!(moved.status, StatusCode::PERMANENT_REDIRECT);
    assert_eq!(moved.header("location"), Some("/tag/harbour/feed.json"));
    let empty = app.get("/search/feed.atom?q=%20").await;
    assert_eq!(empty.status, StatusCode::BAD_REQUEST);
    assert!(
        empty.body.contains("needs the words to search for"),
        "{}",
        empty.body
    );
}

#[tokio::test]
async fn hostile_titles_are_escaped_and_the_feed_stays_well_formed() {
    let app = app().await;
    let hostile = "Bold <b>&</b> \"quoted\" ]]> </feed> \u{0}\u{1b}end";
    let mut item = article("Daily <Ledger> & Co", hostile, Duration::hours(1), &[]);
    item.byline = Some("<script>alert(1)</script>".to_owned());
    item.excerpt = "Less < more & \u{7} bell".to_owned();
    let id = app.insert(item).await;

    let feed = atom(&app.get("/feed.atom").await);
    let entry = feed.one("entry");
    assert_eq!(entry.text_of("id"), article_url(id));
    // Read back exactly, less the control characters XML cannot carry.
    assert_eq!(
        entry.text_of("title"),
        "Bold <b>&</b> \"quoted\" ]]> </feed> end"
    );
    assert_eq!(
        entry.one("author").text_of("name"),
        "<script>alert(1)</script>"
    );
    assert_eq!(entry.text_of("summary"), "Less < more &  bell");
    let content = &entry.one("content").text;
    assert!(
        content.contains("<p>Less &lt; more &amp;  bell</p>"),
        "{content}"
    );
    assert!(
        content.contains(">Daily &lt;Ledger&gt; &amp; Co</a>"),
        "{content}"
    );

    let json = app.get("/feed.json").await.json();
    assert_eq!(
        json["items"][0]["title"],
        "Bold <b>&</b> \"quoted\" ]]> </feed> \u{0}\u{1b}end"
    );
}

#[tokio::test]
async fn feeds_answer_304_while_nothing_changed() {
    let app = app().await;
    fixture(&app).await;
    let first = app.get("/feed.atom").await;
    let etag = first.header("etag").unwrap().to_owned();
    let modified = first.header("last-modified").unwrap().to_owned();
    assert!(first.header("cache-control").unwrap().starts_with("public"));

    let again = get_if(&app, "/feed.atom", header::IF_NONE_MATCH, &etag).await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    assert!(again.body.is_empty());
    let since = get_if(&app, "/feed.atom", header::IF_MODIFIED_SINCE, &modified).await;
    assert_eq!(since.status, StatusCode::NOT_MODIFIED);
    let json = app.get("/tag/harbour/feed.json").await;
    let json_etag = json.header("etag").unwrap();
    let json_again = get_if(
        &app,
        "/tag/harbour/feed.json",
        header::IF_NONE_MATCH,
        json_etag,
    )
    .await;
    assert_eq!(json_again.status, StatusCode::NOT_MODIFIED);

    // A new article changes the feed: the old validator no longer matches.
    app.insert(article(
        "Daily Ledger",
        "Harbour closes again",
        Duration::minutes(1),
        &["Harbour"],
    ))
    .await;
    let changed = get_if(&app, "/feed.atom", header::IF_NONE_MATCH, &etag).await;
    assert_eq!(changed.status, StatusCode::OK);
    assert_ne!(changed.header("etag"), Some(etag.as_str()));
    assert_eq!(atom(&changed).all("entry").len(), 4);
}

#[tokio::test]
async fn without_a_base_url_links_follow_the_host_asked_for() {
    let app = TestApp::new().await;
    let [older, ..] = fixture(&app).await;
    let for_host = |host: &'static str| get_if(&app, "/feed.atom", header::HOST, host);
    let one = atom(&for_host("one.example:8080").await);
    assert_eq!(one.text_of("id"), "http://one.example:8080/feed.atom");
    // Another host is answered with its own links, never the cached page of the first.
    let two = atom(&for_host("two.example").await);
    assert_eq!(two.text_of("id"), "http://two.example/feed.atom");
    assert!(entry_ids(&two).contains(&format!("http://two.example/article/{older}")));
    let odd = atom(&for_host("bad.example/path").await);
    assert_eq!(odd.text_of("id"), "http://localhost/feed.atom");
}

#[tokio::test]
async fn pages_advertise_the_feeds_that_mirror_them() {
    let app = app().await;
    let [older, _, other] = fixture(&app).await;
    let story = app
        .storage
        .place_in_story(placement(older, None))
        .await
        .unwrap();
    let pages = [
        ("/".to_owned(), "/feed"),
        ("/tag/harbour".to_owned(), "/tag/harbour/feed"),
        (
            "/source/evening-lantern".to_owned(),
            "/source/evening-lantern/feed",
        ),
        (format!("/story/{story}"), ""),
        ("/search?q=harbour+vote".to_owned(), "/search/feed"),
    ];
    for (page, feed) in &pages {
        let response = app.get(page).await;
        assert_eq!(response.status, StatusCode::OK, "{page}");
        let atom = response.attrs("link[rel=alternate][type='application/atom+xml']", "href");
        let json = response.attrs("link[rel=alternate][type='application/feed+json']", "href");
        let (want_atom, want_json) = if feed.is_empty() {
            (
                format!("/story/{story}/feed.atom"),
                format!("/story/{story}/feed.json"),
            )
        } else if page.starts_with("/search") {
            (
                format!("{feed}.atom?q=harbour+vote"),
                format!("{feed}.json?q=harbour+vote"),
            )
        } else {
            (format!("{feed}.atom"), format!("{feed}.json"))
        };
        assert_eq!(atom, vec![want_atom.clone()], "{page}");
        assert_eq!(json, vec![want_json], "{page}");
        // Every advertised feed answers.
        assert_eq!(
            app.get(&want_atom).await.status,
            StatusCode::OK,
            "{want_atom}"
        );
    }
    let article_page = app.get(&format!("/article/{other}")).await;
    assert!(article_page.attrs("link[rel=alternate]", "href").is_empty());
}
