//! The guarded fetcher against a loopback axum server started per test.

use std::io::Write;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use tidings_ingest::{FetchError, FetchRequest, Fetcher, FetcherConfig};
use url::Url;

#[derive(Default)]
struct Counters {
    in_flight: AtomicUsize,
    max_in_flight: AtomicUsize,
    hits: AtomicUsize,
}

const ETAG: &str = "\"v1\"";
const LAST_MODIFIED: &str = "Tue, 02 Jan 2024 10:00:00 GMT";

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(data).expect("gzip write");
    encoder.finish().expect("gzip finish")
}

async fn conditional(headers: HeaderMap) -> Response {
    let etag_matches = headers
        .get(header::IF_NONE_MATCH)
        .is_some_and(|v| v == ETAG);
    let unchanged = headers
        .get(header::IF_MODIFIED_SINCE)
        .is_some_and(|v| v == LAST_MODIFIED);
    if etag_matches || unchanged {
        return StatusCode::NOT_MODIFIED.into_response();
    }
    (
        [
            (header::ETAG, ETAG),
            (header::LAST_MODIFIED, LAST_MODIFIED),
            (header::CACHE_CONTROL, "public, max-age=300"),
            (
                header::CONTENT_TYPE,
                "application/rss+xml; charset=ISO-8859-1",
            ),
        ],
        "fresh body",
    )
        .into_response()
}

async fn redirect_chain(Path(remaining): Path<u32>) -> Response {
    if remaining == 0 {
        return "end of chain".into_response();
    }
    (
        StatusCode::FOUND,
        [(header::LOCATION, format!("/redirect/{}", remaining - 1))],
    )
        .into_response()
}

async fn counted(State(counters): State<Arc<Counters>>) -> &'static str {
    let now = counters.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    counters.max_in_flight.fetch_max(now, Ordering::SeqCst);
    counters.hits.fetch_add(1, Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(150)).await;
    counters.in_flight.fetch_sub(1, Ordering::SeqCst);
    "counted"
}

async fn start_server() -> (SocketAddr, Arc<Counters>) {
    let counters = Arc::new(Counters::default());
    let router = Router::new()
        .route("/ok", get(|| async { "hello" }))
        .route("/conditional", get(conditional))
        .route("/redirect/{remaining}", get(redirect_chain))
        .route(
            "/gzip",
            get(|| async {
                (
                    [(header::CONTENT_ENCODING, "gzip")],
                    gzip(b"compressed hello"),
                )
                    .into_response()
            }),
        )
        .route(
            "/bomb",
            get(|| async {
                // ~2 KiB on the wire, 4 MiB once inflated.
                (
                    [(header::CONTENT_ENCODING, "gzip")],
                    gzip(&vec![0u8; 4 << 20]),
                )
                    .into_response()
            }),
        )
        .route("/big", get(|| async { vec![b'x'; 2 << 20] }))
        .route(
            "/slow",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(3)).await;
                "too late"
            }),
        )
        .route("/missing", get(|| async { StatusCode::NOT_FOUND }))
        .route(
            "/broken",
            get(|| async { StatusCode::INTERNAL_SERVER_ERROR }),
        )
        .route(
            "/busy",
            get(|| async { (StatusCode::TOO_MANY_REQUESTS, [(header::RETRY_AFTER, "7")]) }),
        )
        .route("/counted", get(counted))
        .with_state(counters.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    (addr, counters)
}

fn test_config() -> FetcherConfig {
    FetcherConfig {
        connect_timeout: Duration::from_secs(2),
        total_timeout: Duration::from_secs(5),
        max_body_bytes: 1 << 20,
        ..FetcherConfig::default()
    }
}

fn url(addr: SocketAddr, path: &str) -> Url {
    Url::parse(&format!("http://{addr}{path}")).expect("test url")
}

fn local(url: &Url) -> FetchRequest<'_> {
    FetchRequest {
        allow_private: true,
        ..FetchRequest::new(url)
    }
}

#[tokio::test]
async fn plain_200_reports_body_and_headers() {
    let (addr, _) = start_server().await;
    let fetcher = Fetcher::new(test_config()).expect("fetcher");
    let target = url(addr, "/conditional");
    let response = fetcher.get(local(&target)).await.expect("200");
    assert_eq!(response.status, 200);
    assert!(!response.not_modified);
    assert_eq!(&response.body[..], b"fresh body");
    assert_eq!(response.etag.as_deref(), Some(ETAG));
    assert_eq!(response.last_modified.as_deref(), Some(LAST_MODIFIED));
    assert_eq!(
        response.content_type.as_deref(),
        Some("application/rss+xml")
    );
    assert_eq!(response.charset.as_deref(), Some("iso-8859-1"));
    assert_eq!(response.max_age, Some(Duration::from_secs(300)));
    assert_eq!(response.final_url, target);
}

#[tokio::test]
async fn conditional_get_yields_not_modified() {
    let (addr, _) = start_server().await;
    let fetcher = Fetcher::new(test_config()).expect("fetcher");
    let target = url(addr, "/conditional");
    for (etag, last_modified) in [(Some(ETAG), None), (None, Some(LAST_MODIFIED))] {
        let response = fetcher
            .get(FetchRequest {
                etag,
                last_modified,
                ..local(&target)
            })
            .await
            .expect("304 is not an error");
        assert_eq!(response.status, 304);
        assert!(response.not_modified);
        assert!(response.body.is_empty());
    }
    let stale = fetcher
        .get(FetchRequest {
            etag: Some("\"old\""),
            ..local(&target)
        })
        .await
        .expect("200");
    assert!(!stale.not_modified);
}

#[tokio::test]
async fn redirects_are_followed_up_to_the_limit() {
    let (addr, _) = start_server().await;
    let fetcher = Fetcher::new(test_config()).expect("fetcher");
    let five = url(addr, "/redirect/5");
    let response = fetcher
        .get(local(&five))
        .await
        .expect("5 redirects allowed");
    assert_eq!(&response.body[..], b"end of chain");
    assert_eq!(response.final_url, url(addr, "/redirect/0"));

    let six = url(addr, "/redirect/6");
    let err = fetcher.get(local(&six)).await.expect_err("6 is too many");
    assert!(
        matches!(err, FetchError::TooManyRedirects { max: 5 }),
        "{err}"
    );
    assert_eq!(err.to_string(), "too many redirects (more than 5)");
}

#[tokio::test]
async fn gzip_bodies_are_decompressed() {
    let (addr, _) = start_server().await;
    let fetcher = Fetcher::new(test_config()).expect("fetcher");
    let target = url(addr, "/gzip");
    let response = fetcher.get(local(&target)).await.expect("gzip body");
    assert_eq!(&response.body[..], b"compressed hello");
}

#[tokio::test]
async fn decompression_bomb_and_oversized_body_are_refused() {
    let (addr, _) = start_server().await;
    let fetcher = Fetcher::new(test_config()).expect("fetcher");
    for path in ["/bomb", "/big"] {
        let target = url(addr, path);
        let err = fetcher.get(local(&target)).await.expect_err("over the cap");
        assert!(
            matches!(err, FetchError::BodyTooLarge { .. }),
            "{path}: {err}"
        );
        assert_eq!(err.to_string(), "response body exceeds 1 MiB");
    }
}

#[tokio::test]
async fn a_request_cap_below_the_configured_one_refuses_smaller_bodies() {
    let (addr, _) = start_server().await;
    let fetcher = Fetcher::new(test_config()).expect("fetcher");
    let target = url(addr, "/gzip");
    let err = fetcher
        .get_capped(local(&target), 8)
        .await
        .expect_err("16 bytes after decompression, 8 allowed");
    assert!(
        matches!(err, FetchError::BodyTooLarge { limit: 8 }),
        "{err}"
    );
    let fits = fetcher
        .get_capped(local(&target), 16)
        .await
        .expect("exactly at the cap");
    assert_eq!(&fits.body[..], b"compressed hello");
    // A cap above the configured one does not raise it.
    let big = url(addr, "/big");
    let err = fetcher
        .get_capped(local(&big), u64::MAX)
        .await
        .expect_err("the configured cap still holds");
    assert!(
        matches!(err, FetchError::BodyTooLarge { limit } if limit == 1 << 20),
        "{err}"
    );
}

#[tokio::test]
async fn slow_server_times_out() {
    let (addr, _) = start_server().await;
    let fetcher = Fetcher::new(FetcherConfig {
        total_timeout: Duration::from_millis(300),
        ..test_config()
    })
    .expect("fetcher");
    let target = url(addr, "/slow");
    let started = std::time::Instant::now();
    let err = fetcher.get(local(&target)).await.expect_err("timeout");
    assert!(started.elapsed() < Duration::from_secs(2));
    assert!(matches!(err, FetchError::Timeout { .. }), "{err}");
    assert_eq!(err.to_string(), "timed out after 300ms");
    assert!(err.is_transient());
}

#[tokio::test]
async fn http_errors_become_status_errors() {
    let (addr, _) = start_server().await;
    let fetcher = Fetcher::new(test_config()).expect("fetcher");
    let cases = [
        ("/missing", 404, "HTTP 404 Not Found", false, None),
        ("/broken", 500, "HTTP 500 Internal Server Error", true, None),
        (
            "/busy",
            429,
            "HTTP 429 Too Many Requests",
            true,
            Some(Duration::from_secs(7)),
        ),
    ];
    for (path, code, message, transient, retry) in cases {
        let target = url(addr, path);
        let err = fetcher.get(local(&target)).await.expect_err("error status");
        assert!(
            matches!(err, FetchError::Status { status, retry_after } if status == code && retry_after == retry),
            "{path}: {err:?}"
        );
        assert_eq!(err.to_string(), message);
        assert_eq!(err.is_transient(), transient, "{path}");
    }
}

#[tokio::test]
async fn private_addresses_need_allow_private() {
    let (addr, counters) = start_server().await;
    let fetcher = Fetcher::new(test_config()).expect("fetcher");
    let literal = url(addr, "/counted");
    let err = fetcher
        .get(FetchRequest::new(&literal))
        .await
        .expect_err("loopback refused");
    assert_eq!(err.to_string(), "refused: 127.0.0.1 is a loopback address");

    // A name that resolves to loopback is refused by the resolver.
    let named = Url::parse(&format!("http://localhost:{}/counted", addr.port())).expect("url");
    let err = fetcher
        .get(FetchRequest::new(&named))
        .await
        .expect_err("localhost refused");
    assert!(
        matches!(&err, FetchError::NonPublicResolution { host, .. } if host == "localhost"),
        "{err}"
    );
    assert!(
        err.to_string()
            .starts_with("refused: localhost resolves to loopback address")
    );
    assert_eq!(
        counters.hits.load(Ordering::SeqCst),
        0,
        "nothing reached the server"
    );

    let response = fetcher.get(local(&literal)).await.expect("allowed");
    assert_eq!(&response.body[..], b"counted");
    assert_eq!(counters.hits.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn private_and_metadata_literals_are_refused_without_connecting() {
    let fetcher = Fetcher::new(test_config()).expect("fetcher");
    for (target, message) in [
        ("http://10.1.2.3/", "refused: 10.1.2.3 is a private address"),
        (
            "http://169.254.169.254/latest/meta-data/",
            "refused: 169.254.169.254 is a link-local address",
        ),
        (
            "http://[fd00::1]/",
            "refused: [fd00::1] is a private address",
        ),
        (
            "http://[::ffff:192.168.0.1]/",
            "refused: [::ffff:c0a8:1] is a private address",
        ),
    ] {
        let target = Url::parse(target).expect("url");
        let started = std::time::Instant::now();
        let err = fetcher
            .get(FetchRequest::new(&target))
            .await
            .expect_err("refused");
        assert_eq!(err.to_string(), message);
        assert!(started.elapsed() < Duration::from_millis(100));
        assert!(!err.is_transient());
    }
}

#[tokio::test]
async fn non_http_schemes_are_refused() {
    let fetcher = Fetcher::new(test_config()).expect("fetcher");
    for target in [
        "ftp://example.com/feed",
        "file:///etc/passwd",
        "gopher://x/",
    ] {
        let target = Url::parse(target).expect("url");
        let err = fetcher
            .get(FetchRequest {
                allow_private: true,
                ..FetchRequest::new(&target)
            })
            .await
            .expect_err("scheme refused");
        assert!(matches!(err, FetchError::UnsupportedScheme { .. }), "{err}");
    }
}

#[tokio::test]
async fn per_host_concurrency_limit_holds_across_clones() {
    let (addr, counters) = start_server().await;
    let fetcher = Fetcher::new(FetcherConfig {
        per_host_concurrency: 2,
        ..test_config()
    })
    .expect("fetcher");
    let target = url(addr, "/counted");
    let tasks: Vec<_> = (0..6)
        .map(|_| {
            let fetcher = fetcher.clone();
            let target = target.clone();
            tokio::spawn(async move { fetcher.get(local(&target)).await.map(|r| r.status) })
        })
        .collect();
    for task in tasks {
        assert_eq!(task.await.expect("task").expect("fetch"), 200);
    }
    assert_eq!(counters.hits.load(Ordering::SeqCst), 6);
    assert_eq!(counters.max_in_flight.load(Ordering::SeqCst), 2);
}
