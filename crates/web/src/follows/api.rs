//! `/api/v1/me/follows` and `/api/v1/me/saved`: the reader's follows and saved articles as
//! JSON. Reading needs a token with the `read` scope; changes need the `comment` scope (the
//! scope that lets a token act for its account) or, from a browser's session, the
//! `X-CSRF-Token` header.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tidings_core::{Follow, FollowKind, PageRequest, SavedArticle, TokenScope};

use crate::AppState;
use crate::api::ArticleSummaryPayload;
use crate::error::{ApiError, WebError};
use crate::pages::{PER_PAGE, PageQuery, parse_page};
use crate::readers::{CSRF_HEADER, Viewer, json_body, parse_id};

type ApiResult<T> = Result<T, ApiError>;

#[derive(Debug, Serialize)]
pub struct FollowJson {
    pub kind: FollowKind,
    pub key: String,
    pub label: String,
    pub created_at: DateTime<Utc>,
    /// The page on this site.
    pub path: String,
}

impl From<Follow> for FollowJson {
    fn from(follow: Follow) -> Self {
        FollowJson {
            path: follow.target.path(),
            kind: follow.target.kind,
            key: follow.target.key,
            label: follow.label,
            created_at: follow.created_at,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct FollowListJson {
    pub follows: Vec<FollowJson>,
}

#[derive(Debug, Deserialize)]
pub struct NewFollowJson {
    pub kind: String,
    pub key: String,
}

#[derive(Debug, Serialize)]
pub struct SavedJson {
    pub article: ArticleSummaryPayload,
    pub saved_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

impl From<SavedArticle> for SavedJson {
    fn from(saved: SavedArticle) -> Self {
        SavedJson {
            article: saved.card.into(),
            saved_at: saved.saved_at,
            read_at: saved.read_at,
        }
    }
}

#[derive(Debug, Serialize)]
pub struct SavedListJson {
    pub items: Vec<SavedJson>,
    pub has_more: bool,
}

#[derive(Debug, Deserialize)]
pub struct NewSavedJson {
    pub article_id: i64,
}

fn reader(viewer: &Viewer) -> Result<i64, WebError> {
    let user = viewer.require_user()?.id;
    viewer.require_scope(TokenScope::Read)?;
    Ok(user)
}

fn writer(viewer: &Viewer, headers: &HeaderMap) -> Result<i64, WebError> {
    let user = viewer.require_user()?.id;
    viewer.require_scope(TokenScope::Comment)?;
    viewer.check_csrf(headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()))?;
    Ok(user)
}

pub async fn list_follows(
    State(state): State<AppState>,
    viewer: Viewer,
) -> ApiResult<Json<FollowListJson>> {
    let user = reader(&viewer)?;
    let follows = state.storage.follows(user).await?;
    Ok(Json(FollowListJson {
        follows: follows.into_iter().map(FollowJson::from).collect(),
    }))
}

pub async fn add_follow(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    body: Result<Json<NewFollowJson>, JsonRejection>,
) -> ApiResult<(StatusCode, Json<FollowJson>)> {
    let user = writer(&viewer, &headers)?;
    let new = json_body(body)?;
    let target = super::parse_target(&new.kind, &new.key)?;
    let target = super::follow_target(&state, user, target).await?;
    let follow = state
        .storage
        .follows(user)
        .await?
        .into_iter()
        .find(|f| f.target == target)
        .ok_or_else(|| WebError::Internal(format!("the follow of {} vanished", target.path())))?;
    Ok((StatusCode::CREATED, Json(follow.into())))
}

pub async fn remove_follow(
    State(state): State<AppState>,
    Path((kind, key)): Path<(String, String)>,
    viewer: Viewer,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    let user = writer(&viewer, &headers)?;
    let target = super::parse_target(&kind, &key)?;
    if state.storage.unfollow(user, &target).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(WebError::NotFound(format!("A follow of {}", target.path())).into())
    }
}

pub async fn list_saved(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<PageQuery>,
) -> ApiResult<Json<SavedListJson>> {
    let user = reader(&viewer)?;
    let page = parse_page(query.page.as_deref())?;
    let saved = state
        .storage
        .saved_articles(user, PageRequest::new(page, PER_PAGE))
        .await?;
    Ok(Json(SavedListJson {
        items: saved.items.into_iter().map(SavedJson::from).collect(),
        has_more: saved.has_more,
    }))
}

pub async fn add_saved(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
    body: Result<Json<NewSavedJson>, JsonRejection>,
) -> ApiResult<StatusCode> {
    let user = writer(&viewer, &headers)?;
    let new = json_body(body)?;
    if state.storage.article(new.article_id).await?.is_none() {
        return Err(WebError::NotFound(format!("Article {}", new.article_id)).into());
    }
    let added = state
        .storage
        .save_article(user, new.article_id, Utc::now())
        .await?;
    Ok(if added {
        StatusCode::CREATED
    } else {
        StatusCode::OK
    })
}

pub async fn remove_saved(
    State(state): State<AppState>,
    Path(raw_id): Path<String>,
    viewer: Viewer,
    headers: HeaderMap,
) -> ApiResult<StatusCode> {
    let user = writer(&viewer, &headers)?;
    let id = parse_id(&raw_id, "Article")?;
    if state.storage.unsave_article(user, id).await? {
        Ok(StatusCode::NO_CONTENT)
    } else {
        Err(WebError::NotFound(format!("Saved article {id}")).into())
    }
}
