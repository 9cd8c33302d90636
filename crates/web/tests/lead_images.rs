//! Lead images as the site serves them: the stored bytes with immutable caching, `ETag` and
//! 304, redirects from outdated URLs, 404s; cards and the article page showing them with their
//! size; publishers' images never linked, in bodies either; and a CSP that allows only the
//! site's own images.

#![allow(clippy::unwrap_used)]

mod common;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::{Duration, Utc};
use common::{TestApp, article};
use tidings_core::{ImageStore, ImageVariant, LeadImageOutcome, StoredImage};
use tidings_storage::testsuite::images::sample_image;
use tidings_web::SiteConfig;

async fn with_picture(app: &TestApp, title: &str) -> (i64, Vec<StoredImage>) {
    let mut new = article("Daily Ledger", title, Duration::hours(1), &[]);
    new.image = Some("https://daily-ledger.example/img/lead.jpg".to_owned());
    new.html = concat!(
        r#"<p>Opening.</p><figure><img src="https://daily-ledger.example/img/inline.jpg" alt="x">"#,
        r#"<figcaption>The pier at dawn</figcaption></figure><p>Closing <img src="https://tracker.example/p.gif"> words.</p>"#
    )
    .to_owned();
    let id = app.insert(new).await;
    let images = vec![
        sample_image(ImageVariant::Card, 400, 225, 1),
        sample_image(ImageVariant::Article, 1000, 563, 2),
    ];
    app.storage
        .save_lead_image(
            id,
            "https://daily-ledger.example/img/lead.jpg",
            Utc::now(),
            LeadImageOutcome::Stored(images.clone()),
        )
        .await
        .unwrap();
    (id, images)
}

#[tokio::test]
async fn stored_bytes_are_served_immutable_with_an_etag_and_304() {
    let app = TestApp::new().await;
    let (id, images) = with_picture(&app, "Pier reopens").await;
    let card = &images[0];
    let path = format!("/image/{id}/card/{}.jpg", card.digest);
    let served = app
        .request(Request::get(&path).body(Body::empty()).unwrap())
        .await;
    assert_eq!(served.status, StatusCode::OK);
    assert_eq!(served.header("content-type"), Some("image/jpeg"));
    assert_eq!(
        served.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
    assert_eq!(served.header("x-content-type-options"), Some("nosniff"));
    let etag = format!("\"{}\"", card.digest);
    assert_eq!(served.header("etag"), Some(etag.as_str()));
    assert_eq!(served.body, String::from_utf8_lossy(&card.bytes));
    let length = card.bytes.len().to_string();
    assert_eq!(served.header("content-length"), Some(length.as_str()));

    let revalidated = app
        .request(
            Request::get(&path)
                .header("if-none-match", etag.as_str())
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(revalidated.status, StatusCode::NOT_MODIFIED);
    assert!(revalidated.body.is_empty());
    assert_eq!(revalidated.header("etag"), Some(etag.as_str()));

    let other = app
        .request(
            Request::get(&path)
                .header("if-none-match", "\"0000000000000000\"")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(other.status, StatusCode::OK, "another ETag gets the bytes");
}

#[tokio::test]
async fn outdated_urls_redirect_and_missing_images_are_404() {
    let app = TestApp::new().await;
    let (id, images) = with_picture(&app, "Pier reopens").await;
    let current = format!("/image/{id}/article/{}.jpg", images[1].digest);
    for stale in [
        format!("/image/{id}/article/0123456789abcdef.jpg"),
        format!("/image/{id}/article"),
    ] {
        let answer = app.get(&stale).await;
        assert_eq!(answer.status, StatusCode::TEMPORARY_REDIRECT, "{stale}");
        assert_eq!(answer.header("location"), Some(current.as_str()), "{stale}");
    }
    let plain = app
        .insert(article(
            "Daily Ledger",
            "No picture",
            Duration::hours(2),
            &[],
        ))
        .await;
    for missing in [
        format!("/image/{plain}/card/0123456789abcdef.jpg"),
        format!("/image/{plain}/card"),
        format!("/image/{id}/poster/{}.jpg", images[0].digest),
        "/image/999/card/0123456789abcdef.jpg".to_owned(),
        "/image/abc/card/x.jpg".to_owned(),
    ] {
        let answer = app.get(&missing).await;
        assert_eq!(answer.status, StatusCode::NOT_FOUND, "{missing}");
    }
}

#[tokio::test]
async fn cards_show_the_card_variant_with_its_size() {
    let app = TestApp::new().await;
    let (id, images) = with_picture(&app, "Pier reopens").await;
    app.insert(article(
        "Daily Ledger",
        "No picture",
        Duration::hours(2),
        &[],
    ))
    .await;
    let home = app.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    let src = format!("/image/{id}/card/{}.jpg", images[0].digest);
    assert_eq!(home.attrs(".card__image", "src"), [src.as_str()]);
    assert_eq!(home.attrs(".card__image", "width"), ["400"]);
    assert_eq!(home.attrs(".card__image", "height"), ["225"]);
    assert_eq!(home.attrs(".card__image", "loading"), ["lazy"]);
    assert_eq!(home.attrs(".card__image", "alt"), ["Pier reopens"]);
    assert!(!home.body.contains("daily-ledger.example/img"));
    let source = app.get("/source/daily-ledger").await;
    assert_eq!(source.attrs(".card__image", "src"), [src.as_str()]);
}

#[tokio::test]
async fn the_article_page_shows_its_variant_and_no_publisher_image() {
    let app = TestApp::with_site(SiteConfig {
        title: "Tidings".to_owned(),
        base_url: Some("https://news.example.org/".parse().unwrap()),
    })
    .await;
    let (id, images) = with_picture(&app, "Pier reopens").await;
    let page = app.get(&format!("/article/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let src = format!("/image/{id}/article/{}.jpg", images[1].digest);
    assert_eq!(page.attrs(".article__image img", "src"), [src.as_str()]);
    assert_eq!(page.attrs(".article__image img", "width"), ["1000"]);
    assert_eq!(page.attrs(".article__image img", "height"), ["563"]);
    assert_eq!(page.attrs(".article__image img", "alt"), ["Pier reopens"]);
    assert_eq!(
        page.attrs("meta[property='og:image']", "content"),
        [format!("https://news.example.org{src}")]
    );
    // Search engines are given the same picture, as Tidings serves it.
    let json_ld: serde_json::Value =
        serde_json::from_str(&page.texts("script[type='application/ld+json']")[0]).unwrap();
    assert_eq!(
        json_ld["image"][0],
        format!("https://news.example.org{src}").as_str()
    );
    // Images in the body (and the figure holding one) are left out; the text stays.
    let body = page.texts("#article-body").remove(0);
    assert!(
        body.contains("Opening.") && body.contains("words."),
        "{body}"
    );
    assert!(!body.contains("The pier at dawn"), "{body}");
    assert_eq!(page.attrs("#article-body img", "src"), Vec::<String>::new());
    assert!(!page.body.contains("daily-ledger.example/img"));
    assert!(!page.body.contains("tracker.example"));
}

#[tokio::test]
async fn the_csp_allows_only_the_sites_own_images() {
    let app = TestApp::new().await;
    let (id, _) = with_picture(&app, "Pier reopens").await;
    for path in ["/".to_owned(), format!("/article/{id}")] {
        let page = app.get(&path).await;
        let csp = page.header("content-security-policy").unwrap();
        let img_src = csp
            .split(';')
            .map(str::trim)
            .find(|d| d.starts_with("img-src"))
            .unwrap();
        assert_eq!(img_src, "img-src 'self' data:", "{path}");
        assert!(!csp.contains("https:"), "{csp}");
    }
}
