//! The `/metrics` handler: who may read it, and the figures read at scrape time (storage's
//! counts and the page cache's statistics) beside the counters kept in the registries.

use std::sync::atomic::AtomicU64;

use axum::extract::State;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use chrono::{Duration, Utc};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::prometheus_text::{CONTENT_TYPE, encode};
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::registry::{Registry, Unit};

use crate::AppState;
use crate::readers::bearer_token;

/// The prefix of every metric name.
pub(super) const PREFIX: &str = "tidings";

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct JobLabels {
    state: &'static str,
}

/// Whether the request may read the metrics: it carries the configured bearer token, or it
/// comes from loopback by the address every throttle uses (the socket's; behind a trusted
/// proxy, the hop the proxy added, so requests through the proxy are not loopback).
fn allowed(state: &AppState, parts: &Parts) -> bool {
    let token = state.metrics.token();
    if let Some(Some(offered)) = bearer_token(&parts.headers)
        && token.matches(&offered)
    {
        return true;
    }
    crate::client_address(parts, state.accounts.trust_forwarded_for)
        .is_some_and(|address| address.to_canonical().is_loopback())
}

/// `GET /metrics`.
pub async fn scrape(State(state): State<AppState>, parts: Parts) -> Response {
    if !allowed(&state, &parts) {
        return (
            StatusCode::FORBIDDEN,
            "/metrics is served to loopback clients and to the configured bearer token\n",
        )
            .into_response();
    }
    let mut text = String::new();
    let scraped = read_at_scrape(&state).await;
    let encoded = state
        .metrics
        .registries()
        .chain(std::iter::once(&scraped))
        .try_for_each(|registry| encode(&mut text, registry));
    if let Err(error) = encoded {
        tracing::error!(%error, "the metrics could not be encoded");
        return StatusCode::INTERNAL_SERVER_ERROR.into_response();
    }
    let mut response = text.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(CONTENT_TYPE));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The figures read when scraped: the page cache's statistics, and what storage counts
/// (left out, and logged, when storage cannot be read).
async fn read_at_scrape(state: &AppState) -> Registry {
    let mut registry = Registry::with_prefix(PREFIX);
    register_page_cache(&mut registry, state);
    let storage = &state.storage;
    let (jobs, overview) = match (
        storage.job_counts().await,
        storage
            .site_overview(Utc::now() - Duration::hours(24))
            .await,
    ) {
        (Ok(jobs), Ok(overview)) => (jobs, overview),
        (Err(error), _) | (_, Err(error)) => {
            tracing::warn!(%error, "the metrics read from storage are left out");
            return registry;
        }
    };
    let by_state: Family<JobLabels, Gauge> = Family::default();
    for (name, count) in [
        ("queued", jobs.queued),
        ("running", jobs.running),
        ("dead", jobs.dead),
    ] {
        by_state
            .get_or_create(&JobLabels { state: name })
            .set(count);
    }
    registry.register("jobs", "Jobs in the shared queue, by state", by_state);
    let gauges = [
        ("articles", "Articles stored", None, overview.articles),
        (
            "articles_unplaced",
            "Stored articles waiting for story placement",
            None,
            overview.unplaced_articles,
        ),
        ("feeds", "Feeds", None, overview.feeds),
        (
            "feeds_failing",
            "Feeds whose last poll failed",
            None,
            overview.failing_feeds,
        ),
        (
            "database_size",
            "The database's size",
            Some(Unit::Bytes),
            overview.database_bytes,
        ),
    ];
    for (name, help, unit, value) in gauges {
        let gauge: Gauge = Gauge::default();
        gauge.set(value);
        match unit {
            Some(unit) => registry.register_with_unit(name, help, unit, gauge),
            None => registry.register(name, help, gauge),
        }
    }
    registry
}

/// The page cache's hits and misses since the process started (their ratio is the hit
/// ratio), with the ratio itself and the cache's size.
fn register_page_cache(registry: &mut Registry, state: &AppState) {
    let stats = state.cache.stats();
    let counters = [
        (
            "page_cache_hits",
            "Pages served from the page cache",
            stats.hits,
        ),
        (
            "page_cache_misses",
            "Cacheable pages rendered because the cache had no current copy",
            stats.misses,
        ),
        (
            "page_cache_evictions",
            "Pages evicted from the page cache to make room",
            stats.evictions,
        ),
    ];
    for (name, help, value) in counters {
        let counter: Counter = Counter::default();
        counter.inc_by(value);
        registry.register(name, help, counter);
    }
    let ratio: Gauge<f64, AtomicU64> = Gauge::default();
    ratio.set(stats.hit_rate());
    registry.register(
        "page_cache_hit_ratio",
        "Page cache hits over lookups since the process started",
        ratio,
    );
    let bytes: Gauge = Gauge::default();
    bytes.set(i64::try_from(stats.bytes).unwrap_or(i64::MAX));
    registry.register_with_unit(
        "page_cache_size",
        "Bytes the cached pages take",
        Unit::Bytes,
        bytes,
    );
}
