//! `/metrics`: served to loopback clients and to the configured bearer token, 403 to anyone
//! else; what it shows parses with a Prometheus text parser and counts the requests served,
//! by matched route, the page cache's hits and misses, and the jobs in the queue by state.

#![allow(clippy::unwrap_used)]

mod common;

use std::net::SocketAddr;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};
use chrono::{Duration, Utc};
use common::{TestApp, TestResponse, article};
use prometheus_parse::{Scrape, Value};
use tidings_core::{CoordinationStore, NewJob, Storage};
use tidings_storage::SqliteStorage;
use tidings_web::metrics::{MetricsToken, SiteMetrics};
use tidings_web::{AppState, router};
use tower::ServiceExt;

const TOKEN: &str = "scrape-me-7f3a";

/// The test app with a metrics token configured.
async fn site() -> TestApp {
    let storage = Arc::new(SqliteStorage::open_in_memory().await.unwrap());
    let router = router(AppState {
        storage: storage.clone(),
        site: Default::default(),
        accounts: Default::default(),
        ai: Default::default(),
        cache: Default::default(),
        admin: Default::default(),
        metrics: SiteMetrics::new(MetricsToken::new(TOKEN), Vec::new()),
    });
    TestApp { storage, router }
}

/// `GET path` from `peer`, with `Authorization: Bearer token` when given.
async fn get_from(app: &TestApp, path: &str, peer: [u8; 4], token: Option<&str>) -> TestResponse {
    let mut request = Request::get(path).extension(ConnectInfo(SocketAddr::from((peer, 4242))));
    if let Some(token) = token {
        request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
    }
    app.request(request.body(Body::empty()).unwrap()).await
}

const LOOPBACK: [u8; 4] = [127, 0, 0, 1];
const OUTSIDE: [u8; 4] = [203, 0, 113, 7];

/// The value of the sample `metric` with exactly these labels (a histogram's: its count).
fn sample(scrape: &Scrape, metric: &str, labels: &[(&str, &str)]) -> Option<f64> {
    let found = scrape.samples.iter().find(|s| {
        s.metric == metric
            && s.labels.len() == labels.len()
            && labels.iter().all(|(k, v)| s.labels.get(k) == Some(*v))
    })?;
    Some(match &found.value {
        Value::Counter(v) | Value::Gauge(v) | Value::Untyped(v) => *v,
        Value::Histogram(buckets) => buckets
            .iter()
            .find(|b| b.less_than.is_infinite())
            .map_or(0.0, |b| b.count),
        Value::Summary(_) => f64::NAN,
    })
}

fn parse(body: &str) -> Scrape {
    Scrape::parse(body.lines().map(|l| Ok(l.to_owned()))).unwrap()
}

#[tokio::test]
async fn only_loopback_and_the_token_may_scrape() {
    let site = site().await;
    let outside = get_from(&site, "/metrics", OUTSIDE, None).await;
    assert_eq!(outside.status, StatusCode::FORBIDDEN);
    let wrong = get_from(&site, "/metrics", OUTSIDE, Some("scrape-me")).await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    let right = get_from(&site, "/metrics", OUTSIDE, Some(TOKEN)).await;
    assert_eq!(right.status, StatusCode::OK);
    let local = get_from(&site, "/metrics", LOOPBACK, None).await;
    assert_eq!(local.status, StatusCode::OK);
    assert_eq!(
        local.header("content-type"),
        Some("text/plain; version=0.0.4; charset=utf-8")
    );
    assert_eq!(local.header("cache-control"), Some("no-store"));
}

#[tokio::test]
async fn a_forwarded_loopback_address_opens_nothing_without_a_trusted_proxy() {
    let site = site().await;
    let request = Request::get("/metrics")
        .extension(ConnectInfo(SocketAddr::from((OUTSIDE, 4242))))
        .header("x-forwarded-for", "127.0.0.1")
        .body(Body::empty())
        .unwrap();
    let response = site.router.clone().oneshot(request).await.unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn requests_cache_use_and_jobs_are_counted() {
    let site = site().await;
    let id = match site
        .storage
        .insert_article(article(
            "Harbour Gazette",
            "Tide tables",
            Duration::hours(1),
            &[],
        ))
        .await
        .unwrap()
    {
        tidings_core::InsertOutcome::Inserted(id) => id,
        other => panic!("{other:?}"),
    };
    site.storage
        .enqueue_job(NewJob {
            kind: "poll_feed".into(),
            key: "1".into(),
            payload: String::new(),
            run_at: Utc::now(),
        })
        .await
        .unwrap();
    let path = format!("/article/{id}");
    for _ in 0..2 {
        assert_eq!(
            get_from(&site, &path, OUTSIDE, None).await.status,
            StatusCode::OK
        );
    }
    // Paths no route matched share one label, inside the API's nested router too.
    for missing in ["/no/such/page", "/api/v1/no/such/thing"] {
        let response = get_from(&site, missing, OUTSIDE, None).await;
        assert_eq!(response.status, StatusCode::NOT_FOUND);
    }

    let body = get_from(&site, "/metrics", LOOPBACK, None).await.body;
    let scrape = parse(&body);
    let requests = |route, status| {
        sample(
            &scrape,
            "tidings_http_requests_total",
            &[("route", route), ("method", "GET"), ("status", status)],
        )
    };
    assert_eq!(requests("/article/:id", "200"), Some(2.0), "{body}");
    assert_eq!(requests("unmatched", "404"), Some(2.0), "{body}");
    let durations = sample(
        &scrape,
        "tidings_http_request_duration_seconds",
        &[("route", "/article/:id"), ("method", "GET")],
    );
    assert_eq!(durations, Some(2.0), "{body}");
    assert_eq!(
        sample(&scrape, "tidings_page_cache_hits_total", &[]),
        Some(1.0)
    );
    assert_eq!(
        sample(&scrape, "tidings_page_cache_misses_total", &[]),
        Some(1.0)
    );
    assert_eq!(
        sample(&scrape, "tidings_page_cache_hit_ratio", &[]),
        Some(0.5)
    );
    assert_eq!(
        sample(&scrape, "tidings_jobs", &[("state", "queued")]),
        Some(1.0)
    );
    assert_eq!(
        sample(&scrape, "tidings_jobs", &[("state", "dead")]),
        Some(0.0)
    );
    assert_eq!(sample(&scrape, "tidings_articles", &[]), Some(1.0));
    assert_eq!(sample(&scrape, "tidings_articles_unplaced", &[]), Some(1.0));
    // Every sample belongs to a family the body describes.
    for s in &scrape.samples {
        let family = ["_total", "_count", "_sum"]
            .iter()
            .fold(s.metric.as_str(), |name, suffix| {
                name.strip_suffix(suffix).unwrap_or(name)
            });
        assert!(
            scrape.docs.contains_key(&s.metric) || scrape.docs.contains_key(family),
            "{} has no HELP line",
            s.metric
        );
    }

    // The scrape itself counts as a request to its route.
    let again = parse(&get_from(&site, "/metrics", LOOPBACK, None).await.body);
    let scrapes = sample(
        &again,
        "tidings_http_requests_total",
        &[("route", "/metrics"), ("method", "GET"), ("status", "200")],
    );
    assert_eq!(scrapes, Some(1.0));
}
