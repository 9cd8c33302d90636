//! The rendered-page cache seen from outside: anonymous pages come from the cache with
//! strong validators and pre-compressed bodies, signed-in readers get their own Comments
//! section in the cached page, and every kind of change is seen by the next request to
//! another web process (two routers with caches of their own, each with its own connection
//! pool on one SQLite file).

#![allow(clippy::unwrap_used)]

mod common;
mod reader_support;

use std::io::Read as _;
use std::sync::Arc;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::Duration;
use common::{TestResponse, article};
use reader_support::{Site, open_rules};
use tidings_core::{
    AccountStore, ArticleExtraction, BodySource, RawPageStore, Role, Storage, StoryPlacement,
    StoryStore,
};
use tidings_storage::SqliteStorage;
use tidings_web::readers::AccountSettings;
use tidings_web::{AppState, SiteConfig, router};

/// Two web processes on one SQLite file.
struct TwoProcesses {
    a: Site,
    b: Site,
    _dir: tempfile::TempDir,
}

async fn process(path: &std::path::Path) -> Site {
    let storage = Arc::new(SqliteStorage::open(path).await.unwrap());
    let router = router(AppState {
        storage: storage.clone(),
        site: SiteConfig::default(),
        accounts: AccountSettings::new(open_rules()),
        ai: Default::default(),
        cache: Default::default(),
        admin: Default::default(),
        metrics: Default::default(),
    });
    Site { storage, router }
}

async fn two_processes() -> TwoProcesses {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("tidings.db");
    let a = process(&path).await;
    let b = process(&path).await;
    TwoProcesses { a, b, _dir: dir }
}

async fn get(site: &Site, path: &str, headers: &[(&str, &str)]) -> TestResponse {
    let mut browser = site.browser();
    let mut request = Request::get(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    browser.send(request.body(Body::empty()).unwrap()).await
}

fn origin(response: &TestResponse) -> &str {
    response.header("x-tidings-cache").unwrap_or("none")
}

async fn insert(site: &Site, publisher: &str, title: &str, tags: &[&str]) -> i64 {
    match site
        .storage
        .insert_article(article(publisher, title, Duration::hours(1), tags))
        .await
        .unwrap()
    {
        tidings_core::InsertOutcome::Inserted(id) => id,
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn anonymous_pages_come_from_the_cache_with_validators() {
    let site = Site::open().await;
    let id = insert(&site, "Gazette", "Harbour reopens", &["Harbour"]).await;
    site.storage
        .place_in_story(StoryPlacement {
            article_id: id,
            story: None,
            copy_of: None,
            original_of: Vec::new(),
            neighbours: Vec::new(),
            tags: None,
        })
        .await
        .unwrap();
    let story = site
        .storage
        .article_links(id)
        .await
        .unwrap()
        .unwrap()
        .story_id
        .unwrap();
    for path in [
        format!("/article/{id}"),
        "/".to_owned(),
        format!("/story/{story}"),
        "/tag/harbour".to_owned(),
        "/source/gazette".to_owned(),
        "/search?q=harbour".to_owned(),
        "/briefing".to_owned(),
        format!("/api/v1/articles/{id}"),
        "/api/v1/articles".to_owned(),
    ] {
        let first = get(&site, &path, &[]).await;
        assert_eq!(first.status, StatusCode::OK, "{path}");
        assert_eq!(origin(&first), "miss", "{path}");
        let second = get(&site, &path, &[]).await;
        assert_eq!(origin(&second), "hit", "{path}");
        assert_eq!(second.body, first.body, "{path}");
        let etag = second.header("etag").unwrap().to_owned();
        assert!(
            etag.starts_with('"') && !etag.starts_with("W/"),
            "{path}: {etag}"
        );
        let control = second.header("cache-control").unwrap();
        assert!(
            control.contains("public")
                && control.contains("s-maxage=")
                && control.contains("stale-while-revalidate="),
            "{path}: {control}"
        );
        assert!(second.header("vary").unwrap().contains("Cookie"), "{path}");
        let modified = second.header("last-modified").unwrap().to_owned();
        let revalidated = get(&site, &path, &[("if-none-match", &etag)]).await;
        assert_eq!(revalidated.status, StatusCode::NOT_MODIFIED, "{path}");
        assert!(revalidated.body.is_empty());
        let by_date = get(&site, &path, &[("if-modified-since", &modified)]).await;
        assert_eq!(by_date.status, StatusCode::NOT_MODIFIED, "{path}");
        let other = get(&site, &path, &[("if-none-match", "\"something-else\"")]).await;
        assert_eq!(other.status, StatusCode::OK, "{path}");
    }
}

async fn raw(site: &Site, path: &str, accept: &str) -> (Option<String>, Vec<u8>) {
    let request = Request::get(path)
        .header("accept-encoding", accept)
        .body(Body::empty())
        .unwrap();
    let response = tower::ServiceExt::oneshot(site.router.clone(), request)
        .await
        .unwrap();
    let encoding = response
        .headers()
        .get("content-encoding")
        .map(|v| v.to_str().unwrap().to_owned());
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 24)
        .await
        .unwrap();
    (encoding, bytes.to_vec())
}

#[tokio::test]
async fn browsers_get_compressed_pages_and_assets() {
    let site = Site::open().await;
    let id = insert(&site, "Gazette", "Harbour reopens", &["Harbour"]).await;
    let path = format!("/article/{id}");
    let (_, plain) = raw(&site, &path, "identity").await;
    let (encoding, br) = raw(&site, &path, "gzip, deflate, br, zstd").await;
    assert_eq!(encoding.as_deref(), Some("br"));
    let mut decoded = Vec::new();
    brotli::Decompressor::new(&br[..], 4096)
        .read_to_end(&mut decoded)
        .unwrap();
    assert_eq!(decoded, plain);
    assert!(
        br.len() * 2 < plain.len(),
        "{} of {}",
        br.len(),
        plain.len()
    );
    let (encoding, gz) = raw(&site, &path, "gzip, deflate").await;
    assert_eq!(encoding.as_deref(), Some("gzip"));
    let mut decoded = Vec::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_end(&mut decoded)
        .unwrap();
    assert_eq!(decoded, plain);
    // Pages outside the cache and the stylesheet are compressed as browsers ask too.
    let page = get(&site, &path, &[]).await;
    let css = page.attrs("link[rel=stylesheet]", "href").remove(0);
    let (encoding, _) = raw(&site, &css, "gzip, deflate, br, zstd").await;
    assert_eq!(encoding.as_deref(), Some("br"), "{css}");
    let (encoding, _) = raw(&site, "/account/signin", "gzip, deflate, br, zstd").await;
    assert_eq!(encoding.as_deref(), Some("br"));
}

#[tokio::test]
async fn signed_in_readers_get_the_cached_page_with_their_own_comments() {
    let site = Site::open().await;
    let id = insert(&site, "Gazette", "Harbour reopens", &[]).await;
    let path = format!("/article/{id}");
    assert_eq!(origin(&get(&site, &path, &[]).await), "miss");
    let mut ann = site.signed_in("Ann", Role::Reader).await;
    let page = ann.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(origin(&page), "personal");
    assert_eq!(page.header("cache-control"), Some("private, no-cache"));
    assert!(page.texts("label[for=comment-body]")[0].contains("Comment as Ann"));
    let token = page.attrs("#comment-form input[name=csrf_token]", "value");
    assert_eq!(token.len(), 1);
    assert!(!token[0].is_empty());
    // Everything but the reader's controls and the Comments section is the cached page.
    let anonymous = get(&site, &path, &[]).await;
    assert_eq!(origin(&anonymous), "hit");
    assert!(
        anonymous
            .attrs("input[name=csrf_token]", "value")
            .is_empty()
    );
    let (before, rest) = anonymous.body.split_once("<!--reader-->").unwrap();
    assert!(page.body.starts_with(before));
    let (_, between) = rest.split_once("<!--/reader-->").unwrap();
    let between = between.split("<!--comments-->").next().unwrap();
    assert!(page.body.contains(between));
    assert_eq!(page.texts("#save-button"), ["Save for later"]);
    let etag = page.header("etag").unwrap().to_owned();
    let again = ann
        .send(
            Request::get(&path)
                .header("if-none-match", &etag)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_MODIFIED);
    // Another reader's section is their own.
    let mut bob = site.signed_in("Bob", Role::Reader).await;
    let posted = ann.comment(id, None, "Ann was here").await;
    assert_eq!(posted.status, 303);
    let bobs = bob.get(&path).await;
    assert!(bobs.texts("label[for=comment-body]")[0].contains("Comment as Bob"));
    assert!(bobs.body.contains("Ann was here"));
    assert_ne!(
        bobs.attrs("#comment-form input[name=csrf_token]", "value"),
        token
    );
}

#[tokio::test]
async fn pages_with_secrets_are_never_stored() {
    let site = Site::open().await;
    let mut ann = site.signed_in("Ann", Role::Reader).await;
    for path in ["/account", "/account/signin", "/account/register"] {
        let page = ann.get(path).await;
        assert_eq!(page.header("cache-control"), Some("no-store"), "{path}");
    }
}

/// Each kind of change made through one process is seen by the next request to the other,
/// which had the page cached.
#[tokio::test]
async fn every_kind_of_change_reaches_the_other_process() {
    let sites = two_processes().await;
    let (a, b) = (&sites.a, &sites.b);
    let id = insert(a, "Gazette", "Harbour reopens", &["Harbour"]).await;
    let other = insert(a, "Herald", "Harbour mayor speaks", &["Harbour"]).await;
    let article = format!("/article/{id}");
    let warm = |paths: Vec<String>| async move {
        for path in &paths {
            get(b, path, &[]).await;
            assert_eq!(origin(&get(b, path, &[]).await), "hit", "{path} cached");
        }
    };

    // A new comment, posted on process A.
    warm(vec![article.clone(), "/".into()]).await;
    let mut ann = a.signed_in("Ann", Role::Reader).await;
    let posted = ann.comment(id, None, "First thoughts").await;
    let comment = reader_support::Browser::comment_id(&posted);
    let page = get(b, &article, &[]).await;
    assert_eq!(origin(&page), "miss");
    assert!(page.body.contains("First thoughts"), "new comment");
    assert!(
        get(b, "/", &[]).await.body.contains("1 comment"),
        "count on home"
    );

    // Edited.
    warm(vec![article.clone()]).await;
    let token = ann.csrf(&article).await;
    let edited = ann
        .post_form(
            &format!("/comments/{comment}/edit"),
            &[("csrf_token", &token), ("body", "Second thoughts")],
        )
        .await;
    assert_eq!(edited.status, 303, "{}", edited.body);
    let page = get(b, &article, &[]).await;
    assert!(page.body.contains("Second thoughts") && !page.body.contains("First thoughts"));

    // Hidden by a moderator (a moderation action), then restored.
    warm(vec![article.clone()]).await;
    let mut moderator = a.signed_in("Mod", Role::Moderator).await;
    let token = moderator.csrf(&article).await;
    let hidden = moderator
        .post_form(
            &format!("/moderation/comments/{comment}/hide"),
            &[("csrf_token", &token)],
        )
        .await;
    assert_eq!(hidden.status, 303, "{}", hidden.body);
    assert!(
        !get(b, &article, &[]).await.body.contains("Second thoughts"),
        "hidden"
    );
    warm(vec![article.clone()]).await;
    let token = moderator.csrf(&article).await;
    moderator
        .post_form(
            &format!("/moderation/comments/{comment}/restore"),
            &[("csrf_token", &token)],
        )
        .await;
    assert!(
        get(b, &article, &[]).await.body.contains("Second thoughts"),
        "restored"
    );

    // Deleted by its author.
    warm(vec![article.clone()]).await;
    let token = ann.csrf(&article).await;
    let deleted = ann
        .post_form(
            &format!("/comments/{comment}/delete"),
            &[("csrf_token", &token)],
        )
        .await;
    assert_eq!(deleted.status, 303, "{}", deleted.body);
    assert!(
        !get(b, &article, &[]).await.body.contains("Second thoughts"),
        "deleted"
    );

    // Placed in a story, then moved to another.
    warm(vec![article.clone(), "/tag/harbour".into()]).await;
    let place = |article_id, story| StoryPlacement {
        article_id,
        story,
        copy_of: None,
        original_of: Vec::new(),
        neighbours: Vec::new(),
        tags: None,
    };
    let first_story = a.storage.place_in_story(place(id, None)).await.unwrap();
    let story_link = format!("/story/{first_story}");
    assert!(
        get(b, &article, &[]).await.body.contains(&story_link),
        "placed"
    );
    warm(vec![article.clone(), story_link.clone()]).await;
    let second_story = a.storage.place_in_story(place(other, None)).await.unwrap();
    a.storage
        .place_in_story(place(id, Some(second_story)))
        .await
        .unwrap();
    let page = get(b, &article, &[]).await;
    assert!(
        page.body.contains(&format!("/story/{second_story}")),
        "moved"
    );
    let old = get(b, &story_link, &[]).await;
    assert_ne!(origin(&old), "hit", "old story");
    assert!(
        !old.body.contains(&format!("href=\"{article}\"")),
        "left the old story"
    );

    // Re-extracted.
    warm(vec![article.clone()]).await;
    a.storage
        .update_article_extraction(
            id,
            ArticleExtraction {
                byline: None,
                image: None,
                language: Some("en".into()),
                site_name: None,
                text: "A lighthouse keeper retires.".into(),
                html: "<p>A lighthouse keeper retires.</p>".into(),
                excerpt: "A lighthouse keeper retires.".into(),
                body_source: BodySource::Page,
                tags: Vec::new(),
                terms: Vec::new(),
            },
        )
        .await
        .unwrap();
    assert!(
        get(b, &article, &[])
            .await
            .body
            .contains("lighthouse keeper retires"),
        "re-extracted"
    );

    // A new publisher's article and a feed added and removed.
    warm(vec!["/".into(), "/source/gazette".into()]).await;
    insert(a, "Courier", "Harbour tide tables", &[]).await;
    assert!(
        get(b, "/", &[]).await.body.contains("Courier"),
        "new publisher"
    );
    warm(vec!["/".into()]).await;
    let feed = a
        .storage
        .add_feed(tidings_core::NewFeed {
            url: "https://courier.example/feed".into(),
            title: Some("Courier".into()),
            site_url: None,
            publisher: "Courier".into(),
            policy: tidings_core::RepublishPolicy::Full,
            allow_private: false,
            interval_secs: 3600,
        })
        .await
        .unwrap();
    assert_eq!(origin(&get(b, "/", &[]).await), "miss", "feed added");
    warm(vec!["/".into()]).await;
    a.storage.remove_feed(feed.id).await.unwrap();
    assert_eq!(origin(&get(b, "/", &[]).await), "miss", "feed removed");

    // A reader banned: their name leaves no page stale.
    warm(vec![article.clone()]).await;
    let ann_id = a
        .storage
        .user_credentials("Ann")
        .await
        .unwrap()
        .unwrap()
        .0
        .id;
    a.storage.set_banned(ann_id, true).await.unwrap();
    assert_eq!(
        origin(&get(b, &article, &[]).await),
        "miss",
        "author banned"
    );
}

#[tokio::test]
async fn a_page_rendered_again_unchanged_keeps_its_last_modified() {
    let site = Site::open().await;
    insert(&site, "Gazette", "Harbour reopens", &["Harbour"]).await;
    let first = get(&site, "/tag/harbour", &[]).await;
    assert_eq!(origin(&first), "miss");
    let modified = first.header("last-modified").unwrap().to_owned();
    // Last-Modified has whole seconds: let one pass, then change something this page does
    // not show, so that the page is rendered again with the same body.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    insert(&site, "Courier", "Snow closes the pass", &["Weather"]).await;
    let again = get(&site, "/tag/harbour", &[]).await;
    assert_eq!(origin(&again), "miss", "the change was seen");
    assert_eq!(again.body, first.body);
    assert_eq!(again.header("last-modified").unwrap(), modified);
    let by_date = get(&site, "/tag/harbour", &[("if-modified-since", &modified)]).await;
    assert_eq!(by_date.status, StatusCode::NOT_MODIFIED);
    // A page whose body changes gets a new date.
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await;
    insert(&site, "Courier", "Harbour tolls rise", &["Harbour"]).await;
    let changed = get(&site, "/tag/harbour", &[("if-modified-since", &modified)]).await;
    assert_eq!(changed.status, StatusCode::OK);
    assert_ne!(changed.header("last-modified").unwrap(), modified);
}
