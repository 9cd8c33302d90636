//! The backend-independent storage test suite: async checks over `&dyn Storage` that every
//! backend must pass. Each function expects an empty, freshly migrated storage and panics
//! (with a message saying what broke) on failure. A backend's tests call every function in
//! [`feeds`], [`articles`] and [`lists`], one storage per function.

pub mod accounts;
pub mod ai_cache;
pub mod articles;
pub mod feeds;
pub mod lists;
pub mod raw_pages;
pub mod stories;

use chrono::{DateTime, Duration, TimeZone, Utc};
use tidings_core::{
    ArticleId, BodySource, InsertOutcome, KeyTerm, NewArticle, NewFeed, RepublishPolicy, Storage,
    Tag,
};

/// A fixed instant the fixtures' times are measured from.
pub fn base_time() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, 1, 12, 0, 0)
        .single()
        .expect("2024-05-01 is a valid date")
}

/// [`base_time`] moved by `hours` (negative is earlier).
pub fn hours_after_base(hours: i64) -> DateTime<Utc> {
    base_time() + Duration::hours(hours)
}

/// A valid feed at `url`, polled hourly.
pub fn sample_feed(url: &str) -> NewFeed {
    NewFeed {
        url: url.to_string(),
        title: Some("Sample feed".into()),
        site_url: Some("https://example.org/".into()),
        publisher: "Example Gazette".into(),
        policy: RepublishPolicy::Full,
        allow_private: false,
        interval_secs: 3600,
    }
}

/// A valid article by `publisher` at `url`, published at `published_at`, with no feed, guid,
/// tags or terms.
pub fn sample_article(
    publisher: &str,
    url: &str,
    title: &str,
    published_at: Option<DateTime<Utc>>,
) -> NewArticle {
    NewArticle {
        feed_id: None,
        publisher: publisher.to_string(),
        guid: None,
        url: url.to_string(),
        canonical_url: None,
        title: title.to_string(),
        byline: None,
        published_at,
        image: None,
        language: Some("en".into()),
        site_name: None,
        text: format!("{title}.\n\nA body paragraph about nothing in particular."),
        html: format!("<p>{title}.</p><p>A body paragraph about nothing in particular.</p>"),
        excerpt: format!("{title}."),
        body_source: BodySource::Page,
        policy: RepublishPolicy::Excerpt,
        tags: Vec::new(),
        terms: Vec::new(),
    }
}

/// Tags from display labels (labels without letters or digits are dropped).
pub fn tags(labels: &[&str]) -> Vec<Tag> {
    labels.iter().filter_map(|l| Tag::from_label(l)).collect()
}

/// Key terms from `(term, weight)` pairs.
pub fn terms(pairs: &[(&str, f32)]) -> Vec<KeyTerm> {
    pairs
        .iter()
        .map(|(term, weight)| KeyTerm {
            term: (*term).to_string(),
            weight: *weight,
        })
        .collect()
}

/// Stores `article`, panicking unless it was new; returns its id.
pub async fn insert_new(storage: &dyn Storage, article: NewArticle) -> ArticleId {
    let url = article.url.clone();
    match storage.insert_article(article).await {
        Ok(InsertOutcome::Inserted(id)) => id,
        Ok(InsertOutcome::Duplicate(id)) => panic!("{url} was taken for a duplicate of {id}"),
        Err(e) => panic!("inserting {url} failed: {e}"),
    }
}
