//! The console's publishers: each with its article count, a new display name and the
//! republish policy of its feeds and articles.

use askama::Template;
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{Html, Redirect};
use serde::Deserialize;
use tidings_core::{ModerationAction, Publisher, RepublishPolicy};

use super::access::{AdminResult, admin_action, audit, bad_form, require_admin};
use crate::AppState;
use crate::error::WebError;
use crate::readers::Viewer;
use crate::views::Chrome;

#[derive(Template)]
#[template(path = "admin/publishers.html")]
pub struct PublishersPage {
    pub chrome: Chrome,
    pub csrf_token: String,
    pub publishers: Vec<Publisher>,
}

pub async fn list(State(state): State<AppState>, viewer: Viewer) -> AdminResult<Html<String>> {
    require_admin(&viewer, "/admin/publishers")?;
    let page = PublishersPage {
        chrome: Chrome::new(&state.site, "Publishers", None),
        csrf_token: viewer.csrf_token.clone(),
        publishers: state.storage.publishers().await?,
    };
    Ok(Html(page.render()?))
}

#[derive(Debug, Deserialize)]
pub struct PublisherForm {
    pub csrf_token: Option<String>,
    pub name: Option<String>,
    /// "full", "excerpt", or empty to keep each feed's own.
    pub policy: Option<String>,
}

pub async fn update(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    viewer: Viewer,
    Form(form): Form<PublisherForm>,
) -> AdminResult<Redirect> {
    let admin = admin_action(&viewer, form.csrf_token.as_deref())?;
    let current = state
        .storage
        .publisher(&slug)
        .await?
        .ok_or_else(|| WebError::NotFound(format!("Publisher {slug:?}")))?;
    let name = form
        .name
        .as_deref()
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or(&current.name);
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
    state.storage.update_publisher(&slug, name, policy).await?;
    let policy_note = policy.map_or("unchanged", RepublishPolicy::as_str);
    audit(
        &state,
        admin,
        ModerationAction::AdminPublisherEdit,
        None,
        format!("{} → {name}, policy {policy_note}", current.name),
    )
    .await?;
    Ok(Redirect::to("/admin/publishers"))
}
