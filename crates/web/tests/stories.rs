//! Stories on the site: the story page, home grouped by story, Related Articles with the
//! story's coverage first and never the article's copies, "Also published at", tag pages'
//! stories and the story API.

#![allow(clippy::unwrap_used)]

mod common;

use axum::http::StatusCode;
use chrono::Duration;
use common::{TestApp, article};
use tidings_core::{StoryPlacement, StoryStore};

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

/// A story of three outlets (one a copy of another), and an unrelated article.
async fn story_fixture(app: &TestApp) -> (i64, [i64; 4]) {
    let original = app
        .insert(article(
            "Daily Ledger",
            "Quake hits Northfield",
            Duration::minutes(50),
            &["Earthquake"],
        ))
        .await;
    let copy = app
        .insert(article(
            "Valley Portal",
            "Quake hits Northfield (photos)",
            Duration::minutes(40),
            &["Earthquake"],
        ))
        .await;
    let other = app
        .insert(article(
            "Evening Lantern",
            "Northfield counts the damage",
            Duration::minutes(19),
            &["Earthquake"],
        ))
        .await;
    let unrelated = app
        .insert(article(
            "Evening Lantern",
            "Budget vote in Port Alder",
            Duration::minutes(5),
            &["Budget"],
        ))
        .await;
    let story = app
        .storage
        .place_in_story(placement(original, None))
        .await
        .unwrap();
    let mut p = placement(copy, Some(story));
    p.copy_of = Some(original);
    app.storage.place_in_story(p).await.unwrap();
    let mut p = placement(other, Some(story));
    p.neighbours = vec![(original, 0.5)];
    app.storage.place_in_story(p).await.unwrap();
    let mut p = placement(unrelated, None);
    p.neighbours = vec![(original, 0.1)];
    app.storage.place_in_story(p).await.unwrap();
    (story, [original, copy, other, unrelated])
}

#[tokio::test]
async fn story_page_lists_every_outlet_with_a_timeline() {
    let app = TestApp::new().await;
    let (story, _) = story_fixture(&app).await;
    let page = app.get(&format!("/story/{story}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.texts("h1"), ["Quake hits Northfield"]);
    assert!(
        page.texts("#story-outlets")[0].starts_with("3 outlets"),
        "{:?}",
        page.texts("#story-outlets")
    );
    let titles = page.texts("#story-coverage .card__title");
    assert_eq!(
        titles,
        ["Northfield counts the damage", "Quake hits Northfield"],
        "copies shown once, newest first"
    );
    assert_eq!(
        page.texts(".also-published"),
        ["Also published at: Valley Portal"]
    );
    assert!(
        page.texts("#story-coverage time")
            .iter()
            .any(|t| t == "19 minutes ago")
    );
    assert_eq!(page.texts("#timeline li").len(), 3);
    assert_eq!(app.get("/story/999").await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/story/abc").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn related_lists_the_story_first_and_never_copies() {
    let app = TestApp::new().await;
    let (story, [original, copy, other, unrelated]) = story_fixture(&app).await;
    let page = app.get(&format!("/article/{original}")).await;
    let related = page.attrs("#related .card__title a", "href");
    assert_eq!(
        related,
        [format!("/article/{other}"), format!("/article/{unrelated}")]
    );
    assert_eq!(
        page.texts("#also-published"),
        ["Also published at: Valley Portal"]
    );
    assert_eq!(
        page.attrs("#story-link a", "href"),
        [format!("/story/{story}")]
    );
    let from_copy = app.get(&format!("/article/{copy}")).await;
    let related = from_copy.attrs("#related .card__title a", "href");
    assert!(
        !related.contains(&format!("/article/{original}")),
        "{related:?}"
    );

    let api = app
        .get(&format!("/api/v1/articles/{original}/related"))
        .await
        .json();
    let ids: Vec<i64> = api
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, [other, unrelated]);
    let json = app
        .get(&format!("/api/v1/articles/{original}"))
        .await
        .json();
    assert_eq!(json["story_id"], story);
    assert_eq!(json["copies"][0]["publisher"], "Valley Portal");
    assert_eq!(json["tags"][0]["slug"], "earthquake");
    assert_eq!(
        app.get(&format!("/api/v1/articles/{copy}")).await.json()["copy_of"],
        original
    );
}

#[tokio::test]
async fn home_and_tag_pages_group_by_story_and_the_api_pages_stories() {
    let app = TestApp::new().await;
    let (story, [original, copy, other, _]) = story_fixture(&app).await;
    let home = app.get("/").await;
    let outlets = home.texts(".story-card__outlets");
    assert_eq!(outlets.len(), 2, "one entry per story: {outlets:?}");
    assert!(outlets.contains(&"3 outlets".to_owned()), "{outlets:?}");
    let tag = app.get("/tag/earthquake").await;
    assert_eq!(
        tag.attrs(".story-card__outlets a", "href"),
        [format!("/story/{story}")]
    );

    let list = app.get("/api/v1/stories").await.json();
    assert_eq!(list["has_more"], false);
    let stories = list["stories"].as_array().unwrap();
    assert_eq!(stories.len(), 2);
    let ours = stories.iter().find(|s| s["id"] == story).unwrap();
    assert_eq!(
        ours["article_ids"],
        serde_json::json!([original, copy, other])
    );
    let one = app.get(&format!("/api/v1/stories/{story}")).await.json();
    assert_eq!(one["outlets"], 3);
    assert_eq!(one["articles"][1]["copy_of"], original);
    assert_eq!(
        app.get("/api/v1/stories/0").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.get("/api/v1/stories?page=x").await.status,
        StatusCode::BAD_REQUEST
    );
}
