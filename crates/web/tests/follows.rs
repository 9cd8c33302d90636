//! Following, For you, saving and read marks through the real router: the forms on the
//! cached tag, source, story and article pages, the reader's home page, the Saved and
//! Following pages, the OPML export and the `/api/v1/me` API.

#![allow(clippy::unwrap_used)]

mod common;
mod reader_support;

use axum::body::Body;
use axum::http::Request;
use chrono::Duration;
use reader_support::{Browser, Site};
use tidings_core::{FollowStore, Role, TokenScope};
use tidings_storage::testsuite::insert_placed;

use crate::common::article;

/// Stores an article of `publisher` tagged `tags`, `hours_ago` old, in `story` (a new story
/// when `None`); returns the article and its story.
async fn story_article(
    site: &Site,
    publisher: &str,
    title: &str,
    hours_ago: i64,
    tags: &[&str],
    story: Option<i64>,
) -> (i64, i64) {
    let stored = article(publisher, title, Duration::hours(hours_ago), tags);
    insert_placed(site.storage.as_ref(), stored, story).await
}

/// Submits the form whose action is `action` on the page at `page`, with its hidden fields.
async fn submit(browser: &mut Browser<'_>, page: &str, action: &str) -> common::TestResponse {
    let shown = browser.get(page).await;
    let selector = format!("form[action=\"{action}\"] input[type=hidden]");
    let names = shown.attrs(&selector, "name");
    let values = shown.attrs(&selector, "value");
    assert!(
        !names.is_empty(),
        "no form posting to {action} on {page}: {}",
        shown.body
    );
    let pairs: Vec<(&str, &str)> = names
        .iter()
        .map(String::as_str)
        .zip(values.iter().map(String::as_str))
        .collect();
    browser.post_form(action, &pairs).await
}

#[tokio::test]
async fn following_a_tag_makes_for_you_the_home_page() {
    let site = Site::open().await;
    let (_, harbour) = story_article(&site, "Ledger", "Harbour reopens", 2, &["Ports"], None).await;
    story_article(&site, "Post", "Budget passes", 1, &["Budget"], None).await;

    let mut anon = site.browser();
    let tag_page = anon.get("/tag/ports").await;
    assert_eq!(tag_page.status, 200);
    assert_eq!(
        tag_page.texts(".reader-controls--prompt a"),
        ["Sign in"],
        "anonymous readers are asked to sign in"
    );
    assert!(
        tag_page
            .attrs("form[action=\"/follow\"]", "action")
            .is_empty()
    );

    let mut ann = site.signed_in("ann", Role::Reader).await;
    let home = ann.get("/").await;
    assert_eq!(
        home.texts("h1"),
        ["Latest news"],
        "no follows: the usual home"
    );
    let followed = submit(&mut ann, "/tag/ports", "/follow").await;
    assert_eq!(followed.status, 303, "{}", followed.body);
    assert_eq!(followed.header("location"), Some("/tag/ports"));
    let tag_page = ann.get("/tag/ports").await;
    assert_eq!(tag_page.texts("#follow-button"), ["Unfollow"]);
    assert_eq!(tag_page.header("cache-control"), Some("private, no-cache"));

    let home = ann.get("/").await;
    assert_eq!(home.texts("h1"), ["For you"]);
    let listed = home.attrs("#for-you .story-card__outlets a", "href");
    assert_eq!(listed, [format!("/story/{harbour}")], "{}", home.body);
    assert_eq!(
        home.header("cache-control"),
        Some("private, no-cache"),
        "For you is the reader's own"
    );
    let latest = ann.get("/?view=all").await;
    assert_eq!(latest.texts("h1"), ["Latest news"]);

    // Nobody else sees Ann's home page, from the cache or otherwise.
    let anon_home = anon.get("/").await;
    assert_eq!(anon_home.texts("h1"), ["Latest news"]);
    let mut bob = site.signed_in("bob", Role::Reader).await;
    assert_eq!(bob.get("/").await.texts("h1"), ["Latest news"]);

    let following = ann.get("/following").await;
    assert_eq!(following.texts(".follow-list a"), ["#Ports"]);
    let unfollowed = submit(&mut ann, "/following", "/unfollow").await;
    assert_eq!(unfollowed.header("location"), Some("/following"));
    assert_eq!(ann.get("/").await.texts("h1"), ["Latest news"]);
}

#[tokio::test]
async fn reading_hides_a_story_and_saved_articles_keep_their_read_marks() {
    let site = Site::open().await;
    let (first, _) = story_article(&site, "Ledger", "Harbour reopens", 3, &["Ports"], None).await;
    let (second, _) = story_article(&site, "Post", "Port strike ends", 2, &["Ports"], None).await;
    let mut ann = site.signed_in("ann", Role::Reader).await;
    submit(&mut ann, "/tag/ports", "/follow").await;
    let cards = |page: &common::TestResponse| page.texts("#for-you .card__title");
    assert_eq!(
        cards(&ann.get("/").await),
        ["Port strike ends", "Harbour reopens"]
    );

    // Opening the article marks it read: its story leaves For you.
    let page = ann.get(&format!("/article/{first}")).await;
    assert_eq!(page.texts("#read-button"), ["Mark as unread"]);
    assert_eq!(cards(&ann.get("/").await), ["Port strike ends"]);

    let saved = submit(
        &mut ann,
        &format!("/article/{first}"),
        &format!("/article/{first}/save"),
    )
    .await;
    assert_eq!(saved.status, 303);
    assert_eq!(
        ann.get(&format!("/article/{first}"))
            .await
            .texts("#save-button"),
        ["Remove from saved"]
    );
    // Marking the other story read from its For you card.
    let marked = submit(&mut ann, "/", &format!("/article/{second}/read")).await;
    assert_eq!(marked.header("location"), Some("/"));
    let home = ann.get("/").await;
    assert!(cards(&home).is_empty());
    assert!(home.body.contains("You are up to date"), "{}", home.body);

    let saved_page = ann.get("/saved").await;
    assert_eq!(
        saved_page.texts("#saved-articles .card__title"),
        ["Harbour reopens"]
    );
    assert_eq!(saved_page.texts(".read-mark"), ["Read"]);
    assert_eq!(saved_page.header("cache-control"), Some("no-store"));
    let unread = submit(&mut ann, "/saved", &format!("/article/{first}/unread")).await;
    assert_eq!(unread.header("location"), Some("/saved"));
    assert_eq!(ann.get("/saved").await.texts(".read-mark"), ["Unread"]);
    assert_eq!(cards(&ann.get("/").await), ["Harbour reopens"]);
    submit(&mut ann, "/saved", &format!("/article/{first}/unsave")).await;
    assert!(
        ann.get("/saved")
            .await
            .texts("#saved-articles .card__title")
            .is_empty()
    );

    // The article page stays the shared cached page for everyone else.
    let mut anon = site.browser();
    let shared = anon.get(&format!("/article/{first}")).await;
    assert!(shared.texts("#save-button").is_empty());
    assert_eq!(shared.texts(".reader-controls--prompt a"), ["Sign in"]);
}

#[tokio::test]
async fn a_followed_story_shows_new_coverage_until_visited() {
    let site = Site::open().await;
    let (_, story) = story_article(&site, "Ledger", "Quake hits", 5, &["Quake"], None).await;
    let mut ann = site.signed_in("ann", Role::Reader).await;
    let path = format!("/story/{story}");
    let followed = submit(&mut ann, &path, "/follow").await;
    assert_eq!(followed.header("location"), Some(path.as_str()));
    assert!(ann.get(&path).await.texts("#new-coverage").is_empty());

    tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    story_article(
        &site,
        "Post",
        "Quake toll rises",
        1,
        &["Quake"],
        Some(story),
    )
    .await;
    let home = ann.get("/").await;
    assert_eq!(home.texts("#for-you .new-coverage"), ["New coverage"]);
    let story_page = ann.get(&path).await;
    assert_eq!(
        story_page.texts("#new-coverage"),
        ["New coverage since your last visit"]
    );
    assert!(
        ann.get(&path).await.texts("#new-coverage").is_empty(),
        "the visit cleared the mark"
    );
    assert!(
        ann.get("/")
            .await
            .texts("#for-you .new-coverage")
            .is_empty()
    );
}

#[tokio::test]
async fn follows_export_as_opml_of_the_sites_feeds() {
    let site = Site::open().await;
    let (_, story) =
        story_article(&site, "The Ledger", "Harbour & port", 2, &["Ports"], None).await;
    let mut ann = site.signed_in("ann", Role::Reader).await;
    submit(&mut ann, "/tag/ports", "/follow").await;
    submit(&mut ann, "/source/the-ledger", "/follow").await;
    submit(&mut ann, &format!("/story/{story}"), "/follow").await;

    let opml = ann
        .send(
            Request::get("/following.opml")
                .header("host", "news.example")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(opml.status, 200);
    assert_eq!(
        opml.header("content-type"),
        Some("text/x-opml; charset=utf-8")
    );
    for feed in [
        "xmlUrl=\"http://news.example/tag/ports/feed.atom\"",
        "xmlUrl=\"http://news.example/source/the-ledger/feed.atom\"",
        &format!("xmlUrl=\"http://news.example/story/{story}/feed.atom\""),
    ] {
        assert!(opml.body.contains(feed), "{feed} in {}", opml.body);
    }
    assert!(opml.body.contains("Harbour &amp; port"), "{}", opml.body);

    let mut anon = site.browser();
    assert_eq!(anon.get("/following.opml").await.status, 401);
}

#[tokio::test]
async fn anonymous_readers_are_asked_to_sign_in_and_forms_need_csrf() {
    let site = Site::open().await;
    let (id, _) = story_article(&site, "Ledger", "Harbour reopens", 2, &["Ports"], None).await;
    let mut anon = site.browser();
    for page in ["/saved", "/following"] {
        let shown = anon.get(page).await;
        assert_eq!(shown.status, 200, "{page}");
        assert_eq!(shown.texts(".signin-prompt .button"), ["Sign in"], "{page}");
    }
    let refused = anon
        .post_form("/follow", &[("kind", "tag"), ("key", "ports")])
        .await;
    assert!(
        refused.status == 401 || refused.status == 403,
        "{}",
        refused.status
    );

    let mut ann = site.signed_in("ann", Role::Reader).await;
    let forged = ann
        .post_form(
            "/follow",
            &[("kind", "tag"), ("key", "ports"), ("csrf_token", "forged")],
        )
        .await;
    assert_eq!(forged.status, 403);
    let token = ann.csrf("/tag/ports").await;
    for (kind, key, status) in [
        ("tag", "nothing", 404),
        ("feed", "ports", 400),
        ("story", "-3", 400),
        ("tag", "Ports Upper", 400),
    ] {
        let answer = ann
            .post_form(
                "/follow",
                &[("kind", kind), ("key", key), ("csrf_token", &token)],
            )
            .await;
        assert_eq!(answer.status, status, "{kind} {key}: {}", answer.body);
    }
    let missing = ann
        .post_form("/article/9999/save", &[("csrf_token", &token)])
        .await;
    assert_eq!(missing.status, 404);
    // A `back` leading off the site is not followed.
    let away = ann
        .post_form(
            &format!("/article/{id}/save"),
            &[("csrf_token", &token), ("back", "//evil.example/")],
        )
        .await;
    assert_eq!(away.header("location"), Some("/"));
}

fn api(method: &str, path: &str, token: &str, body: Option<&str>) -> Request<Body> {
    let builder = Request::builder()
        .method(method)
        .uri(path)
        .header("authorization", format!("Bearer {token}"));
    match body {
        Some(json) => builder
            .header("content-type", "application/json")
            .body(Body::from(json.to_owned()))
            .unwrap(),
        None => builder.body(Body::empty()).unwrap(),
    }
}

#[tokio::test]
async fn the_api_lists_and_changes_follows_and_saved_articles_by_scope() {
    let site = Site::open().await;
    let (id, _) = story_article(&site, "Ledger", "Harbour reopens", 2, &["Ports"], None).await;
    let ann = site.user("ann", Role::Reader).await;
    let reading = site.api_token(&ann, &[TokenScope::Read], None).await;
    let acting = site
        .api_token(&ann, &[TokenScope::Read, TokenScope::Comment], None)
        .await;
    let mut client = site.browser();

    let follow = r#"{"kind": "tag", "key": "ports"}"#;
    let refused = client
        .send(api("POST", "/api/v1/me/follows", &reading, Some(follow)))
        .await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    let made = client
        .send(api("POST", "/api/v1/me/follows", &acting, Some(follow)))
        .await;
    assert_eq!(made.status, 201, "{}", made.body);
    let json: serde_json::Value = serde_json::from_str(&made.body).unwrap();
    assert_eq!(json["path"], "/tag/ports");
    assert_eq!(json["label"], "#Ports");
    let listed = client
        .send(api("GET", "/api/v1/me/follows", &reading, None))
        .await;
    let json: serde_json::Value = serde_json::from_str(&listed.body).unwrap();
    assert_eq!(json["follows"][0]["kind"], "tag");
    assert_eq!(listed.header("cache-control"), Some("no-store"));
    let bad = client
        .send(api(
            "POST",
            "/api/v1/me/follows",
            &acting,
            Some("{\"kind\": 1}"),
        ))
        .await;
    assert_eq!(bad.status, 400);
    assert!(
        bad.header("content-type")
            .is_some_and(|t| t.starts_with("application/problem+json"))
    );

    let saved = client
        .send(api(
            "POST",
            "/api/v1/me/saved",
            &acting,
            Some(&format!(r#"{{"article_id": {id}}}"#)),
        ))
        .await;
    assert_eq!(saved.status, 201, "{}", saved.body);
    let listed = client
        .send(api("GET", "/api/v1/me/saved", &reading, None))
        .await;
    let json: serde_json::Value = serde_json::from_str(&listed.body).unwrap();
    assert_eq!(json["items"][0]["article"]["id"], id);
    assert_eq!(json["has_more"], false);
    for expected in [204, 404] {
        let removed = client
            .send(api(
                "DELETE",
                &format!("/api/v1/me/saved/{id}"),
                &acting,
                None,
            ))
            .await;
        assert_eq!(removed.status, expected, "removing a saved article twice");
    }
    let unfollowed = client
        .send(api("DELETE", "/api/v1/me/follows/tag/ports", &acting, None))
        .await;
    assert_eq!(unfollowed.status, 204);
    assert!(!site.storage.follows_anything(ann.id).await.unwrap());
    let anonymous = site
        .browser()
        .send(
            Request::get("/api/v1/me/follows")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(anonymous.status, 401);
}
