//! The Follow, Unfollow, Save, Unsave and read-mark forms: POSTs with the reader's CSRF
//! token that answer with a redirect back to the page they came from, so they work without
//! JavaScript.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::Redirect;
use chrono::Utc;
use serde::Deserialize;

use crate::AppState;
use crate::error::{WebError, WebResult};
use crate::readers::{Viewer, local_path};

#[derive(Debug, Deserialize)]
pub struct FollowForm {
    pub csrf_token: Option<String>,
    pub kind: Option<String>,
    pub key: Option<String>,
    pub back: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct ArticleForm {
    pub csrf_token: Option<String>,
    pub back: Option<String>,
}

/// The signed-in reader behind a form with a valid CSRF token.
fn form_user(viewer: &Viewer, csrf_token: Option<&str>) -> WebResult<i64> {
    let user = viewer.require_user()?.id;
    viewer.check_csrf(csrf_token)?;
    Ok(user)
}

/// Where to go after the form: the page it names when that is on this site, else `fallback`.
fn back_to(back: Option<&str>, fallback: &str) -> Redirect {
    match back.filter(|b| !b.is_empty()) {
        Some(path) => Redirect::to(&local_path(Some(path))),
        None => Redirect::to(fallback),
    }
}

fn form_target(form: &FollowForm) -> WebResult<tidings_core::FollowTarget> {
    super::parse_target(
        form.kind.as_deref().unwrap_or(""),
        form.key.as_deref().unwrap_or(""),
    )
}

pub async fn follow(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<FollowForm>,
) -> WebResult<Redirect> {
    let user = form_user(&viewer, form.csrf_token.as_deref())?;
    let target = super::follow_target(&state, user, form_target(&form)?).await?;
    Ok(back_to(form.back.as_deref(), &target.path()))
}

pub async fn unfollow(
    State(state): State<AppState>,
    viewer: Viewer,
    Form(form): Form<FollowForm>,
) -> WebResult<Redirect> {
    let user = form_user(&viewer, form.csrf_token.as_deref())?;
    let target = form_target(&form)?;
    state.storage.unfollow(user, &target).await?;
    Ok(back_to(form.back.as_deref(), &target.path()))
}

/// What an article form does.
#[derive(Debug, Clone, Copy)]
enum ArticleAction {
    Save,
    Unsave,
    Read,
    Unread,
}

async fn article_action(
    state: &AppState,
    viewer: &Viewer,
    raw_id: &str,
    form: ArticleForm,
    action: ArticleAction,
) -> WebResult<Redirect> {
    let user = form_user(viewer, form.csrf_token.as_deref())?;
    let id = crate::readers::parse_id(raw_id, "Article")?;
    if state.storage.article(id).await?.is_none() {
        return Err(WebError::NotFound(format!("Article {id}")));
    }
    let storage = &state.storage;
    let now = Utc::now();
    match action {
        ArticleAction::Save => {
            storage.save_article(user, id, now).await?;
        }
        ArticleAction::Unsave => {
            storage.unsave_article(user, id).await?;
        }
        ArticleAction::Read => storage.mark_read(user, id, now).await?,
        ArticleAction::Unread => {
            storage.mark_unread(user, id).await?;
        }
    }
    Ok(back_to(form.back.as_deref(), &format!("/article/{id}")))
}

pub async fn save(
    State(state): State<AppState>,
    Path(id): Path<String>,
    viewer: Viewer,
    Form(form): Form<ArticleForm>,
) -> WebResult<Redirect> {
    article_action(&state, &viewer, &id, form, ArticleAction::Save).await
}

pub async fn unsave(
    State(state): State<AppState>,
    Path(id): Path<String>,
    viewer: Viewer,
    Form(form): Form<ArticleForm>,
) -> WebResult<Redirect> {
    article_action(&state, &viewer, &id, form, ArticleAction::Unsave).await
}

pub async fn mark_read(
    State(state): State<AppState>,
    Path(id): Path<String>,
    viewer: Viewer,
    Form(form): Form<ArticleForm>,
) -> WebResult<Redirect> {
    article_action(&state, &viewer, &id, form, ArticleAction::Read).await
}

pub async fn mark_unread(
    State(state): State<AppState>,
    Path(id): Path<String>,
    viewer: Viewer,
    Form(form): Form<ArticleForm>,
) -> WebResult<Redirect> {
    article_action(&state, &viewer, &id, form, ArticleAction::Unread).await
}
