//! `tidings demo` end to end: the made-up outlets are ingested over loopback through the real
//! pipeline and the site serves clean articles with attribution, hashtags and related coverage.

use std::sync::Arc;

use chrono::Utc;
use tidings::app::App;
use tidings::commands::demo::ingest_demo;
use tidings::commands::feeds::{AddFeedOptions, add_feed};
use tidings::config::Config;
use tidings_core::{Article, BodySource, PageRequest, Storage};
use tidings_demo::corpus::{CorpusArticle, embedded_corpus};
use tidings_demo::start_publishers;
use tidings_storage::SqliteStorage;

async fn demo_app() -> (App, tidings_demo::DemoPublishers) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let (publishers, _server) = start_publishers(listener, Utc::now())
        .await
        .expect("publishers");
    let mut config = Config::default();
    config.ingest.per_host_concurrency = 8;
    config.ingest.concurrent_pages = 8;
    let storage: Arc<dyn Storage> = Arc::new(SqliteStorage::open_in_memory().await.expect("db"));
    (App::with_storage(config, storage).expect("app"), publishers)
}

async fn serve(app: &App) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let router = app.router().expect("router");
    tokio::spawn(async move { axum::serve(listener, router).await });
    base
}

#[tokio::test]
async fn every_demo_article_is_ingested_once_and_served_clean() {
    let (app, publishers) = demo_app().await;
    let (inserted, failed_feeds) = ingest_demo(&app, &publishers).await.expect("ingest");
    assert_eq!(failed_feeds, 0, "{:#?}", app.storage.list_feeds().await);
    assert_eq!(inserted, publishers.article_count);
    assert_eq!(
        app.storage.count_articles().await.expect("count") as usize,
        publishers.article_count
    );

    // Polling again stores nothing new (feeds answer 304 or list known entries).
    for feed in app.storage.list_feeds().await.expect("feeds") {
        let report = app.pipeline.poll_feed(&feed).await;
        assert_eq!(report.inserted, 0, "{}", feed.url);
        assert!(report.error.is_none(), "{:?}", report.error);
    }

    let latest = app
        .storage
        .latest_articles(PageRequest::new(1, 200))
        .await
        .expect("latest");
    let corpus = embedded_corpus().expect("corpus");
    let mut from_pages = 0;
    let mut tagged = 0;
    for card in &latest.items {
        let article = app
            .storage
            .article(card.id)
            .await
            .expect("get")
            .expect("exists");
        if article.body_source == BodySource::Page {
            from_pages += 1;
        }
        for junk in [
            "Sign up for",
            "[Read:",
            "Share on",
            "We use cookies",
            "Advertisement",
        ] {
            assert!(
                !article.text.contains(junk),
                "{junk:?} in {}: {}",
                article.url,
                article.text
            );
        }
        assert_no_site_boilerplate(&article, &corpus);
        if !article.tags.is_empty() {
            tagged += 1;
        }
    }
    assert_eq!(
        from_pages,
        latest.items.len(),
        "every demo page is extractable"
    );
    assert!(
        tagged * 10 >= latest.items.len() * 9,
        "only {tagged} of {} articles have hashtags",
        latest.items.len()
    );

    let base = serve(&app).await;
    let client = reqwest::Client::new();
    let card = &latest.items[0];
    let html = client
        .get(format!("{base}/article/{}", card.id))
        .send()
        .await
        .expect("get")
        .text()
        .await
        .expect("body");
    let article = app
        .storage
        .article(card.id)
        .await
        .expect("get")
        .expect("exists");
    assert!(html.contains("id=\"article-body\""));
    assert!(html.contains("id=\"attribution\""));
    assert!(
        html.contains(&format!(
            "Article originally published at <a href=\"{}\"",
            article.original_url()
        )),
        "{html}"
    );
    assert!(html.contains(&format!(
        "rel=\"canonical\" href=\"{}\"",
        article.original_url()
    )));
    assert!(html.contains("id=\"hashtags\""));
    assert!(
        html.contains("id=\"related\""),
        "demo events have coverage from other outlets"
    );
    let home = client.get(format!("{base}/")).send().await.expect("home");
    assert!(home.status().is_success());
}

/// No paragraph of the body, and not the start of the excerpt, is the outlet's section label,
/// comment count or contact line (which the demo pages print around every article).
fn assert_no_site_boilerplate(article: &Article, corpus: &[CorpusArticle]) {
    let records: Vec<&CorpusArticle> = corpus.iter().filter(|r| r.title == article.title).collect();
    assert!(
        !records.is_empty(),
        "{} is not in the corpus",
        article.title
    );
    let labels: Vec<String> = records
        .iter()
        .flat_map(|r| &r.categories)
        .map(|c| c.to_lowercase())
        .collect();
    let first_paragraph = records[0].paragraphs[0].to_lowercase();
    for paragraph in article.text.split("\n\n").map(str::trim) {
        let lower = paragraph.to_lowercase();
        let comment_count = lower.ends_with(" comments")
            && lower
                .trim_end_matches(" comments")
                .ends_with(|c: char| c.is_ascii_digit());
        assert!(
            !labels.contains(&lower) && !comment_count && !lower.starts_with("contact "),
            "{:?} left in {}: {}",
            paragraph,
            article.url,
            article.text
        );
    }
    for label in &labels {
        let excerpt = article.excerpt.to_lowercase();
        assert!(
            !excerpt.starts_with(&format!("{label} "))
                || first_paragraph.starts_with(label.as_str()),
            "the excerpt of {} starts with its section label: {}",
            article.url,
            article.excerpt
        );
    }
}

#[tokio::test]
async fn a_site_url_is_turned_into_its_feed_by_discovery() {
    let (app, publishers) = demo_app().await;
    let outlet = &publishers.outlets[0];
    let options = AddFeedOptions {
        allow_private: true,
        ..AddFeedOptions::default()
    };
    let feed = add_feed(&app, &outlet.home_url, options.clone())
        .await
        .expect("discovered");
    assert_eq!(feed.url, outlet.feed_url);
    assert_eq!(feed.publisher, outlet.name);
    let again = add_feed(&app, &outlet.feed_url, options)
        .await
        .expect_err("added twice");
    assert!(again.to_string().contains("added already"), "{again}");
    let refused = add_feed(&app, &outlet.home_url, AddFeedOptions::default())
        .await
        .expect_err("loopback refused without --allow-private");
    assert!(format!("{refused:#}").contains("127.0.0.1"), "{refused:#}");
}
