//! The comment forms on the article page: post or reply, edit, delete, report. Each checks
//! the CSRF token; a refused post or edit comes back as the article page with the text
//! still in its form and the reason above it.

use axum::Form;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use tidings_core::{ArticleId, CommentId};

use super::comment_actions;
use super::comment_thread::{CommentDraft, CommentsQuery, CommentsSection, DraftTarget};
use super::session::Viewer;
use crate::AppState;
use crate::article_page::render_article;
use crate::error::{WebError, WebResult};

#[derive(Debug, Deserialize)]
pub struct CommentForm {
    pub csrf_token: Option<String>,
    pub body: Option<String>,
    pub parent_id: Option<String>,
}

#[derive(Debug, Deserialize)]
pub struct ActionForm {
    pub csrf_token: Option<String>,
    pub reason: Option<String>,
}

/// A positive id from the path, or `NotFound` naming `what`.
pub fn parse_id(raw: &str, what: &str) -> WebResult<i64> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| WebError::NotFound(format!("{what} {raw:?}")))
}

pub async fn post_comment(
    State(state): State<AppState>,
    Path(raw_id): Path<String>,
    viewer: Viewer,
    Form(form): Form<CommentForm>,
) -> Response {
    let article = match parse_id(&raw_id, "Article") {
        Ok(id) => id,
        Err(error) => return error.into_response(),
    };
    let body = form.body.unwrap_or_default();
    let parent = form
        .parent_id
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(|p| p.parse::<CommentId>());
    let target = match parent {
        None => DraftTarget::New,
        Some(Ok(parent)) => DraftTarget::Reply(parent),
        Some(Err(_)) => {
            return WebError::BadRequest("parent_id is not a number".into()).into_response();
        }
    };
    let parent = match target {
        DraftTarget::Reply(parent) => Some(parent),
        _ => None,
    };
    let posted = match viewer.check_csrf(form.csrf_token.as_deref()) {
        Ok(()) => comment_actions::post_comment(&state, &viewer, article, parent, &body).await,
        Err(error) => Err(error),
    };
    match posted {
        Ok(comment) => {
            Redirect::to(&format!("/article/{article}#comment-{}", comment.id)).into_response()
        }
        Err(error) => refused(&state, &viewer, article, target, body, error).await,
    }
}

pub async fn edit_comment(
    State(state): State<AppState>,
    Path(raw_id): Path<String>,
    viewer: Viewer,
    Form(form): Form<CommentForm>,
) -> Response {
    let comment = match parse_id(&raw_id, "Comment") {
        Ok(id) => match comment_actions::existing_comment(&state, id).await {
            Ok(comment) => comment,
            Err(error) => return error.into_response(),
        },
        Err(error) => return error.into_response(),
    };
    let body = form.body.unwrap_or_default();
    let edited = match viewer.check_csrf(form.csrf_token.as_deref()) {
        Ok(()) => comment_actions::edit_comment(&state, &viewer, comment.id, &body).await,
        Err(error) => Err(error),
    };
    match edited {
        Ok(c) => {
            Redirect::to(&format!("/article/{}#comment-{}", c.article_id, c.id)).into_response()
        }
        Err(WebError::Forbidden(why)) => WebError::Forbidden(why).into_response(),
        Err(error) => {
            let target = DraftTarget::Edit(comment.id);
            refused(&state, &viewer, comment.article_id, target, body, error).await
        }
    }
}

pub async fn delete_comment(
    State(state): State<AppState>,
    Path(raw_id): Path<String>,
    viewer: Viewer,
    Form(form): Form<ActionForm>,
) -> WebResult<Redirect> {
    let id = parse_id(&raw_id, "Comment")?;
    viewer.check_csrf(form.csrf_token.as_deref())?;
    let comment = comment_actions::delete_comment(&state, &viewer, id).await?;
    Ok(Redirect::to(&format!(
        "/article/{}#comments",
        comment.article_id
    )))
}

pub async fn report_comment(
    State(state): State<AppState>,
    Path(raw_id): Path<String>,
    viewer: Viewer,
    Form(form): Form<ActionForm>,
) -> WebResult<Redirect> {
    let id = parse_id(&raw_id, "Comment")?;
    viewer.check_csrf(form.csrf_token.as_deref())?;
    let user = viewer.require_user()?;
    let comment = comment_actions::existing_comment(&state, id).await?;
    let reason = form.reason.unwrap_or_default();
    state.storage.report_comment(id, user.id, &reason).await?;
    Ok(Redirect::to(&format!(
        "/article/{}?reported={id}#comment-{id}",
        comment.article_id
    )))
}

/// The article page again, with the refused text in its form and the reason shown, answered
/// with the refusal's status. Missing articles and server failures are plain error pages.
async fn refused(
    state: &AppState,
    viewer: &Viewer,
    article: ArticleId,
    target: DraftTarget,
    body: String,
    error: WebError,
) -> Response {
    if !error.is_refusal() {
        return error.into_response();
    }
    let page = error.to_error_page();
    let draft = CommentDraft {
        target,
        body,
        error: page.message,
    };
    let shown = async {
        let section = CommentsSection::load(
            state,
            viewer,
            article,
            &CommentsQuery::default(),
            Some(draft),
        )
        .await?;
        render_article(state, article, section).await
    };
    match shown.await {
        Ok(html) => (page.status, viewer.with_cookies(html)).into_response(),
        Err(error) => error.into_response(),
    }
}
