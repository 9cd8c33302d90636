//! `/metrics` of a whole process: after a real poll of the demo outlets (one feed that
//! answers, one that does not exist), story placement and a page view, the scrape parses with
//! a Prometheus text parser and counts what happened; the configured token opens it to
//! clients beyond loopback.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use chrono::Utc;
use prometheus_parse::{Scrape, Value};
use tidings::app::App;
use tidings::config::Config;
use tidings_core::{NewFeed, RepublishPolicy, Storage};
use tidings_demo::start_publishers;
use tidings_storage::SqliteStorage;
use tower::ServiceExt;

async fn get(
    router: &axum::Router,
    path: &str,
    peer: [u8; 4],
    token: Option<&str>,
) -> (StatusCode, String) {
    let mut request = Request::get(path).extension(ConnectInfo(SocketAddr::from((peer, 9100))));
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let response = router
        .clone()
        .oneshot(request.body(Body::empty()).expect("request"))
        .await
        .expect("response");
    let status = response.status();
    let body = axum::body::to_bytes(response.into_body(), 1 << 22)
        .await
        .expect("body");
    (status, String::from_utf8_lossy(&body).into_owned())
}

/// The sample `metric` whose labels include `labels`: its value, or a histogram's count.
fn value_of(scrape: &Scrape, metric: &str, labels: &[(&str, &str)]) -> Option<f64> {
    let sample = scrape
        .samples
        .iter()
        .find(|s| s.metric == metric && labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v)))?;
    match &sample.value {
        Value::Counter(v) | Value::Gauge(v) | Value::Untyped(v) => Some(*v),
        Value::Histogram(buckets) => buckets.last().map(|b| b.count),
        Value::Summary(_) => None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_poll_and_a_page_view_show_in_the_scrape() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let (publishers, _server) = start_publishers(listener, Utc::now())
        .await
        .expect("publishers");
    let storage: Arc<dyn Storage> = Arc::new(SqliteStorage::open_in_memory().await.expect("db"));
    let mut config = Config::default();
    config.server.metrics_token = tidings_web::metrics::MetricsToken::new("prom-token");
    let app = App::with_storage(config, storage).expect("app");
    let outlet = &publishers.outlets[0];
    let feed_url = url::Url::parse(&outlet.feed_url).expect("feed url");
    let mut feeds = Vec::new();
    for url in [
        outlet.feed_url.clone(),
        feed_url.join("/no-such-feed.xml").expect("url").to_string(),
    ] {
        let feed = app
            .storage
            .add_feed(NewFeed {
                url,
                title: None,
                site_url: None,
                publisher: outlet.name.clone(),
                policy: RepublishPolicy::Full,
                allow_private: true,
                interval_secs: 3600,
            })
            .await
            .expect("add feed");
        feeds.push(feed);
    }
    let good = app.pipeline.poll_feed(&feeds[0]).await;
    assert!(good.inserted >= 5, "{good:?}");
    let bad = app.pipeline.poll_feed(&feeds[1]).await;
    assert!(bad.error.is_some(), "{bad:?}");
    let placed = app.stories.place_pending().await.expect("placement");
    assert_eq!(placed, good.inserted);

    let router = app.router().expect("router");
    let (status, _) = get(&router, "/", [127, 0, 0, 1], None).await;
    assert_eq!(status, StatusCode::OK);
    let (status, body) = get(&router, "/metrics", [127, 0, 0, 1], None).await;
    assert_eq!(status, StatusCode::OK);
    let scrape = Scrape::parse(body.lines().map(|l| Ok(l.to_owned()))).expect("parses");
    let stored = good.inserted as f64;
    let expect = |metric: &str, labels: &[(&str, &str)], expected: f64| {
        assert_eq!(
            value_of(&scrape, metric, labels),
            Some(expected),
            "{metric} {labels:?} in\n{body}"
        );
    };
    expect(
        "tidings_polls_total",
        &[("outcome", "ok"), ("error", "")],
        1.0,
    );
    expect(
        "tidings_polls_total",
        &[("outcome", "error"), ("error", "http_status")],
        1.0,
    );
    expect("tidings_articles_stored_total", &[], stored);
    expect("tidings_story_placement_lag_seconds", &[], stored);
    expect("tidings_articles", &[], stored);
    expect("tidings_articles_unplaced", &[], 0.0);
    expect("tidings_feeds_failing", &[], 1.0);
    expect("tidings_jobs", &[("state", "dead")], 0.0);
    expect(
        "tidings_http_requests_total",
        &[("route", "/"), ("status", "200")],
        1.0,
    );
    let feed_fetches = value_of(
        &scrape,
        "tidings_fetch_duration_seconds",
        &[("target", "feed")],
    );
    assert_eq!(feed_fetches, Some(2.0), "{body}");
    let page_fetches = value_of(
        &scrape,
        "tidings_fetch_duration_seconds",
        &[("target", "page")],
    );
    assert!(page_fetches >= Some(stored), "{body}");

    let outside = [198, 51, 100, 4];
    assert_eq!(
        get(&router, "/metrics", outside, None).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        get(&router, "/metrics", outside, Some("not-it")).await.0,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        get(&router, "/metrics", outside, Some("prom-token"))
            .await
            .0,
        StatusCode::OK
    );
}

#[test]
fn the_token_is_masked_on_the_settings_page() {
    let mut config = Config::default();
    config.server.metrics_token = tidings_web::metrics::MetricsToken::new("prom-token");
    let value = serde_json::to_value(&config).expect("json");
    let lines = tidings::console_backend::setting_lines(&value);
    let line = lines
        .iter()
        .find(|l| l.name == "server.metrics_token")
        .expect("listed");
    assert!(!line.value.contains("prom-token"), "{}", line.value);
    assert!(!format!("{config:?}").contains("prom-token"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_serves_its_metrics_on_its_own_address() {
    let free = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = free.local_addr().expect("addr");
    drop(free);
    let storage: Arc<dyn Storage> = Arc::new(SqliteStorage::open_in_memory().await.expect("db"));
    let mut config = Config::default();
    config.server.metrics_listen = address.to_string();
    let app = Arc::new(App::with_storage(config, storage).expect("app"));
    let running = Arc::clone(&app);
    let worker = tokio::spawn(async move { running.run(tidings::app::Role::Worker, None).await });
    let url = format!("http://{address}/metrics");
    let mut answer = None;
    for _ in 0..100 {
        if let Ok(response) = reqwest::get(&url).await {
            answer = Some((response.status(), response.text().await.expect("text")));
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    worker.abort();
    let (status, body) = answer.expect("the worker's /metrics answered");
    assert_eq!(status, 200);
    let scrape = Scrape::parse(body.lines().map(|l| Ok(l.to_owned()))).expect("parses");
    // The scheduler's own jobs may be queued already; the gauge is there either way.
    assert!(
        value_of(&scrape, "tidings_jobs", &[("state", "running")]).is_some(),
        "{body}"
    );
    assert_eq!(
        value_of(&scrape, "tidings_articles_stored_total", &[]),
        Some(0.0)
    );
}
