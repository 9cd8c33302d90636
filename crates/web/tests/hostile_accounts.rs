//! Attacks on accounts and tokens, each as a reader or an attacker would try it through the
//! real router: a leaked API token used as a full credential, tokens outliving a password
//! reset, a sign-in lock-out of the real user, one AI question limit for everyone behind a
//! proxy, look-alike names, cached account pages and oversized request headers.

#![allow(clippy::unwrap_used)]

mod common;
mod reader_support;

use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::Request;
use chrono::Utc;
use reader_support::{Browser, PASSWORD, Site, open_rules};
use tidings_core::{AccountStore, Role, TokenScope, User};
use tidings_web::readers::{AccountSettings, hash_token};

async fn token_for(
    site: &Site,
    user: &User,
    scopes: &[TokenScope],
    expires_at: Option<chrono::DateTime<Utc>>,
) -> String {
    site.api_token(user, scopes, expires_at).await
}

fn with_bearer(mut request: Request<Body>, token: &str) -> Request<Body> {
    request
        .headers_mut()
        .insert("authorization", format!("Bearer {token}").parse().unwrap());
    request
}

fn form(path: &str, body: &str) -> Request<Body> {
    Request::post(path)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body.to_owned()))
        .unwrap()
}

fn api_comment(article: i64, body: &str) -> Request<Body> {
    Request::post(format!("/api/v1/articles/{article}/comments"))
        .header("content-type", "application/json")
        .body(Body::from(format!(r#"{{"body": "{body}"}}"#)))
        .unwrap()
}

#[tokio::test]
async fn an_api_token_opens_no_page_and_runs_no_form() {
    let site = Site::open().await;
    let article = site.article("Harbour").await;
    let mo = site.user("mo", Role::Moderator).await;
    let token = token_for(&site, &mo, &TokenScope::ALL, None).await;
    let mut writer = site.signed_in("ann", Role::Reader).await;
    let posted = writer.comment(article, None, "A fair comment").await;
    let comment = Browser::comment_id(&posted);
    let ann = site
        .storage
        .user_credentials("ann")
        .await
        .unwrap()
        .unwrap()
        .0;

    let mut attacker = site.browser_at("198.51.100.66");
    let account = attacker
        .send(with_bearer(
            Request::get("/account").body(Body::empty()).unwrap(),
            &token,
        ))
        .await;
    assert_eq!(account.status, 303, "the account page wants a session");
    assert!(!account.body.contains("new-token"));

    let minted = attacker
        .send(with_bearer(form("/account/tokens", "label=more"), &token))
        .await;
    assert_eq!(minted.status, 403, "{}", minted.body);
    assert_eq!(site.storage.api_tokens(mo.id).await.unwrap().len(), 1);

    let hidden = attacker
        .send(with_bearer(
            form(&format!("/moderation/comments/{comment}/hide"), ""),
            &token,
        ))
        .await;
    assert_eq!(hidden.status, 403, "{}", hidden.body);
    assert!(!site.storage.comment(comment).await.unwrap().unwrap().hidden);
    let banned = attacker
        .send(with_bearer(
            form(&format!("/moderation/users/{}/ban", ann.id), ""),
            &token,
        ))
        .await;
    assert_eq!(banned.status, 403, "{}", banned.body);
    assert!(!site.storage.user(ann.id).await.unwrap().unwrap().banned);
    let queue = attacker
        .send(with_bearer(
            Request::get("/moderation").body(Body::empty()).unwrap(),
            &token,
        ))
        .await;
    assert_ne!(queue.status, 200, "the moderation queue wants a session");

    // The same token is still good where tokens belong.
    let via_api = attacker
        .send(with_bearer(api_comment(article, "from the api"), &token))
        .await;
    assert_eq!(via_api.status, 201, "{}", via_api.body);
}

#[tokio::test]
async fn a_read_token_cannot_comment_and_expired_tokens_are_refused_and_shown() {
    let site = Site::open().await;
    let article = site.article("Scopes").await;
    let mut ann = site.signed_in("ann", Role::Reader).await;
    let csrf = ann.csrf("/account").await;
    let page = ann
        .post_form(
            "/account/tokens",
            &[
                ("csrf_token", &csrf),
                ("label", "reader"),
                ("scope", "read"),
            ],
        )
        .await;
    assert_eq!(page.status, 200, "{}", page.body);
    let read_token = page.texts("#new-token").pop().unwrap();
    let expiry = (Utc::now() + chrono::Duration::days(90))
        .format("%-d %b %Y")
        .to_string();
    assert!(
        page.texts(".token__expiry")
            .contains(&format!("expires {expiry}")),
        "the default lifetime is 90 days: {:?}",
        page.texts(".token__expiry")
    );

    let mut client = site.browser_at("198.51.100.9");
    let refused = client
        .send(with_bearer(api_comment(article, "nope"), &read_token))
        .await;
    assert_eq!(refused.status, 403, "{}", refused.body);
    let message = refused.json()["detail"].as_str().unwrap().to_owned();
    assert!(message.contains("comment scope"), "{message}");
    let listed = client
        .send(with_bearer(
            Request::get(format!("/api/v1/articles/{article}/comments"))
                .body(Body::empty())
                .unwrap(),
            &read_token,
        ))
        .await;
    assert_eq!(listed.status, 200, "a read token reads");

    let bad_scope = ann
        .post_form(
            "/account/tokens",
            &[("csrf_token", &csrf), ("scope", "moderate")],
        )
        .await;
    assert_eq!(bad_scope.status, 422);
    let never = ann
        .post_form(
            "/account/tokens",
            &[
                ("csrf_token", &csrf),
                ("label", "forever"),
                ("scope", "comment"),
                ("expires", "never"),
            ],
        )
        .await;
    assert!(
        never
            .texts(".token__expiry")
            .contains(&"never expires".to_owned())
    );

    let user = site
        .storage
        .user_credentials("ann")
        .await
        .unwrap()
        .unwrap()
        .0;
    let stale = token_for(
        &site,
        &user,
        &TokenScope::ALL,
        Some(Utc::now() - chrono::Duration::minutes(1)),
    )
    .await;
    let expired = client
        .send(with_bearer(api_comment(article, "late"), &stale))
        .await;
    assert_eq!(expired.status, 401, "{}", expired.body);
    let account = ann.get("/account").await;
    assert_eq!(
        account.texts(".token--expired").len(),
        1,
        "{}",
        account.body
    );
}

#[tokio::test]
async fn a_password_reset_and_signing_out_everywhere_revoke_tokens() {
    let site = Site::open().await;
    let article = site.article("Revoked").await;
    let mut ann = site.signed_in("ann", Role::Reader).await;
    let user = site
        .storage
        .user_credentials("ann")
        .await
        .unwrap()
        .unwrap()
        .0;
    let mut client = site.browser_at("198.51.100.10");

    let before_reset = token_for(&site, &user, &TokenScope::ALL, None).await;
    let reset = "reset-token-for-tokens";
    site.storage
        .create_password_reset(
            user.id,
            &hash_token(reset),
            Utc::now() + chrono::Duration::hours(1),
        )
        .await
        .unwrap();
    let mut browser = site.browser();
    let path = format!("/account/reset/{reset}");
    let csrf = browser.csrf(&path).await;
    let done = browser
        .post_form(
            &path,
            &[("csrf_token", &csrf), ("password", "a brand new password")],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let after = client
        .send(with_bearer(
            api_comment(article, "still here?"),
            &before_reset,
        ))
        .await;
    assert_eq!(after.status, 401, "the reset revoked the token");

    let before_signout = token_for(&site, &user, &TokenScope::ALL, None).await;
    ann.sign_in("ann", "a brand new password").await;
    let csrf = ann.csrf("/account").await;
    ann.post_form("/account/signout-everywhere", &[("csrf_token", &csrf)])
        .await;
    let after = client
        .send(with_bearer(
            api_comment(article, "still here?"),
            &before_signout,
        ))
        .await;
    assert_eq!(
        after.status, 401,
        "signing out everywhere revoked the token"
    );
}

#[tokio::test]
async fn failed_guesses_slow_an_account_down_but_never_lock_its_owner_out() {
    let site = Site::open().await;
    site.user("ann", Role::Reader).await;
    let mut attacker = site.browser_at("203.0.113.66");
    for _ in 0..5 {
        let guess = attacker.sign_in("ann", "wrong password!").await;
        assert_eq!(guess.status, 401);
    }
    // The attacker's address is locked out for this name, whatever the password.
    assert_eq!(attacker.sign_in("ann", PASSWORD).await.status, 429);

    // Ann, elsewhere, gets in: later than usual, but she gets in.
    let mut owner = site.browser_at("198.51.100.20");
    let started = Instant::now();
    let signed_in = owner.sign_in("ann", PASSWORD).await;
    assert_eq!(signed_in.status, 303, "{}", signed_in.body);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "the account is slowed down after 5 failures"
    );
}

#[tokio::test]
async fn behind_a_proxy_each_client_has_its_own_question_limit() {
    let mut settings = AccountSettings::new(open_rules());
    settings.trust_forwarded_for = true;
    let site = Site::new(settings).await;
    let article = site.article("Questions").await;
    // Every request comes from the proxy's address; the proxy names the client.
    let mut proxy = site.browser_at("10.0.0.1");
    let ask = |client: &str| {
        Request::post(format!("/api/v1/articles/{article}/ask"))
            .header("content-type", "application/json")
            .header("x-forwarded-for", client)
            .body(Body::from(r#"{"question": "What reopened?"}"#))
            .unwrap()
    };
    let mut statuses = Vec::new();
    for _ in 0..9 {
        statuses.push(proxy.send(ask("198.51.100.1")).await.status.as_u16());
    }
    assert_eq!(
        statuses.last(),
        Some(&429),
        "one client spends its burst: {statuses:?}"
    );
    assert!(statuses[..8].iter().all(|s| *s == 200), "{statuses:?}");
    let other = proxy.send(ask("198.51.100.2")).await;
    assert_eq!(
        other.status, 200,
        "another client behind the proxy asks: {}",
        other.body
    );
}

#[tokio::test]
async fn look_alike_names_do_not_register() {
    let site = Site::open().await;
    for name in ["alice", "dave"] {
        let made = site.browser().register(name, PASSWORD).await;
        assert_eq!(made.status, 303, "{name}: {}", made.body);
    }
    for look_alike in [
        "\u{ff41}\u{ff4c}\u{ff49}\u{ff43}\u{ff45}",
        "d\u{0430}ve",
        "Alice",
    ] {
        let refused = site
            .browser_at("198.51.100.30")
            .register(look_alike, PASSWORD)
            .await;
        assert_eq!(refused.status, 409, "{look_alike:?}: {}", refused.body);
        assert!(
            refused.body.contains("looks too much like"),
            "{}",
            refused.body
        );
    }
    let wide_sign_in = site
        .browser()
        .sign_in("\u{ff41}\u{ff4c}\u{ff49}\u{ff43}\u{ff45}", PASSWORD)
        .await;
    assert_eq!(wide_sign_in.status, 303, "the wide spelling names alice");
}

#[tokio::test]
async fn pages_with_secrets_are_never_cached() {
    let site = Site::open().await;
    let mut ann = site.signed_in("ann", Role::Moderator).await;
    let csrf = ann.csrf("/account").await;
    for response in [
        ann.get("/account").await,
        ann.post_form("/account/tokens", &[("csrf_token", &csrf)])
            .await,
        ann.get("/account/reset/some-token").await,
        ann.get("/moderation").await,
        site.browser().get("/account/signin").await,
    ] {
        assert_eq!(
            response.header("cache-control"),
            Some("no-store"),
            "{}",
            response.body
        );
    }
    assert_ne!(
        site.browser().get("/").await.header("cache-control"),
        Some("no-store")
    );
}

#[tokio::test]
async fn an_oversized_request_header_is_refused_with_431() {
    let site = Site::open().await;
    let huge = Request::get("/")
        .header("x-padding", "a".repeat(200 * 1024))
        .body(Body::empty())
        .unwrap();
    let refused = site.browser().send(huge).await;
    assert_eq!(refused.status, 431, "{}", refused.body);
    let cookies = Request::get("/")
        .header("cookie", format!("big={}", "b".repeat(8 * 1024)))
        .body(Body::empty())
        .unwrap();
    assert_eq!(site.browser().send(cookies).await.status, 200);
}
