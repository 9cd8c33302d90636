//! The ingestion pipeline end to end against a loopback publisher that misbehaves in every
//! way a real one does: 304s, broken XML, 404, 500 with Retry-After, a slow server, robots.txt;
//! and the lead image fetch queued for every stored article.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::Utc;
use tidings_core::{BodySource, FeedStatus, NewFeed, RepublishPolicy, Storage};
use tidings_enrich::StoryIndexConfig;
use tidings_storage::SqliteStorage;
use tidings_worker::config::IngestConfig;
use tidings_worker::host_slots::SharedHostSlots;
use tidings_worker::lead_images::FETCH_LEAD_IMAGE;
use tidings_worker::pipeline::Pipeline;
use tidings_worker::scheduler::poll_due_feeds;
use tidings_worker::story_stage::StoryStage;

const PARAGRAPHS: [&str; 3] = [
    "The harbour board voted on Tuesday to rebuild the old north pier before the winter storms arrive in the bay.",
    "Engineers told the board that the timber piles had rotted far faster than the survey of last spring predicted.",
    "Work starts next month and the ferry will move to the south quay while the crews replace the deck and the piles.",
];

fn article_page(title: &str) -> String {
    let body: String = PARAGRAPHS.iter().map(|p| format!("<p>{p}</p>")).collect();
    format!(
        r#"<!doctype html><html lang="en"><head><title>{title} | Harbor Times</title>
<meta property="og:title" content="{title}"><meta property="og:image" content="/pictures/lead.jpg"></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<div class="share-bar">Share on Facebook Share on X</div>
<article><h1>{title}</h1>{body}</article>
<div class="newsletter">Sign up for our newsletter to get the news every morning.</div>
<footer>Copyright Harbor Times. All rights reserved.</footer></body></html>"#
    )
}

fn rss(items: &[(&str, &str, &str)]) -> String {
    let items: String = items
        .iter()
        .map(|(guid, link, title)| {
            format!(
                "<item><guid>{guid}</guid><link>{link}</link><title>{title}</title>\
                 <description>&lt;p&gt;{}&lt;/p&gt;</description>\
                 <pubDate>Tue, 24 Nov 2026 10:00:00 GMT</pubDate><category>Harbour</category></item>",
                PARAGRAPHS.join(" ")
            )
        })
        .collect();
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Harbor Times</title><link>http://example.test/</link>{items}</channel></rss>"#
    )
}

async fn publisher() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let b = base.clone();
    let good = move |headers: HeaderMap| {
        let b = b.clone();
        async move {
            if headers
                .get(header::IF_NONE_MATCH)
                .is_some_and(|v| v == "\"v1\"")
            {
                return StatusCode::NOT_MODIFIED.into_response();
            }
            let body = rss(&[
                ("a1", &format!("{b}/a1.html"), "Pier to be rebuilt"),
                ("a2", &format!("{b}/a2.html"), "Ferry moves to south quay"),
            ]);
            (
                [
                    (header::ETAG, "\"v1\""),
                    (header::CONTENT_TYPE, "application/rss+xml"),
                ],
                body,
            )
                .into_response()
        }
    };
    let b = base.clone();
    let dup = move || {
        let b = b.clone();
        async move { rss(&[("other-guid", &format!("{b}/a1.html"), "Pier to be rebuilt")]) }
    };
    let b = base.clone();
    let robots_feed = move || {
        let b = b.clone();
        async move {
            rss(&[(
                "p1",
                &format!("{b}/private/p1.html"),
                "Members only pier plan",
            )])
        }
    };
    let app = Router::new()
        .route("/good.xml", get(good))
        .route("/dup.xml", get(dup))
        .route("/robots-feed.xml", get(robots_feed))
        .route(
            "/broken.xml",
            get(|| async { "<rss><channel><item><title>oops" }),
        )
        .route("/missing.xml", get(|| async { StatusCode::NOT_FOUND }))
        .route(
            "/error.xml",
            get(|| async {
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    [(header::RETRY_AFTER, "7200")],
                    "down",
                )
            }),
        )
        .route(
            "/slow.xml",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(10)).await;
                "late"
            }),
        )
        .route("/a1.html", get(|| async { page("Pier to be rebuilt") }))
        .route(
            "/a2.html",
            get(|| async { page("Ferry moves to south quay") }),
        )
        .route("/private/p1.html", get(|| async { page("Members only") }))
        .route(
            "/robots.txt",
            get(|| async { "User-agent: *\nDisallow: /private/\n" }),
        );
    tokio::spawn(async move { axum::serve(listener, app).await });
    base
}

fn page(title: &str) -> Response {
    (
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        article_page(title),
    )
        .into_response()
}

/// The storage and the pipeline over it, wired as the `tidings` app wires them.
struct App {
    storage: Arc<dyn Storage>,
    pipeline: Arc<Pipeline>,
}

async fn app() -> App {
    let config = IngestConfig {
        connect_timeout_secs: 1,
        total_timeout_secs: 2,
        ..IngestConfig::default()
    };
    let storage: Arc<dyn Storage> = Arc::new(SqliteStorage::open_in_memory().await.expect("db"));
    let host_slots = SharedHostSlots::new(
        Arc::clone(&storage),
        config.per_host_concurrency,
        Duration::from_secs(config.total_timeout_secs),
    );
    let pipeline = Pipeline::new(Arc::clone(&storage), config)
        .expect("pipeline")
        .with_host_gate(Arc::new(host_slots));
    App {
        storage,
        pipeline: Arc::new(pipeline),
    }
}

async fn add(app: &App, url: String) -> i64 {
    app.storage
        .add_feed(NewFeed {
            url,
            title: None,
            site_url: None,
            publisher: "Harbor Times".into(),
            policy: RepublishPolicy::Full,
            allow_private: true,
            interval_secs: 900,
        })
        .await
        .expect("add feed")
        .id
}

#[tokio::test]
async fn broken_feeds_are_recorded_and_never_disturb_the_others() {
    let base = publisher().await;
    let app = app().await;
    let good = add(&app, format!("{base}/good.xml")).await;
    let dup = add(&app, format!("{base}/dup.xml")).await;
    let robots = add(&app, format!("{base}/robots-feed.xml")).await;
    let broken = add(&app, format!("{base}/broken.xml")).await;
    let missing = add(&app, format!("{base}/missing.xml")).await;
    let error = add(&app, format!("{base}/error.xml")).await;
    let slow = add(&app, format!("{base}/slow.xml")).await;

    let reports = poll_due_feeds(&app.pipeline).await.expect("poll");
    assert_eq!(reports.len(), 7);
    // a1 arrives from two feeds, a2 once, p1 once: three articles.
    assert_eq!(app.storage.count_articles().await.expect("count"), 3);

    let feed = |id| {
        let storage = Arc::clone(&app.storage);
        async move { storage.feed(id).await.expect("feed").expect("exists") }
    };
    for ok in [good, dup, robots] {
        assert_eq!(feed(ok).await.last_status, Some(FeedStatus::Ok));
    }
    let expectations = [
        (broken, ""),
        (missing, "404"),
        (error, "503"),
        (slow, "time"),
    ];
    for (id, needle) in expectations {
        let f = feed(id).await;
        assert_eq!(f.last_status, Some(FeedStatus::Error), "{}", f.url);
        let message = f.last_error.expect("error recorded");
        assert!(
            message.to_lowercase().contains(needle),
            "{}: {message}",
            f.url
        );
        assert!(!message.contains('\n'), "one line: {message}");
        assert_eq!(f.consecutive_failures, 1);
    }
    let retry = feed(error).await.next_fetch_at - Utc::now();
    assert!(
        retry > chrono::Duration::minutes(110),
        "Retry-After ignored: {retry}"
    );

    // The robots.txt-disallowed page was not fetched: the feed's own content is shown.
    let latest = app
        .storage
        .latest_articles(tidings_core::PageRequest::new(1, 10))
        .await
        .expect("latest");
    let p1 = latest
        .items
        .iter()
        .find(|a| a.url.contains("/private/"))
        .expect("p1 stored");
    let p1 = app
        .storage
        .article(p1.id)
        .await
        .expect("get")
        .expect("exists");
    assert_eq!(p1.body_source, BodySource::FeedContent);
    assert!(p1.text.contains("harbour board voted"), "{}", p1.text);

    // An extracted article keeps the text and drops the boilerplate.
    let a1 = latest
        .items
        .iter()
        .find(|a| a.url.ends_with("/a1.html"))
        .expect("a1");
    let a1 = app
        .storage
        .article(a1.id)
        .await
        .expect("get")
        .expect("exists");
    assert_eq!(a1.body_source, BodySource::Page);
    for p in PARAGRAPHS {
        assert!(a1.text.contains(p), "missing paragraph in {:?}", a1.text);
    }
    for junk in ["Sign up", "Share on", "All rights reserved", "Sport"] {
        assert!(!a1.text.contains(junk), "{junk} kept in {:?}", a1.text);
    }
    assert!(
        a1.tags.iter().any(|t| t.slug == "harbour"),
        "feed category tag: {:?}",
        a1.tags
    );

    // A second poll of the good feed is a conditional GET answered 304.
    let good_feed = feed(good).await;
    assert_eq!(good_feed.etag.as_deref(), Some("\"v1\""));
    let report = app.pipeline.poll_feed(&good_feed).await;
    assert_eq!(report.status, FeedStatus::NotModified);
    assert_eq!(app.storage.count_articles().await.expect("count"), 3);
}

#[tokio::test]
async fn private_addresses_are_refused_unless_allowed() {
    let base = publisher().await;
    let app = app().await;
    let feed = app
        .storage
        .add_feed(NewFeed {
            url: format!("{base}/good.xml"),
            title: None,
            site_url: None,
            publisher: "Harbor Times".into(),
            policy: RepublishPolicy::Excerpt,
            allow_private: false,
            interval_secs: 900,
        })
        .await
        .expect("add");
    let report = app.pipeline.poll_feed(&feed).await;
    assert_eq!(report.status, FeedStatus::Error);
    let message = report.error.expect("refused");
    assert!(message.contains("127.0.0.1"), "{message}");
    assert_eq!(app.storage.count_articles().await.expect("count"), 0);
}

#[tokio::test]
async fn stored_articles_wait_unplaced_until_the_story_stage_takes_them() {
    let base = publisher().await;
    let app = app().await;
    add(&app, format!("{base}/good.xml")).await;
    let reports = poll_due_feeds(&app.pipeline).await.expect("poll");
    assert_eq!(reports[0].inserted, 2, "{reports:?}");

    // Ingestion placed nothing: both articles wait in the queue of unplaced articles.
    let waiting = app
        .storage
        .unplaced_articles(0, 10)
        .await
        .expect("unplaced");
    assert_eq!(waiting.len(), 2);
    for &id in &waiting {
        let links = app.storage.article_links(id).await.expect("links");
        assert_eq!(links.and_then(|l| l.story_id), None);
    }

    // Each names its page's lead image, whose fetch waits in the job queue.
    for &id in &waiting {
        let article = app
            .storage
            .article(id)
            .await
            .expect("read")
            .expect("stored");
        assert_eq!(article.image, Some(format!("{base}/pictures/lead.jpg")));
    }
    let leased = app
        .storage
        .lease_jobs("test", &[FETCH_LEAD_IMAGE], Duration::from_secs(60), 10)
        .await
        .expect("lease");
    let mut keys: Vec<i64> = leased.iter().map(|j| j.key.parse().expect("id")).collect();
    keys.sort_unstable();
    assert_eq!(keys, waiting, "one lead image job per stored article");

    let stories = StoryStage::new(Arc::clone(&app.storage), StoryIndexConfig::default());
    assert_eq!(stories.place_pending().await.expect("place"), 2);
    assert!(
        app.storage
            .unplaced_articles(0, 10)
            .await
            .expect("unplaced")
            .is_empty()
    );
    for id in waiting {
        let links = app.storage.article_links(id).await.expect("links");
        assert!(
            links.and_then(|l| l.story_id).is_some(),
            "article {id} placed"
        );
    }
}
