//! The console's feed list: every feed with its title, URL, status, last fetch, last error,
//! failures in a row, next fetch, article count, policy and interval, filtered by status,
//! sorted and paged (50 a page, so thousands of feeds stay quick), with the add-a-feed and
//! OPML forms above it.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::Html;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use tidings_core::{AdminFeed, FeedFilter, FeedSort, PageRequest};

use super::access::{AdminResult, bad_form, require_admin};
use crate::AppState;
use crate::readers::Viewer;
use crate::views::{Chrome, Pager, TimeView};

pub const FEEDS_PER_PAGE: u32 = 50;

#[derive(Template)]
#[template(path = "admin/feeds.html")]
pub struct FeedsPage {
    pub chrome: Chrome,
    pub csrf_token: String,
    pub status: &'static str,
    pub sort: &'static str,
    pub filters: Vec<(&'static str, i64)>,
    pub sorts: Vec<&'static str>,
    pub feeds: Vec<FeedRowView>,
    pub pager: Pager,
    pub total: i64,
}

pub struct FeedRowView {
    pub id: i64,
    pub title: String,
    pub url: String,
    pub publisher: String,
    /// "ok", "not modified", "error", "never fetched", or "paused".
    pub status: &'static str,
    pub paused: bool,
    pub last_fetch: Option<TimeView>,
    pub last_error: String,
    pub failures: i64,
    pub next_fetch: TimeView,
    pub article_count: i64,
    pub policy: &'static str,
    pub interval_minutes: i64,
}

impl FeedRowView {
    pub fn new(admin_feed: AdminFeed, now: DateTime<Utc>) -> Self {
        let AdminFeed {
            feed,
            paused,
            article_count,
        } = admin_feed;
        let status = match (paused, feed.last_status) {
            (true, _) => "paused",
            (false, None) => "never fetched",
            (false, Some(tidings_core::FeedStatus::Ok)) => "ok",
            (false, Some(tidings_core::FeedStatus::NotModified)) => "not modified",
            (false, Some(tidings_core::FeedStatus::Error)) => "error",
        };
        FeedRowView {
            id: feed.id,
            title: feed.title.unwrap_or_default(),
            url: feed.url,
            publisher: feed.publisher,
            status,
            paused,
            last_fetch: feed.last_fetch_at.map(|at| TimeView::new(at, now)),
            last_error: feed.last_error.unwrap_or_default(),
            failures: feed.consecutive_failures,
            next_fetch: TimeView::new(feed.next_fetch_at, now),
            article_count,
            policy: feed.policy.as_str(),
            interval_minutes: feed.interval_secs / 60,
        }
    }
}

#[derive(Debug, Deserialize, Default)]
pub struct FeedsQuery {
    pub status: Option<String>,
    pub sort: Option<String>,
    pub page: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<FeedsQuery>,
) -> AdminResult<Html<String>> {
    require_admin(&viewer, "/admin/feeds")?;
    let filter = match query.status.as_deref().filter(|s| !s.is_empty()) {
        None => FeedFilter::All,
        Some(raw) => FeedFilter::parse(raw).ok_or_else(|| {
            bad_form(format!(
                "status must be one of all, failing, healthy, new, paused; not {raw:?}"
            ))
        })?,
    };
    let sort = match query.sort.as_deref().filter(|s| !s.is_empty()) {
        None => FeedSort::Added,
        Some(raw) => FeedSort::parse(raw).ok_or_else(|| {
            bad_form(format!(
                "sort must be one of added, publisher, failures, last_fetch, next_fetch; not {raw:?}"
            ))
        })?,
    };
    let page = crate::pages::parse_page(query.page.as_deref())?;
    let now = Utc::now();
    let storage = &state.storage;
    let listed = storage
        .admin_feeds(filter, sort, PageRequest::new(page, FEEDS_PER_PAGE))
        .await?;
    let mut filters = Vec::new();
    for f in FeedFilter::ALL {
        filters.push((f.as_str(), storage.count_feeds(f).await?));
    }
    let total = filters
        .iter()
        .find(|(name, _)| *name == filter.as_str())
        .map_or(0, |(_, n)| *n);
    let view = FeedsPage {
        chrome: Chrome::new(&state.site, "Feeds", None),
        csrf_token: viewer.csrf_token.clone(),
        status: filter.as_str(),
        sort: sort.as_str(),
        filters,
        sorts: FeedSort::ALL.iter().map(|s| s.as_str()).collect(),
        feeds: listed
            .items
            .into_iter()
            .map(|f| FeedRowView::new(f, now))
            .collect(),
        pager: Pager::new(
            "/admin/feeds",
            &[("status", filter.as_str()), ("sort", sort.as_str())],
            page,
            listed.has_more,
        ),
        total,
    };
    Ok(Html(view.render()?))
}
