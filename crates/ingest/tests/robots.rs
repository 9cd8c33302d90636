//! robots.txt rules fetched from a loopback server and cached per origin.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use tidings_ingest::{Fetcher, FetcherConfig, RobotsCache};
use url::Url;

async fn serve(router: Router) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("local addr");
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    addr
}

#[tokio::test]
async fn disallow_rules_are_respected_and_cached() {
    let fetches = Arc::new(AtomicUsize::new(0));
    let router = Router::new()
        .route(
            "/robots.txt",
            get(|State(fetches): State<Arc<AtomicUsize>>| async move {
                fetches.fetch_add(1, Ordering::SeqCst);
                "User-agent: *\nDisallow: /private\n\nUser-agent: TidingsBot\nDisallow: /no-tidings\n"
            }),
        )
        .with_state(fetches.clone());
    let addr = serve(router).await;
    let fetcher = Fetcher::new(FetcherConfig::default()).expect("fetcher");
    let robots = RobotsCache::new();
    let at = |path: &str| Url::parse(&format!("http://{addr}{path}")).expect("url");

    assert!(
        !robots
            .allowed(&fetcher, &at("/private/page"), true, "OtherBot")
            .await
    );
    assert!(
        robots
            .allowed(&fetcher, &at("/public/page"), true, "OtherBot")
            .await
    );
    assert!(
        !robots
            .allowed(&fetcher, &at("/no-tidings/x"), true, "TidingsBot")
            .await
    );
    assert!(
        robots
            .allowed(&fetcher, &at("/private/page"), true, "TidingsBot")
            .await
    );
    assert!(
        !robots
            .allowed(&fetcher, &at("/private/again"), true, "otherbot")
            .await
    );
    // One fetch per (origin, agent): OtherBot and TidingsBot.
    assert_eq!(fetches.load(Ordering::SeqCst), 2);
}

#[tokio::test]
async fn missing_robots_allows_and_server_error_allows() {
    let missing = serve(Router::new()).await;
    let failing = serve(Router::new().route(
        "/robots.txt",
        get(|| async { StatusCode::SERVICE_UNAVAILABLE }),
    ))
    .await;
    let fetcher = Fetcher::new(FetcherConfig::default()).expect("fetcher");
    let robots = RobotsCache::new();
    for addr in [missing, failing] {
        let url = Url::parse(&format!("http://{addr}/anything")).expect("url");
        assert!(robots.allowed(&fetcher, &url, true, "TidingsBot").await);
    }
}

#[tokio::test]
async fn guard_applies_to_robots_fetch_too() {
    let fetches = Arc::new(AtomicUsize::new(0));
    let router = Router::new()
        .route(
            "/robots.txt",
            get(|State(fetches): State<Arc<AtomicUsize>>| async move {
                fetches.fetch_add(1, Ordering::SeqCst);
                "User-agent: *\nDisallow: /\n"
            }),
        )
        .with_state(fetches.clone());
    let addr = serve(router).await;
    let fetcher = Fetcher::new(FetcherConfig::default()).expect("fetcher");
    let url = Url::parse(&format!("http://{addr}/page")).expect("url");
    // Without allow_private the robots.txt request itself is refused.
    let _ = RobotsCache::new()
        .allowed(&fetcher, &url, false, "TidingsBot")
        .await;
    assert_eq!(fetches.load(Ordering::SeqCst), 0);
    assert!(
        !RobotsCache::new()
            .allowed(&fetcher, &url, true, "TidingsBot")
            .await
    );
}

#[tokio::test]
async fn non_http_urls_are_never_allowed() {
    let fetcher = Fetcher::new(FetcherConfig::default()).expect("fetcher");
    let url = Url::parse("ftp://example.com/file").expect("url");
    assert!(
        !RobotsCache::new()
            .allowed(&fetcher, &url, true, "TidingsBot")
            .await
    );
}
