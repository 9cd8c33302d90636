//! The AI panel on article pages ("Explore what Tidings AI can do for you"), its JSON API,
//! story briefs and the daily briefing. The features live in `tidings-ai`; this module owns
//! the HTTP side: the panel's view, sentence anchors in the body, the per-client question
//! limit and the routes.

mod anchors;
mod api;
mod briefing;
mod panel;
mod rate_limit;

use axum::Router;
use axum::routing::get;

pub use api::AskBody;
pub use briefing::brief_for_story;
pub use panel::{AiPanelView, PanelRequest, attach_panel};
pub use rate_limit::QuestionLimiter;

pub use crate::client_address::ClientIp;

use crate::AppState;

/// What the AI routes share: the assistant (offline, or with a model) and the question
/// limiter.
#[derive(Clone, Default)]
pub struct AiServices {
    pub assistant: tidings_ai::Assistant,
    pub limiter: QuestionLimiter,
}

impl AiServices {
    pub fn new(assistant: tidings_ai::Assistant) -> Self {
        AiServices {
            assistant,
            limiter: QuestionLimiter::default(),
        }
    }
}

/// The AI routes: JSON API, streaming answers and the briefing (the panel's script is one of
/// the site's static assets).
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/articles/{id}/summary", get(api::summary))
        .route("/api/v1/articles/{id}/key-points", get(api::key_points))
        .route("/api/v1/articles/{id}/ask", axum::routing::post(api::ask))
        .route("/api/v1/articles/{id}/ask/stream", get(api::ask_stream))
        .route("/api/v1/stories/{id}/brief", get(briefing::story_brief_api))
        .route("/briefing", get(briefing::briefing_page))
        .route("/briefing.atom", get(briefing::briefing_feed))
}
