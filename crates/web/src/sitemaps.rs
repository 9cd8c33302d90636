//! Being found by search engines: `/robots.txt` (naming the sitemaps), `/sitemap.xml` (every
//! page worth indexing: home, briefing, sources, tags, stories, articles) and
//! `/sitemap-news.xml` (the Google News sitemap of the last two days).
//!
//! A sitemap holds at most 50,000 URLs, as the protocol says: past that, `/sitemap.xml` is a
//! sitemap index of `/sitemap/pages.xml` and numbered parts (`/sitemap/articles-1.xml`,
//! `/sitemap/stories-1.xml`, `/sitemap/tags-1.xml`), each read from storage in key order.

use std::io;

use axum::Router;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Duration, SecondsFormat, Utc};
use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};
use tidings_core::{PageRequest, SitemapEntry, SitemapSection};

use crate::AppState;
use crate::error::{WebError, WebResult};
use crate::feeds_out::SiteBase;
use crate::feeds_out::atom::xml_text;

/// The most URLs one sitemap lists (the protocol's limit).
pub const URLS_PER_SITEMAP: i64 = 50_000;
/// How far back the news sitemap looks, and the most it lists (Google News' rules).
const NEWS_WINDOW_HOURS: i64 = 48;
const MAX_NEWS_URLS: usize = 1_000;
/// Articles read per step while building the news sitemap.
const NEWS_BATCH: u32 = 200;

const SITEMAP_NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";
const NEWS_NS: &str = "http://www.google.com/schemas/sitemap-news/0.9";
const XML_TYPE: &str = "application/xml; charset=utf-8";
/// The pages of the site's own language (the templates' `lang`).
const SITE_LANGUAGE: &str = "en";

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/robots.txt", get(robots))
        .route("/sitemap.xml", get(sitemap))
        .route("/sitemap-news.xml", get(news_sitemap))
        .route("/sitemap/{file}", get(sitemap_part))
}

/// One `<url>` of a sitemap.
struct SitemapUrl {
    path: String,
    modified: Option<DateTime<Utc>>,
}

/// The sections read from storage, with the path each key becomes.
const SECTIONS: [(SitemapSection, &str); 3] = [
    (SitemapSection::Tags, "tags"),
    (SitemapSection::Stories, "stories"),
    (SitemapSection::Articles, "articles"),
];

fn page_path(section: SitemapSection, key: &str) -> String {
    match section {
        SitemapSection::Articles => format!("/article/{key}"),
        SitemapSection::Stories => format!("/story/{key}"),
        SitemapSection::Tags => format!("/tag/{key}"),
    }
}

fn urls_of(
    section: SitemapSection,
    entries: Vec<SitemapEntry>,
) -> impl Iterator<Item = SitemapUrl> {
    entries.into_iter().map(move |e| SitemapUrl {
        path: page_path(section, &e.key),
        modified: Some(e.modified),
    })
}

/// `GET /robots.txt`: everything readers see may be crawled; accounts, the console, the API
/// and search results (endless query strings) may not.
async fn robots(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let base = SiteBase::new(&state.site, &headers);
    let body = format!(
        "User-agent: *\nAllow: /\nDisallow: /account\nDisallow: /admin\nDisallow: /moderation\n\
         Disallow: /api/\nDisallow: /search\n\nSitemap: {}\nSitemap: {}\n",
        base.url("/sitemap.xml"),
        base.url("/sitemap-news.xml")
    );
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        body,
    )
        .into_response()
}

/// The home page, the briefing and every source, the pages that are no storage section.
async fn fixed_pages(state: &AppState) -> WebResult<Vec<SitemapUrl>> {
    let (publishers, newest) = tokio::try_join!(
        state.storage.publishers(),
        state.storage.latest_articles(PageRequest::new(1, 1)),
    )?;
    let newest = newest.items.first().map(|c| c.shown_at);
    let mut urls = vec![
        SitemapUrl {
            path: "/".to_owned(),
            modified: newest,
        },
        SitemapUrl {
            path: "/briefing".to_owned(),
            modified: newest,
        },
    ];
    urls.extend(publishers.into_iter().map(|p| SitemapUrl {
        path: format!("/source/{}", p.slug),
        modified: None,
    }));
    urls.truncate(URLS_PER_SITEMAP as usize);
    Ok(urls)
}

/// The number of parts a section of `count` pages takes.
fn parts(count: i64) -> i64 {
    (count + URLS_PER_SITEMAP - 1) / URLS_PER_SITEMAP
}

/// `GET /sitemap.xml`: every page, or the index of the parts when they are more than one
/// sitemap may hold.
async fn sitemap(State(state): State<AppState>, headers: HeaderMap) -> WebResult<Response> {
    let base = SiteBase::new(&state.site, &headers);
    let storage = &state.storage;
    let (tags, stories, articles) = tokio::try_join!(
        storage.sitemap_count(SitemapSection::Tags),
        storage.sitemap_count(SitemapSection::Stories),
        storage.sitemap_count(SitemapSection::Articles),
    )?;
    let mut urls = fixed_pages(&state).await?;
    let total = urls.len() as i64 + tags + stories + articles;
    if total <= URLS_PER_SITEMAP {
        for (section, _) in SECTIONS {
            let entries = storage
                .sitemap_entries(section, 0, URLS_PER_SITEMAP as u32)
                .await?;
            urls.extend(urls_of(section, entries));
        }
        return Ok(xml_response(write_urlset(&base, &urls)));
    }
    let mut files = vec!["/sitemap/pages.xml".to_owned()];
    for ((_, name), count) in SECTIONS.iter().zip([tags, stories, articles]) {
        files.extend((1..=parts(count)).map(|n| format!("/sitemap/{name}-{n}.xml")));
    }
    Ok(xml_response(write_index(&base, &files)))
}

/// `GET /sitemap/{file}`: one part of a large site's sitemap.
async fn sitemap_part(
    State(state): State<AppState>,
    Path(file): Path<String>,
    headers: HeaderMap,
) -> WebResult<Response> {
    let base = SiteBase::new(&state.site, &headers);
    let not_found = || WebError::NotFound(format!("Sitemap {file:?}"));
    if file == "pages.xml" {
        return Ok(xml_response(write_urlset(
            &base,
            &fixed_pages(&state).await?,
        )));
    }
    let (name, number) = file
        .strip_suffix(".xml")
        .and_then(|stem| stem.rsplit_once('-'))
        .ok_or_else(not_found)?;
    let section = SECTIONS
        .iter()
        .find(|(_, n)| *n == name)
        .map(|(s, _)| *s)
        .ok_or_else(not_found)?;
    let number: i64 = number
        .parse()
        .ok()
        .filter(|n| *n >= 1)
        .ok_or_else(not_found)?;
    if number > parts(state.storage.sitemap_count(section).await?) {
        return Err(not_found());
    }
    let entries = state
        .storage
        .sitemap_entries(
            section,
            (number - 1) * URLS_PER_SITEMAP,
            URLS_PER_SITEMAP as u32,
        )
        .await?;
    let urls: Vec<SitemapUrl> = urls_of(section, entries).collect();
    Ok(xml_response(write_urlset(&base, &urls)))
}

/// `GET /sitemap-news.xml`: articles of the last two days, newest first, at most 1,000.
async fn news_sitemap(State(state): State<AppState>, headers: HeaderMap) -> WebResult<Response> {
    let base = SiteBase::new(&state.site, &headers);
    let since = Utc::now() - Duration::hours(NEWS_WINDOW_HOURS);
    let mut cards = Vec::new();
    let mut page = 1;
    'pages: loop {
        let batch = state
            .storage
            .latest_articles(PageRequest::new(page, NEWS_BATCH))
            .await?;
        for card in batch.items {
            if card.shown_at < since || cards.len() >= MAX_NEWS_URLS {
                break 'pages;
            }
            cards.push(card);
        }
        if !batch.has_more {
            break;
        }
        page += 1;
    }
    let body = write_document(|w| {
        w.create_element("urlset")
            .with_attribute(("xmlns", SITEMAP_NS))
            .with_attribute(("xmlns:news", NEWS_NS))
            .write_inner_content(|w| {
                for card in &cards {
                    w.create_element("url").write_inner_content(|w| {
                        text(w, "loc", &base.url(&format!("/article/{}", card.id)))?;
                        w.create_element("news:news").write_inner_content(|w| {
                            w.create_element("news:publication")
                                .write_inner_content(|w| {
                                    text(w, "news:name", &state.site.title)?;
                                    text(w, "news:language", SITE_LANGUAGE)
                                })?;
                            text(w, "news:publication_date", &w3c_date(card.shown_at))?;
                            text(w, "news:title", &card.title)
                        })?;
                        Ok(())
                    })?;
                }
                Ok(())
            })?;
        Ok(())
    });
    Ok(xml_response(body))
}

fn w3c_date(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}

fn xml_response(body: String) -> Response {
    ([(header::CONTENT_TYPE, XML_TYPE)], body).into_response()
}

fn text(w: &mut Writer<Vec<u8>>, name: &str, value: &str) -> io::Result<()> {
    w.create_element(name)
        .write_text_content(BytesText::new(&xml_text(value)))?;
    Ok(())
}

/// An XML document written by `body` after the declaration (compact: sitemaps are large).
fn write_document(body: impl FnOnce(&mut Writer<Vec<u8>>) -> io::Result<()>) -> String {
    let mut writer = Writer::new(Vec::new());
    let written = writer
        .write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
        .and_then(|()| body(&mut writer));
    // Writing into memory cannot fail; should quick-xml report an error, it is logged.
    if let Err(error) = written {
        tracing::error!(%error, "writing a sitemap failed");
    }
    String::from_utf8_lossy(&writer.into_inner()).into_owned()
}

fn write_urlset(base: &SiteBase, urls: &[SitemapUrl]) -> String {
    write_document(|w| {
        w.create_element("urlset")
            .with_attribute(("xmlns", SITEMAP_NS))
            .write_inner_content(|w| {
                for url in urls {
                    w.create_element("url").write_inner_content(|w| {
                        text(w, "loc", &base.url(&url.path))?;
                        if let Some(modified) = url.modified {
                            text(w, "lastmod", &w3c_date(modified))?;
                        }
                        Ok(())
                    })?;
                }
                Ok(())
            })?;
        Ok(())
    })
}

fn write_index(base: &SiteBase, files: &[String]) -> String {
    write_document(|w| {
        w.create_element("sitemapindex")
            .with_attribute(("xmlns", SITEMAP_NS))
            .write_inner_content(|w| {
                for file in files {
                    w.create_element("sitemap")
                        .write_inner_content(|w| text(w, "loc", &base.url(file)))?;
                }
                Ok(())
            })?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_split_at_the_protocols_limit() {
        assert_eq!(parts(0), 0);
        assert_eq!(parts(1), 1);
        assert_eq!(parts(URLS_PER_SITEMAP), 1);
        assert_eq!(parts(URLS_PER_SITEMAP + 1), 2);
        assert_eq!(parts(3 * URLS_PER_SITEMAP), 3);
    }

    #[test]
    fn an_index_lists_absolute_part_urls() {
        let site = crate::SiteConfig {
            title: "T".into(),
            base_url: Some(url::Url::parse("https://news.example/").expect("url")),
        };
        let base = SiteBase::new(&site, &HeaderMap::new());
        let xml = write_index(&base, &["/sitemap/articles-2.xml".to_owned()]);
        assert_eq!(
            xml,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><sitemapindex \
             xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\"><sitemap>\
             <loc>https://news.example/sitemap/articles-2.xml</loc></sitemap></sitemapindex>"
        );
    }
}
