//! Suite checks for the operator's console: feed listings (filters, order, pages, article
//! counts), pausing and rescheduling, publishers, the dashboard, users and operator tasks.

use chrono::{Duration, Utc};
use tidings_core::{
    FeedFetchRecord, FeedFilter, FeedSort, FeedStatus, NewUser, PageRequest, RepublishPolicy, Role,
    Storage, StorageError,
};

use super::{hours_after_base, insert_new, sample_article, sample_feed};

fn poll(status: FeedStatus, failures: i64, error: Option<&str>) -> FeedFetchRecord {
    FeedFetchRecord {
        at: Utc::now() - Duration::minutes(5),
        status,
        error: error.map(str::to_owned),
        etag: None,
        last_modified: None,
        next_fetch_at: Utc::now() + Duration::hours(1),
        consecutive_failures: failures,
        title: None,
        site_url: None,
    }
}

/// Feeds are filtered by state, sorted as asked and paged, each with its article count.
pub async fn admin_feeds_filter_sort_and_page(storage: &dyn Storage) {
    let mut ids = Vec::new();
    for (n, publisher) in ["delta", "Alpha", "charlie", "Bravo", "echo"]
        .iter()
        .enumerate()
    {
        let mut feed = sample_feed(&format!("https://example.org/{n}.xml"));
        feed.publisher = (*publisher).to_owned();
        ids.push(storage.add_feed(feed).await.expect("add").id);
    }
    let record = |id, r| async move { storage.record_feed_fetch(id, r).await.expect("record") };
    record(ids[0], poll(FeedStatus::Error, 2, Some("HTTP 500"))).await;
    record(ids[1], poll(FeedStatus::Error, 7, Some("timed out"))).await;
    record(ids[2], poll(FeedStatus::Ok, 0, None)).await;
    record(ids[3], poll(FeedStatus::NotModified, 0, None)).await;
    assert!(storage.set_feed_paused(ids[4], true).await.expect("pause"));
    assert!(
        !storage
            .set_feed_paused(ids[4] + 99, true)
            .await
            .expect("none")
    );
    let mut article = sample_article("Alpha", "https://example.org/a1", "One", None);
    article.feed_id = Some(ids[1]);
    insert_new(storage, article).await;
    let mut article = sample_article("Alpha", "https://example.org/a2", "Two", None);
    article.feed_id = Some(ids[1]);
    insert_new(storage, article).await;

    let page = PageRequest::new(1, 50);
    let list = |filter, sort, page| async move {
        storage
            .admin_feeds(filter, sort, page)
            .await
            .expect("admin feeds")
    };
    let failing = list(FeedFilter::Failing, FeedSort::Failures, page).await;
    let failing_ids: Vec<i64> = failing.items.iter().map(|f| f.feed.id).collect();
    assert_eq!(failing_ids, vec![ids[1], ids[0]], "most failures first");
    assert_eq!(failing.items[0].article_count, 2);
    assert_eq!(failing.items[1].article_count, 0);
    assert_eq!(
        failing.items[0].feed.last_error.as_deref(),
        Some("timed out")
    );
    let healthy = list(FeedFilter::Healthy, FeedSort::Added, page).await;
    assert_eq!(healthy.items.len(), 2);
    let new: Vec<i64> = list(FeedFilter::New, FeedSort::Added, page)
        .await
        .items
        .iter()
        .map(|f| f.feed.id)
        .collect();
    assert_eq!(new, vec![ids[4]]);
    let paused = list(FeedFilter::Paused, FeedSort::Added, page).await;
    assert_eq!(paused.items.len(), 1);
    assert!(paused.items[0].paused);
    assert_eq!(storage.count_feeds(FeedFilter::All).await.expect("n"), 5);
    assert_eq!(
        storage.count_feeds(FeedFilter::Failing).await.expect("n"),
        2
    );

    let by_name: Vec<String> = list(FeedFilter::All, FeedSort::Publisher, page)
        .await
        .items
        .into_iter()
        .map(|f| f.feed.publisher)
        .collect();
    assert_eq!(by_name, ["Alpha", "Bravo", "charlie", "delta", "echo"]);
    let last_fetch = list(FeedFilter::All, FeedSort::LastFetch, page).await;
    assert_eq!(
        last_fetch.items.last().map(|f| f.feed.id),
        Some(ids[4]),
        "never fetched comes last"
    );

    let first = list(FeedFilter::All, FeedSort::Added, PageRequest::new(1, 2)).await;
    let third = list(FeedFilter::All, FeedSort::Added, PageRequest::new(3, 2)).await;
    assert!(first.has_more && !third.has_more);
    assert_eq!(first.items.len(), 2);
    assert_eq!(third.items.len(), 1);
    assert_eq!(third.items[0].feed.id, ids[4]);

    let one = storage
        .admin_feed(ids[1])
        .await
        .expect("one")
        .expect("some");
    assert_eq!(one.article_count, 2);
    assert!(
        storage
            .admin_feed(ids[4] + 99)
            .await
            .expect("none")
            .is_none()
    );
}

/// A paused feed is never due; rescheduling all skips it; settings are checked.
pub async fn paused_feeds_are_not_due_and_can_be_rescheduled(storage: &dyn Storage) {
    let a = storage
        .add_feed(sample_feed("https://example.org/a.xml"))
        .await
        .expect("a");
    let b = storage
        .add_feed(sample_feed("https://example.org/b.xml"))
        .await
        .expect("b");
    let now = Utc::now();
    assert_eq!(storage.due_feeds(now, 10).await.expect("due").len(), 2);
    storage.set_feed_paused(b.id, true).await.expect("pause");
    let due: Vec<i64> = storage
        .due_feeds(now, 10)
        .await
        .expect("due")
        .iter()
        .map(|f| f.id)
        .collect();
    assert_eq!(due, vec![a.id], "a paused feed is not due");

    for id in [a.id, b.id] {
        storage
            .record_feed_fetch(id, poll(FeedStatus::Ok, 0, None))
            .await
            .expect("record");
    }
    assert!(storage.due_feeds(now, 10).await.expect("due").is_empty());
    let since = now - Duration::minutes(1);
    assert_eq!(storage.polled_since(since).await.expect("polled"), (1, 0));
    assert_eq!(
        storage.schedule_feeds_now(None, now).await.expect("all"),
        1,
        "paused feeds are left alone"
    );
    let due = storage.due_feeds(now, 10).await.expect("due");
    assert_eq!(due.iter().map(|f| f.id).collect::<Vec<_>>(), vec![a.id]);
    storage.set_feed_paused(b.id, false).await.expect("resume");
    assert_eq!(
        storage
            .schedule_feeds_now(Some(b.id), now)
            .await
            .expect("b"),
        1
    );
    assert_eq!(storage.due_feeds(now, 10).await.expect("due").len(), 2);
    assert_eq!(storage.polled_since(since).await.expect("polled").0, 2);

    assert!(
        storage
            .update_feed_settings(a.id, RepublishPolicy::Excerpt, 600)
            .await
            .expect("settings")
    );
    let read = storage.feed(a.id).await.expect("read").expect("some");
    assert_eq!(
        (read.policy, read.interval_secs),
        (RepublishPolicy::Excerpt, 600)
    );
    assert!(matches!(
        storage
            .update_feed_settings(a.id, RepublishPolicy::Full, 5)
            .await,
        Err(StorageError::Invalid(_))
    ));
    assert!(
        !storage
            .update_feed_settings(b.id + 99, RepublishPolicy::Full, 600)
            .await
            .expect("none")
    );
}

/// Renaming a publisher renames its feeds and articles (and their slug) and may set policy.
pub async fn publishers_are_renamed_with_their_policy(storage: &dyn Storage) {
    let mut feed = sample_feed("https://example.org/g.xml");
    feed.publisher = "Old Gazette".into();
    let feed = storage.add_feed(feed).await.expect("feed");
    let other = storage
        .add_feed(sample_feed("https://example.org/o.xml"))
        .await
        .expect("other");
    insert_new(
        storage,
        sample_article("Old Gazette", "https://example.org/g1", "G", None),
    )
    .await;
    insert_new(
        storage,
        sample_article("Example Gazette", "https://example.org/e1", "E", None),
    )
    .await;
    let changed = storage
        .update_publisher("old-gazette", "New Gazette", Some(RepublishPolicy::Full))
        .await
        .expect("rename");
    assert_eq!(changed, 1);
    let read = storage.feed(feed.id).await.expect("read").expect("some");
    assert_eq!(read.publisher, "New Gazette");
    assert_eq!(read.policy, RepublishPolicy::Full);
    let untouched = storage.feed(other.id).await.expect("read").expect("some");
    assert_eq!(untouched.publisher, "Example Gazette");
    assert!(
        storage
            .publisher("old-gazette")
            .await
            .expect("old")
            .is_none()
    );
    let renamed = storage
        .publisher("new-gazette")
        .await
        .expect("new")
        .expect("some");
    assert_eq!(
        (renamed.name.as_str(), renamed.article_count),
        ("New Gazette", 1)
    );
    assert!(matches!(
        storage.update_publisher("new-gazette", "  ", None).await,
        Err(StorageError::Invalid(_))
    ));
}

/// The dashboard counts feeds, failures, articles (today, unplaced) and the last poll.
pub async fn site_overview_counts(storage: &dyn Storage) {
    let empty = storage
        .site_overview(hours_after_base(0))
        .await
        .expect("empty");
    assert_eq!((empty.feeds, empty.articles), (0, 0));
    assert_eq!(empty.last_poll_at, None);
    assert!(empty.database_bytes > 0, "the schema takes some room");

    let a = storage
        .add_feed(sample_feed("https://example.org/a.xml"))
        .await
        .expect("a");
    let b = storage
        .add_feed(sample_feed("https://example.org/b.xml"))
        .await
        .expect("b");
    let failed = poll(FeedStatus::Error, 1, Some("refused"));
    let at = failed.at;
    storage.record_feed_fetch(a.id, failed).await.expect("a");
    storage.set_feed_paused(b.id, true).await.expect("pause");
    insert_new(
        storage,
        sample_article("P", "https://example.org/1", "1", None),
    )
    .await;
    insert_new(
        storage,
        sample_article("P", "https://example.org/2", "2", None),
    )
    .await;
    let overview = storage
        .site_overview(Utc::now() - Duration::hours(1))
        .await
        .expect("overview");
    assert_eq!(overview.feeds, 2);
    assert_eq!(overview.paused_feeds, 1);
    assert_eq!(overview.failing_feeds, 1);
    assert_eq!(overview.articles, 2);
    assert_eq!(overview.articles_since, 2);
    assert_eq!(overview.unplaced_articles, 2);
    let last = overview.last_poll_at.expect("a poll");
    assert!((last - at).num_milliseconds().abs() < 1, "{last} vs {at}");
    let later = storage
        .site_overview(Utc::now() + Duration::hours(1))
        .await
        .expect("later");
    assert_eq!(later.articles_since, 0);
}

/// Users are listed by name, change roles, list and lose sessions, and can be deleted.
pub async fn users_roles_sessions_and_deletion(storage: &dyn Storage) {
    for name in ["zed", "Amy", "bob"] {
        storage
            .create_user(NewUser {
                name: name.into(),
                password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
                role: Role::Reader,
            })
            .await
            .expect("user");
    }
    let first = storage
        .list_users(PageRequest::new(1, 2))
        .await
        .expect("users");
    let names: Vec<&str> = first.items.iter().map(|u| u.name.as_str()).collect();
    assert_eq!(names, ["Amy", "bob"]);
    assert!(first.has_more);
    let second = storage
        .list_users(PageRequest::new(2, 2))
        .await
        .expect("users");
    assert_eq!(second.items.len(), 1);
    assert!(!second.has_more);
    let amy = first.items[0].clone();

    assert!(
        storage
            .set_user_role(amy.id, Role::Admin)
            .await
            .expect("role")
    );
    let read = storage.user(amy.id).await.expect("read").expect("some");
    assert_eq!(read.role, Role::Admin);
    assert!(
        !storage
            .set_user_role(amy.id + 99, Role::Admin)
            .await
            .expect("none")
    );

    let now = Utc::now();
    storage
        .create_session(amy.id, "s-old", now + Duration::hours(1))
        .await
        .expect("s1");
    storage
        .create_session(amy.id, "s-gone", now - Duration::hours(1))
        .await
        .expect("expired");
    let sessions = storage.user_sessions(amy.id, now).await.expect("sessions");
    assert_eq!(sessions.len(), 1, "expired sessions are not listed");
    let bob = first.items[1].clone();
    assert!(
        !storage
            .revoke_user_session(bob.id, sessions[0].id)
            .await
            .expect("other user"),
        "a session is revoked only for its own user"
    );
    assert!(
        storage
            .revoke_user_session(amy.id, sessions[0].id)
            .await
            .expect("revoke")
    );
    assert!(
        storage
            .session_user("s-old", now)
            .await
            .expect("s")
            .is_none()
    );
    assert!(
        storage
            .user_sessions(amy.id, now)
            .await
            .expect("s")
            .is_empty()
    );

    assert!(storage.delete_user(bob.id).await.expect("delete"));
    assert!(storage.user(bob.id).await.expect("read").is_none());
    assert!(!storage.delete_user(bob.id).await.expect("again"));
}

/// Operator tasks record their progress and are listed newest first.
pub async fn operator_tasks_record_progress(storage: &dyn Storage) {
    let first = storage
        .create_operator_task("import_opml", "OPML import", 500)
        .await
        .expect("task");
    let second = storage
        .create_operator_task("refresh_all", "Refresh all", 0)
        .await
        .expect("task");
    assert!(
        storage
            .record_task_progress(first, 120, 3, Some("bad URL"), false)
            .await
            .expect("progress")
    );
    assert!(
        storage
            .record_task_progress(first, 500, 3, None, true)
            .await
            .expect("done")
    );
    let task = storage
        .operator_task(first)
        .await
        .expect("read")
        .expect("some");
    assert_eq!((task.done, task.failed, task.total), (500, 3, 500));
    assert_eq!(task.note, "bad URL", "a missing note keeps the last one");
    assert!(task.finished);
    assert!(task.updated_at >= task.created_at);
    let listed: Vec<i64> = storage
        .operator_tasks(10)
        .await
        .expect("list")
        .iter()
        .map(|t| t.id)
        .collect();
    assert_eq!(listed, vec![second, first]);
    assert!(
        !storage
            .record_task_progress(second + 99, 1, 0, None, true)
            .await
            .expect("none")
    );
    assert!(matches!(
        storage.create_operator_task(" ", "x", 0).await,
        Err(StorageError::Invalid(_))
    ));
}
