//! The console's jobs, users, publishers and settings end to end, each action in the audit
//! log.

#![allow(clippy::unwrap_used)]

mod admin_support;
mod common;
mod reader_support;

use admin_support::*;
use chrono::Utc;
use tidings_core::*;

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
