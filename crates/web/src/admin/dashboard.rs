//! The console's dashboard: feeds failing with their last error, jobs by state, articles
//! waiting for story placement, articles today, the database's size and the last poll.

use askama::Template;
use axum::extract::State;
use axum::response::Html;
use chrono::{Duration, Utc};
use tidings_core::{FeedFilter, FeedSort, JobCounts, PageRequest, SiteOverview};

use super::access::{AdminResult, require_admin};
use super::jobs::{TaskView, task_view};
use crate::AppState;
use crate::readers::Viewer;
use crate::views::{Chrome, TimeView};

/// Failing feeds listed on the dashboard.
const FAILING_SHOWN: u32 = 10;
const TASKS_SHOWN: u32 = 5;

#[derive(Template)]
#[template(path = "admin/dashboard.html")]
pub struct DashboardPage {
    pub chrome: Chrome,
    pub overview: SiteOverview,
    pub jobs: JobCounts,
    pub database_size: String,
    pub last_poll: Option<TimeView>,
    pub failing: Vec<FailingFeedView>,
    pub tasks: Vec<TaskView>,
}

pub struct FailingFeedView {
    pub id: i64,
    pub publisher: String,
    pub failures: i64,
    pub last_error: String,
}

pub async fn dashboard(State(state): State<AppState>, viewer: Viewer) -> AdminResult<Html<String>> {
    require_admin(&viewer, "/admin")?;
    let now = Utc::now();
    let storage = &state.storage;
    let overview = storage.site_overview(now - Duration::hours(24)).await?;
    let jobs = storage.job_counts().await?;
    let failing = storage
        .admin_feeds(
            FeedFilter::Failing,
            FeedSort::Failures,
            PageRequest::new(1, FAILING_SHOWN),
        )
        .await?
        .items
        .into_iter()
        .map(|f| FailingFeedView {
            id: f.feed.id,
            publisher: f.feed.publisher,
            failures: f.feed.consecutive_failures,
            last_error: f.feed.last_error.unwrap_or_default(),
        })
        .collect();
    let mut tasks = Vec::new();
    for task in storage.operator_tasks(TASKS_SHOWN).await? {
        tasks.push(task_view(&state, task, now).await?);
    }
    let page = DashboardPage {
        chrome: Chrome::new(&state.site, "Console", None),
        database_size: tidings_core::human_bytes(
            u64::try_from(overview.database_bytes).unwrap_or(0),
        ),
        last_poll: overview.last_poll_at.map(|at| TimeView::new(at, now)),
        overview,
        jobs,
        failing,
        tasks,
    };
    Ok(Html(page.render()?))
}
