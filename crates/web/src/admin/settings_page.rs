//! The console's settings page: the configuration in effect, secrets masked, and a test of
//! the AI endpoint.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::response::Html;
use tidings_core::ModerationAction;

use super::access::{AdminResult, admin_action, audit, require_admin};
use super::backend::SettingLine;
use super::feed_actions::CsrfOnly;
use crate::AppState;
use crate::readers::Viewer;
use crate::views::Chrome;

#[derive(Template)]
#[template(path = "admin/settings.html")]
pub struct SettingsPage {
    pub chrome: Chrome,
    pub csrf_token: String,
    pub settings: Vec<SettingLine>,
    pub unavailable: Option<String>,
    /// The AI test's outcome: whether it worked, and what it said.
    pub ai_test: Option<(bool, String)>,
}

fn page(state: &AppState, viewer: &Viewer, ai_test: Option<(bool, String)>) -> SettingsPage {
    let (settings, unavailable) = match state.admin.backend() {
        Ok(backend) => (backend.settings(), None),
        Err(e) => (Vec::new(), Some(e)),
    };
    SettingsPage {
        chrome: Chrome::new(&state.site, "Settings", None),
        csrf_token: viewer.csrf_token.clone(),
        settings,
        unavailable,
        ai_test,
    }
}

pub async fn show(State(state): State<AppState>, viewer: Viewer) -> AdminResult<Html<String>> {
    require_admin(&viewer, "/admin/settings")?;
    Ok(Html(page(&state, &viewer, None).render()?))
}

pub async fn test_ai(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<CsrfOnly>,
) -> AdminResult<Html<String>> {
    let admin = admin_action(&viewer, form.csrf_token.as_deref())?;
    let outcome = match state.admin.backend() {
        Ok(backend) => match backend.test_ai().await {
            Ok(answer) => (true, answer),
            Err(e) => (false, e),
        },
        Err(e) => (false, e),
    };
    let note = if outcome.0 { "worked" } else { "failed" };
    audit(
        &state,
        admin,
        ModerationAction::AdminAiTest,
        None,
        format!("AI endpoint test {note}"),
    )
    .await?;
    Ok(Html(page(&state, &viewer, Some(outcome)).render()?))
}
