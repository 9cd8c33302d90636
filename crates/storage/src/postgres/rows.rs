//! Database rows as sqlx reads them from PostgreSQL, and their conversion into core's domain
//! types. Enum columns are text; an unknown value in one is a `Backend` error, never a panic.

use chrono::{DateTime, Utc};
use tidings_core::{
    Article, ArticleCard, BodySource, Feed, FeedStatus, Publisher, RepublishPolicy, StorageError,
    StorageResult, Tag, TagCount,
};

/// Every column of `feeds`.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct FeedRow {
    id: i64,
    url: String,
    title: Option<String>,
    site_url: Option<String>,
    publisher: String,
    policy: String,
    allow_private: bool,
    interval_secs: i64,
    etag: Option<String>,
    last_modified: Option<String>,
    last_fetch_at: Option<DateTime<Utc>>,
    last_status: Option<String>,
    last_error: Option<String>,
    consecutive_failures: i64,
    next_fetch_at: DateTime<Utc>,
    created_at: DateTime<Utc>,
}

impl FeedRow {
    pub(crate) fn into_feed(self) -> StorageResult<Feed> {
        let last_status = match self.last_status.as_deref() {
            None => None,
            Some(s) => Some(FeedStatus::parse(s).ok_or_else(|| unknown("feeds.last_status", s))?),
        };
        Ok(Feed {
            id: self.id,
            policy: parse_policy(&self.policy)?,
            last_fetch_at: self.last_fetch_at,
            next_fetch_at: self.next_fetch_at,
            created_at: self.created_at,
            last_status,
            url: self.url,
            title: self.title,
            site_url: self.site_url,
            publisher: self.publisher,
            allow_private: self.allow_private,
            interval_secs: self.interval_secs,
            etag: self.etag,
            last_modified: self.last_modified,
            last_error: self.last_error,
            consecutive_failures: self.consecutive_failures,
        })
    }
}

/// The columns of `articles` an [`Article`] needs (its tags are read separately).
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct ArticleRow {
    id: i64,
    feed_id: Option<i64>,
    publisher: String,
    publisher_slug: String,
    guid: Option<String>,
    url: String,
    canonical_url: Option<String>,
    title: String,
    byline: Option<String>,
    published_at: Option<DateTime<Utc>>,
    fetched_at: DateTime<Utc>,
    image: Option<String>,
    language: Option<String>,
    site_name: Option<String>,
    text: String,
    html: String,
    excerpt: String,
    body_source: String,
    policy: String,
}

impl ArticleRow {
    pub(crate) fn into_article(self, tags: Vec<Tag>) -> StorageResult<Article> {
        Ok(Article {
            id: self.id,
            published_at: self.published_at,
            fetched_at: self.fetched_at,
            body_source: BodySource::parse(&self.body_source)
                .ok_or_else(|| unknown("articles.body_source", &self.body_source))?,
            policy: parse_policy(&self.policy)?,
            feed_id: self.feed_id,
            publisher: self.publisher,
            publisher_slug: self.publisher_slug,
            guid: self.guid,
            url: self.url,
            canonical_url: self.canonical_url,
            title: self.title,
            byline: self.byline,
            image: self.image,
            language: self.language,
            site_name: self.site_name,
            text: self.text,
            html: self.html,
            excerpt: self.excerpt,
            tags,
        })
    }
}

/// The columns a list shows: see `lists::CARD_COLUMNS`, which selects exactly these.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct CardRow {
    pub(crate) id: i64,
    title: String,
    publisher: String,
    publisher_slug: String,
    url: String,
    shown_at: DateTime<Utc>,
    excerpt: String,
    image: Option<String>,
}

impl CardRow {
    pub(crate) fn into_card(self, tags: Vec<Tag>) -> ArticleCard {
        ArticleCard {
            id: self.id,
            shown_at: self.shown_at,
            title: self.title,
            publisher: self.publisher,
            publisher_slug: self.publisher_slug,
            url: self.url,
            excerpt: self.excerpt,
            image: self.image,
            picture: None,
            tags,
        }
    }
}

/// One tag of one article.
#[derive(Debug, sqlx::FromRow)]
pub(crate) struct ArticleTagRow {
    pub(crate) article_id: i64,
    pub(crate) slug: String,
    pub(crate) label: String,
}

impl ArticleTagRow {
    pub(crate) fn into_tag(self) -> Tag {
        Tag {
            slug: self.slug,
            label: self.label,
        }
    }
}

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct PublisherRow {
    slug: String,
    name: String,
    article_count: i64,
}

impl From<PublisherRow> for Publisher {
    fn from(row: PublisherRow) -> Self {
        Publisher {
            slug: row.slug,
            name: row.name,
            article_count: row.article_count,
        }
    }
}

#[derive(Debug, sqlx::FromRow)]
pub(crate) struct TagCountRow {
    slug: String,
    label: String,
    count: i64,
}

impl From<TagCountRow> for TagCount {
    fn from(row: TagCountRow) -> Self {
        TagCount {
            tag: Tag {
                slug: row.slug,
                label: row.label,
            },
            count: row.count,
        }
    }
}

fn parse_policy(s: &str) -> StorageResult<RepublishPolicy> {
    RepublishPolicy::parse(s).ok_or_else(|| unknown("policy", s))
}

fn unknown(column: &str, value: &str) -> StorageError {
    StorageError::Backend(format!("stored {column} {value:?} is not a known value"))
}
