//! The comments JSON API: `GET`/`POST /api/v1/articles/{id}/comments`, `PATCH`/`DELETE
//! /api/v1/comments/{id}`. Clients authenticate with `Authorization: Bearer <token>` (writes
//! need a token with the `comment` scope); a browser using its session cookie must also send
//! the `X-CSRF-Token` header.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tidings_core::{Comment, CommentId, PageRequest, TokenScope};

use super::comment_actions;
use super::comment_forms::parse_id;
use super::comment_thread::{CommentsQuery, THREADS_PER_PAGE};
use super::csrf::CSRF_HEADER;
use super::session::Viewer;
use crate::AppState;
use crate::error::{ApiError, WebError};

type ApiResult<T> = Result<T, ApiError>;

/// A comment in the API; bodies are empty unless the viewer may read them.
#[derive(Debug, Serialize)]
pub struct CommentJson {
    pub id: CommentId,
    pub article_id: i64,
    pub parent_id: Option<CommentId>,
    pub author: String,
    pub body_markdown: String,
    pub body_html: String,
    pub created_at: DateTime<Utc>,
    pub edited_at: Option<DateTime<Utc>>,
    pub deleted: bool,
    pub hidden: bool,
    pub held: bool,
}

impl CommentJson {
    fn new(comment: Comment, viewer: &Viewer) -> Self {
        let own = viewer
            .user
            .as_ref()
            .is_some_and(|u| u.id == comment.author_id);
        let readable = !comment.deleted && (comment.is_public() || own || viewer.is_moderator());
        CommentJson {
            id: comment.id,
            article_id: comment.article_id,
            parent_id: comment.parent_id,
            author: comment.author_name,
            body_markdown: if readable {
                comment.body_markdown
            } else {
                String::new()
            },
            body_html: if readable {
                comment.body_html
            } else {
                String::new()
            },
            created_at: comment.created_at,
            edited_at: comment.edited_at,
            deleted: comment.deleted,
            hidden: comment.hidden,
            held: comment.held,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct CommentListJson {
    pub comments: Vec<CommentJson>,
    /// Public comments on the article.
    pub count: i64,
    pub page: u32,
    pub has_more: bool,
}

#[derive(Debug, Deserialize)]
pub struct NewCommentJson {
    pub body: String,
    pub parent_id: Option<CommentId>,
}

#[derive(Debug, Deserialize)]
pub struct EditCommentJson {
    pub body: String,
}

/// A write: a signed-in user, with a token allowed to comment or a cookie and its CSRF
/// header.
fn api_csrf(viewer: &Viewer, headers: &HeaderMap) -> Result<(), WebError> {
    viewer.require_user()?;
    viewer.require_scope(TokenScope::Comment)?;
    let header = headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok());
    viewer.check_csrf(header)
}

pub(crate) fn json_body<T>(body: Result<Json<T>, JsonRejection>) -> Result<T, WebError> {
    body.map(|Json(value)| value).map_err(|rejection| {
        WebError::BadRequest(format!(
            "the body is not the expected JSON ({})",
            rejection.body_text()
        ))
    })
}

pub async fn list(
    State(state): State<AppState>,
    Path(raw_id): Path<String>,
    Query(query): Query<CommentsQuery>,
    viewer: Viewer,
) -> ApiResult<Json<CommentListJson>> {
    let article = parse_id(&raw_id, "Article")?;
    if state.storage.article(article).await?.is_none() {
        return Err(WebError::NotFound(format!("Article {article}")).into());
    }
    let page = query.page()?;
    let listed = state
        .storage
        .article_comments(
            article,
            query.order(),
            PageRequest::new(page, THREADS_PER_PAGE),
        )
        .await?;
    let count = state
        .storage
        .comment_counts(&[article])
        .await?
        .first()
        .map_or(0, |(_, n)| *n);
    let comments = listed
        .items
        .into_iter()
        .filter(|c| {
            !c.held
                || viewer.is_moderator()
                || viewer.user.as_ref().is_some_and(|u| u.id == c.author_id)
        })
        .map(|c| CommentJson::new(c, &viewer))
        .collect();
    Ok(Json(CommentListJson {
        comments,
        count,
        page,
        has_more: listed.has_more,
    }))
}

pub async fn create(
    State(state): State<AppState>,
    Path(raw_id): Path<String>,
    viewer: Viewer,
    headers: HeaderMap,
    body: Result<Json<NewCommentJson>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<CommentJson>)> {
    let article = parse_id(&raw_id, "Article")?;
    api_csrf(&viewer, &headers)?;
    let new = json_body(body)?;
    let comment =
        comment_actions::post_comment(&state, &viewer, article, new.parent_id, &new.body).await?;
    Ok((
        StatusCode::CREATED,
        Json(CommentJson::new(comment, &viewer)),
    ))
}

pub async fn edit(
    State(state): State<AppState>,
    Path(raw_id): Path<String>,
    viewer: Viewer,
    headers: HeaderMap,
    body: Result<Json<EditCommentJson>, JsonRejection>,
) -> ApiResult<Json<CommentJson>> {
    let id = parse_id(&raw_id, "Comment")?;
    api_csrf(&viewer, &headers)?;
    let edit = json_body(body)?;
    let comment = comment_actions::edit_comment(&state, &viewer, id, &edit.body).await?;
    Ok(Json(CommentJson::new(comment, &viewer)))
}

pub async fn delete(
    State(state): State<AppState>,
    Path(raw_id): Path<String>,
    viewer: Viewer,
    headers: HeaderMap,
) -> ApiResult<Json<CommentJson>> {
    let id = parse_id(&raw_id, "Comment")?;
    api_csrf(&viewer, &headers)?;
    let comment = comment_actions::delete_comment(&state, &viewer, id).await?;
    Ok(Json(CommentJson::new(comment, &viewer)))
}
