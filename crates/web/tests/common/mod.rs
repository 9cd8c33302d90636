//! The test app: the router over an in-memory SQLite storage, article builders, and
//! helpers that send one request and parse the answer.

#![allow(dead_code, clippy::unwrap_used)]

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Request, StatusCode};
use chrono::{DateTime, Duration, Utc};
use tidings_core::{
    ArticleId, BodySource, InsertOutcome, KeyTerm, NewArticle, RepublishPolicy, Storage, Tag,
};
use tidings_storage::SqliteStorage;
use tidings_web::{AppState, SiteConfig, router};
use tower::ServiceExt;

pub struct TestApp {
    pub storage: Arc<SqliteStorage>,
    pub router: Router,
}

pub struct TestResponse {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: String,
}

impl TestResponse {
    pub fn html(&self) -> scraper::Html {
        scraper::Html::parse_document(&self.body)
    }

    /// The trimmed texts of the elements matching `selector`.
    pub fn texts(&self, selector: &str) -> Vec<String> {
        let selector = scraper::Selector::parse(selector).unwrap();
        self.html()
            .select(&selector)
            .map(|e| e.text().collect::<String>().trim().to_owned())
            .collect()
    }

    /// The `attr` values of the elements matching `selector`.
    pub fn attrs(&self, selector: &str, attr: &str) -> Vec<String> {
        let selector = scraper::Selector::parse(selector).unwrap();
        self.html()
            .select(&selector)
            .filter_map(|e| e.value().attr(attr).map(str::to_owned))
            .collect()
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl TestApp {
    pub async fn new() -> Self {
        Self::with_site(SiteConfig {
            title: "Tidings".to_owned(),
            base_url: None,
        })
        .await
    }

    pub async fn with_site(site: SiteConfig) -> Self {
        let storage = Arc::new(SqliteStorage::open_in_memory().await.unwrap());
        let router = router(AppState {
            storage: storage.clone(),
            site,
            accounts: Default::default(),
            ai: Default::default(),
            cache: Default::default(),
            admin: Default::default(),
            metrics: Default::default(),
        });
        TestApp { storage, router }
    }

    pub async fn insert(&self, article: NewArticle) -> ArticleId {
        match self.storage.insert_article(article).await.unwrap() {
            InsertOutcome::Inserted(id) => id,
            InsertOutcome::Duplicate(id) => panic!("article was a duplicate of {id}"),
        }
    }

    pub async fn get(&self, path: &str) -> TestResponse {
        self.request(Request::get(path).body(Body::empty()).unwrap())
            .await
    }

    pub async fn request(&self, request: Request<Body>) -> TestResponse {
        let response = self.router.clone().oneshot(request).await.unwrap();
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
}

/// A fully republishable article by `publisher`, published `age` ago, with these tag labels.
pub fn article(publisher: &str, title: &str, age: Duration, tags: &[&str]) -> NewArticle {
    let slug: String = title
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect::<String>()
        .to_lowercase();
    let host = tidings_core::publisher_slug(publisher);
    NewArticle {
        feed_id: None,
        publisher: publisher.to_owned(),
        guid: None,
        url: format!("https://{host}.example/news/{slug}?utm_source=feed"),
        canonical_url: Some(format!("https://{host}.example/news/{slug}")),
        title: title.to_owned(),
        byline: Some("Ada Reporter".to_owned()),
        published_at: Some(ago(age)),
        image: None,
        language: Some("en".to_owned()),
        site_name: Some(publisher.to_owned()),
        text: format!("First paragraph of {title}.\n\nSecond paragraph.\n\nThird paragraph."),
        html: format!(
            "<p>First paragraph of {}.</p><p>Second paragraph.</p><p>Third paragraph.</p>",
            title
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
        ),
        excerpt: format!("Summary of {title}."),
        body_source: BodySource::Page,
        policy: RepublishPolicy::Full,
        tags: tags.iter().filter_map(|t| Tag::from_label(t)).collect(),
        terms: Vec::new(),
    }
}

pub fn ago(age: Duration) -> DateTime<Utc> {
    Utc::now() - age
}

pub fn terms(words: &[&str]) -> Vec<KeyTerm> {
    words
        .iter()
        .map(|w| KeyTerm {
            term: (*w).to_owned(),
            weight: 1.0,
        })
        .collect()
}
