//! What an operator does to feeds: pause, resume, refresh now, remove, change policy and
//! interval, and refresh every feed (a task whose progress the jobs page shows).

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Redirect;
use chrono::Utc;
use serde::Deserialize;
use tidings_core::{ModerationAction, RepublishPolicy};

use super::access::{AdminResult, admin_action, audit, bad_form, path_id};
use super::jobs::REFRESH_ALL_TASK;
use crate::AppState;
use crate::error::WebError;
use crate::readers::Viewer;

/// The longest polling interval the console sets: a week, in minutes.
const MAX_INTERVAL_MINUTES: i64 = 7 * 24 * 60;

#[derive(Debug, Deserialize)]
pub struct FeedActionForm {
    pub csrf_token: Option<String>,
    pub policy: Option<String>,
    pub interval_minutes: Option<String>,
}

pub async fn feed_action(
    State(state): State<AppState>,
    Path((raw_id, action)): Path<(String, String)>,
    viewer: Viewer,
    Form(form): Form<FeedActionForm>,
) -> AdminResult<Redirect> {
    let admin = admin_action(&viewer, form.csrf_token.as_deref())?;
    let id = path_id(&raw_id, "Feed")?;
    let storage = &state.storage;
    let feed = storage
        .feed(id)
        .await?
        .ok_or_else(|| WebError::NotFound(format!("Feed {id}")))?;
    let (kind, note) = match action.as_str() {
        "pause" => {
            storage.set_feed_paused(id, true).await?;
            (ModerationAction::AdminFeedPause, String::new())
        }
        "resume" => {
            storage.set_feed_paused(id, false).await?;
            (ModerationAction::AdminFeedResume, String::new())
        }
        "refresh" => {
            storage.schedule_feeds_now(Some(id), Utc::now()).await?;
            (ModerationAction::AdminFeedRefresh, String::new())
        }
        "remove" => {
            storage.remove_feed(id).await?;
            (ModerationAction::AdminFeedRemove, String::new())
        }
        "settings" => {
            let policy = form
                .policy
                .as_deref()
                .and_then(RepublishPolicy::parse)
                .ok_or_else(|| bad_form("policy must be full or excerpt"))?;
            let minutes = form
                .interval_minutes
                .as_deref()
                .map(str::trim)
                .and_then(|m| m.parse::<i64>().ok())
                .filter(|m| (1..=MAX_INTERVAL_MINUTES).contains(m))
                .ok_or_else(|| {
                    bad_form(format!(
                        "interval_minutes must be a whole number from 1 to {MAX_INTERVAL_MINUTES}"
                    ))
                })?;
            storage
                .update_feed_settings(id, policy, minutes * 60)
                .await?;
            (
                ModerationAction::AdminFeedEdit,
                format!("policy {}, every {minutes} min", policy.as_str()),
            )
        }
        other => return Err(WebError::NotFound(format!("Feed action {other:?}")).into()),
    };
    let note = format!("feed {id} ({}) {note}", feed.url)
        .trim_end()
        .to_owned();
    audit(&state, admin, kind, None, note).await?;
    if action == "remove" {
        Ok(Redirect::to("/admin/feeds"))
    } else {
        Ok(Redirect::to(&format!("/admin/feeds#feed-{id}")))
    }
}

#[derive(Debug, Deserialize)]
pub struct CsrfOnly {
    pub csrf_token: Option<String>,
}

/// Makes every feed that is not paused due now; the scheduler queues a poll job for each,
/// and the task's page counts the feeds polled since.
pub async fn refresh_all(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<CsrfOnly>,
) -> AdminResult<Redirect> {
    let admin = admin_action(&viewer, form.csrf_token.as_deref())?;
    let storage = &state.storage;
    let task = storage
        .create_operator_task(REFRESH_ALL_TASK, "Refresh all feeds", 0)
        .await?;
    let scheduled = storage.schedule_feeds_now(None, Utc::now()).await?;
    storage
        .record_task_progress(
            task,
            0,
            0,
            Some(&format!("{scheduled} feeds due now")),
            false,
        )
        .await?;
    audit(
        &state,
        admin,
        ModerationAction::AdminRefreshAll,
        None,
        format!("{scheduled} feeds due now"),
    )
    .await?;
    Ok(Redirect::to(&format!("/admin/tasks/{task}")))
}
