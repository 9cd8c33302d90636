//! The reader's own pages: For you (their home page once they follow anything), Saved,
//! Following, and `/following.opml`, the OPML list of Tidings' feeds for what they follow.
//! Anonymous visitors get a sign-in prompt instead.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{Html, IntoResponse, Response};
use chrono::Utc;
use tidings_core::{Follow, FollowKind, PageRequest};

use crate::AppState;
use crate::error::WebResult;
use crate::pages::{PER_PAGE, PageQuery, parse_page, render};
use crate::readers::Viewer;
use crate::stories::StoryCardView;
use crate::views::{CardView, Chrome, Pager};

/// One story on For you, with the reader's marks.
struct ForYouCard {
    story: StoryCardView,
    new_coverage: bool,
    saved: bool,
}

#[derive(Template)]
#[template(path = "for_you.html")]
struct ForYouPage {
    chrome: Chrome,
    csrf_token: String,
    /// This page's path and query, where its forms return.
    back: String,
    stories: Vec<ForYouCard>,
    pager: Pager,
}

/// Whether the home page is the viewer's For you page: they are signed in, follow anything
/// and did not ask for the latest news (`?view=all`).
pub(crate) async fn wants_for_you(
    state: &AppState,
    viewer: &Viewer,
    view: Option<&str>,
) -> WebResult<bool> {
    match &viewer.user {
        Some(user) if view != Some("all") => Ok(state.storage.follows_anything(user.id).await?),
        _ => Ok(false),
    }
}

/// The For you page of a signed-in reader (see [`tidings_core::FollowStore::for_you`]).
pub(crate) async fn for_you(
    state: &AppState,
    viewer: &Viewer,
    page: u32,
) -> WebResult<Html<String>> {
    let user = viewer.require_user()?.id;
    let found = state
        .storage
        .for_you(user, PageRequest::new(page, PER_PAGE))
        .await?;
    let now = Utc::now();
    let mut stories = Vec::with_capacity(found.items.len());
    for item in found.items {
        let saved = state
            .storage
            .article_marks(user, item.story.lead.id)
            .await?
            .saved_at
            .is_some();
        stories.push(ForYouCard {
            story: StoryCardView {
                id: item.story.id,
                outlets: item.story.outlets,
                lead: CardView::new(item.story.lead, now),
            },
            new_coverage: item.new_coverage,
            saved,
        });
    }
    let title = if page > 1 {
        format!("For you, page {page}")
    } else {
        "For you".to_owned()
    };
    let pager = Pager::new("/", &[], page, found.has_more);
    let back = if page > 1 {
        format!("/?page={page}")
    } else {
        "/".to_owned()
    };
    render(&ForYouPage {
        chrome: Chrome::new(&state.site, &title, None),
        csrf_token: viewer.csrf_token.clone(),
        back,
        stories,
        pager,
    })
}

struct SavedCard {
    card: CardView,
    read: bool,
}

#[derive(Template)]
#[template(path = "saved.html")]
struct SavedPage {
    chrome: Chrome,
    signed_in: bool,
    csrf_token: String,
    back: String,
    cards: Vec<SavedCard>,
    pager: Pager,
}

pub async fn saved(
    State(state): State<AppState>,
    viewer: Viewer,
    Query(query): Query<PageQuery>,
) -> WebResult<Response> {
    let page = parse_page(query.page.as_deref())?;
    let chrome = Chrome::new(&state.site, "Saved for later", None);
    let Some(user) = &viewer.user else {
        let page = SavedPage {
            chrome,
            signed_in: false,
            csrf_token: String::new(),
            back: String::new(),
            cards: Vec::new(),
            pager: Pager::new("/saved", &[], 1, false),
        };
        return Ok(viewer.with_cookies(render(&page)?));
    };
    let found = state
        .storage
        .saved_articles(user.id, PageRequest::new(page, PER_PAGE))
        .await?;
    let now = Utc::now();
    let cards = found
        .items
        .into_iter()
        .map(|saved| SavedCard {
            read: saved.read_at.is_some(),
            card: CardView::new(saved.card, now),
        })
        .collect();
    let back = if page > 1 {
        format!("/saved?page={page}")
    } else {
        "/saved".to_owned()
    };
    render(&SavedPage {
        chrome,
        signed_in: true,
        csrf_token: viewer.csrf_token.clone(),
        back,
        cards,
        pager: Pager::new("/saved", &[], page, found.has_more),
    })
    .map(IntoResponse::into_response)
}

/// The follows of one kind, as the Following page groups them.
struct FollowGroup {
    heading: &'static str,
    follows: Vec<Follow>,
}

#[derive(Template)]
#[template(path = "following.html")]
struct FollowingPage {
    chrome: Chrome,
    signed_in: bool,
    csrf_token: String,
    groups: Vec<FollowGroup>,
}

fn grouped(follows: Vec<Follow>) -> Vec<FollowGroup> {
    let headings = [
        (FollowKind::Tag, "Tags"),
        (FollowKind::Source, "Sources"),
        (FollowKind::Story, "Stories"),
    ];
    headings
        .into_iter()
        .map(|(kind, heading)| FollowGroup {
            heading,
            follows: follows
                .iter()
                .filter(|f| f.target.kind == kind)
                .cloned()
                .collect(),
        })
        .filter(|group| !group.follows.is_empty())
        .collect()
}

pub async fn following(State(state): State<AppState>, viewer: Viewer) -> WebResult<Response> {
    let chrome = Chrome::new(&state.site, "Following", None);
    let Some(user) = &viewer.user else {
        let page = FollowingPage {
            chrome,
            signed_in: false,
            csrf_token: String::new(),
            groups: Vec::new(),
        };
        return Ok(viewer.with_cookies(render(&page)?));
    };
    let follows = state.storage.follows(user.id).await?;
    render(&FollowingPage {
        chrome,
        signed_in: true,
        csrf_token: viewer.csrf_token.clone(),
        groups: grouped(follows),
    })
    .map(IntoResponse::into_response)
}

/// `/following.opml`: an outline per followed tag, source and story, each pointing at the
/// site's own Atom feed of it.
pub async fn following_opml(
    State(state): State<AppState>,
    viewer: Viewer,
    headers: HeaderMap,
) -> WebResult<Response> {
    let user = viewer.require_user()?;
    let follows = state.storage.follows(user.id).await?;
    let base = site_base(&state, &headers);
    let body = opml(&state.site.title, &user.name, &base, &grouped(follows));
    Ok((
        [
            (header::CONTENT_TYPE, "text/x-opml; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"following.opml\"",
            ),
        ],
        body,
    )
        .into_response())
}

/// The site's address for absolute links: `server.base_url`, else the request's host.
fn site_base(state: &AppState, headers: &HeaderMap) -> String {
    if let Some(url) = state.site.absolute_url("/") {
        return url.trim_end_matches('/').to_owned();
    }
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            !h.is_empty()
                && h.len() <= 255
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        })
        .unwrap_or("localhost");
    format!("http://{host}")
}

fn opml(site: &str, reader: &str, base: &str, groups: &[FollowGroup]) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<opml version=\"2.0\">\n<head>\n",
    );
    out.push_str(&format!(
        "  <title>{} — followed by {}</title>\n  <dateCreated>{}</dateCreated>\n</head>\n<body>\n",
        xml_escape(site),
        xml_escape(reader),
        Utc::now().to_rfc2822()
    ));
    for group in groups {
        out.push_str(&format!(
            "  <outline text=\"{0}\" title=\"{0}\">\n",
            xml_escape(group.heading)
        ));
        for follow in &group.follows {
            let page = format!("{base}{}", follow.target.path());
            out.push_str(&format!(
                "    <outline type=\"rss\" text=\"{0}\" title=\"{0}\" xmlUrl=\"{1}/feed.atom\" htmlUrl=\"{1}\"/>\n",
                xml_escape(&follow.label),
                xml_escape(&page),
            ));
        }
        out.push_str("  </outline>\n");
    }
    out.push_str("</body>\n</opml>\n");
    out
}

/// Text for an XML attribute: escaped, without the control characters XML 1.0 cannot carry.
fn xml_escape(text: &str) -> String {
    let allowed: String = text
        .chars()
        .filter(|c| !c.is_control() || matches!(c, '\t' | '\n' | '\r'))
        .collect();
    crate::article_body::escape_html(&allowed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use tidings_core::FollowTarget;

    #[test]
    fn opml_lists_each_follows_feed_escaped() {
        let follow = |kind, key: &str, label: &str| Follow {
            target: FollowTarget::new(kind, key).expect("target"),
            label: label.into(),
            created_at: Utc::now(),
        };
        let groups = grouped(vec![
            follow(FollowKind::Story, "7", "Ports & \"strikes\" <live>"),
            follow(FollowKind::Tag, "climate", "#Climate"),
        ]);
        assert_eq!(groups[0].heading, "Tags", "tags come first");
        let text = opml("Tidings", "ann", "https://news.example", &groups);
        assert!(text.contains(
            "xmlUrl=\"https://news.example/tag/climate/feed.atom\" htmlUrl=\"https://news.example/tag/climate\""
        ), "{text}");
        assert!(text.contains("xmlUrl=\"https://news.example/story/7/feed.atom\""));
        assert!(
            text.contains("Ports &amp; &quot;strikes&quot; &lt;live&gt;"),
            "{text}"
        );
        assert!(!text.contains("Sources"), "no empty groups");
    }
}
