//! Hostile feeds end to end: a loopback publisher serves feeds built to take a server down
//! (deep nesting, a 9 MiB title, far-future dates, entity amplification, a gzip bomb, a
//! redirect loop, an oversized body, a slow drip, script in every field) beside one honest
//! feed. One poll of them all must finish, record on each feed what happened in one line,
//! and store the honest feed's article untouched.

use std::io::Write;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use chrono::Utc;
use tidings::app::App;
use tidings::config::Config;
use tidings_core::{FeedStatus, NewFeed, PageRequest, RepublishPolicy, Storage};
use tidings_storage::SqliteStorage;
use tidings_worker::scheduler::poll_due_feeds;

const BODY: &str = "The harbour board voted on Tuesday to rebuild the old north pier before the \
    winter storms arrive in the bay, and the ferry moves to the south quay meanwhile.";

fn rss(items: &str) -> String {
    format!(
        "<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>Hostile</title>\
         <link>http://example.test/</link>{items}</channel></rss>"
    )
}

/// An item whose page is missing, so the feed's own content is what gets stored.
fn item(base: &str, slug: &str, title: &str, extra: &str) -> String {
    format!(
        "<item><guid>{slug}</guid><link>{base}/missing/{slug}</link><title>{title}</title>{extra}</item>"
    )
}

fn feed_response(body: String) -> Response {
    ([(header::CONTENT_TYPE, "application/rss+xml")], body).into_response()
}

fn gzip_bomb() -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1024 * 1024];
    for _ in 0..64 {
        encoder.write_all(&zeros).expect("gzip");
    }
    encoder.finish().expect("gzip")
}

async fn publisher() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let description = format!("<description>&lt;p&gt;{BODY}&lt;/p&gt;</description>");
    let b = base.clone();
    let d = description.clone();
    let good = move || {
        let body = rss(&item(&b, "good", "Pier to be rebuilt", &d));
        async move { feed_response(body) }
    };
    let b = base.clone();
    let deep = move || {
        let naked = format!("{}{BODY}{}", "<a>".repeat(20_000), "</a>".repeat(20_000));
        let escaped = format!(
            "{}{BODY}{}",
            "&lt;div&gt;".repeat(100_000),
            "&lt;/div&gt;".repeat(100_000)
        );
        let body = rss(&format!(
            "{}{}",
            item(
                &b,
                "naked",
                "Naked markup",
                &format!("<description>{naked}</description>")
            ),
            item(
                &b,
                "escaped",
                "Escaped markup",
                &format!("<description>{escaped}</description>")
            )
        ));
        async move { feed_response(body) }
    };
    let b = base.clone();
    let d = description.clone();
    let huge_title = move || {
        let title = "T".repeat(9 * 1024 * 1024);
        let body = rss(&item(&b, "huge", &title, &d));
        async move { feed_response(body) }
    };
    let b = base.clone();
    let d = description.clone();
    let future = move || {
        let extra = format!("{d}<pubDate>Fri, 31 Dec 9999 23:59:59 GMT</pubDate>");
        let body = rss(&item(&b, "future", "From the future", &extra));
        async move { feed_response(body) }
    };
    let b = base.clone();
    let bomb = move || {
        let refs = "&a;".repeat(2_000_000);
        let body = format!(
            "<!DOCTYPE rss [<!ENTITY a \"{}\">]>{}",
            "x".repeat(1024),
            rss(&item(
                &b,
                "bomb",
                "Bomb",
                &format!("<description>{refs}</description>")
            ))
        );
        async move { feed_response(body) }
    };
    let b = base.clone();
    let xss = move || {
        let extra = "<description>&lt;p onmouseover=\"steal()\"&gt;Hello&lt;script&gt;alert(1)&lt;/script&gt;\
            &lt;a href=\"javascript:alert(2)\"&gt;x&lt;/a&gt;&lt;/p&gt;</description>\
            <author>&lt;img src=x onerror=alert(3)&gt;</author>";
        let body = rss(&item(
            &b,
            "xss",
            "&lt;script&gt;alert(4)&lt;/script&gt;Hi",
            extra,
        ));
        async move { feed_response(body) }
    };
    let app = Router::new()
        .route("/good.xml", get(good))
        .route("/deep.xml", get(deep))
        .route("/huge-title.xml", get(huge_title))
        .route("/future.xml", get(future))
        .route("/bomb.xml", get(bomb))
        .route("/xss.xml", get(xss))
        .route(
            "/gzip-bomb.xml",
            get(|| async {
                (
                    [
                        (header::CONTENT_ENCODING, "gzip"),
                        (header::CONTENT_TYPE, "application/rss+xml"),
                    ],
                    gzip_bomb(),
                )
            }),
        )
        .route(
            "/loop.xml",
            get(|| async { Redirect::temporary("/loop.xml") }),
        )
        .route(
            "/oversized.xml",
            get(|| async { feed_response(rss(&"<x/>".repeat(3 * 1024 * 1024))) }),
        )
        .route(
            "/slow.xml",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(10)).await;
                "late"
            }),
        )
        .route("/missing/{slug}", get(|| async { StatusCode::NOT_FOUND }));
    tokio::spawn(async move { axum::serve(listener, app).await });
    base
}

async fn app() -> App {
    let mut config = Config::default();
    config.ingest.connect_timeout_secs = 1;
    config.ingest.total_timeout_secs = 2;
    config.ingest.respect_robots = false;
    let storage: Arc<dyn Storage> = Arc::new(SqliteStorage::open_in_memory().await.expect("db"));
    App::with_storage(config, storage).expect("app")
}

async fn add(app: &App, url: String) -> i64 {
    app.storage
        .add_feed(NewFeed {
            url,
            title: None,
            site_url: None,
            publisher: "Hostile".into(),
            policy: RepublishPolicy::Full,
            allow_private: true,
            interval_secs: 900,
        })
        .await
        .expect("add feed")
        .id
}

#[tokio::test]
async fn hostile_feeds_are_recorded_and_never_disturb_the_honest_one() {
    let base = publisher().await;
    let app = app().await;
    let mut ids = Vec::new();
    for path in [
        "good",
        "deep",
        "huge-title",
        "future",
        "bomb",
        "xss",
        "gzip-bomb",
        "loop",
        "oversized",
        "slow",
    ] {
        ids.push((path, add(&app, format!("{base}/{path}.xml")).await));
    }
    let reports = poll_due_feeds(&app.pipeline).await.expect("poll");
    assert_eq!(reports.len(), ids.len());

    let expect = [
        ("good", FeedStatus::Ok, None),
        ("deep", FeedStatus::Ok, Some("nested too deep")),
        ("huge-title", FeedStatus::Ok, Some("title too long")),
        ("future", FeedStatus::Ok, Some("date in the future")),
        ("bomb", FeedStatus::Error, Some("expand")),
        ("xss", FeedStatus::Ok, None),
        ("gzip-bomb", FeedStatus::Error, Some("")),
        ("loop", FeedStatus::Error, Some("redirect")),
        ("oversized", FeedStatus::Error, Some("")),
        ("slow", FeedStatus::Error, Some("time")),
    ];
    for ((path, id), (name, status, note)) in ids.iter().zip(expect) {
        assert_eq!(*path, name);
        let feed = app.storage.feed(*id).await.expect("feed").expect("exists");
        assert_eq!(
            feed.last_status,
            Some(status),
            "{path}: {:?}",
            feed.last_error
        );
        match note {
            None => assert_eq!(feed.last_error, None, "{path}"),
            Some(needle) => {
                let line = feed.last_error.unwrap_or_default();
                assert!(!line.is_empty(), "{path}: nothing recorded");
                assert!(line.to_lowercase().contains(needle), "{path}: {line}");
                assert!(!line.contains('\n'), "{path}: not one line: {line}");
                assert!(line.len() < 500, "{path}: {line}");
            }
        }
    }

    let latest = app
        .storage
        .latest_articles(PageRequest::new(1, 20))
        .await
        .expect("latest");
    let by_guid = |slug: &str| {
        latest
            .items
            .iter()
            .find(|a| a.url.ends_with(&format!("/missing/{slug}")))
            .map(|a| a.id)
            .unwrap_or_else(|| panic!("{slug} not stored"))
    };
    let article = |id| {
        let storage = Arc::clone(&app.storage);
        async move { storage.article(id).await.expect("get").expect("exists") }
    };
    let good = article(by_guid("good")).await;
    assert!(good.text.contains("harbour board voted"), "{}", good.text);
    for slug in ["naked", "escaped"] {
        let deep = article(by_guid(slug)).await;
        assert!(
            deep.text.contains("harbour board voted"),
            "{slug}: text lost"
        );
        assert!(
            deep.html.matches("<div").count() <= 100,
            "{slug}: nesting kept"
        );
    }
    let huge = article(by_guid("huge")).await;
    assert!(huge.title.chars().count() <= 1_000, "{}", huge.title.len());
    let future = article(by_guid("future")).await;
    let published = future.published_at.expect("clamped, not dropped");
    assert!(
        published <= Utc::now() + chrono::Duration::minutes(10),
        "{published}"
    );
    let xss = article(by_guid("xss")).await;
    for bad in ["<script", "onmouseover", "javascript:", "onerror"] {
        assert!(!xss.html.contains(bad), "{bad} in {}", xss.html);
        assert!(!xss.title.contains("<script"), "{}", xss.title);
    }
    assert!(xss.html.contains("Hello"));
}
