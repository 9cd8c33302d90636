//! Suite checks for articles: storing, reading back and refusing duplicates.

use chrono::Utc;
use tidings_core::{
    BodySource, InsertOutcome, NewArticle, RepublishPolicy, Storage, StorageError, publisher_slug,
};

use super::{hours_after_base, insert_new, sample_article, sample_feed, tags, terms};

fn full_article(feed_id: i64) -> NewArticle {
    NewArticle {
        feed_id: Some(feed_id),
        publisher: "The Daily Ledger".into(),
        guid: Some("urn:ledger:1".into()),
        url: "https://ledger.example/2024/05/talks".into(),
        canonical_url: Some("https://ledger.example/talks".into()),
        title: "Talks resume in Zürich".into(),
        byline: Some("A. Writer".into()),
        published_at: Some(hours_after_base(0)),
        image: Some("https://ledger.example/img.jpg".into()),
        language: Some("de".into()),
        site_name: Some("Ledger".into()),
        text: "First paragraph.\n\nSecond paragraph.".into(),
        html: "<p>First paragraph.</p><p>Second paragraph.</p>".into(),
        excerpt: "First paragraph.".into(),
        body_source: BodySource::FeedContent,
        policy: RepublishPolicy::Full,
        tags: tags(&["Zürich", "Nuclear talks", "zurich", "!!"]),
        terms: terms(&[("zurich", 0.9), ("talks", 0.5)]),
    }
}

/// Every field reads back as stored; tags keep their order, one per slug.
pub async fn insert_and_read_back(storage: &dyn Storage) {
    let feed = storage
        .add_feed(sample_feed("https://ledger.example/feed"))
        .await
        .expect("add feed");
    let new = full_article(feed.id);
    let before = Utc::now();
    let id = insert_new(storage, new.clone()).await;
    let article = storage
        .article(id)
        .await
        .expect("read")
        .expect("article exists");
    assert_eq!(article.id, id);
    assert_eq!(article.feed_id, Some(feed.id));
    assert_eq!(article.publisher, new.publisher);
    assert_eq!(article.publisher_slug, publisher_slug(&new.publisher));
    assert_eq!(article.guid, new.guid);
    assert_eq!(article.url, new.url);
    assert_eq!(article.canonical_url, new.canonical_url);
    assert_eq!(article.title, new.title);
    assert_eq!(article.byline, new.byline);
    assert_eq!(article.published_at, new.published_at);
    assert!(article.fetched_at >= before && article.fetched_at <= Utc::now());
    assert_eq!(article.image, new.image);
    assert_eq!(article.language, new.language);
    assert_eq!(article.site_name, new.site_name);
    assert_eq!(article.text, new.text);
    assert_eq!(article.html, new.html);
    assert_eq!(article.excerpt, new.excerpt);
    assert_eq!(article.body_source, BodySource::FeedContent);
    assert_eq!(article.policy, RepublishPolicy::Full);
    let slugs: Vec<&str> = article.tags.iter().map(|t| t.slug.as_str()).collect();
    assert_eq!(
        slugs,
        ["zurich", "nucleartalks"],
        "ordered, deduplicated by slug"
    );
    assert_eq!(article.tags[0].label, "Zürich", "the first label wins");

    assert_eq!(storage.article(id + 1000).await.expect("missing"), None);
    assert_eq!(storage.count_articles().await.expect("count"), 1);
}

/// The same guid in the same feed is a duplicate of the first; in another feed it is not.
pub async fn duplicate_by_guid(storage: &dyn Storage) {
    let feed = storage
        .add_feed(sample_feed("https://a.example/feed"))
        .await
        .expect("feed");
    let other = storage
        .add_feed(sample_feed("https://b.example/feed"))
        .await
        .expect("feed");
    let mut first = sample_article("A", "https://a.example/1", "One", None);
    first.feed_id = Some(feed.id);
    first.guid = Some("entry-1".into());
    let id = insert_new(storage, first.clone()).await;

    let mut again = first.clone();
    again.url = "https://a.example/1?utm_source=feed".into();
    let outcome = storage.insert_article(again).await.expect("insert");
    assert_eq!(outcome, InsertOutcome::Duplicate(id));

    let mut elsewhere = first;
    elsewhere.feed_id = Some(other.id);
    elsewhere.url = "https://b.example/1".into();
    let outcome = storage.insert_article(elsewhere).await.expect("insert");
    assert!(
        matches!(outcome, InsertOutcome::Inserted(new) if new != id),
        "got {outcome:?}"
    );
    assert_eq!(storage.count_articles().await.expect("count"), 2);
}

/// A URL or canonical URL already stored as either is a duplicate of the original.
pub async fn duplicate_by_url_or_canonical(storage: &dyn Storage) {
    let mut original = sample_article("A", "https://a.example/story?ref=rss", "Story", None);
    original.canonical_url = Some("https://a.example/story".into());
    let id = insert_new(storage, original).await;

    let cases = [
        ("https://a.example/story?ref=rss", None, "same url"),
        (
            "https://mirror.example/x",
            Some("https://a.example/story"),
            "same canonical",
        ),
        (
            "https://a.example/story",
            None,
            "url equal to the canonical",
        ),
        (
            "https://c.example/y",
            Some("https://a.example/story?ref=rss"),
            "canonical equal to url",
        ),
    ];
    for (url, canonical, case) in cases {
        let mut copy = sample_article("B", url, "Story copy", None);
        copy.canonical_url = canonical.map(str::to_string);
        let outcome = storage.insert_article(copy).await.expect("insert");
        assert_eq!(outcome, InsertOutcome::Duplicate(id), "{case}");
    }
    assert_eq!(storage.count_articles().await.expect("count"), 1);
}

/// `find_duplicate` matches by guid within a feed or by either URL column, else `None`.
pub async fn find_duplicate_matches(storage: &dyn Storage) {
    let feed = storage
        .add_feed(sample_feed("https://a.example/feed"))
        .await
        .expect("feed");
    let mut article = sample_article("A", "https://a.example/1", "One", None);
    article.feed_id = Some(feed.id);
    article.guid = Some("g1".into());
    article.canonical_url = Some("https://a.example/one".into());
    let id = insert_new(storage, article).await;

    let found = |feed_id, guid, urls: &'static [&'static str]| async move {
        storage
            .find_duplicate(feed_id, guid, urls)
            .await
            .expect("find duplicate")
    };
    assert_eq!(found(Some(feed.id), Some("g1"), &[]).await, Some(id));
    assert_eq!(
        found(Some(feed.id + 1), Some("g1"), &[]).await,
        None,
        "guid of another feed"
    );
    assert_eq!(
        found(None, None, &["https://a.example/one"]).await,
        Some(id)
    );
    assert_eq!(
        found(None, None, &["https://x.example/", "https://a.example/1"]).await,
        Some(id)
    );
    assert_eq!(
        found(Some(feed.id), Some("g2"), &["https://x.example/"]).await,
        None
    );
    assert_eq!(found(None, None, &[]).await, None);
}

/// An article without a URL, or whose publisher has no letters, is `Invalid`.
pub async fn insert_refuses_bad_input(storage: &dyn Storage) {
    let err = storage
        .insert_article(sample_article("A", "  ", "No url", None))
        .await
        .expect_err("empty url refused");
    assert!(
        matches!(err, StorageError::Invalid(ref m) if m.contains("url")),
        "got {err:?}"
    );
    let err = storage
        .insert_article(sample_article(
            "!!",
            "https://a.example/1",
            "No publisher",
            None,
        ))
        .await
        .expect_err("publisher without letters refused");
    assert!(
        matches!(err, StorageError::Invalid(ref m) if m.contains("publisher")),
        "got {err:?}"
    );
    assert_eq!(storage.count_articles().await.expect("count"), 0);
}
