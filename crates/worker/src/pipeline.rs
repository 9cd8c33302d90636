//! The ingestion pipeline: poll a feed, fetch and extract each new entry's page, enrich it and
//! store it. A poll never fails as a whole: what went wrong is recorded on the feed, and one
//! broken entry or feed never stops the others.
//!
//! Ingestion knows nothing of stories: a stored article waits among the unplaced articles
//! until the story stage (`story_stage`) places it.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use tidings_core::{BodySource, Feed, FeedFetchRecord, FeedStatus, InsertOutcome, Storage};
use tidings_extract::ExtractedArticle;
use tidings_ingest::feed::{FeedEntry, ParsedFeed};
use tidings_ingest::fetcher::{FetchError, FetchRequest, Fetcher, FetcherConfig};
use tidings_ingest::robots::RobotsCache;
use url::Url;

use crate::article_extraction::extract_page;
use crate::article_merge::{build_article, entry_link};
use crate::config::IngestConfig;
use crate::metrics::{FallbackReason, FetchTarget, WorkerMetrics};
use crate::raw_page_retention::{KeptPage, RawPageRetention};
use crate::site_boilerplate;
use crate::site_rules::SiteRules;

/// The token Tidings matches in robots.txt groups.
pub const ROBOTS_TOKEN: &str = "Tidings";

/// What one poll of one feed did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollReport {
    pub feed_id: i64,
    pub status: FeedStatus,
    pub entries: usize,
    /// Articles stored; they wait among the unplaced articles for the story stage.
    pub inserted: usize,
    pub duplicates: usize,
    /// Entries that could not be stored (no link, storage error); each is logged.
    pub skipped: usize,
    pub error: Option<String>,
}

/// The shared parts of ingestion: storage, the guarded fetcher and the robots.txt cache.
pub struct Pipeline {
    storage: Arc<dyn Storage>,
    fetcher: Fetcher,
    robots: RobotsCache,
    config: IngestConfig,
    site_rules: Arc<SiteRules>,
    raw_pages: RawPageRetention,
    metrics: WorkerMetrics,
}

impl Pipeline {
    pub fn new(storage: Arc<dyn Storage>, config: IngestConfig) -> anyhow::Result<Self> {
        let fetcher = Fetcher::new(fetcher_config(&config))?;
        Ok(Pipeline {
            fetcher,
            robots: RobotsCache::new(),
            raw_pages: RawPageRetention::new(Arc::clone(&storage), config.raw_page_retention_days),
            storage,
            config,
            site_rules: Arc::new(SiteRules::default()),
            metrics: WorkerMetrics::default(),
        })
    }

    /// The pipeline counting its polls, fetches and stored articles in `metrics`.
    pub fn with_metrics(mut self, metrics: WorkerMetrics) -> Self {
        self.metrics = metrics;
        self
    }

    /// The pipeline with per-site extraction rules.
    pub fn with_site_rules(mut self, rules: SiteRules) -> Self {
        self.site_rules = Arc::new(rules);
        self
    }

    /// The pipeline with every outbound request also limited per host across processes.
    pub fn with_host_gate(mut self, gate: Arc<dyn tidings_ingest::HostGate>) -> Self {
        self.fetcher = self.fetcher.with_host_gate(gate);
        self
    }

    /// Where the fetched pages of stored articles are kept, and for how long.
    pub fn raw_pages(&self) -> &RawPageRetention {
        &self.raw_pages
    }

    pub fn site_rules(&self) -> &Arc<SiteRules> {
        &self.site_rules
    }

    pub fn fetcher(&self) -> &Fetcher {
        &self.fetcher
    }

    pub fn storage(&self) -> &Arc<dyn Storage> {
        &self.storage
    }

    /// What the pipeline counts (its registry is what `/metrics` shows of the background work).
    pub fn metrics(&self) -> &WorkerMetrics {
        &self.metrics
    }

    pub fn config(&self) -> &IngestConfig {
        &self.config
    }

    /// Polls one feed and stores its new articles; the outcome is recorded on the feed.
    pub async fn poll_feed(&self, feed: &Feed) -> PollReport {
        let started = Utc::now();
        let mut report = PollReport {
            feed_id: feed.id,
            status: FeedStatus::Ok,
            entries: 0,
            inserted: 0,
            duplicates: 0,
            skipped: 0,
            error: None,
        };
        let mut error_kind = None;
        let record = match self.fetch_feed(feed).await {
            Ok(FeedPoll::NotModified { max_age }) => {
                report.status = FeedStatus::NotModified;
                self.success_record(feed, started, FeedStatus::NotModified, None, None, max_age)
            }
            Ok(FeedPoll::Fetched {
                parsed,
                etag,
                last_modified,
                max_age,
            }) => {
                report.entries = parsed.entries.len();
                self.ingest_entries(feed, &parsed, &mut report).await;
                let mut record = self.success_record(
                    feed,
                    started,
                    FeedStatus::Ok,
                    etag,
                    last_modified,
                    max_age,
                );
                record.title = parsed.title.clone();
                record.site_url = parsed.site_url.clone();
                // What the feed limits dropped or cut, noted on the feed (status stays ok).
                record.error = parsed.notes.summary();
                record
            }
            Err(failure) => {
                report.status = FeedStatus::Error;
                report.error = Some(failure.message.clone());
                error_kind = Some(failure.kind);
                tracing::warn!(feed = %feed.url, error = %failure.message, "feed poll failed");
                self.failure_record(feed, started, failure)
            }
        };
        if let Err(e) = self.storage.record_feed_fetch(feed.id, record).await {
            tracing::error!(feed = %feed.url, error = %e, "could not record feed fetch");
        }
        self.metrics.poll_finished(report.status, error_kind);
        report
    }

    async fn fetch_feed(&self, feed: &Feed) -> Result<FeedPoll, PollFailure> {
        let url = Url::parse(&feed.url).map_err(|e| {
            PollFailure::permanent("invalid_url", format!("feed URL is invalid: {e}"))
        })?;
        let started = Instant::now();
        let response = self
            .fetcher
            .get(FetchRequest {
                url: &url,
                allow_private: feed.allow_private,
                etag: feed.etag.as_deref(),
                last_modified: feed.last_modified.as_deref(),
                accept: Some(FEED_ACCEPT),
            })
            .await;
        self.metrics.fetched(FetchTarget::feed, started.elapsed());
        let response = response.map_err(PollFailure::from_fetch)?;
        if response.not_modified {
            return Ok(FeedPoll::NotModified {
                max_age: response.max_age,
            });
        }
        let body = response.body.clone();
        let content_type = response.content_type.clone();
        let base = response.final_url.clone();
        let limits = self.config.feed_limits();
        let parsed = tokio::task::spawn_blocking(move || {
            let ct = content_type.as_deref();
            tidings_ingest::feed::parse_feed_with(&body, ct, &base, &limits, Utc::now())
        })
        .await
        .map_err(|e| PollFailure::permanent("parse", format!("feed parser crashed: {e}")))?
        .map_err(|e| PollFailure::permanent("parse", e.to_string()))?;
        Ok(FeedPoll::Fetched {
            parsed,
            etag: response.etag,
            last_modified: response.last_modified,
            max_age: response.max_age,
        })
    }

    /// Fetches and extracts every new entry's page first, counts the site's blocks on all of
    /// them (so boilerplate is known from a site's very first poll), then stores each entry
    /// with the site's recurring blocks dropped.
    async fn ingest_entries(&self, feed: &Feed, parsed: &ParsedFeed, report: &mut PollReport) {
        let limit = tokio::sync::Semaphore::new(self.config.concurrent_pages);
        let limit = &limit;
        let fetched = futures::future::join_all(parsed.entries.iter().map(|entry| async move {
            let _permit = limit.acquire().await;
            self.fetch_entry(feed, entry).await
        }))
        .await;
        let site = site_boilerplate::site_key(&feed.publisher);
        for entry in &fetched {
            if let Ok(FetchedEntry {
                page: Ok((url, extracted)),
                ..
            }) = entry
                && let Err(e) =
                    site_boilerplate::count_page(&*self.storage, &site, url.as_str(), extracted)
                        .await
            {
                tracing::warn!(url = %url, error = %e, "could not count the page's blocks");
            }
        }
        let site = &site;
        let outcomes = futures::future::join_all(fetched.into_iter().map(|entry| async move {
            let _permit = limit.acquire().await;
            match entry {
                Ok(entry) => self.store_entry(feed, site, entry).await,
                Err(outcome) => outcome,
            }
        }))
        .await;
        for outcome in outcomes {
            match outcome {
                EntryOutcome::Inserted => report.inserted += 1,
                EntryOutcome::Duplicate => report.duplicates += 1,
                EntryOutcome::Skipped => report.skipped += 1,
            }
        }
    }

    /// The entry with its page fetched and extracted, or what became of it when it is known
    /// already or broken (logged; never fails the poll).
    async fn fetch_entry<'e>(
        &self,
        feed: &Feed,
        entry: &'e FeedEntry,
    ) -> Result<FetchedEntry<'e>, EntryOutcome> {
        let Some(link) = entry_link(entry) else {
            tracing::warn!(feed = %feed.url, entry = ?entry.url, "entry skipped: it has no link");
            return Err(EntryOutcome::Skipped);
        };
        let known = self
            .storage
            .find_duplicate(Some(feed.id), entry.guid.as_deref(), &[link.as_str()])
            .await;
        match known {
            Ok(Some(_)) => return Err(EntryOutcome::Duplicate),
            Ok(None) => {}
            Err(e) => {
                tracing::warn!(feed = %feed.url, entry = ?entry.url, error = %e, "entry skipped");
                return Err(EntryOutcome::Skipped);
            }
        }
        let (page, kept) = match self.fetch_article_page(feed, &link).await {
            Ok(fetched) => (fetched.extracted.map(|e| (fetched.url, e)), fetched.kept),
            Err(reason) => (Err(reason), None),
        };
        Ok(FetchedEntry {
            entry,
            link,
            page,
            kept,
        })
    }

    /// Stores one fetched entry; never fails the poll.
    async fn store_entry(
        &self,
        feed: &Feed,
        site: &str,
        fetched: FetchedEntry<'_>,
    ) -> EntryOutcome {
        let url = fetched.entry.url.clone();
        match self.try_store_entry(feed, site, fetched).await {
            Ok(outcome) => outcome,
            Err(e) => {
                tracing::warn!(feed = %feed.url, entry = ?url, error = %e, "entry skipped");
                EntryOutcome::Skipped
            }
        }
    }

    async fn try_store_entry(
        &self,
        feed: &Feed,
        site: &str,
        fetched: FetchedEntry<'_>,
    ) -> anyhow::Result<EntryOutcome> {
        let FetchedEntry {
            entry,
            link,
            mut page,
            kept,
        } = fetched;
        if let Ok((_, extracted)) = &mut page {
            site_boilerplate::strip_recurring(&*self.storage, site, extracted).await?;
        }
        let page_missing = page.is_err();
        let article = build_article(feed, entry, &link, page);
        let fallback = match article.body_source {
            BodySource::Page => None,
            BodySource::FeedContent if page_missing => Some(FallbackReason::no_page),
            BodySource::FeedContent => Some(FallbackReason::short_page),
        };
        let has_image = article.image.is_some();
        // The insert itself refuses a duplicate by final or canonical URL, in its transaction.
        Ok(match self.storage.insert_article(article).await? {
            InsertOutcome::Inserted(id) => {
                self.metrics.article_stored(fallback);
                if let Some(kept) = kept {
                    self.raw_pages.keep(id, kept, &entry.categories).await;
                }
                if has_image {
                    self.queue_lead_image(id).await;
                }
                EntryOutcome::Inserted
            }
            InsertOutcome::Duplicate(_) => EntryOutcome::Duplicate,
        })
    }

    /// Queues the fetch of a stored article's lead image; a failure is logged (the hourly
    /// sweep queues it again), never fatal.
    async fn queue_lead_image(&self, id: tidings_core::ArticleId) {
        let job = crate::lead_images::fetch_lead_image_job(id, Utc::now());
        if let Err(e) = self.storage.enqueue_job(job).await {
            tracing::warn!(article = id, error = %e, "could not queue the lead image fetch");
        }
    }

    /// The fetched page with its extraction (or why it failed), or why the page could not be
    /// fetched; either way the feed's own content may have to do.
    async fn fetch_article_page(&self, feed: &Feed, link: &Url) -> Result<FetchedPage, String> {
        if self.config.respect_robots
            && !self
                .robots
                .allowed(&self.fetcher, link, feed.allow_private, ROBOTS_TOKEN)
                .await
        {
            return Err("robots.txt disallows fetching the page".to_string());
        }
        let started = Instant::now();
        let response = self
            .fetcher
            .get(FetchRequest {
                url: link,
                allow_private: feed.allow_private,
                etag: None,
                last_modified: None,
                accept: Some("text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"),
            })
            .await;
        self.metrics.fetched(FetchTarget::page, started.elapsed());
        let response = response.map_err(|e| e.to_string())?;
        let final_url = response.final_url.clone();
        let rules = Arc::clone(&self.site_rules);
        let keep = self.raw_pages.keeps_pages();
        let fetched_at = Utc::now();
        tokio::task::spawn_blocking(move || {
            let charset = response.charset.as_deref();
            let extracted = extract_page(&response.body, charset, &final_url, &rules)
                .map_err(|e| e.to_string());
            let kept = keep
                .then(|| KeptPage::compress(&response.body, &final_url, charset, fetched_at))
                .flatten();
            FetchedPage {
                url: final_url,
                extracted,
                kept,
            }
        })
        .await
        .map_err(|e| format!("extractor crashed: {e}"))
    }

    fn success_record(
        &self,
        feed: &Feed,
        at: DateTime<Utc>,
        status: FeedStatus,
        etag: Option<String>,
        last_modified: Option<String>,
        max_age: Option<Duration>,
    ) -> FeedFetchRecord {
        let interval = Duration::from_secs(feed.interval_secs.max(60) as u64);
        let wait = max_age
            .map(|age| age.min(self.config.max_backoff()))
            .map_or(interval, |age| age.max(interval));
        FeedFetchRecord {
            at,
            status,
            error: None,
            etag: etag.or_else(|| feed.etag.clone()),
            last_modified: last_modified.or_else(|| feed.last_modified.clone()),
            next_fetch_at: at + chrono_duration(wait),
            consecutive_failures: 0,
            title: None,
            site_url: None,
        }
    }

    fn failure_record(
        &self,
        feed: &Feed,
        at: DateTime<Utc>,
        failure: PollFailure,
    ) -> FeedFetchRecord {
        let failures = feed.consecutive_failures + 1;
        let wait = backoff_delay(
            Duration::from_secs(feed.interval_secs.max(60) as u64),
            failures,
            failure.retry_after,
            self.config.max_backoff(),
        );
        FeedFetchRecord {
            at,
            status: FeedStatus::Error,
            error: Some(failure.message),
            etag: feed.etag.clone(),
            last_modified: feed.last_modified.clone(),
            next_fetch_at: at + chrono_duration(wait),
            consecutive_failures: failures,
            title: None,
            site_url: None,
        }
    }
}

const FEED_ACCEPT: &str = "application/rss+xml, application/atom+xml, application/feed+json, application/json;q=0.9, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5";

/// The wait after the `failures`-th failure in a row: the interval doubled per failure, at
/// least what the server asked for with Retry-After, at most `max`.
pub fn backoff_delay(
    interval: Duration,
    failures: i64,
    retry_after: Option<Duration>,
    max: Duration,
) -> Duration {
    let exponent = failures.clamp(0, 16) as u32;
    let doubled = interval.saturating_mul(2u32.saturating_pow(exponent.saturating_sub(1)));
    let wait = retry_after.map_or(doubled, |asked| asked.max(doubled));
    wait.min(max)
}

fn chrono_duration(d: Duration) -> chrono::Duration {
    chrono::Duration::from_std(d).unwrap_or(chrono::Duration::days(1))
}

fn fetcher_config(config: &IngestConfig) -> FetcherConfig {
    FetcherConfig {
        connect_timeout: Duration::from_secs(config.connect_timeout_secs),
        total_timeout: Duration::from_secs(config.total_timeout_secs),
        max_body_bytes: config.max_body_mib * 1024 * 1024,
        max_redirects: config.max_redirects,
        user_agent: config.user_agent.clone(),
        per_host_concurrency: config.per_host_concurrency,
    }
}

enum FeedPoll {
    NotModified {
        max_age: Option<Duration>,
    },
    Fetched {
        parsed: ParsedFeed,
        etag: Option<String>,
        last_modified: Option<String>,
        max_age: Option<Duration>,
    },
}

struct PollFailure {
    /// The kind of failure, for the poll metrics.
    kind: &'static str,
    message: String,
    retry_after: Option<Duration>,
}

impl PollFailure {
    fn permanent(kind: &'static str, message: String) -> Self {
        PollFailure {
            kind,
            message,
            retry_after: None,
        }
    }

    fn from_fetch(error: FetchError) -> Self {
        let retry_after = match &error {
            FetchError::Status { retry_after, .. } => *retry_after,
            _ => None,
        };
        PollFailure {
            kind: error.kind(),
            message: error.to_string(),
            retry_after,
        }
    }
}

/// An article page as fetched: its final URL, what the extractor made of it, and the page
/// compressed for keeping (when pages are kept).
struct FetchedPage {
    url: Url,
    extracted: Result<ExtractedArticle, String>,
    kept: Option<KeptPage>,
}

/// A new entry with its page fetched and extracted (or why not), waiting to be stored.
struct FetchedEntry<'e> {
    entry: &'e FeedEntry,
    link: Url,
    page: Result<(Url, ExtractedArticle), String>,
    kept: Option<KeptPage>,
}

enum EntryOutcome {
    Inserted,
    Duplicate,
    Skipped,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_and_is_capped() {
        let minute = Duration::from_secs(60);
        let max = Duration::from_secs(3600);
        assert_eq!(backoff_delay(minute * 15, 1, None, max), minute * 15);
        assert_eq!(backoff_delay(minute * 15, 2, None, max), minute * 30);
        assert_eq!(backoff_delay(minute * 15, 3, None, max), max);
        assert_eq!(backoff_delay(minute * 15, 50, None, max), max);
    }

    #[test]
    fn retry_after_is_honoured_up_to_the_cap() {
        let minute = Duration::from_secs(60);
        let max = Duration::from_secs(7200);
        assert_eq!(
            backoff_delay(minute, 1, Some(minute * 90), max),
            minute * 90
        );
        assert_eq!(backoff_delay(minute, 1, Some(minute * 900), max), max);
    }
}
