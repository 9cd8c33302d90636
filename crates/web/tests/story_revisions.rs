//! Merges and splits of stories as a reader sees them, on SQLite and on PostgreSQL: a merged
//! story's page and API answer 301 to the survivor, which lists the coverage of both; a split
//! takes articles off a story's page onto a page of their own; article pages stay where they
//! are.

#![allow(clippy::unwrap_used)]

mod common;

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::Duration;
use common::{TestApp, article};
use tidings_core::{Storage, StoryPlacement};
use tidings_storage::PostgresStorage;
use tidings_storage::testsuite::TempPostgres;
use tidings_web::{AppState, SiteConfig, router};
use tower::ServiceExt;

fn placement(article_id: i64, story: Option<i64>) -> StoryPlacement {
    StoryPlacement {
        article_id,
        story,
        copy_of: None,
        original_of: Vec::new(),
        neighbours: Vec::new(),
        tags: None,
    }
}

fn app_over(storage: Arc<dyn Storage>) -> (Arc<dyn Storage>, axum::Router) {
    let router = router(AppState {
        storage: storage.clone(),
        site: SiteConfig {
            title: "Tidings".to_owned(),
            base_url: None,
        },
        accounts: Default::default(),
        ai: Default::default(),
        cache: Default::default(),
        admin: Default::default(),
        metrics: Default::default(),
    });
    (storage, router)
}

async fn get(router: &axum::Router, path: &str) -> common::TestResponse {
    let request = Request::get(path).body(Body::empty()).unwrap();
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let bytes = axum::body::to_bytes(response.into_body(), 10 * 1024 * 1024)
        .await
        .unwrap();
    common::TestResponse {
        status,
        headers,
        body: String::from_utf8_lossy(&bytes).into_owned(),
    }
}

async fn insert(storage: &dyn Storage, publisher: &str, title: &str, minutes: i64) -> i64 {
    match storage
        .insert_article(article(
            publisher,
            title,
            Duration::minutes(minutes),
            &["Fire"],
        ))
        .await
        .unwrap()
    {
        tidings_core::InsertOutcome::Inserted(id) => id,
        other => panic!("{other:?}"),
    }
}

async fn place(storage: &dyn Storage, id: i64, story: Option<i64>) -> i64 {
    storage.place_in_story(placement(id, story)).await.unwrap()
}

async fn a_merge_redirects_the_old_story(storage: Arc<dyn Storage>) {
    let (storage, router) = app_over(storage);
    let first = insert(
        storage.as_ref(),
        "Daily Ledger",
        "Waitrose store burns in Banstead",
        90,
    )
    .await;
    let second = insert(
        storage.as_ref(),
        "Valley Portal",
        "Banstead Waitrose fire treated as arson",
        60,
    )
    .await;
    let kept = place(storage.as_ref(), first, None).await;
    let merged = place(storage.as_ref(), second, None).await;
    assert_ne!(kept, merged);
    let before = get(&router, &format!("/story/{kept}")).await;
    assert!(
        !before.body.contains("treated as arson"),
        "not yet one story"
    );

    storage.merge_stories(merged, kept).await.unwrap();
    let old = get(&router, &format!("/story/{merged}")).await;
    assert_eq!(old.status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(
        old.header("location"),
        Some(format!("/story/{kept}").as_str())
    );
    let old_api = get(&router, &format!("/api/v1/stories/{merged}")).await;
    assert_eq!(old_api.status, StatusCode::MOVED_PERMANENTLY);
    assert_eq!(
        old_api.header("location"),
        Some(format!("/api/v1/stories/{kept}").as_str())
    );
    let page = get(&router, &format!("/story/{kept}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Waitrose store burns in Banstead"),
        "{}",
        page.body
    );
    assert!(page.body.contains("treated as arson"), "{}", page.body);
    let api = get(&router, &format!("/api/v1/stories/{kept}")).await;
    let ids: Vec<i64> = api.json()["article_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    assert_eq!(ids, [first, second]);
    let article_page = get(&router, &format!("/article/{second}")).await;
    assert_eq!(
        article_page.status,
        StatusCode::OK,
        "article URLs never change"
    );
    let unknown = get(&router, "/story/999999").await;
    assert_eq!(
        unknown.status,
        StatusCode::NOT_FOUND,
        "no redirect for a story never merged"
    );
}

async fn a_split_moves_coverage_to_a_story_of_its_own(storage: Arc<dyn Storage>) {
    let (storage, router) = app_over(storage);
    let a = insert(
        storage.as_ref(),
        "Daily Ledger",
        "INS Sukanya rescues 26 crew",
        200,
    )
    .await;
    let story = place(storage.as_ref(), a, None).await;
    let b = insert(
        storage.as_ref(),
        "Valley Portal",
        "Sukanya crew safe after pirate attack",
        180,
    )
    .await;
    place(storage.as_ref(), b, Some(story)).await;
    let c = insert(
        storage.as_ref(),
        "Harbor Ledger",
        "INS Mysore holds 23 pirates",
        100,
    )
    .await;
    place(storage.as_ref(), c, Some(story)).await;
    let d = insert(
        storage.as_ref(),
        "Evening Lantern",
        "Mysore hands pirates to police",
        90,
    )
    .await;
    place(storage.as_ref(), d, Some(story)).await;
    let before = get(&router, &format!("/story/{story}")).await;
    assert!(before.body.contains("INS Mysore holds 23 pirates"));

    let new = storage.split_story(story, &[c, d]).await.unwrap();
    let page = get(&router, &format!("/story/{story}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("INS Sukanya rescues 26 crew"));
    assert!(
        !page.body.contains("INS Mysore holds 23 pirates"),
        "{}",
        page.body
    );
    let other = get(&router, &format!("/story/{new}")).await;
    assert_eq!(other.status, StatusCode::OK);
    assert!(other.body.contains("INS Mysore holds 23 pirates"));
    assert!(!other.body.contains("Sukanya"), "{}", other.body);
    let api = get(&router, &format!("/api/v1/stories/{new}")).await;
    let ids: Vec<i64> = api.json()["article_ids"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    assert_eq!(ids, [c, d]);
}

#[tokio::test]
async fn a_merge_redirects_the_old_story_on_sqlite() {
    a_merge_redirects_the_old_story(TestApp::new().await.storage).await;
}

#[tokio::test]
async fn a_merge_redirects_the_old_story_on_postgres() {
    let db = TempPostgres::create().await;
    let storage = Arc::new(PostgresStorage::connect(db.url()).await.unwrap());
    a_merge_redirects_the_old_story(storage).await;
}

#[tokio::test]
async fn a_split_moves_coverage_on_sqlite() {
    a_split_moves_coverage_to_a_story_of_its_own(TestApp::new().await.storage).await;
}

#[tokio::test]
async fn a_split_moves_coverage_on_postgres() {
    let db = TempPostgres::create().await;
    let storage = Arc::new(PostgresStorage::connect(db.url()).await.unwrap());
    a_split_moves_coverage_to_a_story_of_its_own(storage).await;
}
