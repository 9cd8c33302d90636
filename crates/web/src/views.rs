//! Template contexts: the structs askama renders, built from domain types. Nothing here
//! touches storage; the handlers in [`crate::pages`] and [`crate::article_page`] fill them.

use askama::Template;
use chrono::{DateTime, Utc};
use tidings_core::{ArticleCard, Tag, TagCount};

use crate::SiteConfig;
use crate::assets;
use crate::relative_time::{full_timestamp, iso_timestamp, relative_time};

/// What every page's frame (head, header, footer) needs.
pub struct Chrome {
    pub site_title: String,
    /// The whole `<title>`.
    pub page_title: String,
    pub description: Option<String>,
    pub css_href: String,
    pub favicon_href: String,
    /// The absolute canonical URL, when the site's base URL is configured (articles point
    /// at the original instead and leave this empty).
    pub canonical: Option<String>,
    /// The search box's current words.
    pub query: String,
    /// The feeds mirroring this page (`<link rel="alternate">`).
    pub feeds: Vec<FeedLink>,
}

/// A feed advertised in a page's head.
pub struct FeedLink {
    pub media_type: &'static str,
    pub title: String,
    pub href: String,
}

impl Chrome {
    /// The frame for a page titled `title` ("" for the home page) at `path` on this site.
    pub fn new(site: &SiteConfig, title: &str, path: Option<&str>) -> Self {
        let page_title = if title.is_empty() {
            site.title.clone()
        } else {
            format!("{title} · {}", site.title)
        };
        Chrome {
            site_title: site.title.clone(),
            page_title,
            description: None,
            css_href: assets::css_href(),
            favicon_href: assets::favicon_href(),
            canonical: path.and_then(|p| site.absolute_url(p)),
            query: String::new(),
            feeds: Vec::new(),
        }
    }

    /// Advertises the Atom and JSON feeds at `{feed_path}.atom` and `.json` (with `query`,
    /// already encoded, when not empty), titled `title`.
    pub fn advertise_feeds(&mut self, title: &str, feed_path: &str, query: &str) {
        let query = if query.is_empty() {
            String::new()
        } else {
            format!("?{query}")
        };
        self.feeds = vec![
            FeedLink {
                media_type: "application/atom+xml",
                title: format!("{title} (Atom)"),
                href: format!("{feed_path}.atom{query}"),
            },
            FeedLink {
                media_type: "application/feed+json",
                title: format!("{title} (JSON Feed)"),
                href: format!("{feed_path}.json{query}"),
            },
        ];
    }
}

/// A moment as shown: relative words, tooltip and machine-readable form.
pub struct TimeView {
    pub iso: String,
    pub relative: String,
    pub full: String,
}

impl TimeView {
    pub fn new(then: DateTime<Utc>, now: DateTime<Utc>) -> Self {
        TimeView {
            iso: iso_timestamp(then),
            relative: relative_time(then, now),
            full: full_timestamp(then),
        }
    }
}

/// An article in a list.
pub struct CardView {
    pub id: i64,
    pub title: String,
    pub publisher: String,
    pub publisher_slug: String,
    pub time: TimeView,
    pub excerpt: String,
    /// The lead image's card variant, served by Tidings.
    pub image: Option<crate::lead_images::PictureView>,
    pub tags: Vec<Tag>,
    /// Public comments on the article (filled in where lists show them).
    pub comment_count: i64,
}

impl CardView {
    pub fn new(card: ArticleCard, now: DateTime<Utc>) -> Self {
        CardView {
            id: card.id,
            time: TimeView::new(card.shown_at, now),
            image: card
                .picture
                .as_ref()
                .map(|p| crate::lead_images::PictureView::new(card.id, p)),
            title: card.title,
            publisher: card.publisher,
            publisher_slug: card.publisher_slug,
            excerpt: card.excerpt,
            tags: card.tags,
            comment_count: 0,
        }
    }

    pub fn many(cards: Vec<ArticleCard>, now: DateTime<Utc>) -> Vec<Self> {
        cards.into_iter().map(|c| CardView::new(c, now)).collect()
    }
}

/// Newer/Older links of a paged list.
pub struct Pager {
    pub page: u32,
    pub newer_href: Option<String>,
    pub older_href: Option<String>,
}

impl Pager {
    /// Links for page `page` of the list at `path`; `extra` are query pairs to keep (the
    /// search words).
    pub fn new(path: &str, extra: &[(&str, &str)], page: u32, has_more: bool) -> Self {
        let href = |page: u32| {
            let mut query = url::form_urlencoded::Serializer::new(String::new());
            for (key, value) in extra {
                query.append_pair(key, value);
            }
            if page > 1 {
                query.append_pair("page", &page.to_string());
            }
            let query = query.finish();
            if query.is_empty() {
                path.to_owned()
            } else {
                format!("{path}?{query}")
            }
        };
        Pager {
            page,
            newer_href: (page > 1).then(|| href(page - 1)),
            older_href: has_more.then(|| href(page + 1)),
        }
    }

    pub fn is_needed(&self) -> bool {
        self.newer_href.is_some() || self.older_href.is_some()
    }
}

#[derive(Template)]
#[template(path = "home.html")]
pub struct HomePage {
    pub chrome: Chrome,
    pub cards: Vec<CardView>,
    /// The latest news grouped by story (shown instead of `cards` when there are any).
    pub stories: Vec<crate::stories::StoryCardView>,
    pub pager: Pager,
    pub trending: Vec<TagCount>,
    pub publishers: Vec<tidings_core::Publisher>,
}

/// A publisher's, a tag's or a search's list of articles.
#[derive(Template)]
#[template(path = "listing.html")]
pub struct ListingPage {
    pub chrome: Chrome,
    pub heading: String,
    /// A line under the heading, like "12 articles".
    pub summary: String,
    pub cards: Vec<CardView>,
    /// Stories listed above the cards (a tag's stories).
    pub stories: Vec<crate::stories::StoryCardView>,
    pub pager: Pager,
    /// Shown when `cards` is empty.
    pub empty_message: String,
    /// Whether to show the large search form (the search page).
    pub search_form: bool,
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorView {
    pub chrome: Chrome,
    pub status: u16,
    pub message: String,
}

/// "1 article", "12 articles".
pub fn article_count(count: i64) -> String {
    if count == 1 {
        "1 article".to_owned()
    } else {
        format!("{count} articles")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pager_links_keep_the_query_and_skip_page_one() {
        let pager = Pager::new("/search", &[("q", "a&b c")], 2, true);
        assert_eq!(pager.newer_href.as_deref(), Some("/search?q=a%26b+c"));
        assert_eq!(
            pager.older_href.as_deref(),
            Some("/search?q=a%26b+c&page=3")
        );
        let first = Pager::new("/", &[], 1, false);
        assert!(!first.is_needed());
        let second = Pager::new("/", &[], 2, false);
        assert_eq!(second.newer_href.as_deref(), Some("/"));
    }

    #[test]
    fn counts_are_pluralised() {
        assert_eq!(article_count(1), "1 article");
        assert_eq!(article_count(0), "0 articles");
        assert_eq!(article_count(12), "12 articles");
    }
}
