//! The list pages (home, publisher, tag, search), the health check and the 404 fallback.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chrono::{Duration, Utc};
use serde::Deserialize;
use tidings_core::PageRequest;

use crate::AppState;
use crate::error::{WebError, WebResult};
use crate::readers::Viewer;
use crate::views::{CardView, Chrome, HomePage, ListingPage, Pager, article_count};

/// Articles per list page.
pub const PER_PAGE: u32 = 20;
/// How far back "trending" looks; when nothing was tagged in that window, all time.
const TRENDING_WINDOW_HOURS: i64 = 72;
const TRENDING_LIMIT: u32 = 15;
/// The longest search query read; the rest is ignored.
const MAX_QUERY_CHARS: usize = 200;

/// `?page=N` on list pages.
#[derive(Debug, Deserialize)]
pub struct PageQuery {
    pub page: Option<String>,
}

/// `?page=N&view=all` on the home page (`view=all`: the latest news even for a reader
/// who follows anything).
#[derive(Debug, Deserialize)]
pub struct HomeQuery {
    pub page: Option<String>,
    pub view: Option<String>,
}

/// `?q=...&page=N` on the search page.
#[derive(Debug, Deserialize)]
pub struct SearchQuery {
    pub q: Option<String>,
    pub page: Option<String>,
}

/// The page number from the query string: missing or empty is 1; anything but a whole
/// number from 1 is a bad request.
pub fn parse_page(raw: Option<&str>) -> WebResult<u32> {
    let raw = raw.map(str::trim).unwrap_or("");
    if raw.is_empty() {
        return Ok(1);
    }
    match raw.parse::<u32>() {
        Ok(page) if page >= 1 => Ok(page),
        _ => Err(WebError::BadRequest(format!(
            "page must be a whole number from 1, not {raw:?}"
        ))),
    }
}

pub fn render(template: &impl Template) -> WebResult<Html<String>> {
    Ok(Html(template.render()?))
}

pub async fn home(
    State(state): State<AppState>,
    Query(query): Query<HomeQuery>,
    viewer: Viewer,
) -> WebResult<Html<String>> {
    let page = parse_page(query.page.as_deref())?;
    let view = query.view.as_deref();
    if crate::follows::wants_for_you(&state, &viewer, view).await? {
        return crate::follows::for_you(&state, &viewer, page).await;
    }
    let extra: &[(&str, &str)] = if view == Some("all") {
        &[("view", "all")]
    } else {
        &[]
    };
    let now = Utc::now();
    let storage = &state.storage;
    let (articles, stories, mut trending, publishers) = tokio::try_join!(
        storage.latest_articles(PageRequest::new(page, PER_PAGE)),
        storage.latest_stories(PageRequest::new(page, PER_PAGE)),
        storage.trending_tags(now - Duration::hours(TRENDING_WINDOW_HOURS), TRENDING_LIMIT),
        storage.publishers(),
    )?;
    if trending.is_empty() {
        trending = storage
            .trending_tags(chrono::DateTime::UNIX_EPOCH, TRENDING_LIMIT)
            .await?;
    }
    let title = if page > 1 {
        format!("Latest news, page {page}")
    } else {
        String::new()
    };
    let mut chrome = Chrome::new(&state.site, &title, Some("/"));
    chrome.description = Some(format!("The latest news on {}.", state.site.title));
    chrome.advertise_feeds(&state.site.title, "/feed", "");
    render(&HomePage {
        chrome,
        cards: crate::readers::with_comment_counts(&state, CardView::many(articles.items, now))
            .await?,
        pager: Pager::new(
            "/",
            extra,
            page,
            if stories.items.is_empty() {
                articles.has_more
            } else {
                stories.has_more
            },
        ),
        stories: crate::stories::StoryCardView::many(stories.items, now),
        trending,
        publishers,
    })
}

pub async fn publisher(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(query): Query<PageQuery>,
) -> WebResult<Response> {
    let page = parse_page(query.page.as_deref())?;
    let normal = tidings_core::publisher_slug(&slug);
    if normal != slug && !normal.is_empty() {
        return Ok(Redirect::permanent(&format!("/source/{normal}")).into_response());
    }
    let Some(publisher) = state.storage.publisher(&slug).await? else {
        return Err(WebError::NotFound(format!("Publisher {slug:?}")));
    };
    let articles = state
        .storage
        .publisher_articles(&slug, PageRequest::new(page, PER_PAGE))
        .await?;
    let path = format!("/source/{}", publisher.slug);
    let mut chrome = Chrome::new(&state.site, &publisher.name, Some(&path));
    chrome.advertise_feeds(&publisher.name, &format!("{path}/feed"), "");
    render(&ListingPage {
        chrome,
        summary: article_count(publisher.article_count),
        heading: publisher.name,
        cards: CardView::many(articles.items, Utc::now()),
        pager: Pager::new(&path, &[], page, articles.has_more),
        empty_message: "No more articles from this publisher.".to_owned(),
        stories: Vec::new(),
        search_form: false,
    })
    .map(IntoResponse::into_response)
}

pub async fn tag(
    State(state): State<AppState>,
    Path(slug): Path<String>,
    Query(query): Query<PageQuery>,
) -> WebResult<Response> {
    let page = parse_page(query.page.as_deref())?;
    let normal = tidings_core::tag_slug(&slug);
    if normal != slug && !normal.is_empty() {
        return Ok(Redirect::permanent(&format!("/tag/{normal}")).into_response());
    }
    let Some(tag) = state.storage.tag(&slug).await? else {
        return Err(WebError::NotFound(format!("Tag {slug:?}")));
    };
    let articles = state
        .storage
        .tag_articles(&slug, PageRequest::new(page, PER_PAGE))
        .await?;
    let stories = state
        .storage
        .tag_stories(&slug, PageRequest::new(page, PER_PAGE))
        .await?;
    let path = format!("/tag/{}", tag.tag.slug);
    let heading = format!("#{}", tag.tag.label);
    let mut chrome = Chrome::new(&state.site, &heading, Some(&path));
    chrome.advertise_feeds(&heading, &format!("{path}/feed"), "");
    render(&ListingPage {
        chrome,
        heading,
        summary: article_count(tag.count),
        cards: CardView::many(articles.items, Utc::now()),
        pager: Pager::new(&path, &[], page, articles.has_more),
        empty_message: "No more articles with this tag.".to_owned(),
        stories: crate::stories::StoryCardView::many(stories.items, Utc::now()),
        search_form: false,
    })
    .map(IntoResponse::into_response)
}

pub async fn search(
    State(state): State<AppState>,
    Query(query): Query<SearchQuery>,
) -> WebResult<Html<String>> {
    let page = parse_page(query.page.as_deref())?;
    let words = search_words(query.q.as_deref());
    let mut chrome = Chrome::new(&state.site, "Search", None);
    chrome.query = words.clone();
    if words.is_empty() {
        return render(&ListingPage {
            chrome,
            heading: "Search".to_owned(),
            summary: "Find articles by words in their title or text.".to_owned(),
            cards: Vec::new(),
            pager: Pager::new("/search", &[], 1, false),
            empty_message: String::new(),
            stories: Vec::new(),
            search_form: true,
        });
    }
    chrome.page_title = format!("{words} · Search · {}", state.site.title);
    let feed_query = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("q", &words)
        .finish();
    chrome.advertise_feeds(&format!("Search: {words}"), "/search/feed", &feed_query);
    let results = search_results(&state, &words, PageRequest::new(page, PER_PAGE)).await?;
    let summary = if results.items.is_empty() && page == 1 {
        format!("No articles match “{words}”.")
    } else {
        format!("Articles matching “{words}”")
    };
    render(&ListingPage {
        chrome,
        heading: "Search".to_owned(),
        summary,
        cards: CardView::many(results.items, Utc::now()),
        pager: Pager::new("/search", &[("q", &words)], page, results.has_more),
        empty_message: "Try fewer or different words.".to_owned(),
        stories: Vec::new(),
        search_form: true,
    })
}

/// The words searched for in `?q=`: trimmed, at most [`MAX_QUERY_CHARS`] characters.
pub fn search_words(q: Option<&str>) -> String {
    q.unwrap_or("")
        .trim()
        .chars()
        .take(MAX_QUERY_CHARS)
        .collect()
}

/// The articles matching `words`, as the search page and the search feeds list them.
pub async fn search_results(
    state: &AppState,
    words: &str,
    page: PageRequest,
) -> WebResult<tidings_core::Paged<tidings_core::ArticleCard>> {
    // Words without a letter or digit cannot match anything; skip the backend.
    if !words.chars().any(char::is_alphanumeric) {
        return Ok(tidings_core::Paged {
            items: Vec::new(),
            has_more: false,
        });
    }
    Ok(state.storage.search_articles(words, page).await?)
}

pub async fn healthz() -> &'static str {
    "ok"
}

pub async fn not_found() -> WebError {
    WebError::NotFound("Page".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_numbers_parse_or_name_the_problem() {
        assert_eq!(parse_page(None).ok(), Some(1));
        assert_eq!(parse_page(Some("")).ok(), Some(1));
        assert_eq!(parse_page(Some("3")).ok(), Some(3));
        for bad in ["0", "-1", "abc", "1.5", "99999999999"] {
            let error = parse_page(Some(bad)).expect_err(bad);
            assert!(error.to_string().contains("page must be"), "{error}");
        }
    }
}
