//! Keeping each article's fetched page, gzip-compressed, for `ingest.raw_page_retention_days`
//! so extraction can be re-run, and purging pages older than that.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use tidings_core::{ArticleId, RawPage, Storage};
use url::Url;

use crate::article_extraction::compress_page;

/// A fetched page compressed for keeping, before its article has an id.
#[derive(Debug, Clone)]
pub struct KeptPage {
    url: String,
    charset: Option<String>,
    fetched_at: DateTime<Utc>,
    body_gzip: Vec<u8>,
}

impl KeptPage {
    /// The page compressed; `None` (logged) in the unlikely case compression fails.
    pub fn compress(
        body: &[u8],
        url: &Url,
        charset: Option<&str>,
        fetched_at: DateTime<Utc>,
    ) -> Option<KeptPage> {
        match compress_page(body) {
            Ok(body_gzip) => Some(KeptPage {
                url: url.to_string(),
                charset: charset.map(str::to_string),
                fetched_at,
                body_gzip,
            }),
            Err(e) => {
                tracing::warn!(url = %url, error = %e, "could not compress the page for keeping");
                None
            }
        }
    }
}

/// Where kept pages go, and for how long.
#[derive(Clone)]
pub struct RawPageRetention {
    storage: Arc<dyn Storage>,
    days: u32,
}

impl RawPageRetention {
    /// Pages kept `days` days in `storage`; 0 keeps none.
    pub fn new(storage: Arc<dyn Storage>, days: u32) -> Self {
        RawPageRetention { storage, days }
    }

    /// Whether fetched pages are kept at all.
    pub fn keeps_pages(&self) -> bool {
        self.days > 0
    }

    /// Stores the page an article was extracted from; a failure is logged, never fatal.
    pub async fn keep(&self, article_id: ArticleId, page: KeptPage, categories: &[String]) {
        let raw = RawPage {
            article_id,
            url: page.url,
            charset: page.charset,
            fetched_at: page.fetched_at,
            body_gzip: page.body_gzip,
            categories: categories.to_vec(),
        };
        if let Err(e) = self.storage.save_raw_page(raw).await {
            tracing::warn!(article = article_id, error = %e, "could not keep the raw page");
        }
    }

    /// Drops the kept pages older than the retention period (all of them when it is 0);
    /// returns how many were dropped.
    pub async fn purge(&self, now: DateTime<Utc>) -> anyhow::Result<u64> {
        let cutoff = now - chrono::Duration::days(i64::from(self.days));
        let purged = self.storage.purge_raw_pages(cutoff).await?;
        if purged > 0 {
            tracing::info!(purged, "purged raw pages past their retention");
        }
        Ok(purged)
    }
}
