//! The operator's console under test: a site whose console backend finds two feeds at any
//! URL and adds feeds straight into storage, and helpers for its forms.

#![allow(dead_code, clippy::unwrap_used)]

use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use axum::body::Body;
use axum::http::Request;
use tidings_core::*;
use tidings_storage::SqliteStorage;
use tidings_web::admin::{AddFeedRequest, AdminServices, ConsoleBackend, FoundFeed, SettingLine};
use tidings_web::readers::AccountSettings;
use tidings_web::{AppState, SiteConfig, router};

use crate::common::TestResponse;
use crate::reader_support::{Browser, Site, open_rules};

/// A backend that finds two feeds at any URL and adds feeds straight into storage.
pub struct FakeBackend {
    pub storage: Arc<SqliteStorage>,
    pub asked: Mutex<Vec<(String, bool)>>,
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

pub async fn console_site() -> (Site, Arc<FakeBackend>) {
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
        cache: Default::default(),
        admin: AdminServices::new(backend.clone()),
        metrics: Default::default(),
    });
    (Site { storage, router }, backend)
}

pub async fn feed(site: &Site, url: &str) -> Feed {
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

pub async fn audit_actions(site: &Site) -> Vec<(ModerationAction, String)> {
    site.storage
        .moderation_log(PageRequest::new(1, 200))
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|r| (r.action, r.note))
        .collect()
}

pub async fn token(browser: &mut Browser<'_>) -> String {
    browser.csrf("/admin/feeds").await
}

pub async fn upload_opml(
    browser: &mut Browser<'_>,
    csrf: Option<&str>,
    document: &str,
) -> TestResponse {
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
