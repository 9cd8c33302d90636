//! The article page: the body as the publisher's policy allows, attribution to the
//! original, hashtags, related articles from other publishers and Open Graph tags.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::Html;
use chrono::Utc;
use tidings_core::{Article, ArticleId, BodySource, ImageVariant, Tag};

use crate::AppState;
use crate::article_body::{ShownBody, safe_outside_url};
use crate::error::{WebError, WebResult};
use crate::lead_images::PictureView;
use crate::pages::render;
use crate::views::{CardView, Chrome, TimeView};

/// How many related articles the page lists.
const RELATED_LIMIT: u32 = 6;

#[derive(Template)]
#[template(path = "article.html")]
pub struct ArticlePage {
    pub chrome: Chrome,
    pub title: String,
    pub publisher: String,
    pub publisher_slug: String,
    pub byline: Option<String>,
    /// The article's language tag (for `lang`), when it looks like one.
    pub language: Option<String>,
    pub time: TimeView,
    /// The original's URL (canonical when declared), only when it is an http(s) URL.
    pub original_url: Option<String>,
    /// The lead image's article variant, served by Tidings.
    pub image: Option<crate::lead_images::PictureView>,
    pub from_feed: bool,
    /// Sanitized HTML, rendered as is.
    pub body_html: String,
    /// Whether the body is cut short and the reader should continue at the publisher.
    pub truncated: bool,
    pub tags: Vec<Tag>,
    pub related: Vec<CardView>,
    /// The Comments section (always present on served pages).
    pub comments: Option<crate::readers::CommentsSection>,
    /// The AI panel (summary, key points, questions).
    pub ai: Option<crate::ai::AiPanelView>,
    pub og: OpenGraph,
    /// The schema.org `NewsArticle`, escaped for its `<script type="application/ld+json">`.
    pub json_ld: String,
    /// The story the article belongs to.
    pub story_id: Option<i64>,
    /// Outlets that republished this article ("Also published at").
    pub also_published: Vec<crate::stories::AlsoPublished>,
}

/// Open Graph values for link previews.
pub struct OpenGraph {
    pub title: String,
    pub description: String,
    pub site_name: String,
    /// This page on the site, when the base URL is known.
    pub url: Option<String>,
    pub image: Option<String>,
    pub published_time: Option<String>,
}

/// The article id from the path; anything but a number is an unknown article.
fn parse_article_id(raw: &str) -> WebResult<ArticleId> {
    raw.parse::<ArticleId>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| WebError::NotFound(format!("Article {raw:?}")))
}

pub async fn article(
    State(state): State<AppState>,
    Path(raw_id): Path<String>,
    viewer: crate::readers::Viewer,
    Query(comments_query): Query<crate::readers::CommentsQuery>,
    Query(ai_request): Query<crate::ai::PanelRequest>,
    client: crate::ai::ClientIp,
) -> Result<Html<String>, WebError> {
    let id = parse_article_id(&raw_id)?;
    let comments =
        crate::readers::CommentsSection::load(&state, &viewer, id, &comments_query, None).await?;
    render_article_with_ai(&state, id, comments, &ai_request, client).await
}

/// The article page with this Comments section (which may hold a refused draft).
pub(crate) async fn render_article(
    state: &AppState,
    id: ArticleId,
    comments: crate::readers::CommentsSection,
) -> WebResult<Html<String>> {
    let no_question = crate::ai::PanelRequest::default();
    let client = crate::ai::ClientIp(std::net::Ipv4Addr::UNSPECIFIED.into());
    render_article_with_ai(state, id, comments, &no_question, client).await
}

/// The article page with its Comments section and AI panel (answering `ai_request`).
async fn render_article_with_ai(
    state: &AppState,
    id: ArticleId,
    comments: crate::readers::CommentsSection,
    ai_request: &crate::ai::PanelRequest,
    client: crate::ai::ClientIp,
) -> WebResult<Html<String>> {
    // One round: the article, its related articles, its story links and its picture at once.
    let (article, related, links, pictures) = tokio::try_join!(
        async { Ok::<_, WebError>(state.storage.article(id).await?) },
        crate::stories::related_cards(state, id, RELATED_LIMIT),
        async { Ok::<_, WebError>(state.storage.article_links(id).await?) },
        async { Ok::<_, WebError>(state.storage.article_image_refs(id).await?) },
    )?;
    let Some(article) = article else {
        return Err(WebError::NotFound(format!("Article {id}")));
    };
    let now = Utc::now();
    let shown_text = ShownBody::for_article(&article).text(&article);
    let picture = pictures
        .iter()
        .find(|p| p.variant == ImageVariant::Article)
        .map(|p| PictureView::new(id, p));
    let mut page = build_page(state, article, CardView::many(related, now), now, picture);
    page.comments = Some(comments);
    if let Some(links) = links {
        page.story_id = links.story_id;
        page.also_published = crate::stories::AlsoPublished::from_links(links);
    }
    crate::ai::attach_panel(state, &mut page, id, &shown_text, ai_request, client).await;
    render(&page)
}

fn build_page(
    state: &AppState,
    article: Article,
    related: Vec<CardView>,
    now: chrono::DateTime<Utc>,
    image: Option<PictureView>,
) -> ArticlePage {
    let body = ShownBody::for_article(&article);
    let truncated = matches!(
        body,
        ShownBody::Paragraphs {
            truncated: true,
            ..
        }
    );
    let original_url = safe_outside_url(article.original_url());
    let path = format!("/article/{}", article.id);
    // The canonical link points at the original, not at this copy.
    let mut chrome = Chrome::new(&state.site, &article.title, None);
    chrome.canonical.clone_from(&original_url);
    chrome.description = Some(article.excerpt.clone()).filter(|e| !e.is_empty());
    let og = OpenGraph {
        title: article.title.clone(),
        description: article.excerpt.clone(),
        site_name: state.site.title.clone(),
        url: state.site.absolute_url(&path),
        image: image.as_ref().and_then(|i| state.site.absolute_url(&i.src)),
        published_time: article
            .published_at
            .map(crate::relative_time::iso_timestamp),
    };
    let json_ld = crate::article_json_ld::news_article(&article, &state.site, og.image.as_deref());
    ArticlePage {
        json_ld,
        chrome,
        time: TimeView::new(article.shown_at(), now),
        from_feed: article.body_source == BodySource::FeedContent,
        body_html: body.html(),
        truncated,
        original_url,
        image,
        og,
        title: article.title,
        publisher: article.publisher,
        publisher_slug: article.publisher_slug,
        byline: article.byline.filter(|b| !b.trim().is_empty()),
        language: article.language.filter(|l| is_language_tag(l)),
        tags: article.tags,
        related,
        ai: None,
        comments: None,
        story_id: None,
        also_published: Vec::new(),
    }
}

/// A BCP 47-looking tag ("en", "pt-BR"): letters, digits and hyphens, starting with a letter.
fn is_language_tag(tag: &str) -> bool {
    (2..=35).contains(&tag.len())
        && tag.starts_with(|c: char| c.is_ascii_alphabetic())
        && tag.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_tags_are_checked_before_use() {
        assert!(is_language_tag("en"));
        assert!(is_language_tag("pt-BR"));
        assert!(!is_language_tag("e"));
        assert!(!is_language_tag("en\" onload=x"));
        assert!(!is_language_tag(""));
    }

    #[test]
    fn non_numeric_ids_are_not_found() {
        assert!(parse_article_id("12").is_ok());
        for bad in ["abc", "0", "-3", "1e3", ""] {
            assert!(
                matches!(parse_article_id(bad), Err(WebError::NotFound(_))),
                "{bad}"
            );
        }
    }
}
