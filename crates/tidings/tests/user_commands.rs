//! `tidings user …` as library calls: accounts with roles, one-time reset links on the base
//! URL, bans that end sessions, and API tokens.

use std::sync::Arc;

use chrono::{Duration, Utc};
use tidings::app::App;
use tidings::commands::users::{create_token, create_user, reset_link, set_banned};
use tidings::config::Config;
use tidings_core::{Role, Storage};
use tidings_storage::SqliteStorage;
use tidings_web::readers::hash_token;

async fn app() -> App {
    let mut config = Config::default();
    config.server.base_url = "https://news.example/".into();
    let storage: Arc<dyn Storage> = Arc::new(SqliteStorage::open_in_memory().await.expect("db"));
    App::with_storage(config, storage).expect("app")
}

#[tokio::test]
async fn users_are_created_reset_banned_and_given_tokens() {
    let app = app().await;
    let admin = create_user(&app, "Root", Role::Admin, "a long admin password")
        .await
        .expect("create");
    assert_eq!(admin.role, Role::Admin);
    let taken = create_user(&app, "root", Role::Reader, "a long admin password").await;
    assert!(taken.expect_err("taken").to_string().contains("taken"));
    let short = create_user(&app, "ann", Role::Reader, "short").await;
    assert!(short.expect_err("short").to_string().contains("at least"));

    let link = reset_link(&app, "ROOT").await.expect("link");
    let token = link
        .strip_prefix("https://news.example/account/reset/")
        .expect("on the base URL");
    let used = app
        .storage
        .consume_password_reset(&hash_token(token), Utc::now())
        .await
        .expect("consume");
    assert_eq!(used, Some(admin.id));
    assert!(reset_link(&app, "nobody").await.is_err());

    let api = create_token(&app, "root", "bot").await.expect("token");
    assert!(
        app.storage
            .api_token_user(&hash_token(&api))
            .await
            .expect("read")
            .is_some()
    );
    app.storage
        .create_session(admin.id, "session", Utc::now() + Duration::hours(1))
        .await
        .expect("session");
    set_banned(&app, "root", true).await.expect("ban");
    assert!(
        app.storage
            .session_user("session", Utc::now())
            .await
            .expect("read")
            .is_none()
    );
    assert!(
        app.storage
            .api_token_user(&hash_token(&api))
            .await
            .expect("read")
            .is_none()
    );
    let log = app
        .storage
        .moderation_log(tidings_core::PageRequest::new(1, 5))
        .await
        .expect("log");
    assert_eq!(log.items.len(), 1, "the ban is in the audit log");
}
