//! The console's jobs page: jobs by state, dead jobs with their last error (retry one or
//! all), and the operator tasks with their progress. A "refresh all" task counts the feeds
//! polled since it was asked for, so its progress is read live from the feeds.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{Html, Redirect};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use tidings_core::{JobCounts, ModerationAction, OperatorTask, StorageError};

use super::access::{AdminResult, admin_action, audit, bad_form, path_id, require_admin};
use crate::AppState;
use crate::error::WebError;
use crate::readers::Viewer;
use crate::views::{Chrome, TimeView};

/// The kind of the task that reschedules every feed.
pub const REFRESH_ALL_TASK: &str = "refresh_all";
const DEAD_SHOWN: u32 = 200;
const TASKS_SHOWN: u32 = 20;

#[derive(Template)]
#[template(path = "admin/jobs.html")]
pub struct JobsPage {
    pub chrome: Chrome,
    pub csrf_token: String,
    pub counts: JobCounts,
    pub dead: Vec<DeadJobView>,
    pub tasks: Vec<TaskView>,
}

pub struct DeadJobView {
    pub id: i64,
    pub kind: String,
    pub key: String,
    pub attempts: i32,
    pub last_error: String,
    pub created: TimeView,
}

pub struct TaskView {
    pub id: i64,
    pub label: String,
    /// "120 of 500 done, 3 failed" or "finished: …".
    pub progress: String,
    pub note: String,
    pub finished: bool,
    pub started: TimeView,
}

#[derive(Template)]
#[template(path = "admin/task.html")]
pub struct TaskPage {
    pub chrome: Chrome,
    pub task: TaskView,
}

/// The task as shown, its progress brought up to date first when it is a refresh of all
/// feeds.
pub async fn task_view(
    state: &AppState,
    mut task: OperatorTask,
    now: DateTime<Utc>,
) -> Result<TaskView, StorageError> {
    if task.kind == REFRESH_ALL_TASK && !task.finished {
        let (active, polled) = state.storage.polled_since(task.created_at).await?;
        task.total = active;
        task.done = polled;
        task.finished = polled >= active;
        state
            .storage
            .record_task_progress(task.id, polled, 0, None, task.finished)
            .await?;
    }
    let mut progress = if task.total > 0 {
        format!("{} of {} done", task.done, task.total)
    } else {
        format!("{} done", task.done)
    };
    if task.failed > 0 {
        progress.push_str(&format!(", {} failed", task.failed));
    }
    progress.push_str(if task.finished {
        " (finished)"
    } else {
        " (running)"
    });
    Ok(TaskView {
        id: task.id,
        label: task.label,
        progress,
        note: task.note,
        finished: task.finished,
        started: TimeView::new(task.created_at, now),
    })
}

pub async fn list(State(state): State<AppState>, viewer: Viewer) -> AdminResult<Html<String>> {
    require_admin(&viewer, "/admin/jobs")?;
    let now = Utc::now();
    let storage = &state.storage;
    let dead = storage
        .dead_jobs(DEAD_SHOWN)
        .await?
        .into_iter()
        .map(|job| DeadJobView {
            id: job.id,
            kind: job.kind,
            key: job.key,
            attempts: job.attempts,
            last_error: job.last_error.unwrap_or_default(),
            created: TimeView::new(job.created_at, now),
        })
        .collect();
    let mut tasks = Vec::new();
    for task in storage.operator_tasks(TASKS_SHOWN).await? {
        tasks.push(task_view(&state, task, now).await?);
    }
    let page = JobsPage {
        chrome: Chrome::new(&state.site, "Jobs", None),
        csrf_token: viewer.csrf_token.clone(),
        counts: storage.job_counts().await?,
        dead,
        tasks,
    };
    Ok(Html(page.render()?))
}

#[derive(Debug, Deserialize)]
pub struct RetryForm {
    pub csrf_token: Option<String>,
    /// A dead job's id, or "all".
    pub job: Option<String>,
}

pub async fn retry(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<RetryForm>,
) -> AdminResult<Redirect> {
    let admin = admin_action(&viewer, form.csrf_token.as_deref())?;
    let which = match form.job.as_deref().map(str::trim) {
        Some("all") => None,
        Some(raw) => Some(
            raw.parse::<i64>()
                .ok()
                .filter(|id| *id > 0)
                .ok_or_else(|| bad_form(format!("job must be an id or \"all\", not {raw:?}")))?,
        ),
        None => return Err(bad_form("job is missing: give an id or \"all\"")),
    };
    let retried = state.storage.retry_dead_jobs(which).await?;
    let note = match which {
        Some(id) => format!("job {id}: {retried} queued again"),
        None => format!("all dead jobs: {retried} queued again"),
    };
    audit(&state, admin, ModerationAction::AdminJobRetry, None, note).await?;
    Ok(Redirect::to("/admin/jobs"))
}

pub async fn task(
    State(state): State<AppState>,
    Path(raw_id): Path<String>,
    viewer: Viewer,
) -> AdminResult<Html<String>> {
    require_admin(&viewer, "/admin/jobs")?;
    let id = path_id(&raw_id, "Task")?;
    let task = state
        .storage
        .operator_task(id)
        .await?
        .ok_or_else(|| WebError::NotFound(format!("Task {id}")))?;
    let page = TaskPage {
        chrome: Chrome::new(&state.site, "Task", None),
        task: task_view(&state, task, Utc::now()).await?,
    };
    Ok(Html(page.render()?))
}
