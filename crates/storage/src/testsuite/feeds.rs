//! Suite checks for feeds: adding, conflicts, scheduling, poll records and removal.

use chrono::Utc;
use tidings_core::{FeedFetchRecord, FeedStatus, Storage, StorageError};

use super::{hours_after_base, insert_new, sample_article, sample_feed};

/// An added feed reads back by id and URL, is listed, and is due at once.
pub async fn add_feed_reads_back(storage: &dyn Storage) {
    let new = sample_feed("https://example.org/feed.xml");
    let feed = storage.add_feed(new.clone()).await.expect("add feed");
    assert_eq!(feed.url, new.url);
    assert_eq!(feed.publisher, new.publisher);
    assert_eq!(feed.policy, new.policy);
    assert_eq!(feed.interval_secs, 3600);
    assert_eq!(feed.consecutive_failures, 0);
    assert_eq!(feed.last_status, None);
    assert!(
        feed.next_fetch_at <= Utc::now(),
        "a new feed is due at once"
    );

    let by_id = storage.feed(feed.id).await.expect("feed by id");
    assert_eq!(by_id.as_ref(), Some(&feed));
    let by_url = storage.feed_by_url(&new.url).await.expect("feed by url");
    assert_eq!(by_url.as_ref(), Some(&feed));
    assert_eq!(
        storage.feed(feed.id + 1000).await.expect("missing feed"),
        None
    );
    assert_eq!(
        storage
            .feed_by_url("https://nowhere.test/")
            .await
            .expect("missing"),
        None
    );

    let second = storage
        .add_feed(sample_feed("https://example.org/other.xml"))
        .await
        .expect("add second feed");
    let listed: Vec<i64> = storage
        .list_feeds()
        .await
        .expect("list")
        .iter()
        .map(|f| f.id)
        .collect();
    assert_eq!(listed, vec![feed.id, second.id], "oldest first");

    let due = storage.due_feeds(Utc::now(), 10).await.expect("due feeds");
    assert_eq!(due.len(), 2, "both new feeds are due");
}

/// The same URL twice is a `Conflict`, and the first feed is untouched.
pub async fn add_feed_twice_conflicts(storage: &dyn Storage) {
    let url = "https://example.org/feed.xml";
    storage.add_feed(sample_feed(url)).await.expect("first add");
    let err = storage
        .add_feed(sample_feed(url))
        .await
        .expect_err("second add must fail");
    assert!(matches!(err, StorageError::Conflict(_)), "got {err:?}");
    assert_eq!(storage.list_feeds().await.expect("list").len(), 1);
}

/// An empty URL or a non-positive interval is `Invalid`.
pub async fn add_feed_refuses_bad_input(storage: &dyn Storage) {
    let empty = sample_feed("   ");
    let err = storage
        .add_feed(empty)
        .await
        .expect_err("empty url refused");
    assert!(matches!(err, StorageError::Invalid(_)), "got {err:?}");

    let mut zero = sample_feed("https://example.org/feed.xml");
    zero.interval_secs = 0;
    let err = storage
        .add_feed(zero)
        .await
        .expect_err("zero interval refused");
    assert!(
        matches!(err, StorageError::Invalid(ref m) if m.contains("interval")),
        "got {err:?}"
    );
    assert!(storage.list_feeds().await.expect("list").is_empty());
}

fn record_due_at(hours: i64) -> FeedFetchRecord {
    FeedFetchRecord {
        at: hours_after_base(-1),
        status: FeedStatus::Ok,
        error: None,
        etag: None,
        last_modified: None,
        next_fetch_at: hours_after_base(hours),
        consecutive_failures: 0,
        title: None,
        site_url: None,
    }
}

/// Only feeds whose `next_fetch_at` has come are due, soonest first, at most `limit`.
pub async fn due_feeds_respect_next_fetch_at(storage: &dyn Storage) {
    let mut ids = Vec::new();
    for (n, hours) in [3, -2, 0, -5].iter().enumerate() {
        let feed = storage
            .add_feed(sample_feed(&format!("https://example.org/feed{n}.xml")))
            .await
            .expect("add feed");
        storage
            .record_feed_fetch(feed.id, record_due_at(*hours))
            .await
            .expect("record fetch");
        ids.push(feed.id);
    }
    let due: Vec<i64> = storage
        .due_feeds(hours_after_base(0), 10)
        .await
        .expect("due feeds")
        .iter()
        .map(|f| f.id)
        .collect();
    assert_eq!(
        due,
        vec![ids[3], ids[1], ids[2]],
        "due at or before now, soonest first"
    );

    let limited = storage
        .due_feeds(hours_after_base(0), 2)
        .await
        .expect("due feeds");
    assert_eq!(limited.len(), 2);
    let none = storage
        .due_feeds(hours_after_base(-6), 10)
        .await
        .expect("due feeds");
    assert!(
        none.is_empty(),
        "nothing is due before the earliest next_fetch_at"
    );
}

/// A poll record reads back whole; validators, title and site link survive a record without
/// them, while status, error and counters are replaced.
pub async fn record_feed_fetch_round_trips(storage: &dyn Storage) {
    let feed = storage
        .add_feed(sample_feed("https://example.org/feed.xml"))
        .await
        .expect("add feed");
    let first = FeedFetchRecord {
        at: hours_after_base(0),
        status: FeedStatus::Ok,
        error: None,
        etag: Some("\"v1\"".into()),
        last_modified: Some("Wed, 01 May 2024 12:00:00 GMT".into()),
        next_fetch_at: hours_after_base(1),
        consecutive_failures: 0,
        title: Some("The Gazette".into()),
        site_url: Some("https://gazette.example/".into()),
    };
    storage
        .record_feed_fetch(feed.id, first.clone())
        .await
        .expect("record ok");
    let read = storage
        .feed(feed.id)
        .await
        .expect("read")
        .expect("feed exists");
    assert_eq!(read.last_fetch_at, Some(first.at));
    assert_eq!(read.last_status, Some(FeedStatus::Ok));
    assert_eq!(read.etag, first.etag);
    assert_eq!(read.last_modified, first.last_modified);
    assert_eq!(read.next_fetch_at, first.next_fetch_at);
    assert_eq!(read.title.as_deref(), Some("The Gazette"));
    assert_eq!(read.site_url.as_deref(), Some("https://gazette.example/"));

    let failure = FeedFetchRecord {
        // Microseconds: what every backend keeps (PostgreSQL's TIMESTAMPTZ keeps no more).
        at: hours_after_base(1) + chrono::Duration::microseconds(123_456),
        status: FeedStatus::Error,
        error: Some("HTTP 503 from https://example.org/feed.xml".into()),
        etag: None,
        last_modified: None,
        next_fetch_at: hours_after_base(3),
        consecutive_failures: 2,
        title: None,
        site_url: None,
    };
    storage
        .record_feed_fetch(feed.id, failure.clone())
        .await
        .expect("record error");
    let read = storage
        .feed(feed.id)
        .await
        .expect("read")
        .expect("feed exists");
    assert_eq!(
        read.last_fetch_at,
        Some(failure.at),
        "sub-second precision kept"
    );
    assert_eq!(read.last_status, Some(FeedStatus::Error));
    assert_eq!(read.last_error, failure.error);
    assert_eq!(read.consecutive_failures, 2);
    assert_eq!(read.next_fetch_at, failure.next_fetch_at);
    assert_eq!(
        read.etag, first.etag,
        "validators kept when the record has none"
    );
    assert_eq!(read.last_modified, first.last_modified);
    assert_eq!(read.title.as_deref(), Some("The Gazette"), "title kept");

    let recovered = FeedFetchRecord {
        status: FeedStatus::NotModified,
        consecutive_failures: 0,
        ..record_due_at(5)
    };
    storage
        .record_feed_fetch(feed.id, recovered)
        .await
        .expect("record recovery");
    let read = storage
        .feed(feed.id)
        .await
        .expect("read")
        .expect("feed exists");
    assert_eq!(read.last_status, Some(FeedStatus::NotModified));
    assert_eq!(read.last_error, None, "the old error is cleared");
    assert_eq!(read.consecutive_failures, 0);
}

/// Recording a poll of a feed that does not exist is an error, not a silent no-op.
pub async fn record_feed_fetch_of_unknown_feed_fails(storage: &dyn Storage) {
    let err = storage
        .record_feed_fetch(4242, record_due_at(1))
        .await
        .expect_err("no such feed");
    assert!(
        matches!(err, StorageError::Invalid(ref m) if m.contains("4242")),
        "got {err:?}"
    );
}

/// Removing a feed keeps its articles (now without a feed); removing it again is `false`.
pub async fn remove_feed_keeps_articles(storage: &dyn Storage) {
    let feed = storage
        .add_feed(sample_feed("https://example.org/feed.xml"))
        .await
        .expect("add feed");
    let mut article = sample_article("Example Gazette", "https://example.org/a", "A", None);
    article.feed_id = Some(feed.id);
    article.guid = Some("guid-a".into());
    let id = insert_new(storage, article).await;

    assert!(
        storage.remove_feed(feed.id).await.expect("remove"),
        "removed"
    );
    assert!(
        !storage.remove_feed(feed.id).await.expect("remove again"),
        "already gone"
    );
    assert_eq!(storage.feed(feed.id).await.expect("read"), None);
    let kept = storage
        .article(id)
        .await
        .expect("read article")
        .expect("article kept");
    assert_eq!(kept.feed_id, None);
    assert_eq!(storage.count_articles().await.expect("count"), 1);
}
