//! Reader accounts and their discussion: sign-up and sign-in with sessions and API tokens,
//! CSRF protection, comments on articles (pages and JSON API) and moderation.
//!
//! Everything here is reached through [`routes`], merged into the site's router, and is
//! configured by one [`AccountSettings`] value in the app state.

mod account_pages;
mod comment_actions;
mod comment_api;
mod comment_forms;
mod comment_policy;
mod comment_render;
mod comment_thread;
mod csrf;
mod moderation_pages;
mod passwords;
mod session;
mod settings;
mod token_pages;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::HeaderValue;
use axum::http::header::CACHE_CONTROL;
use axum::routing::{get, patch, post};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::set_header::SetResponseHeaderLayer;

use crate::AppState;

pub(crate) use account_pages::local_path;
pub(crate) use comment_api::json_body;
pub use comment_api::{EditCommentJson, NewCommentJson};
pub(crate) use comment_forms::parse_id;
pub use comment_render::render_comment_markdown;
pub use comment_thread::{CommentsQuery, CommentsSection};
pub(crate) use csrf::CSRF_HEADER;
pub use passwords::{PasswordError, hash_password, verify_password};
pub(crate) use session::bearer_token;
pub(crate) use session::{SESSION_COOKIE, cookie_value};
pub use session::{Viewer, hash_token, new_token};
pub use settings::{AccountSettings, CommentRules};

/// The largest request body these routes read (forms and JSON), in bytes.
pub const MAX_REQUEST_BYTES: usize = 64 * 1024;

/// Account, comment, moderation and comment-API routes, with their body size limit.
pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(private_pages())
        .route("/article/{id}/comments", post(comment_forms::post_comment))
        .route("/comments/{id}/edit", post(comment_forms::edit_comment))
        .route("/comments/{id}/delete", post(comment_forms::delete_comment))
        .route("/comments/{id}/report", post(comment_forms::report_comment))
        .route(
            "/api/v1/articles/{id}/comments",
            get(comment_api::list).post(comment_api::create),
        )
        .route(
            "/api/v1/comments/{id}",
            patch(comment_api::edit).delete(comment_api::delete),
        )
        .layer(DefaultBodyLimit::max(MAX_REQUEST_BYTES))
        .layer(RequestBodyLimitLayer::new(MAX_REQUEST_BYTES))
}

/// Pages showing secrets or personal data (the account page with a new token, reset links,
/// the moderation queue and log): never kept by a browser or proxy cache.
fn private_pages() -> Router<AppState> {
    Router::new()
        .route(
            "/account/register",
            get(account_pages::register_form).post(account_pages::register),
        )
        .route(
            "/account/signin",
            get(account_pages::signin_form).post(account_pages::signin),
        )
        .route("/account/signout", post(account_pages::signout))
        .route(
            "/account/signout-everywhere",
            post(account_pages::signout_everywhere),
        )
        .route("/account", get(token_pages::account))
        .route("/account/tokens", post(token_pages::create_token))
        .route(
            "/account/tokens/{id}/revoke",
            post(token_pages::revoke_token),
        )
        .route(
            "/account/reset/{token}",
            get(account_pages::reset_form).post(account_pages::reset_password),
        )
        .route("/moderation", get(moderation_pages::queue))
        .route("/moderation/log", get(moderation_pages::log))
        .route(
            "/moderation/comments/{id}/{action}",
            post(moderation_pages::comment_action),
        )
        .route(
            "/moderation/users/{id}/{action}",
            post(moderation_pages::user_action),
        )
        .layer(SetResponseHeaderLayer::overriding(
            CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
}

/// Fills in each card's count of public comments.
pub async fn with_comment_counts(
    state: &AppState,
    mut cards: Vec<crate::views::CardView>,
) -> crate::WebResult<Vec<crate::views::CardView>> {
    let ids: Vec<i64> = cards.iter().map(|c| c.id).collect();
    let counts: std::collections::HashMap<i64, i64> = state
        .storage
        .comment_counts(&ids)
        .await?
        .into_iter()
        .collect();
    for card in &mut cards {
        card.comment_count = counts.get(&card.id).copied().unwrap_or(0);
    }
    Ok(cards)
}
