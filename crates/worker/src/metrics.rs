//! What the background work counts for `/metrics`: feed polls by outcome, the time each fetch
//! through the guarded fetcher takes, articles stored, articles stored with the feed's own
//! content because the page could not be used (extraction fallbacks), and how long stored
//! articles waited to be placed in a story.
//!
//! The handles are created and registered once, in a registry of their own
//! ([`WorkerMetrics::registry`]), and handed to the [`Pipeline`](crate::pipeline::Pipeline)
//! and the [`StoryStage`](crate::story_stage::StoryStage) explicitly; the web layer encodes
//! that registry beside its own. Each process counts only what it did itself.

use std::sync::Arc;
use std::time::Duration;

use prometheus_client::encoding::{EncodeLabelSet, EncodeLabelValue};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::{Registry, Unit};
use tidings_core::FeedStatus;

/// The prefix of every metric name Tidings exports.
pub const METRICS_PREFIX: &str = "tidings";

/// How a poll ended: ok, not modified, or failed, with the kind of failure.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct PollLabels {
    pub outcome: PollOutcome,
    /// The kind of failure (`FetchError::kind`, `invalid_url`, `parse`); empty on success.
    pub error: &'static str,
}

#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq, EncodeLabelValue)]
#[allow(non_camel_case_types)]
pub enum PollOutcome {
    ok,
    not_modified,
    error,
}

/// What was fetched: a feed or an article page.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct FetchLabels {
    pub target: FetchTarget,
}

#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq, EncodeLabelValue)]
#[allow(non_camel_case_types)]
pub enum FetchTarget {
    feed,
    page,
    /// An article's lead image.
    image,
}

/// Why an article was stored with its feed's content instead of its page's.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct FallbackLabels {
    pub reason: FallbackReason,
}

#[derive(Debug, Clone, Copy, Hash, PartialEq, Eq, EncodeLabelValue)]
#[allow(non_camel_case_types)]
pub enum FallbackReason {
    /// The page was not fetched (robots.txt, a fetch error) or the extractor failed.
    no_page,
    /// The page's text was shorter than the feed's.
    short_page,
}

type HistogramFamily<L> = Family<L, Histogram, fn() -> Histogram>;

/// The background work's metrics (cheap to clone: every handle is shared).
#[derive(Clone, Debug)]
pub struct WorkerMetrics {
    polls: Family<PollLabels, Counter>,
    fetch_seconds: HistogramFamily<FetchLabels>,
    articles_stored: Counter,
    extraction_fallbacks: Family<FallbackLabels, Counter>,
    placement_lag_seconds: Histogram,
    registry: Arc<Registry>,
}

fn fetch_histogram() -> Histogram {
    // 10 ms to about 41 s.
    Histogram::new(exponential_buckets(0.01, 2.0, 13))
}

impl Default for WorkerMetrics {
    fn default() -> Self {
        WorkerMetrics::new()
    }
}

impl WorkerMetrics {
    /// Fresh metrics, registered in a registry of their own.
    pub fn new() -> Self {
        let polls = Family::default();
        let fetch_seconds: HistogramFamily<FetchLabels> =
            Family::new_with_constructor(fetch_histogram);
        let articles_stored = Counter::default();
        let extraction_fallbacks = Family::default();
        // 0.1 s to about 27 minutes.
        let placement_lag_seconds = Histogram::new(exponential_buckets(0.1, 2.0, 15));
        let mut registry = Registry::with_prefix(METRICS_PREFIX);
        registry.register(
            "polls",
            "Feed polls finished, by outcome and kind of error",
            polls.clone(),
        );
        registry.register_with_unit(
            "fetch_duration",
            "Time taken by requests through the guarded fetcher, feeds and article pages",
            Unit::Seconds,
            fetch_seconds.clone(),
        );
        registry.register(
            "articles_stored",
            "Articles stored by this process's polls",
            articles_stored.clone(),
        );
        registry.register(
            "extraction_fallbacks",
            "Articles stored with the feed's own content because the page could not be used",
            extraction_fallbacks.clone(),
        );
        registry.register_with_unit(
            "story_placement_lag",
            "Time from an article being stored to its placement in a story",
            Unit::Seconds,
            placement_lag_seconds.clone(),
        );
        WorkerMetrics {
            polls,
            fetch_seconds,
            articles_stored,
            extraction_fallbacks,
            placement_lag_seconds,
            registry: Arc::new(registry),
        }
    }

    /// The registry holding these metrics, for the web layer to encode.
    pub fn registry(&self) -> Arc<Registry> {
        Arc::clone(&self.registry)
    }

    /// A poll finished with `status`; `error` is the kind of failure when it failed.
    pub fn poll_finished(&self, status: FeedStatus, error: Option<&'static str>) {
        let outcome = match status {
            FeedStatus::Ok => PollOutcome::ok,
            FeedStatus::NotModified => PollOutcome::not_modified,
            FeedStatus::Error => PollOutcome::error,
        };
        self.polls
            .get_or_create(&PollLabels {
                outcome,
                error: error.unwrap_or(""),
            })
            .inc();
    }

    /// A request through the fetcher took `elapsed`, successful or not.
    pub fn fetched(&self, target: FetchTarget, elapsed: Duration) {
        self.fetch_seconds
            .get_or_create(&FetchLabels { target })
            .observe(elapsed.as_secs_f64());
    }

    /// An article was stored; `fallback` says why its body is the feed's, when it is.
    pub fn article_stored(&self, fallback: Option<FallbackReason>) {
        self.articles_stored.inc();
        if let Some(reason) = fallback {
            self.extraction_fallbacks
                .get_or_create(&FallbackLabels { reason })
                .inc();
        }
    }

    /// An article stored `lag` ago was placed in a story.
    pub fn article_placed(&self, lag: Duration) {
        self.placement_lag_seconds.observe(lag.as_secs_f64());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_show_in_the_registry_under_prometheus_names() {
        let metrics = WorkerMetrics::new();
        metrics.poll_finished(FeedStatus::Error, Some("timeout"));
        metrics.poll_finished(FeedStatus::Ok, None);
        metrics.article_stored(Some(FallbackReason::short_page));
        metrics.fetched(FetchTarget::page, Duration::from_millis(30));
        metrics.article_placed(Duration::from_secs(2));
        let mut text = String::new();
        prometheus_client::encoding::prometheus_text::encode(&mut text, &metrics.registry())
            .expect("encodes");
        for line in [
            r#"tidings_polls_total{outcome="error",error="timeout"} 1"#,
            r#"tidings_polls_total{outcome="ok",error=""} 1"#,
            "tidings_articles_stored_total 1",
            r#"tidings_extraction_fallbacks_total{reason="short_page"} 1"#,
            r#"tidings_fetch_duration_seconds_count{target="page"} 1"#,
            "tidings_story_placement_lag_seconds_count 1",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} missing in\n{text}");
        }
    }
}
