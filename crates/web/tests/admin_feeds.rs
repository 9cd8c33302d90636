//! The console's feeds end to end: pause, resume, refresh, edit and remove with an audit
//! trail, paging and filters, discovery before adding, OPML upload as a job with a task page,
//! and refreshing every feed as a task.

#![allow(clippy::unwrap_used)]

mod admin_support;
mod common;
mod reader_support;

use admin_support::*;
use chrono::{Duration, Utc};
use tidings_core::*;
use tidings_web::admin::IMPORT_OPML_JOB;

#[tokio::test]
async fn feeds_are_paused_resumed_refreshed_edited_and_removed_with_an_audit_trail() {
    let (site, _) = console_site().await;
    let feed = feed(&site, "https://news.example/feed.xml").await;
    site.storage
        .record_feed_fetch(
            feed.id,
            FeedFetchRecord {
                at: Utc::now(),
                status: FeedStatus::Error,
                error: Some("HTTP 503 from news.example".into()),
                etag: None,
                last_modified: None,
                next_fetch_at: Utc::now() + Duration::hours(2),
                consecutive_failures: 3,
                title: None,
                site_url: None,
            },
        )
        .await
        .unwrap();
    let mut admin = site.signed_in("root", Role::Admin).await;
    let dashboard = admin.get("/admin").await;
    assert_eq!(dashboard.texts("#feeds-failing"), ["1"]);
    assert!(dashboard.body.contains("HTTP 503 from news.example"));

    let list = admin.get("/admin/feeds?status=failing").await;
    let row = format!("#feed-{} .feed-status", feed.id);
    assert_eq!(list.texts(&row), ["error"]);
    assert!(list.body.contains("HTTP 503 from news.example"));
    let csrf = token(&mut admin).await;
    let post = |action: &'static str| format!("/admin/feeds/{}/{action}", feed.id);

    let done = admin
        .post_form(&post("pause"), &[("csrf_token", &csrf)])
        .await;
    assert_eq!(done.status, 303);
    assert!(
        site.storage
            .admin_feed(feed.id)
            .await
            .unwrap()
            .unwrap()
            .paused
    );
    let paused = admin.get("/admin/feeds?status=paused").await;
    assert_eq!(paused.texts(&row), ["paused"]);
    assert!(
        site.storage
            .due_feeds(Utc::now() + Duration::hours(3), 10)
            .await
            .unwrap()
            .is_empty()
    );

    admin
        .post_form(&post("resume"), &[("csrf_token", &csrf)])
        .await;
    assert!(
        !site
            .storage
            .admin_feed(feed.id)
            .await
            .unwrap()
            .unwrap()
            .paused
    );
    admin
        .post_form(&post("refresh"), &[("csrf_token", &csrf)])
        .await;
    let due = site.storage.due_feeds(Utc::now(), 10).await.unwrap();
    assert_eq!(due.len(), 1, "refresh now makes the feed due");

    let bad = admin
        .post_form(
            &post("settings"),
            &[
                ("csrf_token", &csrf),
                ("policy", "all"),
                ("interval_minutes", "5"),
            ],
        )
        .await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("Policy must be full or excerpt"));
    admin
        .post_form(
            &post("settings"),
            &[
                ("csrf_token", &csrf),
                ("policy", "full"),
                ("interval_minutes", "15"),
            ],
        )
        .await;
    let edited = site.storage.feed(feed.id).await.unwrap().unwrap();
    assert_eq!(
        (edited.policy, edited.interval_secs),
        (RepublishPolicy::Full, 900)
    );

    admin
        .post_form(&post("remove"), &[("csrf_token", &csrf)])
        .await;
    assert!(site.storage.feed(feed.id).await.unwrap().is_none());
    let unknown = admin
        .post_form(&post("explode"), &[("csrf_token", &csrf)])
        .await;
    assert_eq!(unknown.status, 404);

    let actions: Vec<ModerationAction> = audit_actions(&site)
        .await
        .into_iter()
        .map(|(a, _)| a)
        .collect();
    assert_eq!(
        actions,
        [
            ModerationAction::AdminFeedRemove,
            ModerationAction::AdminFeedEdit,
            ModerationAction::AdminFeedRefresh,
            ModerationAction::AdminFeedResume,
            ModerationAction::AdminFeedPause,
        ]
    );
    let log = admin.get("/moderation/log").await;
    assert!(log.body.contains("paused a feed"), "{}", log.body);
}

#[tokio::test]
async fn thousands_of_feeds_are_paged_and_filtered() {
    let (site, _) = console_site().await;
    for n in 0..120 {
        feed(&site, &format!("https://news.example/{n}.xml")).await;
    }
    let mut admin = site.signed_in("root", Role::Admin).await;
    let first = admin.get("/admin/feeds").await;
    assert_eq!(first.texts("#feeds tbody tr .feed-status").len(), 50);
    assert!(first.body.contains("all (120)"), "{}", first.body);
    let third = admin.get("/admin/feeds?page=3").await;
    assert_eq!(third.texts("#feeds tbody tr .feed-status").len(), 20);
    assert_eq!(
        admin
            .get("/admin/feeds?page=4")
            .await
            .texts("#feeds tbody tr")
            .len(),
        0
    );
    let bad = admin.get("/admin/feeds?status=sleepy").await;
    assert_eq!(bad.status, 422);
    assert!(bad.body.contains("Status must be one of"));
    assert_eq!(admin.get("/admin/feeds?sort=colour").await.status, 422);
}

#[tokio::test]
async fn discovery_shows_what_was_found_before_anything_is_added() {
    let (site, backend) = console_site().await;
    let mut admin = site.signed_in("root", Role::Admin).await;
    let csrf = token(&mut admin).await;
    let found = admin
        .post_form(
            "/admin/feeds/discover",
            &[
                ("csrf_token", &csrf),
                ("url", "https://site.example/"),
                ("allow_private", "on"),
            ],
        )
        .await;
    assert_eq!(found.status, 200, "{}", found.body);
    assert_eq!(
        found.attrs("#found-feeds input[name=url]", "value"),
        [
            "https://site.example/rss.xml",
            "https://site.example/sport.xml"
        ]
    );
    assert!(!found.body.contains("Main <news>"), "titles are escaped");
    assert_eq!(found.texts("#found-feeds strong")[0], "Main <news>");
    assert_eq!(
        backend.asked.lock().unwrap().as_slice(),
        [("https://site.example/".to_owned(), true)]
    );
    assert!(
        site.storage.list_feeds().await.unwrap().is_empty(),
        "nothing added yet"
    );

    let failed = admin
        .post_form(
            "/admin/feeds/discover",
            &[("csrf_token", &csrf), ("url", "https://nothing.example/")],
        )
        .await;
    assert!(failed.texts("#discover-error")[0].contains("connection refused"));
    let not_http = admin
        .post_form(
            "/admin/feeds/discover",
            &[("csrf_token", &csrf), ("url", "file:///etc/passwd")],
        )
        .await;
    assert_eq!(not_http.status, 422);

    let added = admin
        .post_form(
            "/admin/feeds/add",
            &[
                ("csrf_token", &csrf),
                ("url", "https://site.example/rss.xml"),
                ("publisher", "Site News"),
                ("policy", "full"),
                ("interval_minutes", "20"),
                ("allow_private", "on"),
            ],
        )
        .await;
    assert_eq!(added.status, 303, "{}", added.body);
    let feeds = site.storage.list_feeds().await.unwrap();
    assert_eq!(feeds.len(), 1);
    assert_eq!(feeds[0].publisher, "Site News");
    assert_eq!(feeds[0].policy, RepublishPolicy::Full);
    assert_eq!(feeds[0].interval_secs, 1200);
    assert!(feeds[0].allow_private);
    let audit = audit_actions(&site).await;
    assert_eq!(audit[0].0, ModerationAction::AdminFeedAdd);
    assert!(audit[0].1.contains("https://site.example/rss.xml"));
}

#[tokio::test]
async fn an_opml_upload_becomes_a_job_with_a_task_page() {
    let (site, _) = console_site().await;
    let mut admin = site.signed_in("root", Role::Admin).await;
    let csrf = token(&mut admin).await;
    let document =
        "<opml version=\"2.0\"><body><outline xmlUrl=\"https://a.example/feed\"/></body></opml>";
    let response = upload_opml(&mut admin, Some(&csrf), document).await;
    assert_eq!(response.status, 303, "{}", response.body);
    let task_path = response.header("location").unwrap().to_owned();
    assert!(task_path.starts_with("/admin/tasks/"));
    let jobs = site
        .storage
        .lease_jobs(
            "test",
            &[IMPORT_OPML_JOB],
            std::time::Duration::from_secs(30),
            5,
        )
        .await
        .unwrap();
    assert_eq!(jobs.len(), 1);
    assert_eq!(jobs[0].payload, document);
    let task_id: i64 = jobs[0].key.parse().unwrap();
    assert_eq!(task_path, format!("/admin/tasks/{task_id}"));
    let page = admin.get(&task_path).await;
    assert!(
        page.body.contains("OPML import of feeds.opml"),
        "{}",
        page.body
    );
    assert!(page.texts("#task-progress")[0].contains("running"));
    site.storage
        .record_task_progress(task_id, 1, 0, Some("1 of 1 feeds added"), true)
        .await
        .unwrap();
    let page = admin.get(&task_path).await;
    assert_eq!(page.texts("#task-progress"), ["1 done (finished)"]);
    assert_eq!(
        audit_actions(&site).await[0].0,
        ModerationAction::AdminOpmlImport
    );
    let empty = upload_opml(&mut admin, Some(&csrf), "  ").await;
    assert_eq!(empty.status, 422);
    let opml = admin.get("/admin/feeds.opml").await;
    assert_eq!(
        opml.header("content-type"),
        Some("text/x-opml; charset=utf-8")
    );
}

#[tokio::test]
async fn refresh_all_is_a_task_counting_the_feeds_polled_since() {
    let (site, _) = console_site().await;
    let a = feed(&site, "https://a.example/feed").await;
    feed(&site, "https://b.example/feed").await;
    let mut admin = site.signed_in("root", Role::Admin).await;
    let csrf = token(&mut admin).await;
    let response = admin
        .post_form("/admin/feeds/refresh-all", &[("csrf_token", &csrf)])
        .await;
    assert_eq!(response.status, 303);
    let task = response.header("location").unwrap().to_owned();
    assert_eq!(
        admin.get(&task).await.texts("#task-progress"),
        ["0 of 2 done (running)"]
    );
    site.storage
        .record_feed_fetch(
            a.id,
            FeedFetchRecord {
                at: Utc::now() + Duration::seconds(1),
                status: FeedStatus::Ok,
                error: None,
                etag: None,
                last_modified: None,
                next_fetch_at: Utc::now() + Duration::hours(1),
                consecutive_failures: 0,
                title: None,
                site_url: None,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        admin.get(&task).await.texts("#task-progress"),
        ["1 of 2 done (running)"]
    );
}
