//! The operator's console through the real router: who may see it, CSRF and the role on
//! every form, and each action end to end (feeds, discovery, OPML, jobs, users, publishers,
//! settings), each written to the audit log.

#![allow(clippy::unwrap_used)]

mod common;
mod reader_support;

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use axum::body::Body;
use axum::http::Request;
use chrono::{Duration, Utc};
use reader_support::{Browser, Site, open_rules};
use tidings_core::*;
use tidings_storage::SqliteStorage;
use tidings_web::admin::{
    AddFeedRequest, AdminServices, ConsoleBackend, FoundFeed, IMPORT_OPML_JOB, SettingLine,
};
use tidings_web::readers::AccountSettings;
use tidings_web::{AppState, SiteConfig, router};

/// A backend that finds two feeds at any URL and adds feeds straight into storage.
struct FakeBackend {
    storage: Arc<SqliteStorage>,
    asked: Mutex<Vec<(String, bool)>>,
}

#[async_trait]
impl ConsoleBackend for FakeBackend {
    async fn discover(&self, url: &str, allow_private: bool) -> Result<Vec<FoundFeed>, String> {
        self.asked
            .lock()
            .unwrap()
            .push((url.to_owned(), allow_private));
        if url.contains("nothing") {
            return Err(format!("cannot fetch {url}: connection refused"));
        }
        Ok(vec![
            FoundFeed {
                url: format!("{url}rss.xml"),
                title: Some("Main <news>".into()),
                how: "linked from the page".into(),
            },
            FoundFeed {
                url: format!("{url}sport.xml"),
                title: None,
                how: "linked from the page".into(),
            },
        ])
    }

    async fn add_feed(&self, request: AddFeedRequest) -> Result<Feed, String> {
        self.storage
            .add_feed(NewFeed {
                url: request.url,
                title: None,
                site_url: None,
                publisher: request.publisher.unwrap_or_else(|| "Found".into()),
                policy: request.policy.unwrap_or_default(),
                allow_private: request.allow_private,
                interval_secs: i64::from(request.interval_minutes.unwrap_or(30)) * 60,
            })
            .await
            .map_err(|e| e.to_string())
    }

    async fn export_opml(&self) -> Result<String, String> {
        Ok("<opml version=\"2.0\"><body/></opml>".into())
    }

    fn settings(&self) -> Vec<SettingLine> {
        vec![SettingLine {
            name: "server.site_title".into(),
            value: "Tidings".into(),
        }]
    }

    async fn test_ai(&self) -> Result<String, String> {
        Err("no AI endpoint is configured".into())
    }
}

async fn console_site() -> (Site, Arc<FakeBackend>) {
    let storage = Arc::new(SqliteStorage::open_in_memory().await.unwrap());
    let backend = Arc::new(FakeBackend {
        storage: storage.clone(),
        asked: Mutex::new(Vec::new()),
    });
    let router = router(AppState {
        storage: storage.clone(),
        site: SiteConfig::default(),
        accounts: AccountSettings::new(open_rules()),
        ai: Default::default(),
        admin: AdminServices::new(backend.clone()),
    });
    (Site { storage, router }, backend)
}

async fn feed(site: &Site, url: &str) -> Feed {
    site.storage
        .add_feed(NewFeed {
            url: url.into(),
            title: Some("A feed".into()),
            site_url: None,
            publisher: "Gazette".into(),
            policy: RepublishPolicy::Excerpt,
            allow_private: false,
            interval_secs: 3600,
        })
        .await
        .unwrap()
}

async fn audit_actions(site: &Site) -> Vec<(ModerationAction, String)> {
    site.storage
        .moderation_log(PageRequest::new(1, 200))
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|r| (r.action, r.note))
        .collect()
}

async fn token(browser: &mut Browser<'_>) -> String {
    browser.csrf("/admin/feeds").await
}

const PAGES: [&str; 8] = [
    "/admin",
    "/admin/feeds",
    "/admin/feeds.opml",
    "/admin/publishers",
    "/admin/users",
    "/admin/jobs",
    "/admin/settings",
    "/admin/feeds?status=failing&sort=failures",
];

#[tokio::test]
async fn only_admins_see_the_console_and_anonymous_visitors_sign_in() {
    let (site, _) = console_site().await;
    let mut anon = site.browser();
    for page in PAGES {
        let response = anon.get(page).await;
        assert_eq!(response.status, 303, "{page}");
        let to = response.header("location").unwrap();
        assert!(
            to.starts_with("/account/signin?next=%2Fadmin"),
            "{page} → {to}"
        );
    }
    for role in [Role::Reader, Role::Moderator] {
        let mut browser = site.signed_in(role.as_str(), role).await;
        for page in PAGES {
            let response = browser.get(page).await;
            assert_eq!(response.status, 403, "{page} as {role:?}");
            assert!(
                response.body.contains("Only admins may use the console"),
                "{}",
                response.body
            );
        }
    }
    let mut admin = site.signed_in("root", Role::Admin).await;
    for page in PAGES {
        let response = admin.get(page).await;
        assert_eq!(response.status, 200, "{page}: {}", response.body);
    }
    // Moderators keep their own pages.
    let mut moderator = site.browser();
    moderator
        .sign_in("moderator", reader_support::PASSWORD)
        .await;
    assert_eq!(moderator.get("/moderation").await.status, 200);
}

#[tokio::test]
async fn every_admin_form_needs_the_csrf_token_and_the_admin_role() {
    let (site, backend) = console_site().await;
    let target = site.user("target", Role::Reader).await;
    let feed = feed(&site, "https://news.example/feed.xml").await;
    let mut admin = site.signed_in("root", Role::Admin).await;
    let mut reader = site.signed_in("reader", Role::Reader).await;
    let reader_token = reader.csrf("/account").await;
    let id = feed.id;
    let uid = target.id;
    let forms: Vec<(String, Vec<(&str, &str)>)> = vec![
        (format!("/admin/feeds/{id}/pause"), vec![]),
        (format!("/admin/feeds/{id}/resume"), vec![]),
        (format!("/admin/feeds/{id}/refresh"), vec![]),
        (
            format!("/admin/feeds/{id}/settings"),
            vec![("policy", "full"), ("interval_minutes", "5")],
        ),
        (format!("/admin/feeds/{id}/remove"), vec![]),
        ("/admin/feeds/refresh-all".into(), vec![]),
        (
            "/admin/feeds/discover".into(),
            vec![("url", "https://site.example/")],
        ),
        (
            "/admin/feeds/add".into(),
            vec![("url", "https://site.example/rss.xml")],
        ),
        ("/admin/publishers/gazette".into(), vec![("name", "Herald")]),
        (format!("/admin/users/{uid}/role"), vec![("role", "admin")]),
        (format!("/admin/users/{uid}/ban"), vec![]),
        (format!("/admin/users/{uid}/unban"), vec![]),
        (format!("/admin/users/{uid}/reset-link"), vec![]),
        (
            format!("/admin/users/{uid}/revoke-session"),
            vec![("session", "1")],
        ),
        (
            format!("/admin/users/{uid}/revoke-token"),
            vec![("token", "1")],
        ),
        (format!("/admin/users/{uid}/delete"), vec![]),
        ("/admin/jobs/retry".into(), vec![("job", "all")]),
        ("/admin/settings/test-ai".into(), vec![]),
    ];
    let mut anon = site.browser();
    for (path, fields) in &forms {
        let response = admin.post_form(path, fields).await;
        assert_eq!(response.status, 403, "{path} without a token");
        let mut forged = fields.clone();
        forged.push(("csrf_token", "0000"));
        assert_eq!(
            admin.post_form(path, &forged).await.status,
            403,
            "{path} forged"
        );
        let mut with_token = fields.clone();
        with_token.push(("csrf_token", &reader_token));
        let response = reader.post_form(path, &with_token).await;
        assert_eq!(response.status, 403, "{path} by a reader");
        assert_eq!(
            anon.post_form(path, fields).await.status,
            403,
            "{path} anonymous"
        );
    }
    // Nothing happened.
    let after = site.storage.admin_feed(id).await.unwrap().unwrap();
    assert!(!after.paused);
    assert_eq!(after.feed.interval_secs, 3600);
    let target_after = site.storage.user(uid).await.unwrap().unwrap();
    assert_eq!(
        (target_after.role, target_after.banned),
        (Role::Reader, false)
    );
    assert!(audit_actions(&site).await.is_empty());
    assert!(backend.asked.lock().unwrap().is_empty());
    assert!(site.storage.operator_tasks(10).await.unwrap().is_empty());

    // The OPML upload too.
    let response = upload_opml(&mut admin, None, "<opml/>").await;
    assert_eq!(response.status, 403);
    let response = upload_opml(&mut reader, Some(&reader_token), "<opml/>").await;
    assert_eq!(response.status, 403);
    assert_eq!(site.storage.job_counts().await.unwrap().queued, 0);
}

async fn upload_opml(
    browser: &mut Browser<'_>,
    csrf: Option<&str>,
    document: &str,
) -> common::TestResponse {
    let boundary = "XyZboundary42";
    let mut body = String::new();
    if let Some(token) = csrf {
        body.push_str(&format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"csrf_token\"\r\n\r\n{token}\r\n"
        ));
    }
    body.push_str(&format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"opml\"; filename=\"feeds.opml\"\r\n\
         Content-Type: text/xml\r\n\r\n{document}\r\n--{boundary}--\r\n"
    ));
    browser
        .send(
            Request::post("/admin/feeds/import")
                .header(
                    "content-type",
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .body(Body::from(body))
                .unwrap(),
        )
        .await
}

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
    assert!(log.body.contains("admin_feed_pause"), "{}", log.body);
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

#[tokio::test]
async fn dead_jobs_are_listed_and_retried_one_or_all() {
    let (site, _) = console_site().await;
    for key in ["1", "2"] {
        site.storage
            .enqueue_job(NewJob {
                kind: "poll_feed".into(),
                key: key.into(),
                payload: String::new(),
                run_at: Utc::now(),
            })
            .await
            .unwrap();
    }
    let leased = site
        .storage
        .lease_jobs("w", &["poll_feed"], std::time::Duration::from_secs(30), 5)
        .await
        .unwrap();
    for job in &leased {
        site.storage
            .fail_job(job.id, &job.lease_token, "feed parser exploded", None)
            .await
            .unwrap();
    }
    let mut admin = site.signed_in("root", Role::Admin).await;
    let page = admin.get("/admin/jobs").await;
    assert_eq!(page.texts("#job-counts"), ["0 queued · 0 running · 2 dead"]);
    assert!(page.body.contains("feed parser exploded"));
    let csrf = page.attrs("input[name=csrf_token]", "value")[0].clone();
    let one = leased[0].id.to_string();
    let bad = admin
        .post_form(
            "/admin/jobs/retry",
            &[("csrf_token", &csrf), ("job", "first")],
        )
        .await;
    assert_eq!(bad.status, 422);
    admin
        .post_form("/admin/jobs/retry", &[("csrf_token", &csrf), ("job", &one)])
        .await;
    let counts = site.storage.job_counts().await.unwrap();
    assert_eq!((counts.queued, counts.dead), (1, 1));
    admin
        .post_form(
            "/admin/jobs/retry",
            &[("csrf_token", &csrf), ("job", "all")],
        )
        .await;
    let counts = site.storage.job_counts().await.unwrap();
    assert_eq!((counts.queued, counts.dead), (2, 0));
    let notes: Vec<String> = audit_actions(&site)
        .await
        .into_iter()
        .map(|(_, n)| n)
        .collect();
    assert_eq!(
        notes,
        [
            "all dead jobs: 1 queued again".to_owned(),
            format!("job {one}: 1 queued again")
        ]
    );
}

#[tokio::test]
async fn users_change_role_are_banned_get_reset_links_and_lose_sessions() {
    let (site, _) = console_site().await;
    let mut admin = site.signed_in("root", Role::Admin).await;
    let mut ann = site.signed_in("ann", Role::Reader).await;
    let ann_user = site
        .storage
        .user_credentials("ann")
        .await
        .unwrap()
        .unwrap()
        .0;
    let list = admin.get("/admin/users").await;
    assert_eq!(
        list.texts("#users tbody tr td:first-child"),
        ["ann", "root"]
    );
    let path = format!("/admin/users/{}", ann_user.id);
    let page = admin.get(&path).await;
    let csrf = page.attrs("input[name=csrf_token]", "value")[0].clone();
    assert!(page.body.contains("Sign out"), "ann's session is listed");

    admin
        .post_form(
            &format!("{path}/role"),
            &[("csrf_token", &csrf), ("role", "moderator")],
        )
        .await;
    assert_eq!(
        site.storage.user(ann_user.id).await.unwrap().unwrap().role,
        Role::Moderator
    );
    let bad_role = admin
        .post_form(
            &format!("{path}/role"),
            &[("csrf_token", &csrf), ("role", "king")],
        )
        .await;
    assert_eq!(bad_role.status, 422);

    let reset = admin
        .post_form(&format!("{path}/reset-link"), &[("csrf_token", &csrf)])
        .await;
    assert_eq!(reset.status, 200);
    let link = reset.texts("#reset-link code")[0].clone();
    let token = link.strip_prefix("/account/reset/").expect("a reset path");
    let reset_for = site
        .storage
        .consume_password_reset(&tidings_web::readers::hash_token(token), Utc::now())
        .await
        .unwrap();
    assert_eq!(
        reset_for,
        Some(ann_user.id),
        "the link resets ann's password"
    );

    let sessions = site
        .storage
        .user_sessions(ann_user.id, Utc::now())
        .await
        .unwrap();
    assert_eq!(sessions.len(), 1);
    let session = sessions[0].id.to_string();
    admin
        .post_form(
            &format!("{path}/revoke-session"),
            &[("csrf_token", &csrf), ("session", &session)],
        )
        .await;
    assert_eq!(ann.get("/account").await.status, 303, "ann is signed out");

    admin
        .post_form(&format!("{path}/ban"), &[("csrf_token", &csrf)])
        .await;
    assert!(
        site.storage
            .user(ann_user.id)
            .await
            .unwrap()
            .unwrap()
            .banned
    );
    admin
        .post_form(&format!("{path}/unban"), &[("csrf_token", &csrf)])
        .await;
    assert!(
        !site
            .storage
            .user(ann_user.id)
            .await
            .unwrap()
            .unwrap()
            .banned
    );

    let root = site
        .storage
        .user_credentials("root")
        .await
        .unwrap()
        .unwrap()
        .0;
    for action in ["role", "ban", "delete"] {
        let own = admin
            .post_form(
                &format!("/admin/users/{}/{action}", root.id),
                &[("csrf_token", &csrf), ("role", "reader")],
            )
            .await;
        assert_eq!(own.status, 422, "{action} of oneself");
    }
    assert_eq!(
        site.storage.user(root.id).await.unwrap().unwrap().role,
        Role::Admin
    );
    admin
        .post_form(&format!("{path}/delete"), &[("csrf_token", &csrf)])
        .await;
    assert!(site.storage.user(ann_user.id).await.unwrap().is_none());
    let actions: Vec<ModerationAction> = audit_actions(&site)
        .await
        .into_iter()
        .map(|(a, _)| a)
        .collect();
    assert_eq!(
        actions,
        [
            ModerationAction::AdminUserDelete,
            ModerationAction::UnbanUser,
            ModerationAction::BanUser,
            ModerationAction::AdminSessionRevoke,
            ModerationAction::AdminResetLink,
            ModerationAction::AdminRoleChange,
        ]
    );
}

#[tokio::test]
async fn publishers_are_renamed_and_settings_are_shown() {
    let (site, _) = console_site().await;
    site.article("Harbour reopens").await;
    let mut admin = site.signed_in("root", Role::Admin).await;
    let page = admin.get("/admin/publishers").await;
    assert!(page.body.contains("publisher-gazette"), "{}", page.body);
    let csrf = page.attrs("input[name=csrf_token]", "value")[0].clone();
    let done = admin
        .post_form(
            "/admin/publishers/gazette",
            &[
                ("csrf_token", &csrf),
                ("name", "The Herald"),
                ("policy", "full"),
            ],
        )
        .await;
    assert_eq!(done.status, 303);
    let renamed = site.storage.publisher("the-herald").await.unwrap().unwrap();
    assert_eq!(renamed.article_count, 1);
    assert_eq!(
        admin
            .post_form("/admin/publishers/nobody", &[("csrf_token", &csrf)])
            .await
            .status,
        404
    );

    let settings = admin.get("/admin/settings").await;
    assert!(settings.body.contains("server.site_title"));
    let tested = admin
        .post_form("/admin/settings/test-ai", &[("csrf_token", &csrf)])
        .await;
    assert!(tested.texts("#ai-test")[0].contains("no AI endpoint is configured"));
    let actions: Vec<ModerationAction> = audit_actions(&site)
        .await
        .into_iter()
        .map(|(a, _)| a)
        .collect();
    assert_eq!(
        actions,
        [
            ModerationAction::AdminAiTest,
            ModerationAction::AdminPublisherEdit
        ]
    );
}
