//! Kept raw pages end to end: ingesting keeps each article's page compressed (with its
//! charset), `reextract` rewrites articles from them (here after a new site rule changes what
//! the extractor reads), and the retention purge drops old pages.

use std::sync::Arc;

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use chrono::{Duration, Utc};
use tidings::app::App;
use tidings::commands::reextract::{ReextractOptions, parse_since, reextract};
use tidings::config::Config;
use tidings_core::{NewFeed, PageRequest, RawPageFilter, RepublishPolicy, Storage};
use tidings_storage::SqliteStorage;
use tidings_worker::scheduler::poll_due_feeds;
use tidings_worker::site_rules::{SiteRule, SiteRules};

const STORY: &str = "The harbour board voted on Tuesday to rebuild the old north pier before the winter storms arrive in the bay. Engineers told the board that the timber piles had rotted far faster than the survey of last spring predicted. Work starts next month and the ferry will move to the south quay.";

/// Text the general extractor leaves out (a short aside among links), which a site rule
/// makes the body. Encoded in windows-1252, which only the HTTP header names.
const APPENDIX: &str = "Appendix: the lighthouse caf\u{e9} on the south quay stays open all winter, serving fishermen and ferry crews from dawn, and the lighthouse keepers will give tours of the lamp room every Saturday while the pier is closed for the rebuilding work.";

fn article_page() -> Vec<u8> {
    let html = format!(
        r#"<!doctype html><html lang="en"><head><title>Pier to be rebuilt</title></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Pier to be rebuilt</h1><p>{STORY}</p><p>{STORY}</p></article>
<aside class="appendix"><a href="/x">More</a> <a href="/y">Links</a><p>{APPENDIX}</p></aside>
<footer>Copyright Harbor Times.</footer></body></html>"#
    );
    let (bytes, _, _) = encoding_rs::WINDOWS_1252.encode(&html);
    bytes.into_owned()
}

async fn publisher() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let link = format!("{base}/pier.html");
    let feed = move || {
        let link = link.clone();
        async move {
            format!(
                r#"<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Harbor Times</title><link>http://example.test/</link><item><guid>pier</guid><link>{link}</link><title>Pier to be rebuilt</title><category>Harbour</category></item></channel></rss>"#
            )
        }
    };
    let app = Router::new().route("/feed.xml", get(feed)).route(
        "/pier.html",
        get(|| async {
            (
                [(header::CONTENT_TYPE, "text/html; charset=windows-1252")],
                article_page(),
            )
                .into_response()
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await });
    base
}

async fn ingested_app(retention_days: u32) -> App {
    let base = publisher().await;
    let mut config = Config::default();
    config.ingest.raw_page_retention_days = retention_days;
    config.ingest.respect_robots = false;
    let storage: Arc<dyn Storage> = Arc::new(SqliteStorage::open_in_memory().await.expect("db"));
    let app = App::with_storage(config, storage).expect("app");
    app.storage
        .add_feed(NewFeed {
            url: format!("{base}/feed.xml"),
            title: None,
            site_url: None,
            publisher: "Harbor Times".into(),
            policy: RepublishPolicy::Full,
            allow_private: true,
            interval_secs: 900,
        })
        .await
        .expect("add feed");
    let reports = poll_due_feeds(&app.pipeline).await.expect("poll");
    assert_eq!(reports[0].inserted, 1, "{reports:?}");
    app
}

fn appendix_rule() -> Arc<SiteRules> {
    let rule = SiteRule {
        host: "127.0.0.1".into(),
        keep: vec![".appendix".into()],
        drop: vec!["a".into()],
    };
    Arc::new(SiteRules::compile(&[rule]).expect("valid rule"))
}

#[tokio::test]
async fn reextract_rewrites_articles_from_kept_pages() {
    let app = ingested_app(30).await;
    let ids = app
        .storage
        .raw_page_ids(&RawPageFilter::default())
        .await
        .expect("kept pages");
    assert_eq!(ids.len(), 1, "the page was kept");
    let id = ids[0];
    let kept = app.storage.raw_page(id).await.expect("read").expect("kept");
    assert_eq!(kept.charset.as_deref(), Some("windows-1252"));
    assert_eq!(kept.categories, vec!["Harbour".to_string()]);
    let before = app
        .storage
        .article(id)
        .await
        .expect("read")
        .expect("stored");
    assert!(before.text.contains("timber piles"), "{}", before.text);
    assert!(!before.text.contains("lighthouse"), "{}", before.text);

    // Other publishers' pages, and pages fetched before --since, are left alone.
    let other = ReextractOptions {
        source: Some("Some Other Paper".into()),
        ..ReextractOptions::default()
    };
    let report = reextract(&app.storage, &appendix_rule(), &other)
        .await
        .expect("reextract");
    assert_eq!(report.pages, 0);
    let later = ReextractOptions {
        since: Some(Utc::now() + Duration::hours(1)),
        ..ReextractOptions::default()
    };
    let report = reextract(&app.storage, &appendix_rule(), &later)
        .await
        .expect("reextract");
    assert_eq!(report.pages, 0);
    let unchanged = app
        .storage
        .article(id)
        .await
        .expect("read")
        .expect("stored");
    assert_eq!(unchanged.text, before.text);

    let mine = ReextractOptions {
        source: Some("harbor-times".into()),
        since: Some(parse_since("2020-01-01").expect("date")),
        progress: false,
    };
    let report = reextract(&app.storage, &appendix_rule(), &mine)
        .await
        .expect("reextract");
    assert_eq!((report.pages, report.updated, report.failed), (1, 1, 0));

    let after = app
        .storage
        .article(id)
        .await
        .expect("read")
        .expect("stored");
    assert!(
        after.text.contains("lighthouse café"),
        "charset kept: {}",
        after.text
    );
    assert!(!after.text.contains("timber piles"), "{}", after.text);
    assert_eq!(after.title, before.title);
    assert!(after.excerpt.starts_with("Appendix"), "{}", after.excerpt);
    assert!(
        after.tags.iter().any(|t| t.slug == "harbour"),
        "{:?}",
        after.tags
    );
    let found = app
        .storage
        .search_articles("lighthouse", PageRequest::new(1, 10))
        .await
        .expect("search");
    assert_eq!(found.items.len(), 1, "the full-text index follows");
}

#[tokio::test]
async fn retention_purges_old_pages_and_zero_keeps_none() {
    let app = ingested_app(30).await;
    let kept = |app: &App| {
        let storage = Arc::clone(&app.storage);
        async move {
            storage
                .raw_page_ids(&RawPageFilter::default())
                .await
                .expect("list")
                .len()
        }
    };
    assert_eq!(
        app.pipeline
            .raw_pages()
            .purge(Utc::now())
            .await
            .expect("purge"),
        0
    );
    assert_eq!(kept(&app).await, 1);
    let purged = app
        .pipeline
        .raw_pages()
        .purge(Utc::now() + Duration::days(31))
        .await
        .expect("purge");
    assert_eq!(purged, 1);
    assert_eq!(kept(&app).await, 0);
    assert_eq!(app.storage.count_articles().await.expect("count"), 1);

    let none = ingested_app(0).await;
    assert_eq!(kept(&none).await, 0, "retention 0 keeps no page");
}

#[test]
fn site_rules_load_from_the_configuration_and_bad_selectors_are_named() {
    let dir = tempfile::tempdir().expect("temp dir");
    let good = dir.path().join("good.toml");
    std::fs::write(
        &good,
        "[[extract.site_rules]]\nhost = \"news.example.com\"\nkeep = [\"div.story\"]\ndrop = [\"aside\"]\n",
    )
    .expect("write");
    let config = Config::load(Some(&good)).expect("loads");
    assert_eq!(config.extract.site_rules.len(), 1);
    assert_eq!(
        config.extract.site_rules[0].keep,
        vec!["div.story".to_string()]
    );

    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "[[extract.site_rules]]\nhost = \"news.example.com\"\ndrop = [\"div[\"]\n",
    )
    .expect("write");
    let err = Config::load(Some(&bad)).expect_err("bad selector refused");
    assert!(err.to_string().contains("div["), "{err}");
    assert!(parse_since("yesterday").is_err());
    assert!(parse_since("2026-11-01T10:00:00+01:00").is_ok());
}
