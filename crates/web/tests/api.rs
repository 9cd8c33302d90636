//! The JSON API's shapes, pagination, policy handling and errors.

#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use chrono::Duration;
use common::{TestApp, article};
use tidings_core::RepublishPolicy;

#[tokio::test]
async fn article_list_has_cards_newest_first_and_paging() {
    let app = TestApp::new().await;
    for i in 0..21 {
        app.insert(article(
            "Daily Ledger",
            &format!("Story {i:02}"),
            Duration::minutes(i + 1),
            &["Economy"],
        ))
        .await;
    }
    let first = app.get("/api/v1/articles").await;
    assert_eq!(first.status, StatusCode::OK);
    assert!(
        first
            .header("content-type")
            .unwrap()
            .starts_with("application/json")
    );
    let json = first.json();
    assert_eq!(json["page"], 1);
    assert_eq!(json["has_more"], true);
    let articles = json["articles"].as_array().unwrap();
    assert_eq!(articles.len(), 20);
    assert_eq!(articles[0]["title"], "Story 00");
    assert_eq!(articles[0]["publisher"], "Daily Ledger");
    assert_eq!(articles[0]["publisher_slug"], "daily-ledger");
    assert_eq!(articles[0]["tags"][0]["slug"], "economy");
    assert_eq!(articles[0]["tags"][0]["label"], "Economy");
    assert!(articles[0]["id"].is_i64());
    assert!(articles[0]["shown_at"].is_string());

    let second = app.get("/api/v1/articles?page=2").await.json();
    assert_eq!(second["articles"].as_array().unwrap().len(), 1);
    assert_eq!(second["articles"][0]["title"], "Story 20");
    assert_eq!(second["has_more"], false);
}

#[tokio::test]
async fn one_article_has_the_documented_fields() {
    let app = TestApp::new().await;
    let id = app
        .insert(article(
            "Daily Ledger",
            "Budget passes",
            Duration::hours(1),
            &["Budget"],
        ))
        .await;
    let response = app.get(&format!("/api/v1/articles/{id}")).await;
    assert_eq!(response.status, StatusCode::OK);
    let json = response.json();
    assert_eq!(json["id"], id);
    assert_eq!(json["title"], "Budget passes");
    assert_eq!(json["publisher"], "Daily Ledger");
    assert_eq!(
        json["url"],
        "https://daily-ledger.example/news/budgetpasses?utm_source=feed"
    );
    assert_eq!(
        json["original_url"],
        "https://daily-ledger.example/news/budgetpasses"
    );
    assert!(json["published_at"].is_string());
    assert_eq!(json["byline"], "Ada Reporter");
    assert_eq!(json["tags"][0]["label"], "Budget");
    assert_eq!(json["excerpt"], "Summary of Budget passes.");
    assert_eq!(json["policy"], "full");
    assert!(json["text"].as_str().unwrap().contains("Third paragraph."));
    assert!(
        json["html"]
            .as_str()
            .unwrap()
            .contains("<p>Third paragraph.</p>")
    );
}

#[tokio::test]
async fn excerpt_policy_articles_are_cut_in_the_api_too() {
    let app = TestApp::new().await;
    let mut new = article("Harbor Times", "Long", Duration::hours(1), &[]);
    new.policy = RepublishPolicy::Excerpt;
    new.text = "One.\n\nTwo.\n\nThree.\n\nFour.\n\nFive.".to_owned();
    let id = app.insert(new).await;
    let json = app.get(&format!("/api/v1/articles/{id}")).await.json();
    assert_eq!(json["policy"], "excerpt");
    assert_eq!(json["text"], "One.\n\nTwo.\n\nThree.");
    assert!(!json["html"].as_str().unwrap().contains("Four."));
}

#[tokio::test]
async fn api_errors_are_json_with_the_right_status() {
    let app = TestApp::new().await;
    let missing = app.get("/api/v1/articles/4242").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    // RFC 9457 problem details.
    assert_eq!(
        missing.header("content-type").unwrap(),
        "application/problem+json"
    );
    let problem = missing.json();
    assert_eq!(problem["status"], 404);
    assert_eq!(problem["type"], "about:blank");
    assert_eq!(problem["title"], "Not Found");
    assert_eq!(problem["detail"], "Article 4242 not found.");
    assert_eq!(
        app.get("/api/v1/articles/abc").await.status,
        StatusCode::NOT_FOUND
    );

    let bad_page = app.get("/api/v1/articles?page=-2").await;
    assert_eq!(bad_page.status, StatusCode::BAD_REQUEST);
    assert!(bad_page.json()["detail"].as_str().unwrap().contains("page"));

    let unknown = app.get("/api/v1/nothing").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert!(
        unknown
            .header("content-type")
            .unwrap()
            .starts_with("application/problem+json")
    );
}

#[tokio::test]
async fn article_json_shape_snapshot() {
    let app = TestApp::new().await;
    let mut new = article(
        "Daily Ledger",
        "Budget passes",
        Duration::hours(1),
        &["Budget", "City Council"],
    );
    new.published_at = Some("2026-03-04T08:30:00Z".parse().unwrap());
    new.image = Some("https://daily-ledger.example/lead.jpg".to_owned());
    let id = app.insert(new).await;
    let mut json = app.get(&format!("/api/v1/articles/{id}")).await.json();
    // Set by storage at insert time.
    assert!(json["fetched_at"].is_string());
    json["fetched_at"] = "[fetched_at]".into();
    json["id"] = "[id]".into();
    insta::assert_snapshot!(
        "article_detail",
        serde_json::to_string_pretty(&json).unwrap()
    );

    let mut list = app.get("/api/v1/articles").await.json();
    list["articles"][0]["id"] = "[id]".into();
    insta::assert_snapshot!("article_list", serde_json::to_string_pretty(&list).unwrap());
}
