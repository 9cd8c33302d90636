//! A site with accounts enabled and a cookie-keeping browser that signs up, signs in and
//! submits forms with the CSRF token the page gave it.

#![allow(dead_code, clippy::unwrap_used)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use chrono::Duration;
use tidings_core::{
    AccountStore, ArticleId, NewApiToken, NewUser, Role, Storage, TokenKind, TokenScope,
    TokenScopes, User,
};
use tidings_storage::SqliteStorage;
use tidings_web::readers::{AccountSettings, CommentRules, hash_password, hash_token, new_token};
use tidings_web::{AppState, SiteConfig, router};
use tower::ServiceExt;

use crate::common::{TestResponse, article};

pub const PASSWORD: &str = "correct horse battery";

pub struct Site {
    pub storage: Arc<SqliteStorage>,
    pub router: Router,
}

/// Rules that publish at once and allow plenty of posts, unless a test says otherwise.
pub fn open_rules() -> CommentRules {
    CommentRules {
        hold_first_comment: false,
        new_account_max_links: 5,
        ..CommentRules::default()
    }
}

impl Site {
    pub async fn new(settings: AccountSettings) -> Self {
        let storage = Arc::new(SqliteStorage::open_in_memory().await.unwrap());
        let router = router(AppState {
            storage: storage.clone(),
            site: SiteConfig::default(),
            accounts: settings,
            ai: Default::default(),
            cache: Default::default(),
            admin: Default::default(),
            metrics: Default::default(),
        });
        Site { storage, router }
    }

    pub async fn open() -> Self {
        Self::new(AccountSettings::new(open_rules())).await
    }

    /// Another web process of the same site: its own router and settings, the same database.
    pub fn another_process(&self) -> Site {
        let router = router(AppState {
            storage: self.storage.clone(),
            site: SiteConfig::default(),
            accounts: AccountSettings::new(open_rules()),
            ai: Default::default(),
            cache: Default::default(),
            admin: Default::default(),
            metrics: Default::default(),
        });
        Site {
            storage: self.storage.clone(),
            router,
        }
    }

    pub async fn article(&self, title: &str) -> ArticleId {
        match self
            .storage
            .insert_article(article("Gazette", title, Duration::hours(1), &[]))
            .await
            .unwrap()
        {
            tidings_core::InsertOutcome::Inserted(id) => id,
            other => panic!("{other:?}"),
        }
    }

    /// An account made directly in storage (as the command line does).
    pub async fn user(&self, name: &str, role: Role) -> User {
        self.storage
            .create_user(NewUser {
                name: name.into(),
                password_hash: hash_password(PASSWORD).unwrap(),
                role,
            })
            .await
            .unwrap()
    }

    /// A token for `user` made straight in storage, with these scopes and expiry.
    pub async fn api_token(
        &self,
        user: &User,
        scopes: &[TokenScope],
        expires_at: Option<chrono::DateTime<chrono::Utc>>,
    ) -> String {
        let token = new_token();
        self.storage
            .create_api_token(NewApiToken {
                user: user.id,
                token_hash: hash_token(&token),
                label: "test token".into(),
                kind: TokenKind::Api,
                scopes: TokenScopes::new(scopes),
                expires_at,
            })
            .await
            .unwrap();
        token
    }

    pub fn browser(&self) -> Browser<'_> {
        self.browser_at("192.0.2.1")
    }

    pub fn browser_at(&self, ip: &str) -> Browser<'_> {
        Browser {
            site: self,
            cookies: HashMap::new(),
            ip: ip.to_owned(),
        }
    }

    /// A browser already signed in as a new account `name` with this role.
    pub async fn signed_in(&self, name: &str, role: Role) -> Browser<'_> {
        self.user(name, role).await;
        let mut browser = self.browser();
        let response = browser.sign_in(name, PASSWORD).await;
        assert_eq!(response.status, 303, "sign-in of {name}: {}", response.body);
        browser
    }
}

pub struct Browser<'a> {
    pub site: &'a Site,
    pub cookies: HashMap<String, String>,
    pub ip: String,
}

impl Browser<'_> {
    pub async fn send(&mut self, mut request: Request<Body>) -> TestResponse {
        if !self.cookies.is_empty() {
            let header: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            request
                .headers_mut()
                .insert("cookie", header.join("; ").parse().unwrap());
        }
        let addr: SocketAddr = format!("{}:5000", self.ip).parse().unwrap();
        request.extensions_mut().insert(ConnectInfo(addr));
        let response = self.site.router.clone().oneshot(request).await.unwrap();
        for value in response.headers().get_all("set-cookie") {
            let text = value.to_str().unwrap();
            let (pair, _) = text.split_once(';').unwrap_or((text, ""));
            let (name, value) = pair.split_once('=').unwrap();
            if value.is_empty() {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = axum::body::to_bytes(response.into_body(), 10 * 1024 * 1024)
            .await
            .unwrap();
        TestResponse {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }

    pub async fn get(&mut self, path: &str) -> TestResponse {
        self.send(Request::get(path).body(Body::empty()).unwrap())
            .await
    }

    pub async fn post_form(&mut self, path: &str, pairs: &[(&str, &str)]) -> TestResponse {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        self.send(
            Request::post(path)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }

    /// The CSRF token in the first form of the page at `path`.
    pub async fn csrf(&mut self, path: &str) -> String {
        let page = self.get(path).await;
        page.attrs("input[name=csrf_token]", "value")
            .into_iter()
            .next()
            .unwrap_or_else(|| panic!("no CSRF token on {path}: {}", page.body))
    }

    pub async fn sign_in(&mut self, name: &str, password: &str) -> TestResponse {
        let token = self.csrf("/account/signin").await;
        self.post_form(
            "/account/signin",
            &[
                ("csrf_token", &token),
                ("name", name),
                ("password", password),
            ],
        )
        .await
    }

    pub async fn register(&mut self, name: &str, password: &str) -> TestResponse {
        let token = self.csrf("/account/register").await;
        self.post_form(
            "/account/register",
            &[
                ("csrf_token", &token),
                ("name", name),
                ("password", password),
            ],
        )
        .await
    }

    /// Posts a comment (a reply when `parent` is given) through the article page's form.
    pub async fn comment(
        &mut self,
        article: ArticleId,
        parent: Option<i64>,
        body: &str,
    ) -> TestResponse {
        let path = format!("/article/{article}");
        let token = self.csrf(&path).await;
        let parent = parent.map(|p| p.to_string()).unwrap_or_default();
        self.post_form(
            &format!("/article/{article}/comments"),
            &[
                ("csrf_token", &token),
                ("body", body),
                ("parent_id", &parent),
            ],
        )
        .await
    }

    /// The id in a `/article/N#comment-M` redirect.
    pub fn comment_id(response: &TestResponse) -> i64 {
        let location = response.header("location").unwrap();
        location
            .rsplit("#comment-")
            .next()
            .unwrap()
            .parse()
            .unwrap()
    }
}
