//! Adding feeds from the console: discovery first (the feeds found at a site or feed URL are
//! shown before anything is added), then adding the one chosen; OPML upload (imported by a
//! job, with its progress on a task page) and download.

use askama::Template;
use axum::Form;
use axum::extract::{Multipart, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::Utc;
use serde::Deserialize;
use tidings_core::{ModerationAction, NewJob, RepublishPolicy};

use super::access::{AdminResult, admin_action, audit, bad_form, require_admin};
use super::backend::{AddFeedRequest, FoundFeed, IMPORT_OPML_JOB};
use crate::AppState;
use crate::error::WebError;
use crate::readers::Viewer;
use crate::views::Chrome;

/// The longest URL accepted from the form.
const MAX_URL_CHARS: usize = 2000;

#[derive(Template)]
#[template(path = "admin/discovered.html")]
pub struct DiscoveredPage {
    pub chrome: Chrome,
    pub csrf_token: String,
    pub asked: String,
    pub allow_private: bool,
    pub found: Vec<FoundFeed>,
    pub error: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct DiscoverForm {
    pub csrf_token: Option<String>,
    pub url: Option<String>,
    pub allow_private: Option<String>,
}

fn form_url(raw: Option<&str>) -> AdminResult<String> {
    let url = raw.map(str::trim).unwrap_or("");
    if url.is_empty() {
        return Err(bad_form("url is missing"));
    }
    if url.chars().count() > MAX_URL_CHARS {
        return Err(bad_form(format!(
            "url is longer than {MAX_URL_CHARS} characters"
        )));
    }
    match url::Url::parse(url) {
        Ok(parsed) if matches!(parsed.scheme(), "http" | "https") => Ok(url.to_owned()),
        Ok(_) => Err(bad_form(format!("{url} is not an http or https URL"))),
        Err(e) => Err(bad_form(format!("{url:?} is not a URL: {e}"))),
    }
}

fn checked(raw: Option<&str>) -> bool {
    matches!(raw, Some("on" | "true" | "1"))
}

pub async fn discover(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<DiscoverForm>,
) -> AdminResult<Html<String>> {
    admin_action(&viewer, form.csrf_token.as_deref())?;
    let url = form_url(form.url.as_deref())?;
    let allow_private = checked(form.allow_private.as_deref());
    let (found, error) = match state.admin.backend() {
        Ok(backend) => match backend.discover(&url, allow_private).await {
            Ok(found) if found.is_empty() => (found, Some(format!("{url} links to no feed"))),
            Ok(found) => (found, None),
            Err(e) => (Vec::new(), Some(e)),
        },
        Err(e) => (Vec::new(), Some(e)),
    };
    let page = DiscoveredPage {
        chrome: Chrome::new(&state.site, "Add a feed", None),
        csrf_token: viewer.csrf_token.clone(),
        asked: url,
        allow_private,
        found,
        error,
    };
    Ok(Html(page.render()?))
}

#[derive(Debug, Deserialize)]
pub struct AddForm {
    pub csrf_token: Option<String>,
    pub url: Option<String>,
    pub publisher: Option<String>,
    pub policy: Option<String>,
    pub interval_minutes: Option<String>,
    pub allow_private: Option<String>,
}

pub async fn add(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<AddForm>,
) -> AdminResult<Redirect> {
    let admin = admin_action(&viewer, form.csrf_token.as_deref())?;
    let url = form_url(form.url.as_deref())?;
    let policy = match form
        .policy
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
    {
        None => None,
        Some(raw) => Some(
            RepublishPolicy::parse(raw)
                .ok_or_else(|| bad_form("policy must be full or excerpt"))?,
        ),
    };
    let interval_minutes = match form
        .interval_minutes
        .as_deref()
        .map(str::trim)
        .filter(|m| !m.is_empty())
    {
        None => None,
        Some(raw) => Some(
            raw.parse::<u32>()
                .ok()
                .filter(|m| (1..=10_080).contains(m))
                .ok_or_else(|| {
                    bad_form("interval_minutes must be a whole number from 1 to 10080")
                })?,
        ),
    };
    let request = AddFeedRequest {
        url,
        publisher: form
            .publisher
            .map(|p| p.trim().to_owned())
            .filter(|p| !p.is_empty()),
        policy,
        interval_minutes,
        allow_private: checked(form.allow_private.as_deref()),
    };
    let backend = state.admin.backend().map_err(WebError::Unprocessable)?;
    let feed = backend
        .add_feed(request)
        .await
        .map_err(WebError::Unprocessable)?;
    audit(
        &state,
        admin,
        ModerationAction::AdminFeedAdd,
        None,
        format!("feed {} ({})", feed.id, feed.url),
    )
    .await?;
    Ok(Redirect::to(&format!("/admin/feeds#feed-{}", feed.id)))
}

/// Reads the upload (the CSRF field first, then the file), queues the import job and sends
/// the operator to its task page.
pub async fn import_opml(
    State(state): State<AppState>,
    viewer: Viewer,
    mut multipart: Multipart,
) -> AdminResult<Redirect> {
    let mut csrf = None;
    let mut document = None;
    let mut file_name = String::new();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| bad_form(format!("the upload could not be read: {e}")))?
    {
        match field.name() {
            Some("csrf_token") => {
                csrf = Some(
                    field
                        .text()
                        .await
                        .map_err(|e| bad_form(format!("the upload could not be read: {e}")))?,
                );
            }
            Some("opml") => {
                // The CSRF token comes first in the form; nothing is read for a forged one.
                admin_action(&viewer, csrf.as_deref())?;
                file_name = field
                    .file_name()
                    .unwrap_or("upload")
                    .chars()
                    .take(100)
                    .collect();
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| bad_form(format!("the OPML file could not be read: {e}")))?;
                let text = String::from_utf8(bytes.to_vec())
                    .map_err(|_| bad_form("the OPML file is not UTF-8 text"))?;
                document = Some(text);
            }
            _ => {}
        }
    }
    let admin = admin_action(&viewer, csrf.as_deref())?;
    let document = document
        .filter(|d| !d.trim().is_empty())
        .ok_or_else(|| bad_form("no OPML file was uploaded"))?;
    let storage = &state.storage;
    let label = format!("OPML import of {file_name}");
    let task = storage
        .create_operator_task(IMPORT_OPML_JOB, &label, 0)
        .await?;
    storage
        .enqueue_job(NewJob {
            kind: IMPORT_OPML_JOB.to_owned(),
            key: task.to_string(),
            payload: document,
            run_at: Utc::now(),
        })
        .await?;
    audit(
        &state,
        admin,
        ModerationAction::AdminOpmlImport,
        None,
        label,
    )
    .await?;
    Ok(Redirect::to(&format!("/admin/tasks/{task}")))
}

pub async fn export_opml(State(state): State<AppState>, viewer: Viewer) -> AdminResult<Response> {
    require_admin(&viewer, "/admin/feeds")?;
    let backend = state.admin.backend().map_err(WebError::Unprocessable)?;
    let opml = backend
        .export_opml()
        .await
        .map_err(WebError::Unprocessable)?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/x-opml; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"tidings-feeds.opml\"",
            ),
        ],
        opml,
    )
        .into_response())
}
