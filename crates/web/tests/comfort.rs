//! Comfort for readers as the server sends it: the installable site (manifest, icons, the
//! service worker and its shell, the offline page), the site script on every page, the
//! skip link first, and the shortcuts dialog.

#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use chrono::Duration;
use common::{TestApp, article};
use tidings_web::SiteConfig;

async fn harbour() -> TestApp {
    TestApp::with_site(SiteConfig {
        title: "Harbour Gazette".to_owned(),
        base_url: None,
    })
    .await
}

#[tokio::test]
async fn the_manifest_is_named_after_the_site_and_its_icons_are_served() {
    let app = harbour().await;
    let manifest = app.get("/manifest.webmanifest").await;
    assert_eq!(manifest.status, StatusCode::OK);
    assert_eq!(
        manifest.header("content-type"),
        Some("application/manifest+json")
    );
    let json = manifest.json();
    assert_eq!(json["name"], "Harbour Gazette");
    assert_eq!(json["short_name"], "Harbour");
    assert_eq!(json["scope"], "/");
    for icon in json["icons"].as_array().unwrap() {
        let src = icon["src"].as_str().unwrap();
        let served = app.get(src).await;
        assert_eq!(served.status, StatusCode::OK, "{src}");
        assert_eq!(
            served.header("content-type"),
            icon["type"].as_str(),
            "{src}"
        );
    }
    assert_eq!(
        app.get("/icons/icon-64.png").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_service_worker_is_served_at_the_root_and_its_whole_shell_answers() {
    let app = harbour().await;
    let worker = app.get("/sw.js").await;
    assert_eq!(worker.status, StatusCode::OK);
    assert!(
        worker
            .header("content-type")
            .unwrap()
            .starts_with("text/javascript")
    );
    assert_eq!(worker.header("cache-control"), Some("no-cache"));
    let first = worker.body.lines().next().unwrap();
    let shell: serde_json::Value = serde_json::from_str(
        first
            .strip_prefix("const SHELL = ")
            .and_then(|s| s.strip_suffix(';'))
            .unwrap(),
    )
    .unwrap();
    let urls = shell["urls"].as_array().unwrap();
    assert!(urls.len() >= 5, "{urls:?}");
    for url in urls {
        let url = url.as_str().unwrap();
        assert_eq!(app.get(url).await.status, StatusCode::OK, "{url}");
    }
    // The page the worker keeps must not be one the browser may not store.
    let home = app.get("/").await;
    let page_control = home.header("cache-control").unwrap();
    assert!(!page_control.contains("no-store"), "{page_control}");
}

#[tokio::test]
async fn the_offline_page_says_so_in_the_site_frame_and_is_not_indexed() {
    let app = harbour().await;
    let page = app.get("/offline").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.texts("h1"), ["You are offline"]);
    assert_eq!(page.texts(".site-name"), ["Harbour Gazette"]);
    assert_eq!(page.attrs("meta[name=robots]", "content"), ["noindex"]);
    assert_eq!(page.attrs("#offline-saved", "hidden").len(), 1);
    assert!(
        page.header("content-security-policy")
            .unwrap()
            .contains("script-src 'self'")
    );
}

#[tokio::test]
async fn every_page_links_the_manifest_the_site_script_and_the_shortcuts() {
    let app = harbour().await;
    let id = app
        .insert(article(
            "Daily Ledger",
            "Harbour reopens",
            Duration::hours(1),
            &["Port"],
        ))
        .await;
    for path in [
        "/".to_owned(),
        format!("/article/{id}"),
        "/nowhere".to_owned(),
    ] {
        let page = app.get(&path).await;
        assert_eq!(
            page.attrs("link[rel=manifest]", "href"),
            ["/manifest.webmanifest"],
            "{path}"
        );
        let scripts = page.attrs("script", "src");
        assert!(
            scripts.iter().any(|s| s.starts_with("/static/site.")),
            "{path}: {scripts:?}"
        );
        assert_eq!(
            page.attrs("meta[name=theme-color]", "media").len(),
            2,
            "{path}"
        );
        // The skip link is the first thing Tab reaches, and its target exists.
        let html = page.html();
        let focusable =
            scraper::Selector::parse("body a[href], body button, body input, body textarea")
                .unwrap();
        let first = html.select(&focusable).next().unwrap();
        assert_eq!(first.value().attr("class"), Some("skip-link"), "{path}");
        assert_eq!(first.value().attr("href"), Some("#main"), "{path}");
        assert_eq!(page.attrs("main#main", "tabindex"), ["-1"], "{path}");
        // The shortcuts dialog is labelled and lists the keys.
        assert_eq!(
            page.attrs("dialog#shortcuts", "aria-labelledby"),
            ["shortcuts-title"],
            "{path}"
        );
        let keys = page.texts("#shortcuts dt kbd");
        for key in ["j", "k", "/", "?", "Esc"] {
            assert!(keys.iter().any(|k| k == key), "{path}: {keys:?}");
        }
    }
}
