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
    let base = SiteBase::new(&state.site, &headers);
    let latest = state.storage.latest_articles(first_page()).await?;
    let entries = entries(&state, &base, &ids_of(&latest.items)).await?;
    let site = &state.site.title;
    let mut feed = OutFeed::new(site.clone(), &base, site, "/", "/feed", entries);
    feed.description = Some(format!("The latest news on {site}."));
    Ok(feed_response(&feed, format))
}

async fn tag_feed(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    format: FeedFormat,
) -> WebResult<Response> {
    let normal = tidings_core::tag_slug(&slug);
    if normal != slug && !normal.is_empty() {
        let to = format!("/tag/{normal}/feed.{}", format.extension());
        return Ok(Redirect::permanent(&to).into_response());
    }
    let Some(tag) = state.storage.tag(&slug).await? else {
        return Err(WebError::NotFound(format!("Tag {slug:?}")));
    };
    let base = SiteBase::new(&state.site, &headers);
    let cards = state.storage.tag_articles(&slug, first_page()).await?;
    let entries = entries(&state, &base, &ids_of(&cards.items)).await?;
    let path = format!("/tag/{}", tag.tag.slug);
    let site = &state.site.title;
    let title = format!("#{} · {site}", tag.tag.label);
    let mut feed = OutFeed::new(title, &base, site, &path, &format!("{path}/feed"), entries);
    feed.description = Some(format!("Articles tagged #{} on {site}.", tag.tag.label));
    Ok(feed_response(&feed, format))
}

async fn source_feed(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    headers: HeaderMap,
    format: FeedFormat,
) -> WebResult<Response> {
    let normal = tidings_core::publisher_slug(&slug);
    if normal != slug && !normal.is_empty() {
        let to = format!("/source/{normal}/feed.{}", format.extension());
        return Ok(Redirect::permanent(&to).into_response());
    }
    let Some(publisher) = state.storage.publisher(&slug).await? else {
        return Err(WebError::NotFound(format!("Publisher {slug:?}")));
    };
    let base = SiteBase::new(&state.site, &headers);
    let cards = state
        .storage
        .publisher_articles(&slug, first_page())
        .await?;
    let entries = entries(&state, &base, &ids_of(&cards.items)).await?;
    let path = format!("/source/{}", publisher.slug);
    let site = &state.site.title;
    let title = format!("{} · {site}", publisher.name);
    let mut feed = OutFeed::new(title, &base, site, &path, &format!("{path}/feed"), entries);
    feed.description = Some(format!("Articles from {} on {site}.", publisher.name));
    Ok(feed_response(&feed, format))
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
    let base = SiteBase::new(&state.site, &headers);
    // The story's own reports, newest first (syndicated copies repeat an original).
    let ids: Vec<ArticleId> = story
        .articles
        .iter()
        .rev()
        .filter(|a| a.copy_of.is_none())
        .map(|a| a.card.id)
        .collect();
    let entries = entries(&state, &base, &ids).await?;
    let path = format!("/story/{}", story.id);
    let site = &state.site.title;
    let outlets = crate::story_timeline::outlet_count(story.outlets);
    let title = format!("{} · {site}", story.headline);
    let mut feed = OutFeed::new(title, &base, site, &path, &format!("{path}/feed"), entries);
    feed.description = Some(format!("{}, covered by {outlets}.", story.headline));
    Ok(feed_response(&feed, format))
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
    let base = SiteBase::new(&state.site, &headers);
    let found = search_results(&state, &words, first_page()).await?;
    let entries = entries(&state, &base, &ids_of(&found.items)).await?;
    let query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("q", &words)
        .finish();
    let site = &state.site.title;
    let mut feed = OutFeed::new(
        format!("“{words}” · Search · {site}"),
        &base,
        site,
        &format!("/search?{query}"),
        "/search/feed",
        entries,
    );
    feed.atom_url = base.url(&format!("/search/feed.atom?{query}"));
    feed.json_url = Some(base.url(&format!("/search/feed.json?{query}")));
    feed.description = Some(format!("Articles matching “{words}” on {site}."));
    Ok(feed_response(&feed, format))
}
