//! The domain types that flow from a feed to the article page.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// A feed's row id.
pub type FeedId = i64;
/// An article's row id.
pub type ArticleId = i64;

/// How much of a publisher's article Tidings republishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum RepublishPolicy {
    /// The whole article body.
    Full,
    /// The first paragraphs and a prominent link to the original.
    #[default]
    Excerpt,
}

impl RepublishPolicy {
    pub fn as_str(self) -> &'static str {
        match self {
            RepublishPolicy::Full => "full",
            RepublishPolicy::Excerpt => "excerpt",
        }
    }

    /// Parses `full` or `excerpt`; anything else is `None`.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "full" => Some(RepublishPolicy::Full),
            "excerpt" => Some(RepublishPolicy::Excerpt),
            _ => None,
        }
    }
}

/// The state of a feed's last fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeedStatus {
    Ok,
    NotModified,
    Error,
}

impl FeedStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            FeedStatus::Ok => "ok",
            FeedStatus::NotModified => "not_modified",
            FeedStatus::Error => "error",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "ok" => Some(FeedStatus::Ok),
            "not_modified" => Some(FeedStatus::NotModified),
            "error" => Some(FeedStatus::Error),
            _ => None,
        }
    }
}

/// A feed to add.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewFeed {
    pub url: String,
    pub title: Option<String>,
    pub site_url: Option<String>,
    /// The publisher's display name (the feed title when nothing better is known).
    pub publisher: String,
    pub policy: RepublishPolicy,
    /// Whether the guarded fetcher may reach loopback or private addresses for this feed.
    pub allow_private: bool,
    /// How often the feed is polled, in seconds.
    pub interval_secs: i64,
}

/// A feed as stored, with the record of its last fetch.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Feed {
    pub id: FeedId,
    pub url: String,
    pub title: Option<String>,
    pub site_url: Option<String>,
    pub publisher: String,
    pub policy: RepublishPolicy,
    pub allow_private: bool,
    pub interval_secs: i64,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub last_fetch_at: Option<DateTime<Utc>>,
    pub last_status: Option<FeedStatus>,
    pub last_error: Option<String>,
    pub consecutive_failures: i64,
    pub next_fetch_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
}

/// What one poll of a feed produced, written back onto the feed.
#[derive(Debug, Clone, PartialEq)]
pub struct FeedFetchRecord {
    pub at: DateTime<Utc>,
    pub status: FeedStatus,
    /// A clear, one-line message when `status` is `Error`; when it is `Ok`, an optional
    /// one-line note of what the feed limits dropped or cut.
    pub error: Option<String>,
    /// Validators for the next conditional GET (kept as they were when `None`).
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    pub next_fetch_at: DateTime<Utc>,
    pub consecutive_failures: i64,
    /// The feed's own title and site link, when the fetch read them.
    pub title: Option<String>,
    pub site_url: Option<String>,
}

/// A hashtag: its slug (the URL key, see [`crate::tag_slug`]) and its display label.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Tag {
    pub slug: String,
    pub label: String,
}

impl Tag {
    /// A tag from a display label; `None` when the label has no letters or digits.
    pub fn from_label(label: &str) -> Option<Self> {
        let label = label.trim().trim_start_matches('#').trim();
        let slug = crate::tag_slug(label);
        if slug.is_empty() {
            return None;
        }
        Some(Tag {
            slug,
            label: label.split_whitespace().collect::<Vec<_>>().join(" "),
        })
    }
}

/// Where an article's body came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum BodySource {
    /// Extracted from the publisher's page.
    Page,
    /// The page could not be fetched or extracted: the feed's own content is shown.
    FeedContent,
}

impl BodySource {
    pub fn as_str(self) -> &'static str {
        match self {
            BodySource::Page => "page",
            BodySource::FeedContent => "feed_content",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "page" => Some(BodySource::Page),
            "feed_content" => Some(BodySource::FeedContent),
            _ => None,
        }
    }
}

/// A weighted key term of an article, used to find related articles.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KeyTerm {
    pub term: String,
    pub weight: f32,
}

/// An enriched article ready to be stored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewArticle {
    pub feed_id: Option<FeedId>,
    pub publisher: String,
    /// The entry's id in its feed.
    pub guid: Option<String>,
    /// The link the feed gave (after redirects when the page was fetched).
    pub url: String,
    pub canonical_url: Option<String>,
    pub title: String,
    pub byline: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
    pub image: Option<String>,
    pub language: Option<String>,
    pub site_name: Option<String>,
    /// Plain text, paragraphs separated by blank lines.
    pub text: String,
    /// Sanitized HTML of the body.
    pub html: String,
    pub excerpt: String,
    pub body_source: BodySource,
    pub policy: RepublishPolicy,
    pub tags: Vec<Tag>,
    pub terms: Vec<KeyTerm>,
}

/// A stored article.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Article {
    pub id: ArticleId,
    pub feed_id: Option<FeedId>,
    pub publisher: String,
    pub publisher_slug: String,
    pub guid: Option<String>,
    pub url: String,
    pub canonical_url: Option<String>,
    pub title: String,
    pub byline: Option<String>,
    pub published_at: Option<DateTime<Utc>>,
    pub fetched_at: DateTime<Utc>,
    pub image: Option<String>,
    pub language: Option<String>,
    pub site_name: Option<String>,
    pub text: String,
    pub html: String,
    pub excerpt: String,
    pub body_source: BodySource,
    pub policy: RepublishPolicy,
    pub tags: Vec<Tag>,
}

impl Article {
    /// The time shown to readers: publication when known, else when Tidings fetched it.
    pub fn shown_at(&self) -> DateTime<Utc> {
        self.published_at.unwrap_or(self.fetched_at)
    }

    /// The link to the original: the canonical URL when the page declared one.
    pub fn original_url(&self) -> &str {
        self.canonical_url.as_deref().unwrap_or(&self.url)
    }
}

/// An article as listed on home, publisher, tag, search and related lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArticleCard {
    pub id: ArticleId,
    pub title: String,
    pub publisher: String,
    pub publisher_slug: String,
    pub url: String,
    /// Publication time, else fetch time.
    pub shown_at: DateTime<Utc>,
    pub excerpt: String,
    pub image: Option<String>,
    /// The lead image's card variant as Tidings serves it, once fetched.
    #[serde(default)]
    pub picture: Option<crate::ImageRef>,
    pub tags: Vec<Tag>,
}

/// The result of storing an article.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InsertOutcome {
    Inserted(ArticleId),
    /// The same article (same guid in its feed, same canonical URL, or same URL) was stored
    /// already, under this id.
    Duplicate(ArticleId),
}

/// A page of a list: 1-based page number and page size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    pub page: u32,
    pub per_page: u32,
}

impl PageRequest {
    pub fn new(page: u32, per_page: u32) -> Self {
        PageRequest {
            page: page.max(1),
            per_page: per_page.clamp(1, 200),
        }
    }

    pub fn offset(&self) -> i64 {
        i64::from(self.page - 1) * i64::from(self.per_page)
    }
}

/// One page of a list and whether more follow.
#[derive(Debug, Clone, PartialEq)]
pub struct Paged<T> {
    pub items: Vec<T>,
    pub has_more: bool,
}

/// A publisher with its article count.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Publisher {
    pub slug: String,
    pub name: String,
    pub article_count: i64,
}

/// A tag with the number of articles carrying it (in some window).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TagCount {
    pub tag: Tag,
    pub count: i64,
}

/// A kind of page the sitemap lists, one row per page.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SitemapSection {
    /// `/article/{id}`, by id.
    Articles,
    /// `/story/{id}`, by id.
    Stories,
    /// `/tag/{slug}`, by slug.
    Tags,
}

/// One page in the sitemap: its key (an id or a slug) and when its content last changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SitemapEntry {
    pub key: String,
    pub modified: DateTime<Utc>,
}
