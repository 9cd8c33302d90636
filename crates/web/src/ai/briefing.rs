//! Story briefs and the daily briefing: `GET /api/v1/stories/{id}/brief`, the `/briefing`
//! page (today's top stories by number of outlets, then recency, each with its brief) and
//! the same as an Atom feed. A story's brief, headline and outlet count are the ones its
//! story page shows (the same articles, read the same way). When no stories have been
//! grouped yet, the briefing groups the latest articles that share a hashtag, and says so.

use askama::Template;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::{Html, Response};
use chrono::{DateTime, Utc};
use serde::Serialize;
use tidings_ai::{BriefSource, ModelStoryBrief, StoryBrief, StoryBriefs, story_brief};
use tidings_core::{ArticleId, PageRequest, StoryId};

use crate::AppState;
use crate::article_body::ShownBody;
use crate::article_body::escape_html;
use crate::error::{ApiError, WebError, WebResult};
use crate::feeds_out::{FeedFormat, OutEntry, OutFeed, SiteBase, feed_response};
use crate::pages::render;
use crate::views::Chrome;

/// Stories on the briefing.
const BRIEFING_STORIES: usize = 8;
/// Articles read per story for its brief.
const ARTICLES_PER_BRIEF: usize = 6;

/// A brief over the articles of one story.
#[derive(Debug, Serialize)]
pub struct StoryBriefPayload {
    pub story_id: Option<StoryId>,
    pub headline: String,
    pub updated: DateTime<Utc>,
    pub article_ids: Vec<ArticleId>,
    /// Outlets covering the story (copies' publishers included), as its page counts them.
    pub outlet_count: i64,
    #[serde(flatten)]
    pub brief: StoryBrief,
    /// The model's grounded brief, when a model is configured and answered.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model: Option<ModelStoryBrief>,
    /// Why there is no model brief (model down, over budget), when a model is configured.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub model_notice: Option<String>,
}

impl StoryBriefPayload {
    /// "1 outlet", "8 outlets".
    pub fn outlet_label(&self) -> String {
        crate::story_timeline::outlet_count(self.outlet_count)
    }
}

/// The articles a story's brief reads: its originals, those that represent the coverage
/// best first (the order its headline is chosen in).
fn brief_ids(story: &tidings_core::Story) -> Vec<ArticleId> {
    tidings_core::representative_articles(&story.articles)
}

/// The sources for a brief: each article's body as its policy lets Tidings show it.
async fn sources(state: &AppState, ids: &[ArticleId]) -> WebResult<Vec<BriefSource>> {
    let mut out = Vec::new();
    for &id in ids.iter().take(ARTICLES_PER_BRIEF) {
        if let Some(article) = state.storage.article(id).await? {
            out.push(BriefSource {
                article_id: id,
                text: ShownBody::for_article(&article).text(&article),
                outlet: article.publisher,
                title: article.title,
            });
        }
    }
    Ok(out)
}

/// The briefs of a story for its page (offline, and the model's when one is configured);
/// `None` (logged) when they cannot be made.
pub async fn brief_for_story(state: &AppState, story: &tidings_core::Story) -> Option<StoryBriefs> {
    let ids = brief_ids(story);
    match sources(state, &ids).await {
        Ok(sources) if !sources.is_empty() => Some(
            state
                .ai
                .assistant
                .story_briefs(&*state.storage, story.id, &story.headline, &sources)
                .await,
        ),
        Ok(_) => None,
        Err(error) => {
            tracing::warn!(%error, story = story.id, "the story brief could not be made");
            None
        }
    }
}

/// `GET /api/v1/stories/{id}/brief`.
pub async fn story_brief_api(
    State(state): State<AppState>,
    Path(raw_id): Path<String>,
) -> Result<Json<StoryBriefPayload>, ApiError> {
    let id = raw_id
        .parse::<StoryId>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| WebError::NotFound(format!("Story {raw_id:?}")))?;
    let story = state
        .storage
        .story(id)
        .await?
        .ok_or_else(|| WebError::NotFound(format!("Story {id}")))?;
    let ids = brief_ids(&story);
    let sources = sources(&state, &ids).await?;
    let briefs = state
        .ai
        .assistant
        .story_briefs(&*state.storage, id, &story.headline, &sources)
        .await;
    Ok(Json(StoryBriefPayload {
        story_id: Some(id),
        headline: story.headline,
        updated: story.last_at,
        article_ids: ids,
        outlet_count: story.outlets,
        brief: briefs.offline,
        model: briefs.model,
        model_notice: briefs.model_notice,
    }))
}

/// Articles to brief together: a story, or articles sharing a hashtag.
struct BriefGroup {
    story_id: Option<StoryId>,
    headline: String,
    updated: DateTime<Utc>,
    outlets: i64,
    ids: Vec<ArticleId>,
}

/// The top stories with their briefs.
async fn top_briefs(state: &AppState) -> WebResult<(Vec<StoryBriefPayload>, bool)> {
    let latest = state
        .storage
        .latest_stories(PageRequest::new(1, 40))
        .await?;
    let mut groups: Vec<BriefGroup> = latest
        .items
        .into_iter()
        .map(|s| BriefGroup {
            story_id: Some(s.id),
            headline: s.headline,
            updated: s.last_at,
            outlets: s.outlets,
            ids: s.article_ids,
        })
        .collect();
    let from_stories = !groups.is_empty();
    if !from_stories {
        groups = groups_by_tag(state).await?;
    }
    groups.sort_by(|a, b| b.outlets.cmp(&a.outlets).then(b.updated.cmp(&a.updated)));
    let mut briefs = Vec::new();
    for mut group in groups.into_iter().take(BRIEFING_STORIES) {
        // A story is briefed from the articles its page briefs, under its page's headline.
        if let Some(id) = group.story_id
            && let Some(story) = state.storage.story(id).await?
        {
            group.ids = brief_ids(&story);
            group.headline = story.headline;
            group.outlets = story.outlets;
        }
        let sources = sources(state, &group.ids).await?;
        let brief = story_brief(&sources);
        briefs.push(StoryBriefPayload {
            story_id: group.story_id,
            headline: group.headline,
            updated: group.updated,
            article_ids: group.ids,
            outlet_count: group.outlets,
            brief,
            model: None,
            model_notice: None,
        });
    }
    Ok((briefs, from_stories))
}

/// Latest articles grouped greedily by a shared hashtag, for when no stories exist.
async fn groups_by_tag(state: &AppState) -> WebResult<Vec<BriefGroup>> {
    let cards = state
        .storage
        .latest_articles(PageRequest::new(1, 60))
        .await?;
    let mut used = vec![false; cards.items.len()];
    let mut groups = Vec::new();
    for (i, lead) in cards.items.iter().enumerate() {
        if used[i] {
            continue;
        }
        let mut ids = vec![lead.id];
        let mut outlets = vec![lead.publisher.clone()];
        for (j, other) in cards.items.iter().enumerate().skip(i + 1) {
            let shares = other
                .tags
                .iter()
                .any(|t| lead.tags.iter().any(|l| l.slug == t.slug));
            if !used[j] && shares {
                used[j] = true;
                ids.push(other.id);
                if !outlets.contains(&other.publisher) {
                    outlets.push(other.publisher.clone());
                }
            }
        }
        groups.push(BriefGroup {
            story_id: None,
            headline: lead.title.clone(),
            updated: lead.shown_at,
            outlets: outlets.len() as i64,
            ids,
        });
    }
    Ok(groups)
}

#[derive(Template)]
#[template(path = "briefing.html")]
struct BriefingPage {
    chrome: Chrome,
    briefs: Vec<StoryBriefPayload>,
    from_stories: bool,
}

/// `GET /briefing`.
pub async fn briefing_page(State(state): State<AppState>) -> WebResult<Html<String>> {
    let (briefs, from_stories) = top_briefs(&state).await?;
    render(&BriefingPage {
        chrome: Chrome::new(&state.site, "Daily briefing", Some("/briefing")),
        briefs,
        from_stories,
    })
}

/// `GET /briefing.atom`: the briefing's stories as Atom entries, each with its brief.
pub async fn briefing_feed(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response, WebError> {
    let (briefs, _) = top_briefs(&state).await?;
    let base = SiteBase::new(&state.site, &headers);
    let entries = briefs
        .iter()
        .map(|brief| {
            let path = match brief.story_id {
                Some(id) => format!("/story/{id}"),
                None => format!(
                    "/article/{}",
                    brief.article_ids.first().copied().unwrap_or(0)
                ),
            };
            let mut content = String::from("<ul>");
            for s in &brief.brief.sentences {
                let outlets: Vec<&str> = s.citations.iter().map(|c| c.outlet.as_str()).collect();
                content.push_str(&format!(
                    "<li>{} ({})</li>",
                    escape_html(&s.text),
                    escape_html(&outlets.join(", "))
                ));
            }
            content.push_str("</ul>");
            OutEntry {
                url: base.url(&path),
                title: brief.headline.clone(),
                published: None,
                updated: brief.updated,
                author: None,
                original: None,
                summary: Some(brief.outlet_label()),
                content_html: content,
                image: None,
                tags: Vec::new(),
            }
        })
        .collect();
    let site = &state.site.title;
    let mut feed = OutFeed::new(
        format!("{site} daily briefing"),
        &base,
        site,
        "/briefing",
        "/briefing",
        entries,
    );
    feed.json_url = None;
    Ok(feed_response(&feed, FeedFormat::Atom))
}
