//! The JSON API (`/api/v1`): its own payload structs, separate from the domain types, so the
//! wire format only changes on purpose. Bodies follow the republishing policy as pages do.

use axum::Json;
use axum::extract::{Path, Query, State};
use chrono::{DateTime, Utc};
use serde::Serialize;
use tidings_core::{Article, ArticleCard, PageRequest, Tag};

use crate::AppState;
use crate::article_body::ShownBody;
use crate::error::{ApiError, WebError};
use crate::pages::{PER_PAGE, PageQuery, parse_page};

/// A page of the latest articles.
#[derive(Debug, Serialize)]
pub struct ArticleListPayload {
    pub page: u32,
    pub per_page: u32,
    pub has_more: bool,
    pub articles: Vec<ArticleSummaryPayload>,
}

/// An article in a list.
#[derive(Debug, Serialize)]
pub struct ArticleSummaryPayload {
    pub id: i64,
    pub title: String,
    pub publisher: String,
    pub publisher_slug: String,
    pub url: String,
    /// Publication time, else when Tidings fetched the article.
    pub shown_at: DateTime<Utc>,
    pub excerpt: String,
    pub image: Option<String>,
    pub tags: Vec<TagPayload>,
}

/// One article with its body (cut to an excerpt when the publisher's policy says so).
#[derive(Debug, Serialize)]
pub struct ArticlePayload {
    pub id: i64,
    pub title: String,
    pub publisher: String,
    pub publisher_slug: String,
    pub url: String,
    pub original_url: String,
    pub published_at: Option<DateTime<Utc>>,
    pub fetched_at: DateTime<Utc>,
    pub byline: Option<String>,
    pub image: Option<String>,
    pub tags: Vec<TagPayload>,
    pub excerpt: String,
    /// `full` or `excerpt`: whether `text` and `html` are the whole article.
    pub policy: &'static str,
    pub text: String,
    pub html: String,
    /// Its story and syndicated copies.
    #[serde(flatten)]
    pub links: crate::stories::ArticleLinksPayload,
}

#[derive(Debug, Serialize)]
pub struct TagPayload {
    pub slug: String,
    pub label: String,
}

impl From<Tag> for TagPayload {
    fn from(tag: Tag) -> Self {
        TagPayload {
            slug: tag.slug,
            label: tag.label,
        }
    }
}

impl From<ArticleCard> for ArticleSummaryPayload {
    fn from(card: ArticleCard) -> Self {
        ArticleSummaryPayload {
            id: card.id,
            title: card.title,
            publisher: card.publisher,
            publisher_slug: card.publisher_slug,
            url: card.url,
            shown_at: card.shown_at,
            excerpt: card.excerpt,
            image: card.image,
            tags: card.tags.into_iter().map(TagPayload::from).collect(),
        }
    }
}

impl From<Article> for ArticlePayload {
    fn from(article: Article) -> Self {
        let body = ShownBody::for_article(&article);
        let text = body.text(&article);
        let html = body.html();
        let policy = article.policy.as_str();
        ArticlePayload {
            original_url: article.original_url().to_owned(),
            id: article.id,
            title: article.title,
            publisher: article.publisher,
            publisher_slug: article.publisher_slug,
            url: article.url,
            published_at: article.published_at,
            fetched_at: article.fetched_at,
            byline: article.byline,
            image: article.image,
            tags: article.tags.into_iter().map(TagPayload::from).collect(),
            excerpt: article.excerpt,
            policy,
            text,
            html,
            links: Default::default(),
        }
    }
}

pub async fn list_articles(
    State(state): State<AppState>,
    Query(query): Query<PageQuery>,
) -> Result<Json<ArticleListPayload>, ApiError> {
    let page = parse_page(query.page.as_deref())?;
    let articles = state
        .storage
        .latest_articles(PageRequest::new(page, PER_PAGE))
        .await?;
    Ok(Json(ArticleListPayload {
        page,
        per_page: PER_PAGE,
        has_more: articles.has_more,
        articles: articles.items.into_iter().map(Into::into).collect(),
    }))
}

pub async fn get_article(
    State(state): State<AppState>,
    Path(raw_id): Path<String>,
) -> Result<Json<ArticlePayload>, ApiError> {
    let id = raw_id
        .parse::<i64>()
        .map_err(|_| WebError::NotFound(format!("Article {raw_id:?}")))?;
    let article = state
        .storage
        .article(id)
        .await?
        .ok_or_else(|| WebError::NotFound(format!("Article {id}")))?;
    let links = state.storage.article_links(id).await?;
    let mut payload = ArticlePayload::from(article);
    payload.links = links.map(Into::into).unwrap_or_default();
    Ok(Json(payload))
}

pub async fn api_not_found() -> ApiError {
    ApiError(WebError::NotFound("API endpoint".to_owned()))
}
