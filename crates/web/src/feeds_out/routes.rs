//! The feed routes: the site (`/feed.atom`, `/feed.json`), a tag, a source, a story and a
//! search (`/search/feed.atom?q=…`, the search page's query), each newest first, at most
//! [`MAX_ENTRIES`]. A tag or source slug written another way, and a merged story, answer 301
//! to the feed's own address, as their pages do.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use futures::{StreamExt, TryStreamExt};
use tidings_core::{ArticleId, PageRequest};

use super::{FeedFormat, MAX_ENTRIES, OutEntry, OutFeed, SiteBase, feed_response};
use crate::AppState;
use crate::error::{WebError, WebResult};
use crate::pages::{SearchQuery, search_results, search_words};
use crate::stories::{Found, load_story, moved_permanently};

/// Articles read from storage at once while a feed is built.
const CONCURRENT_READS: usize = 8;

/// Every feed route, in both formats.
pub fn routes() -> Router<AppState> {
    let mut router = Router::new();
    for format in [FeedFormat::Atom, FeedFormat::Json] {
        let ext = format.extension();
        router = router
            .route(
                &format!("/feed.{ext}"),
                get(move |state, headers| site_feed(state, headers, format)),
            )
            .route(
                &format!("/tag/{{slug}}/feed.{ext}"),
                get(move |state, path, headers| tag_feed(state, path, headers, format)),
            )
            .route(
                &format!("/source/{{slug}}/feed.{ext}"),
                get(move |state, path, headers| source_feed(state, path, headers, format)),
            )
            .route(
                &format!("/story/{{id}}/feed.{ext}"),
                get(move |state, path, headers| story_feed(state, path, headers, format)),
            )
            .route(
                &format!("/search/feed.{ext}"),
                get(move |state, query, headers| search_feed(state, query, headers, format)),
            );
    }
    router
}

/// The entries for these articles, in this order (articles gone since are left out).
async fn entries(state: &AppState, base: &SiteBase, ids: &[ArticleId]) -> WebResult<Vec<OutEntry>> {
    let ids: Vec<ArticleId> = ids.iter().copied().take(MAX_ENTRIES as usize).collect();
    let articles: Vec<_> = futures::stream::iter(ids)
        .map(|id| {
            let storage = std::sync::Arc::clone(&state.storage);
            async move { storage.article(id).await }
        })
        .buffered(CONCURRENT_READS)
        .try_collect()
        .await?;
    Ok(articles
        .iter()
        .flatten()
        .map(|article| OutEntry::for_article(article, base))
        .collect())
}

/// What one feed is: its title and description, the page it mirrors and its own path (less
/// the extension), with the query both keep (a search's words, encoded).
struct FeedSpec {
    title: String,
    description: String,
    page_path: String,
    feed_path: String,
    query: String,
}

/// The feed of `spec` listing these articles, written in `format`.
async fn respond(
    state: &AppState,
    headers: &HeaderMap,
    format: FeedFormat,
    spec: FeedSpec,
    ids: &[ArticleId],
) -> WebResult<Response> {
    let base = SiteBase::new(&state.site, headers);
    let entries = entries(state, &base, ids).await?;
    let site = &state.site.title;
    let query = if spec.query.is_empty() {
        String::new()
    } else {
        format!("?{}", spec.query)
    };
    let page = format!("{}{query}", spec.page_path);
    let mut feed = OutFeed::new(spec.title, &base, site, &page, &spec.feed_path, entries);
    feed.atom_url = base.url(&format!("{}.atom{query}", spec.feed_path));
    feed.json_url = Some(base.url(&format!("{}.json{query}", spec.feed_path)));
    feed.description = Some(spec.description);
    Ok(feed_response(&feed, format))
}

/// A 308 to the feed under the slug's normal spelling, when `slug` is written another way.
fn respelled(slug: &str, normal: &str, prefix: &str, format: FeedFormat) -> Option<Response> {
    (normal != slug && !normal.is_empty()).then(|| {
        let to = format!("{prefix}/{normal}/feed.{}", format.extension());
        Redirect::permanent(&to).into_response()
    })
}

fn first_page() -> PageRequest {
    PageRequest::new(1, MAX_ENTRIES)
}

fn ids_of(cards: &[tidings_core::ArticleCard]) -> Vec<ArticleId> {
    cards.iter().map(|c| c.id).collect()
}

async fn site_feed(
    State(state): State<AppState>,
    headers: HeaderMap,
    format: FeedFormat,
) -> WebResult<Response> {
    let latest = state.storage.latest_articles(first_page()).await?;
    let site = &state.site.title;
    let spec = FeedSpec {
        title: site.clone(),
        description: format!("The latest news on {site}."),
        page_path: "/".to_owned(),
        feed_path: "/feed".to_owned(),
        query: String::new(),
    };
    respond(&state, &headers, format, spec, &ids_of(&latest.items)).await
}

async fn tag_feed(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    format: FeedFormat,
) -> WebResult<Response> {
    if let Some(moved) = respelled(&slug, &tidings_core::tag_slug(&slug), "/tag", format) {
        return Ok(moved);
    }
    let Some(tag) = state.storage.tag(&slug).await? else {
        return Err(WebError::NotFound(format!("Tag {slug:?}")));
    };
    let cards = state.storage.tag_articles(&slug, first_page()).await?;
    let path = format!("/tag/{}", tag.tag.slug);
    let site = &state.site.title;
    let spec = FeedSpec {
        title: format!("#{} · {site}", tag.tag.label),
        description: format!("Articles tagged #{} on {site}.", tag.tag.label),
        feed_path: format!("{path}/feed"),
        page_path: path,
        query: String::new(),
    };
    respond(&state, &headers, format, spec, &ids_of(&cards.items)).await
}

async fn source_feed(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    format: FeedFormat,
) -> WebResult<Response> {
    let normal = tidings_core::publisher_slug(&slug);
    if let Some(moved) = respelled(&slug, &normal, "/source", format) {
        return Ok(moved);
    }
    let Some(publisher) = state.storage.publisher(&slug).await? else {
        return Err(WebError::NotFound(format!("Publisher {slug:?}")));
    };
    let cards = state
        .storage
        .publisher_articles(&slug, first_page())
        .await?;
    let path = format!("/source/{}", publisher.slug);
    let site = &state.site.title;
    let spec = FeedSpec {
        title: format!("{} · {site}", publisher.name),
        description: format!("Articles from {} on {site}.", publisher.name),
        feed_path: format!("{path}/feed"),
        page_path: path,
        query: String::new(),
    };
    respond(&state, &headers, format, spec, &ids_of(&cards.items)).await
}

async fn story_feed(
    State(state): State<AppState>,
    Path(raw_id): Path<String>,
    headers: HeaderMap,
    format: FeedFormat,
) -> WebResult<Response> {
    let story = match load_story(&state, &raw_id).await? {
        Found::Here(story) => story,
        Found::MergedInto(into) => {
            let to = format!("/story/{into}/feed.{}", format.extension());
            return Ok(moved_permanently(to));
        }
    };
    // The story's own reports, newest first (syndicated copies repeat an original).
    let ids: Vec<ArticleId> = story
        .articles
        .iter()
        .rev()
        .filter(|a| a.copy_of.is_none())
        .map(|a| a.card.id)
        .collect();
    let path = format!("/story/{}", story.id);
    let outlets = crate::story_timeline::outlet_count(story.outlets);
    let spec = FeedSpec {
        title: format!("{} · {}", story.headline, state.site.title),
        description: format!("{}, covered by {outlets}.", story.headline),
        feed_path: format!("{path}/feed"),
        page_path: path,
        query: String::new(),
    };
    respond(&state, &headers, format, spec, &ids).await
}

async fn search_feed(
    State(state): State<AppState>,
    Query(query): Query<SearchQuery>,
    headers: HeaderMap,
    format: FeedFormat,
) -> WebResult<Response> {
    let words = search_words(query.q.as_deref());
    if words.is_empty() {
        return Err(WebError::BadRequest(
            "a search feed needs the words to search for in q".to_owned(),
        ));
    }
    let found = search_results(&state, &words, first_page()).await?;
    let site = &state.site.title;
    let spec = FeedSpec {
        title: format!("“{words}” · Search · {site}"),
        description: format!("Articles matching “{words}” on {site}."),
        page_path: "/search".to_owned(),
        feed_path: "/search/feed".to_owned(),
        query: url::form_urlencoded::Serializer::new(String::new())
            .append_pair("q", &words)
            .finish(),
    };
    respond(&state, &headers, format, spec, &ids_of(&found.items)).await
}
