//! Hop-by-hop address checks that need a loopback server the public-only
//! policy would otherwise refuse.

use super::*;
use axum::Router;
use axum::http::header::LOCATION;
use axum::response::IntoResponse;
use axum::routing::get;

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
async fn redirect_hop_to_private_address_is_refused() {
    let router = Router::new()
        .route(
            "/to-private",
            get(|| async {
                (
                    axum::http::StatusCode::FOUND,
                    [(LOCATION, "http://10.1.2.3/secret")],
                )
                    .into_response()
            }),
        )
        .route(
            "/to-metadata",
            get(|| async {
                (
                    axum::http::StatusCode::MOVED_PERMANENTLY,
                    [(LOCATION, "http://[::ffff:169.254.169.254]/latest")],
                )
                    .into_response()
            }),
        )
        .route("/ok", get(|| async { "fine" }));
    let addr = serve(router).await;
    let fetcher = Fetcher::new(FetcherConfig::default()).expect("fetcher");

    let ok_url = Url::parse(&format!("http://{addr}/ok")).expect("url");
    let ok = fetcher
        .get_with_policy(
            FetchRequest::new(&ok_url),
            AddressPolicy::PublicOrLoopbackLiteral,
            u64::MAX,
        )
        .await
        .expect("loopback allowed by the test policy");
    assert_eq!(&ok.body[..], b"fine");

    for (path, host) in [
        ("to-private", "10.1.2.3"),
        ("to-metadata", "[::ffff:a9fe:a9fe]"),
    ] {
        let url = Url::parse(&format!("http://{addr}/{path}")).expect("url");
        let err = fetcher
            .get_with_policy(
                FetchRequest::new(&url),
                AddressPolicy::PublicOrLoopbackLiteral,
                u64::MAX,
            )
            .await
            .expect_err("redirect to a non-public address must be refused");
        assert!(
            matches!(&err, FetchError::NonPublicHost { host: h, .. } if h == host),
            "{path}: {err}"
        );
    }
}
