//! The AI panel on article pages ("Explore what Tidings AI can do for you"), its JSON API,
//! story briefs and the daily briefing. The features live in `tidings-ai`; this module owns
//! the HTTP side: the panel's view, sentence anchors in the body, the per-client question
//! limit and the routes.

mod anchors;
mod api;
mod briefing;
mod panel;
mod rate_limit;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::Router;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::routing::get;

pub use api::AskBody;
pub use briefing::brief_for_story;
pub use panel::{AiPanelView, PanelRequest, attach_panel};
pub use rate_limit::QuestionLimiter;

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

/// The client's address (from the connection; one shared bucket when unknown).
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |info| info.0.ip()),
        ))
    }
}

/// The AI routes: JSON API, streaming answers, the briefing and the panel's script.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/v1/articles/{id}/summary", get(api::summary))
        .route("/api/v1/articles/{id}/key-points", get(api::key_points))
        .route("/api/v1/articles/{id}/ask", axum::routing::post(api::ask))
        .route("/api/v1/articles/{id}/ask/stream", get(api::ask_stream))
        .route("/api/v1/stories/{id}/brief", get(briefing::story_brief_api))
        .route("/briefing", get(briefing::briefing_page))
        .route("/briefing.atom", get(briefing::briefing_feed))
        .route("/static/ai.js", get(api::script))
}
