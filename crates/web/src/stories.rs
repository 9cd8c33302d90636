//! Stories on the site: the story page (`/story/{id}`), the story cards the home and tag
//! pages group articles into, and the JSON API for stories, related articles and an
//! article's story links.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::Serialize;
use tidings_core::{ArticleId, ArticleLinks, PageRequest, Story, StoryId, StorySummary};

use crate::AppState;
use crate::api::ArticleSummaryPayload;
use crate::error::{ApiError, WebError, WebResult};
use crate::pages::{PER_PAGE, PageQuery, parse_page, render};
use crate::views::{CardView, Chrome, TimeView};

/// Related articles the API returns.
const RELATED_LIMIT: u32 = 10;

/// The story page and the story API (the API routes are nested under `/api/v1`).
pub fn routes() -> Router<AppState> {
    Router::new().route("/story/{id}", get(story_page))
}

/// `/api/v1` routes for stories and related articles.
pub fn api_routes() -> Router<AppState> {
    Router::new()
        .route("/articles/{id}/related", get(api_related))
        .route("/stories", get(api_stories))
        .route("/stories/{id}", get(api_story))
}

/// A story on a list: its newest article and how many outlets cover it.
pub struct StoryCardView {
    pub id: StoryId,
    pub lead: CardView,
    pub outlets: i64,
}

impl StoryCardView {
    pub fn many(stories: Vec<StorySummary>, now: DateTime<Utc>) -> Vec<Self> {
        stories
            .into_iter()
            .map(|s| StoryCardView {
                id: s.id,
                outlets: s.outlets,
                lead: CardView::new(s.lead, now),
            })
            .collect()
    }
}

/// One outlet's article on the story page.
pub struct StoryEntryView {
    pub card: CardView,
    /// The publishers of its syndicated copies.
    pub also_published: Vec<String>,
}

#[derive(Template)]
#[template(path = "story.html")]
pub struct StoryPage {
    pub chrome: Chrome,
    pub headline: String,
    pub first: TimeView,
    pub last: TimeView,
    /// Newest first.
    pub entries: Vec<StoryEntryView>,
    /// Oldest first: the first report, then each update and copy.
    pub timeline: Vec<crate::story_timeline::TimelineEntryView>,
    /// "1 outlet", "8 outlets".
    pub outlets_label: String,
    /// The brief across the coverage (sentences by outlet, facts that differ).
    pub brief: Option<tidings_ai::StoryBrief>,
    /// The model's grounded brief, when a model is configured and answered.
    pub model_brief: Option<tidings_ai::ModelStoryBrief>,
    /// Why the model brief is missing, when a model is configured.
    pub model_brief_notice: Option<String>,
}

fn parse_id(raw: &str, what: &str) -> WebResult<i64> {
    raw.parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| WebError::NotFound(format!("{what} {raw:?}")))
}

/// A story asked for by id: the story, or the story it was merged into.
pub(crate) enum Found {
    Here(Story),
    MergedInto(StoryId),
}

pub(crate) async fn load_story(state: &AppState, raw: &str) -> WebResult<Found> {
    let id = parse_id(raw, "Story")?;
    if let Some(story) = state.storage.story(id).await? {
        return Ok(Found::Here(story));
    }
    match state.storage.story_redirect(id).await? {
        Some(into) => Ok(Found::MergedInto(into)),
        None => Err(WebError::NotFound(format!("Story {id}"))),
    }
}

/// `301 Moved Permanently` to `location` (a merged story's address, for good).
pub(crate) fn moved_permanently(location: String) -> Response {
    (
        StatusCode::MOVED_PERMANENTLY,
        [(header::LOCATION, location)],
    )
        .into_response()
}

async fn story_page(
    State(state): State<AppState>,
    Path(raw_id): Path<String>,
) -> WebResult<Response> {
    let story = match load_story(&state, &raw_id).await? {
        Found::Here(story) => story,
        Found::MergedInto(into) => return Ok(moved_permanently(format!("/story/{into}"))),
    };
    let now = Utc::now();
    let path = format!("/story/{}", story.id);
    let mut entries: Vec<StoryEntryView> = story
        .articles
        .iter()
        .filter(|a| a.copy_of.is_none())
        .map(|a| StoryEntryView {
            also_published: story
                .articles
                .iter()
                .filter(|c| c.copy_of == Some(a.card.id))
                .map(|c| c.card.publisher.clone())
                .collect(),
            card: CardView::new(a.card.clone(), now),
        })
        .collect();
    entries.reverse();
    let timeline = crate::story_timeline::timeline(&story, now);
    let outlets_label = crate::story_timeline::outlet_count(story.outlets);
    let mut chrome = Chrome::new(&state.site, &story.headline, Some(&path));
    chrome.description = Some(format!("{}, covered by {outlets_label}.", story.headline));
    chrome.advertise_feeds(&story.headline, &format!("{path}/feed"), "");
    let briefs = crate::ai::brief_for_story(&state, &story).await;
    let (brief, model_brief, model_brief_notice) = match briefs {
        Some(b) => (Some(b.offline), b.model, b.model_notice),
        None => (None, None, None),
    };
    render(&StoryPage {
        brief,
        model_brief,
        model_brief_notice,
        chrome,
        first: TimeView::new(story.first_at, now),
        last: TimeView::new(story.last_at, now),
        headline: story.headline,
        outlets_label,
        entries,
        timeline,
    })
    .map(IntoResponse::into_response)
}

/// A story in the API.
#[derive(Debug, Serialize)]
pub struct StoryPayload {
    pub id: StoryId,
    pub headline: String,
    pub outlets: i64,
    pub first_at: DateTime<Utc>,
    pub last_at: DateTime<Utc>,
    pub article_ids: Vec<ArticleId>,
    pub articles: Vec<StoryArticlePayload>,
}

#[derive(Debug, Serialize)]
pub struct StoryArticlePayload {
    #[serde(flatten)]
    pub article: ArticleSummaryPayload,
    pub copy_of: Option<ArticleId>,
}

/// A page of stories.
#[derive(Debug, Serialize)]
pub struct StoryListPayload {
    pub page: u32,
    pub per_page: u32,
    pub has_more: bool,
    pub stories: Vec<StorySummaryPayload>,
}

#[derive(Debug, Serialize)]
pub struct StorySummaryPayload {
    pub id: StoryId,
    pub headline: String,
    pub outlets: i64,
    pub last_at: DateTime<Utc>,
    pub article_ids: Vec<ArticleId>,
}

/// An article's story and copies, added to `GET /api/v1/articles/{id}`.
#[derive(Debug, Serialize, Default)]
pub struct ArticleLinksPayload {
    pub story_id: Option<StoryId>,
    pub copy_of: Option<ArticleId>,
    pub copies: Vec<CopyPayload>,
}

#[derive(Debug, Serialize)]
pub struct CopyPayload {
    pub id: ArticleId,
    pub publisher: String,
    pub url: String,
}

impl From<ArticleLinks> for ArticleLinksPayload {
    fn from(links: ArticleLinks) -> Self {
        ArticleLinksPayload {
            story_id: links.story_id,
            copy_of: links.copy_of,
            copies: links
                .copies
                .into_iter()
                .map(|c| CopyPayload {
                    id: c.id,
                    publisher: c.publisher,
                    url: c.url,
                })
                .collect(),
        }
    }
}

async fn api_story(
    State(state): State<AppState>,
    Path(raw_id): Path<String>,
) -> Result<Response, ApiError> {
    let story = match load_story(&state, &raw_id).await? {
        Found::Here(story) => story,
        Found::MergedInto(into) => {
            return Ok(moved_permanently(format!("/api/v1/stories/{into}")));
        }
    };
    Ok(Json(StoryPayload {
        id: story.id,
        headline: story.headline,
        outlets: story.outlets,
        first_at: story.first_at,
        last_at: story.last_at,
        article_ids: story.articles.iter().map(|a| a.card.id).collect(),
        articles: story
            .articles
            .into_iter()
            .map(|a| StoryArticlePayload {
                copy_of: a.copy_of,
                article: a.card.into(),
            })
            .collect(),
    })
    .into_response())
}

async fn api_stories(
    State(state): State<AppState>,
    Query(query): Query<PageQuery>,
) -> Result<Json<StoryListPayload>, ApiError> {
    let page = parse_page(query.page.as_deref())?;
    let stories = state
        .storage
        .latest_stories(PageRequest::new(page, PER_PAGE))
        .await?;
    Ok(Json(StoryListPayload {
        page,
        per_page: PER_PAGE,
        has_more: stories.has_more,
        stories: stories
            .items
            .into_iter()
            .map(|s| StorySummaryPayload {
                id: s.id,
                headline: s.headline,
                outlets: s.outlets,
                last_at: s.last_at,
                article_ids: s.article_ids,
            })
            .collect(),
    }))
}

async fn api_related(
    State(state): State<AppState>,
    Path(raw_id): Path<String>,
) -> Result<Json<Vec<ArticleSummaryPayload>>, ApiError> {
    let id = parse_id(&raw_id, "Article")?;
    let related = related_cards(&state, id, RELATED_LIMIT).await?;
    Ok(Json(related.into_iter().map(Into::into).collect()))
}

/// Related Articles: the story's other coverage, then the nearest articles; for an article
/// never placed in a story, the articles sharing the most key terms.
pub async fn related_cards(
    state: &AppState,
    id: ArticleId,
    limit: u32,
) -> WebResult<Vec<tidings_core::ArticleCard>> {
    let Some(links) = state.storage.article_links(id).await? else {
        return Err(WebError::NotFound(format!("Article {id}")));
    };
    if links.story_id.is_some() {
        Ok(state.storage.story_related(id, limit).await?)
    } else {
        Ok(state.storage.related_articles(id, limit).await?)
    }
}

/// An outlet that republished an article, as the article page links it.
pub struct AlsoPublished {
    pub publisher: String,
    /// The copy's URL, only when it is an http(s) URL.
    pub url: Option<String>,
}

impl AlsoPublished {
    pub fn from_links(links: ArticleLinks) -> Vec<Self> {
        links
            .copies
            .into_iter()
            .map(|c| AlsoPublished {
                url: crate::article_body::safe_outside_url(&c.url),
                publisher: c.publisher,
            })
            .collect()
    }
}
