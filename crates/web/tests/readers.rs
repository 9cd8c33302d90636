//! Accounts, comments and moderation through the real router: the happy paths, and attacks
//! on them (CSRF, other people's comments, account enumeration, throttling, huge bodies).

#![allow(clippy::unwrap_used)]

mod common;
mod reader_support;

use axum::body::Body;
use axum::http::Request;
use reader_support::{Browser, PASSWORD, Site, open_rules};
use tidings_core::{AccountStore, Role};
use tidings_web::readers::{AccountSettings, CommentRules};

#[tokio::test]
async fn register_comment_reply_edit_and_see_the_thread() {
    let site = Site::open().await;
    let article = site.article("Harbour reopens").await;
    let mut anon = site.browser();
    let page = anon.get(&format!("/article/{article}")).await;
    assert_eq!(
        page.texts("#comments .comments__empty").len(),
        1,
        "{}",
        page.body
    );
    assert!(page.body.contains("No comments yet"));

    let mut ann = site.browser();
    let registered = ann.register("ann", PASSWORD).await;
    assert_eq!(registered.status, 303, "{}", registered.body);
    let session = registered.header("set-cookie").unwrap();
    assert!(
        session.contains("HttpOnly") && session.contains("SameSite=Lax"),
        "{session}"
    );

    let posted = ann
        .comment(
            article,
            None,
            "First *thoughts* on the [harbour](https://port.example/).",
        )
        .await;
    assert_eq!(posted.status, 303, "{}", posted.body);
    let first = Browser::comment_id(&posted);
    let mut bob = site.signed_in("bob", Role::Reader).await;
    let reply = bob.comment(article, Some(first), "A reply").await;
    assert_eq!(reply.status, 303, "{}", reply.body);
    let reply_id = Browser::comment_id(&reply);

    let token = ann.csrf(&format!("/article/{article}")).await;
    let edited = ann
        .post_form(
            &format!("/comments/{first}/edit"),
            &[("csrf_token", &token), ("body", "Edited *thoughts*")],
        )
        .await;
    assert_eq!(edited.status, 303, "{}", edited.body);

    let page = anon.get(&format!("/article/{article}")).await;
    assert_eq!(page.texts(".comments__count"), ["(2 comments)"]);
    assert_eq!(page.attrs("#comments li.comment", "data-depth"), ["0", "1"]);
    assert_eq!(
        page.texts(&format!("#comment-{first} .comment__body")),
        ["Edited thoughts"]
    );
    assert_eq!(
        page.texts(&format!("#comment-{first} .comment__edited")),
        ["(edited)"]
    );
    assert_eq!(
        page.texts(&format!("#comment-{reply_id} .comment__author")),
        ["bob"]
    );

    // Deleting a comment with a reply leaves a placeholder; the home card counts 1.
    let token = ann.csrf(&format!("/article/{article}")).await;
    let deleted = ann
        .post_form(
            &format!("/comments/{first}/delete"),
            &[("csrf_token", &token)],
        )
        .await;
    assert_eq!(deleted.status, 303);
    let page = anon.get(&format!("/article/{article}")).await;
    assert_eq!(
        page.texts(&format!("#comment-{first} .comment__placeholder")),
        ["[deleted]"]
    );
    let home = anon.get("/").await;
    assert_eq!(home.texts(".card__comments"), ["1 comment"]);
}

#[tokio::test]
async fn replies_deeper_than_four_are_shown_flat_and_threads_page() {
    let site = Site::open().await;
    let article = site.article("Deep").await;
    let mut ann = site.signed_in("ann", Role::Reader).await;
    let mut parent = None;
    for n in 0..6 {
        let r = ann.comment(article, parent, &format!("level {n}")).await;
        parent = Some(Browser::comment_id(&r));
    }
    let page = ann.get(&format!("/article/{article}")).await;
    assert_eq!(
        page.attrs("li.comment", "data-depth"),
        ["0", "1", "2", "3", "4", "4"]
    );
    assert_eq!(page.texts(".comment__reply-to").len(), 1);

    for n in 0..21 {
        ann.comment(article, None, &format!("top {n}")).await;
    }
    let first = ann.get(&format!("/article/{article}")).await;
    assert_eq!(
        first.attrs("a.pager__older", "href"),
        [format!("/article/{article}?comments_page=2#comments")]
    );
    let second = ann
        .get(&format!("/article/{article}?comments_page=2"))
        .await;
    // 22 threads: the deep one and 21 more; page 2 holds the last two.
    assert_eq!(second.texts(".comment__body"), ["top 19", "top 20"]);
    let newest = ann.get(&format!("/article/{article}?order=newest")).await;
    assert_eq!(
        newest.texts(".comment__body").first().map(String::as_str),
        Some("top 20")
    );
}

#[tokio::test]
async fn a_refused_post_keeps_its_text() {
    let rules = CommentRules {
        blocked_words: vec!["grift".into()],
        ..open_rules()
    };
    let site = Site::new(AccountSettings::new(rules)).await;
    let article = site.article("Keep").await;
    let mut ann = site.signed_in("ann", Role::Reader).await;
    let text = "This is a long thoughtful grift comment";
    let refused = ann.comment(article, None, text).await;
    assert_eq!(refused.status, 422);
    assert_eq!(refused.texts("#comment-body"), [text]);
    assert_eq!(
        refused.texts("#comment-form .form-error").len(),
        1,
        "{}",
        refused.body
    );
    // A wrong CSRF token is refused too, and the text still comes back.
    let refused = ann
        .post_form(
            &format!("/article/{article}/comments"),
            &[("csrf_token", "nope"), ("body", "mine")],
        )
        .await;
    assert_eq!(refused.status, 403);
    assert_eq!(refused.texts("#comment-body"), ["mine"]);
}

#[tokio::test]
async fn every_state_changing_form_refuses_a_missing_or_wrong_csrf_token() {
    let site = Site::open().await;
    let article = site.article("Csrf").await;
    let mut ann = site.signed_in("ann", Role::Moderator).await;
    let comment = Browser::comment_id(&ann.comment(article, None, "hello").await);
    let ann_id = site
        .storage
        .user_credentials("ann")
        .await
        .unwrap()
        .unwrap()
        .0
        .id;
    let forms = [
        format!("/article/{article}/comments"),
        format!("/comments/{comment}/edit"),
        format!("/comments/{comment}/delete"),
        format!("/comments/{comment}/report"),
        format!("/moderation/comments/{comment}/hide"),
        format!("/moderation/users/{ann_id}/ban"),
        "/account/tokens".into(),
        "/account/tokens/1/revoke".into(),
        "/account/signout".into(),
        "/account/signout-everywhere".into(),
        "/account/signin".into(),
        "/account/register".into(),
        "/account/reset/sometoken".into(),
    ];
    for path in &forms {
        for token in [None, Some("0".repeat(64))] {
            let mut pairs = vec![("body", "x"), ("name", "zed"), ("password", PASSWORD)];
            if let Some(token) = &token {
                pairs.push(("csrf_token", token));
            }
            let response = ann.post_form(path, &pairs).await;
            assert_eq!(
                response.status, 403,
                "{path} with {token:?}: {}",
                response.body
            );
        }
    }
    // Nothing changed: the comment is intact and the session still works.
    let stored = site.storage.comment(comment).await.unwrap().unwrap();
    assert!(!stored.deleted && !stored.hidden && stored.edited_at.is_none());
    assert!(
        site.storage
            .user_credentials("zed")
            .await
            .unwrap()
            .is_none()
    );
    assert_eq!(ann.get("/account").await.status, 200);
    // An anonymous browser without the form cookie cannot sign in with a forged token.
    let mut forger = site.browser();
    let response = forger
        .post_form(
            "/account/signin",
            &[
                ("csrf_token", "abc"),
                ("name", "ann"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(response.status, 403);
}

#[tokio::test]
async fn nobody_edits_or_deletes_anothers_comment_except_moderators() {
    let site = Site::open().await;
    let article = site.article("Authz").await;
    let mut ann = site.signed_in("ann", Role::Reader).await;
    let comment = Browser::comment_id(&ann.comment(article, None, "ann's words").await);
    let mut eve = site.signed_in("eve", Role::Reader).await;
    let token = eve.csrf(&format!("/article/{article}")).await;
    let edit = eve
        .post_form(
            &format!("/comments/{comment}/edit"),
            &[("csrf_token", &token), ("body", "pwned")],
        )
        .await;
    assert_eq!(edit.status, 403);
    let delete = eve
        .post_form(
            &format!("/comments/{comment}/delete"),
            &[("csrf_token", &token)],
        )
        .await;
    assert_eq!(delete.status, 403);
    let hide = eve
        .post_form(
            &format!("/moderation/comments/{comment}/hide"),
            &[("csrf_token", &token)],
        )
        .await;
    assert_eq!(hide.status, 403);
    assert_eq!(eve.get("/moderation").await.status, 403);
    let stored = site.storage.comment(comment).await.unwrap().unwrap();
    assert_eq!(stored.body_markdown, "ann's words");
    assert!(!stored.deleted);

    let mut mod_browser = site.signed_in("mo", Role::Moderator).await;
    let token = mod_browser.csrf(&format!("/article/{article}")).await;
    let hide = mod_browser
        .post_form(
            &format!("/moderation/comments/{comment}/hide"),
            &[("csrf_token", &token)],
        )
        .await;
    assert_eq!(hide.status, 303);
    assert!(site.storage.comment(comment).await.unwrap().unwrap().hidden);
    let page = site.browser().get(&format!("/article/{article}")).await;
    assert!(!page.body.contains("ann's words"), "hidden from readers");
    let log = mod_browser.get("/moderation/log").await;
    assert_eq!(
        log.texts(".moderation__log tbody td:nth-child(3)"),
        ["hid a comment"]
    );
}

#[tokio::test]
async fn a_report_is_confirmed_counted_in_words_and_logged_in_words() {
    let site = Site::open().await;
    let article = site.article("Reported").await;
    let mut ann = site.signed_in("ann", Role::Reader).await;
    let comment = Browser::comment_id(&ann.comment(article, None, "a rude remark").await);
    let mut queue_counts = Vec::new();
    let mut mo = site.signed_in("mo", Role::Moderator).await;
    for name in ["bob", "cy"] {
        let mut reader = site.signed_in(name, Role::Reader).await;
        let path = format!("/article/{article}");
        let token = reader.csrf(&path).await;
        let page = reader.get(&path).await;
        assert!(
            page.texts(".comment__notice").is_empty(),
            "before reporting"
        );
        let reported = reader
            .post_form(
                &format!("/comments/{comment}/report"),
                &[("csrf_token", &token), ("reason", "rude")],
            )
            .await;
        assert_eq!(reported.status, 303);
        let location = reported.header("location").unwrap().to_owned();
        let (path_and_query, _) = location.split_once('#').unwrap();
        let after = reader.get(path_and_query).await;
        assert_eq!(
            after.texts(&format!("#comment-{comment} .comment__notice")),
            ["Thank you: your report was sent to the moderators, who will look at this comment."]
        );
        let queue = mo.get("/moderation").await;
        queue_counts.push(
            queue
                .texts(&format!("#queued-{comment} .comment__meta"))
                .join(" "),
        );
    }
    assert!(queue_counts[0].ends_with("· 1 report"), "{queue_counts:?}");
    assert!(queue_counts[1].ends_with("· 2 reports"), "{queue_counts:?}");
    let token = mo.csrf("/moderation").await;
    mo.post_form(
        &format!("/moderation/comments/{comment}/dismiss"),
        &[("csrf_token", &token)],
    )
    .await;
    let log = mo.get("/moderation/log").await;
    assert_eq!(
        log.texts(".moderation__log tbody td:nth-child(3)"),
        ["dismissed the reports on a comment"]
    );
}

#[tokio::test]
async fn held_first_comments_wait_for_a_moderator_and_bans_stop_posting() {
    let site = Site::new(AccountSettings::default()).await;
    let article = site.article("Held").await;
    let mut ann = site.signed_in("ann", Role::Reader).await;
    let comment = Browser::comment_id(&ann.comment(article, None, "first ever").await);
    let own_view = ann.get(&format!("/article/{article}")).await;
    assert_eq!(own_view.texts(".comment__flag"), ["awaiting review"]);
    assert_eq!(
        own_view.texts(".comments__count"),
        ["(0 comments, 1 of yours awaiting review)"]
    );
    assert_eq!(
        own_view.texts(".comments__notice"),
        [
            "Your comment is awaiting review: until a moderator approves, only you and the moderators can see it."
        ]
    );
    let stranger = site.browser().get(&format!("/article/{article}")).await;
    assert!(stranger.texts(".comments__notice").is_empty());
    assert_eq!(stranger.texts(".comments__count"), ["(0 comments)"]);
    assert!(
        !site
            .browser()
            .get(&format!("/article/{article}"))
            .await
            .body
            .contains("first ever")
    );

    let mut mo = site.signed_in("mo", Role::Moderator).await;
    let queue = mo.get("/moderation").await;
    assert_eq!(
        queue.texts(&format!("#queued-{comment} .comment__body")),
        ["first ever"]
    );
    let token = mo.csrf("/moderation").await;
    mo.post_form(
        &format!("/moderation/comments/{comment}/approve"),
        &[("csrf_token", &token)],
    )
    .await;
    assert!(
        site.browser()
            .get(&format!("/article/{article}"))
            .await
            .body
            .contains("first ever")
    );

    let ann_id = site
        .storage
        .user_credentials("ann")
        .await
        .unwrap()
        .unwrap()
        .0
        .id;
    let banned = mo
        .post_form(
            &format!("/moderation/users/{ann_id}/ban"),
            &[("csrf_token", &token)],
        )
        .await;
    assert_eq!(banned.status, 303);
    // Banning signed ann out: her session no longer works.
    assert_eq!(ann.get("/account").await.status, 303);
}

#[tokio::test]
async fn sign_in_does_not_reveal_which_accounts_exist_and_is_throttled() {
    let site = Site::open().await;
    site.user("ann", Role::Reader).await;
    let wrong = site
        .browser_at("198.51.100.1")
        .sign_in("ann", "wrong password!")
        .await;
    let unknown = site
        .browser_at("198.51.100.2")
        .sign_in("nobody", "wrong password!")
        .await;
    assert_eq!(wrong.status, unknown.status);
    assert_eq!(wrong.texts(".form-error"), unknown.texts(".form-error"));
    assert_eq!(wrong.texts(".form-error"), ["Wrong name or password."]);

    // Per address and name: 5 failures lock this address out for this name, even with the
    // right password (other addresses still get in: see hostile_accounts.rs).
    let mut guesser = site.browser_at("203.0.113.7");
    for _ in 0..5 {
        guesser.sign_in("ann", "wrong password!").await;
    }
    let locked = guesser.sign_in("ann", PASSWORD).await;
    assert_eq!(locked.status, 429, "{}", locked.body);
    // The lockout message is the same for a name that does not exist.
    let mut ghost_guesser = site.browser_at("203.0.114.7");
    for _ in 0..5 {
        ghost_guesser.sign_in("ghost", "wrong password!").await;
    }
    let ghost = ghost_guesser.sign_in("ghost", PASSWORD).await;
    assert_eq!(ghost.status, 429);
    assert_eq!(ghost.texts(".form-error"), locked.texts(".form-error"));

    // Per address: 20 failures against different names lock the address out.
    let mut attacker = site.browser_at("192.0.2.200");
    for n in 0..20 {
        attacker
            .sign_in(&format!("user{n}"), "wrong password!")
            .await;
    }
    site.user("carol", Role::Reader).await;
    assert_eq!(attacker.sign_in("carol", PASSWORD).await.status, 429);
    assert_eq!(
        site.browser_at("192.0.2.201")
            .sign_in("carol", PASSWORD)
            .await
            .status,
        303
    );
}

#[tokio::test]
async fn every_web_process_accepts_the_others_forms_and_shares_throttles() {
    let first = Site::open().await;
    let second = first.another_process();
    first.user("ann", Role::Reader).await;

    // A form served by one process is accepted by another (the CSRF secret is the site's).
    let mut on_first = first.browser_at("198.51.100.7");
    let token = on_first.csrf("/account/signin").await;
    let mut on_second = second.browser_at("198.51.100.7");
    on_second.cookies = on_first.cookies.clone();
    let signed_in = on_second
        .post_form(
            "/account/signin",
            &[
                ("csrf_token", &token),
                ("name", "ann"),
                ("password", PASSWORD),
            ],
        )
        .await;
    assert_eq!(signed_in.status, 303, "{}", signed_in.body);

    // Failed sign-ins counted by one process lock the address out on the other.
    for _ in 0..5 {
        first
            .browser_at("203.0.113.50")
            .sign_in("ann", "wrong password!")
            .await;
    }
    let locked = second
        .browser_at("203.0.113.50")
        .sign_in("ann", PASSWORD)
        .await;
    assert_eq!(locked.status, 429, "{}", locked.body);
}

#[tokio::test]
async fn posting_is_rate_limited_per_account() {
    let rules = CommentRules {
        account_posts_per_hour: 2,
        ..open_rules()
    };
    let site = Site::new(AccountSettings::new(rules)).await;
    let article = site.article("Rate").await;
    let mut ann = site.signed_in("ann", Role::Reader).await;
    assert_eq!(ann.comment(article, None, "one").await.status, 303);
    assert_eq!(ann.comment(article, None, "two").await.status, 303);
    let third = ann.comment(article, None, "three").await;
    assert_eq!(third.status, 429);
    assert_eq!(third.texts("#comment-body"), ["three"]);
}

#[tokio::test]
async fn oversized_bodies_are_refused() {
    let site = Site::open().await;
    let article = site.article("Big").await;
    let mut ann = site.signed_in("ann", Role::Reader).await;
    let token = ann.csrf(&format!("/article/{article}")).await;
    let huge = "x".repeat(200 * 1024);
    let response = ann
        .post_form(
            &format!("/article/{article}/comments"),
            &[("csrf_token", &token), ("body", &huge)],
        )
        .await;
    assert_eq!(response.status, 413);
    let long = "y".repeat(10_001);
    let response = ann
        .post_form(
            &format!("/article/{article}/comments"),
            &[("csrf_token", &token), ("body", &long)],
        )
        .await;
    assert_eq!(response.status, 422, "over the comment length limit");
}

#[tokio::test]
async fn sign_out_everywhere_and_password_reset_revoke_sessions() {
    let site = Site::open().await;
    let mut one = site.signed_in("ann", Role::Reader).await;
    let mut two = site.browser();
    two.sign_in("ann", PASSWORD).await;
    let token = one.csrf("/account").await;
    one.post_form("/account/signout-everywhere", &[("csrf_token", &token)])
        .await;
    assert_eq!(
        two.get("/account").await.status,
        303,
        "the other session ended"
    );

    let ann = site
        .storage
        .user_credentials("ann")
        .await
        .unwrap()
        .unwrap()
        .0;
    let reset = "reset-token-for-test";
    site.storage
        .create_password_reset(
            ann.id,
            &tidings_web::readers::hash_token(reset),
            chrono::Utc::now() + chrono::Duration::hours(1),
        )
        .await
        .unwrap();
    let mut browser = site.browser();
    let path = format!("/account/reset/{reset}");
    let token = browser.csrf(&path).await;
    let short = browser
        .post_form(&path, &[("csrf_token", &token), ("password", "short")])
        .await;
    assert_eq!(short.status, 422, "a bad password does not use up the link");
    let done = browser
        .post_form(
            &path,
            &[("csrf_token", &token), ("password", "a brand new password")],
        )
        .await;
    assert_eq!(done.status, 303);
    let again = browser
        .post_form(
            &path,
            &[("csrf_token", &token), ("password", "another new password")],
        )
        .await;
    assert_eq!(again.status, 410, "one-time");
    assert_eq!(
        site.browser()
            .sign_in("ann", "a brand new password")
            .await
            .status,
        303
    );
}

#[tokio::test]
async fn the_json_api_uses_tokens_and_needs_csrf_with_cookies() {
    let site = Site::open().await;
    let article = site.article("Api").await;
    let mut ann = site.signed_in("ann", Role::Reader).await;
    let csrf = ann.csrf("/account").await;
    let page = ann
        .post_form(
            "/account/tokens",
            &[
                ("csrf_token", &csrf),
                ("label", "bot"),
                ("scope", "comment"),
            ],
        )
        .await;
    let api_token = page.texts("#new-token").pop().unwrap();

    let json_post = |auth: Option<String>, body: &str| {
        let mut request = Request::post(format!("/api/v1/articles/{article}/comments"))
            .header("content-type", "application/json");
        if let Some(auth) = auth {
            request = request.header("authorization", auth);
        }
        request.body(Body::from(body.to_owned())).unwrap()
    };
    let mut client = site.browser();
    let created = client
        .send(json_post(
            Some(format!("Bearer {api_token}")),
            r#"{"body":"via **api**"}"#,
        ))
        .await;
    assert_eq!(created.status, 201, "{}", created.body);
    let id = created.json()["id"].as_i64().unwrap();
    assert_eq!(
        created.json()["body_html"],
        "<p>via <strong>api</strong></p>\n"
    );

    let anonymous = client.send(json_post(None, r#"{"body":"x"}"#)).await;
    assert_eq!(anonymous.status, 401);
    let bad = client
        .send(json_post(Some("Bearer wrong".into()), r#"{"body":"x"}"#))
        .await;
    assert_eq!(bad.status, 401);
    // A cookie session without the CSRF header is refused; with it, accepted.
    let no_header = ann.send(json_post(None, r#"{"body":"x"}"#)).await;
    assert_eq!(no_header.status, 403);
    let mut with_header = json_post(None, r#"{"body":"cookie post"}"#);
    with_header
        .headers_mut()
        .insert("x-csrf-token", csrf.parse().unwrap());
    assert_eq!(ann.send(with_header).await.status, 201);

    let listed = client
        .get(&format!("/api/v1/articles/{article}/comments"))
        .await;
    assert_eq!(listed.json()["count"], 2);

    let mut eve = site.signed_in("eve", Role::Reader).await;
    let eve_csrf = eve.csrf("/account").await;
    let mut patch = Request::patch(format!("/api/v1/comments/{id}"))
        .header("content-type", "application/json")
        .header("x-csrf-token", eve_csrf)
        .body(Body::from(r#"{"body":"pwned"}"#))
        .unwrap();
    assert_eq!(eve.send(patch).await.status, 403);
    patch = Request::patch(format!("/api/v1/comments/{id}"))
        .header("content-type", "application/json")
        .header("authorization", format!("Bearer {api_token}"))
        .body(Body::from(r#"{"body":"edited"}"#))
        .unwrap();
    let edited = client.send(patch).await;
    assert_eq!(edited.status, 200, "{}", edited.body);
    assert!(edited.json()["edited_at"].is_string());
    let delete = Request::delete(format!("/api/v1/comments/{id}"))
        .header("authorization", format!("Bearer {api_token}"))
        .body(Body::empty())
        .unwrap();
    let deleted = client.send(delete).await;
    assert_eq!(deleted.json()["deleted"], true);
}
