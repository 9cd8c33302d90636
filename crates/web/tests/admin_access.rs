//! Who may use the operator's console: admins only, anonymous visitors sent to sign in, and
//! the CSRF token and the admin role checked on every form, with nothing done when refused.

#![allow(clippy::unwrap_used)]

mod admin_support;
mod common;
mod reader_support;

use admin_support::*;
use tidings_core::*;

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
        // The console shows reset links and configuration: never kept by any cache.
        assert_eq!(response.header("cache-control"), Some("no-store"), "{page}");
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
