//! What a signed-in reader keeps: follows of tags, sources and stories, saved articles and
//! read marks. Owns the Follow/Save/read forms ([`forms`]), the reader's controls spliced into
//! the cached article, tag, source and story pages ([`controls`]), the For you, Saved and
//! Following pages with the OPML export of followed feeds ([`pages`]) and the
//! `/api/v1/me/…` API ([`api`]). Storage is [`tidings_core::FollowStore`].

mod api;
mod controls;
mod forms;
mod pages;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{delete, get, post};
use tidings_core::{FollowKind, FollowTarget, MAX_FOLLOWS, UserId};

use crate::AppState;
use crate::error::{WebError, WebResult};

pub(crate) use controls::{ReaderPage, reader_controls};
pub(crate) use pages::{for_you, wants_for_you};

/// The largest form or JSON body these routes read, in bytes.
const MAX_REQUEST_BYTES: usize = 8 * 1024;

/// The forms, pages and API routes of follows and saved articles.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/follow", post(forms::follow))
        .route("/unfollow", post(forms::unfollow))
        .route("/article/{id}/save", post(forms::save))
        .route("/article/{id}/unsave", post(forms::unsave))
        .route("/article/{id}/read", post(forms::mark_read))
        .route("/article/{id}/unread", post(forms::mark_unread))
        .route("/saved", get(pages::saved))
        .route("/following", get(pages::following))
        .route("/following.opml", get(pages::following_opml))
        .route(
            "/api/v1/me/follows",
            get(api::list_follows).post(api::add_follow),
        )
        .route(
            "/api/v1/me/follows/{kind}/{key}",
            delete(api::remove_follow),
        )
        .route(
            "/api/v1/me/saved",
            get(api::list_saved).post(api::add_saved),
        )
        .route("/api/v1/me/saved/{id}", delete(api::remove_saved))
        .layer(DefaultBodyLimit::max(MAX_REQUEST_BYTES))
}

/// The target named by a form or the API, checked.
fn parse_target(kind: &str, key: &str) -> WebResult<FollowTarget> {
    let kind = FollowKind::parse(kind.trim()).ok_or_else(|| {
        WebError::BadRequest(format!(
            "kind must be tag, source or story, not {:?}",
            kind.chars().take(40).collect::<String>()
        ))
    })?;
    FollowTarget::new(kind, key).map_err(WebError::from)
}

/// Follows `target` (after a merge, the story it became), naming it as its page does;
/// `NotFound` when there is no such tag, source or story, `Unprocessable` past
/// [`MAX_FOLLOWS`]. Returns the target followed.
async fn follow_target(
    state: &AppState,
    user: UserId,
    target: FollowTarget,
) -> WebResult<FollowTarget> {
    let storage = &state.storage;
    let (target, label) = match target.kind {
        FollowKind::Tag => {
            let found = storage.tag(&target.key).await?;
            let tag = found.ok_or_else(|| WebError::NotFound(format!("Tag {:?}", target.key)))?;
            (target, format!("#{}", tag.tag.label))
        }
        FollowKind::Source => {
            let found = storage.publisher(&target.key).await?;
            let publisher =
                found.ok_or_else(|| WebError::NotFound(format!("Source {:?}", target.key)))?;
            (target, publisher.name)
        }
        FollowKind::Story => {
            let id = target.story_id().unwrap_or_default();
            let id = storage.story_redirect(id).await?.unwrap_or(id);
            let story = storage
                .story(id)
                .await?
                .ok_or_else(|| WebError::NotFound(format!("Story {id}")))?;
            (FollowTarget::story(id), story.headline)
        }
    };
    if storage.is_following(user, &target).await? {
        return Ok(target);
    }
    if storage.follows(user).await?.len() >= MAX_FOLLOWS {
        return Err(WebError::Unprocessable(format!(
            "you follow {MAX_FOLLOWS} tags, sources and stories already; unfollow some first"
        )));
    }
    storage
        .follow(user, &target, &label, chrono::Utc::now())
        .await?;
    Ok(target)
}
