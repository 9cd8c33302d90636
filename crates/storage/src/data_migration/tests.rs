//! Moving a filled SQLite installation into PostgreSQL: everything reads back the same
//! through the `Storage` trait (times to the microsecond), new rows get fresh ids, progress
//! is reported per table, and a target holding data is refused.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, DurationRound, Utc};
use tidings_core::{
    AccountStore, Article, ArticleCard, Comment, CommentOrder, Feed, ImageVariant, NewUser,
    PageRequest, RawPageFilter, Role, Storage, StorageError, User,
};

use super::filled_installation::{Stored, ai_key, fill};
use super::{TableProgress, migrate_data};
use crate::SqliteStorage;
use crate::testsuite::{TempPostgres, hours_after_base, insert_new, sample_article, sample_feed};

fn micros(at: DateTime<Utc>) -> DateTime<Utc> {
    at.duration_trunc(chrono::Duration::microseconds(1))
        .unwrap_or(at)
}

fn feed_micros(mut feed: Feed) -> Feed {
    feed.created_at = micros(feed.created_at);
    feed.next_fetch_at = micros(feed.next_fetch_at);
    feed.last_fetch_at = feed.last_fetch_at.map(micros);
    feed
}

fn article_micros(mut article: Article) -> Article {
    article.fetched_at = micros(article.fetched_at);
    article
}

fn cards_micros(cards: Vec<ArticleCard>) -> Vec<ArticleCard> {
    cards
        .into_iter()
        .map(|mut card| {
            card.shown_at = micros(card.shown_at);
            card
        })
        .collect()
}

fn user_micros(mut user: User) -> User {
    user.created_at = micros(user.created_at);
    user
}

fn comment_micros(mut comment: Comment) -> Comment {
    comment.created_at = micros(comment.created_at);
    comment.edited_at = comment.edited_at.map(micros);
    comment
}

/// Everything `fill` stored reads back the same from `to` as from `from`.
async fn assert_same(from: &dyn Storage, to: &dyn Storage, stored: &Stored) {
    let page = PageRequest::new(1, 50);
    let feeds = |list: Vec<Feed>| list.into_iter().map(feed_micros).collect::<Vec<_>>();
    assert_eq!(
        feeds(to.list_feeds().await.expect("feeds")),
        feeds(from.list_feeds().await.expect("feeds"))
    );
    for &id in &stored.articles {
        let read = |a: Option<Article>| a.map(article_micros);
        assert_eq!(
            read(to.article(id).await.expect("article")),
            read(from.article(id).await.expect("article")),
            "article {id}"
        );
        assert_eq!(
            to.article_links(id).await.expect("links"),
            from.article_links(id).await.expect("links"),
            "links of {id}"
        );
        assert_eq!(
            cards_micros(to.story_related(id, 10).await.expect("related")),
            cards_micros(from.story_related(id, 10).await.expect("related")),
            "story_related of {id}"
        );
        assert_eq!(
            cards_micros(to.related_articles(id, 10).await.expect("related")),
            cards_micros(from.related_articles(id, 10).await.expect("related")),
            "related_articles of {id}"
        );
    }
    let latest = |p: tidings_core::Paged<ArticleCard>| cards_micros(p.items);
    assert_eq!(
        latest(to.latest_articles(page).await.expect("latest")),
        latest(from.latest_articles(page).await.expect("latest"))
    );
    assert_eq!(
        to.publishers().await.expect("publishers"),
        from.publishers().await.expect("publishers")
    );
    assert_eq!(
        to.tag("harbour").await.expect("tag"),
        from.tag("harbour").await.expect("tag")
    );
    let search =
        |p: tidings_core::Paged<ArticleCard>| p.items.iter().map(|c| c.id).collect::<Vec<_>>();
    let found = search(
        to.search_articles("harbour strike", page)
            .await
            .expect("search"),
    );
    assert_eq!(
        found,
        search(
            from.search_articles("harbour strike", page)
                .await
                .expect("search")
        )
    );
    assert_eq!(
        found.len(),
        2,
        "migrated articles are searchable: {found:?}"
    );
    let reader = stored.users[1];
    assert_eq!(
        to.follows(reader).await.expect("follows"),
        from.follows(reader).await.expect("follows")
    );
    let saved = |p: tidings_core::Paged<tidings_core::SavedArticle>| {
        p.items
            .into_iter()
            .map(|s| (s.card.id, micros(s.saved_at), s.read_at.map(micros)))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        saved(to.saved_articles(reader, page).await.expect("saved")),
        saved(from.saved_articles(reader, page).await.expect("saved"))
    );
    assert_eq!(
        to.article_marks(reader, stored.articles[1])
            .await
            .expect("marks")
            .read_at,
        Some(hours_after_base(3)),
        "the read mark came across"
    );
    assert_eq!(
        to.story(stored.story).await.expect("story"),
        from.story(stored.story).await.expect("story")
    );
    assert_eq!(
        to.story_tags(stored.story, 10).await.expect("tags"),
        from.story_tags(stored.story, 10).await.expect("tags")
    );
    assert_eq!(
        to.story_index_rows(hours_after_base(-10), 0, 100)
            .await
            .expect("rows"),
        from.story_index_rows(hours_after_base(-10), 0, 100)
            .await
            .expect("rows")
    );
    assert_eq!(
        to.unplaced_articles(0, 10).await.expect("unplaced"),
        from.unplaced_articles(0, 10).await.expect("unplaced")
    );

    for &id in &stored.users {
        assert_eq!(
            to.user(id).await.expect("user").map(user_micros),
            from.user(id).await.expect("user").map(user_micros)
        );
    }
    let (ann, hash) = to
        .user_credentials("ANN")
        .await
        .expect("credentials")
        .expect("ann kept");
    assert_eq!(
        (ann.role, hash.as_str()),
        (Role::Admin, "$argon2id$hash-of-Ann")
    );
    let session = to
        .session_user("session-hash", Utc::now())
        .await
        .expect("session")
        .expect("the session still signs ann in");
    assert_eq!(session.user.id, stored.users[0]);
    let token = to
        .api_token("token-hash", Utc::now())
        .await
        .expect("token")
        .expect("the token still works");
    assert_eq!(token.user.id, stored.users[1]);
    assert_eq!(token.token.scopes.to_text(), "read", "scopes are copied");
    assert!(token.token.expires_at.is_some(), "the expiry is copied");
    assert_eq!(
        to.consume_password_reset("reset-hash", Utc::now())
            .await
            .expect("reset"),
        Some(stored.users[1])
    );
    let comments = |p: tidings_core::Paged<Comment>| {
        p.items.into_iter().map(comment_micros).collect::<Vec<_>>()
    };
    let article = stored.articles[1];
    assert_eq!(
        comments(
            to.article_comments(article, CommentOrder::Oldest, page)
                .await
                .expect("comments")
        ),
        comments(
            from.article_comments(article, CommentOrder::Oldest, page)
                .await
                .expect("comments")
        )
    );
    let queue = |q: Vec<tidings_core::QueuedComment>| {
        q.into_iter()
            .map(|q| (q.comment.id, q.open_reports, q.reasons))
            .collect::<Vec<_>>()
    };
    assert_eq!(
        queue(to.moderation_queue(10).await.expect("queue")),
        queue(from.moderation_queue(10).await.expect("queue"))
    );
    let log = to.moderation_log(page).await.expect("log");
    assert_eq!(log.items.len(), 1);
    assert_eq!(log.items[0].moderator_name.as_deref(), Some("Ann"));

    assert_eq!(
        to.cached_ai_result(&ai_key(article))
            .await
            .expect("ai")
            .as_deref(),
        Some("A summary.")
    );
    let day = hours_after_base(0).date_naive();
    assert_eq!(to.ai_tokens_used(day).await.expect("tokens"), 1234);
    assert_eq!(
        to.raw_page(article).await.expect("raw page"),
        from.raw_page(article).await.expect("raw page")
    );
    assert_eq!(
        to.raw_page_ids(&RawPageFilter::default())
            .await
            .expect("ids"),
        vec![article]
    );
    for variant in ImageVariant::ALL {
        let image = to.article_image(article, variant).await.expect("image");
        assert!(
            image.is_some(),
            "the {} variant came along",
            variant.as_str()
        );
        assert_eq!(
            image,
            from.article_image(article, variant).await.expect("image")
        );
    }
    assert_eq!(
        to.lead_image_fetch(article).await.expect("fetch"),
        from.lead_image_fetch(article).await.expect("fetch")
    );
    assert_eq!(
        to.job_counts().await.expect("jobs"),
        from.job_counts().await.expect("jobs")
    );
    assert!(
        to.try_take_host_slot("ledger.example", 1, "x", Duration::from_secs(1))
            .await
            .expect("slot")
            .is_none(),
        "the taken slot came along"
    );
    assert_eq!(
        to.throttle_events("signin:ann", Duration::from_secs(3600))
            .await
            .expect("throttle")
            .0,
        1
    );
    assert_eq!(
        to.site_secret("csrf", &[0; 32]).await.expect("secret"),
        vec![7; 32],
        "the site secret came along, so sessions and forms stay valid"
    );
}

#[tokio::test]
async fn a_filled_installation_reads_back_the_same_from_postgres() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("tidings.db");
    let sqlite = SqliteStorage::open(&path).await.expect("open sqlite");
    let stored = fill(&sqlite).await;
    let db = TempPostgres::create().await;

    let mut reports: Vec<TableProgress> = Vec::new();
    let mut record = |p: &TableProgress| reports.push(p.clone());
    let report = migrate_data(&path, db.url(), &mut record)
        .await
        .expect("migrate");
    let totals: BTreeMap<&str, u64> = report.iter().map(|t| (t.table, t.total)).collect();
    for (table, rows) in [
        ("feeds", 2),
        ("articles", 4),
        ("article_tags", 8),
        ("stories", 1),
        ("article_neighbours", 2),
        ("users", 2),
        ("comments", 3),
        ("jobs", 2),
        ("site_secrets", 1),
        ("follows", 2),
        ("saved_articles", 1),
        ("read_marks", 1),
    ] {
        assert_eq!(totals.get(table), Some(&rows), "{table}");
    }
    assert!(report.iter().all(|t| t.copied == t.total), "{report:?}");
    for table in &report {
        let seen: Vec<u64> = reports
            .iter()
            .filter(|p| p.table == table.table)
            .map(|p| p.copied)
            .collect();
        assert_eq!(
            seen.first(),
            Some(&0),
            "{}: progress starts at 0",
            table.table
        );
        assert_eq!(
            seen.last(),
            Some(&table.total),
            "{}: ends at the total",
            table.table
        );
    }

    let postgres = db.storage().await;
    assert_same(&sqlite, &postgres, &stored).await;

    // New rows continue after the copied ids.
    let next = insert_new(
        &postgres,
        sample_article("Ledger", "https://ledger.example/new", "New", None),
    )
    .await;
    assert!(next > *stored.articles.iter().max().unwrap_or(&0), "{next}");
    postgres
        .add_feed(sample_feed("https://third.example/feed"))
        .await
        .expect("a new feed gets a fresh id");
    postgres
        .create_user(NewUser {
            name: "cy".into(),
            password_hash: "h".into(),
            role: Role::Reader,
        })
        .await
        .expect("a new user gets a fresh id");
    postgres.close().await;

    let err = migrate_data(&path, db.url(), &mut |_| {})
        .await
        .expect_err("a target with data is refused");
    assert!(
        matches!(&err, StorageError::Invalid(m) if m.contains("feeds") && m.contains("empty")),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_missing_source_file_is_refused_before_anything_is_created() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("absent.db");
    let err = migrate_data(&path, "postgres://nowhere.invalid/x", &mut |_| {})
        .await
        .expect_err("no source");
    assert!(
        matches!(&err, StorageError::Invalid(m) if m.contains("absent.db")),
        "{err:?}"
    );
    assert!(!path.exists(), "the missing file was not created");
}
