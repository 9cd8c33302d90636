//! Readers' follows, saved articles and read marks, and the For you page read from them:
//! one card per reached story, newest first, without stories read since their latest
//! article, with "New coverage" on followed stories that grew after the last visit.

use std::time::Duration;

use chrono::Utc;
use tidings_core::{
    FollowKind, FollowTarget, NewUser, PageRequest, Role, Storage, StorageError, UserId,
};

use super::{hours_after_base, insert_new, insert_placed, sample_article, tags};

async fn reader(storage: &dyn Storage, name: &str) -> UserId {
    storage
        .create_user(NewUser {
            name: name.into(),
            password_hash: "$argon2id$hash".into(),
            role: Role::Reader,
        })
        .await
        .expect("user")
        .id
}

/// Stores an article of `publisher` tagged `tag` at `hour` and places it in `story` (a new
/// story when `None`); returns the article and its story.
async fn placed(
    storage: &dyn Storage,
    publisher: &str,
    slug: &str,
    tag: &str,
    hour: i64,
    story: Option<i64>,
) -> (i64, i64) {
    let mut article = sample_article(
        publisher,
        &format!("https://{slug}.example/{hour}"),
        &format!("{publisher} report {hour}"),
        Some(hours_after_base(hour)),
    );
    article.tags = tags(&[tag]);
    insert_placed(storage, article, story).await
}

fn target(kind: FollowKind, key: &str) -> FollowTarget {
    FollowTarget::new(kind, key).expect("target")
}

/// Stored times must come after the previous step's, even on a coarse clock.
async fn tick() {
    tokio::time::sleep(Duration::from_millis(5)).await;
}

pub async fn follows_are_unique_listed_and_removed(storage: &dyn Storage) {
    let ann = reader(storage, "ann").await;
    let bob = reader(storage, "bob").await;
    let climate = target(FollowKind::Tag, "climate");
    let ledger = target(FollowKind::Source, "ledger");
    assert!(!storage.follows_anything(ann).await.expect("any"));
    assert!(
        storage
            .follow(ann, &climate, "Climate", hours_after_base(0))
            .await
            .expect("follow")
    );
    assert!(
        !storage
            .follow(ann, &climate, "Climate again", hours_after_base(1))
            .await
            .expect("follow twice"),
        "a second follow of the same tag is no new follow"
    );
    storage
        .follow(ann, &ledger, "The Ledger", hours_after_base(2))
        .await
        .expect("follow source");
    storage
        .follow(ann, &FollowTarget::story(7), "A story", hours_after_base(1))
        .await
        .expect("follow story");
    let listed = storage.follows(ann).await.expect("list");
    let keys: Vec<(FollowKind, &str, &str)> = listed
        .iter()
        .map(|f| (f.target.kind, f.target.key.as_str(), f.label.as_str()))
        .collect();
    assert_eq!(
        keys,
        [
            (FollowKind::Source, "ledger", "The Ledger"),
            (FollowKind::Story, "7", "A story"),
            (FollowKind::Tag, "climate", "Climate"),
        ],
        "newest first, the first label kept"
    );
    assert_eq!(listed[0].created_at, hours_after_base(2));
    assert!(storage.is_following(ann, &climate).await.expect("state"));
    assert!(!storage.is_following(bob, &climate).await.expect("state"));
    assert!(!storage.follows_anything(bob).await.expect("any"));

    assert!(storage.unfollow(ann, &climate).await.expect("unfollow"));
    assert!(!storage.unfollow(ann, &climate).await.expect("again"));
    assert!(!storage.is_following(ann, &climate).await.expect("state"));
    assert_eq!(storage.follows(ann).await.expect("list").len(), 2);
}

pub async fn for_you_mixes_follows_by_story_and_skips_read_stories(storage: &dyn Storage) {
    let ann = reader(storage, "ann").await;
    // Story 1: a Ledger report tagged climate, then a Post report joining it.
    let (ledger_a, first) = placed(storage, "Ledger", "ledger", "Climate", 0, None).await;
    let (post_a, _) = placed(storage, "Post", "post", "Budget", 5, Some(first)).await;
    // Story 2: only the Post, tagged budget.
    let (_, second) = placed(storage, "Post", "post", "Budget", 3, None).await;
    // Story 3: the Herald, tagged climate.
    let (herald, third) = placed(storage, "Herald", "herald", "Climate", 4, None).await;
    // Story 4: nothing followed reaches it.
    let (_, fourth) = placed(storage, "Gazette", "gazette", "Sport", 6, None).await;

    let page = PageRequest::new(1, 20);
    assert!(
        storage
            .for_you(ann, page)
            .await
            .expect("empty")
            .items
            .is_empty()
    );
    storage
        .follow(
            ann,
            &target(FollowKind::Tag, "climate"),
            "Climate",
            Utc::now(),
        )
        .await
        .expect("follow tag");
    storage
        .follow(ann, &FollowTarget::story(second), "Budget", Utc::now())
        .await
        .expect("follow story");
    storage
        .follow(
            ann,
            &target(FollowKind::Source, "ledger"),
            "Ledger",
            Utc::now(),
        )
        .await
        .expect("follow source");
    let ids = |p: tidings_core::Paged<tidings_core::ForYouStory>| {
        p.items.iter().map(|s| s.story.id).collect::<Vec<_>>()
    };
    let listed = storage.for_you(ann, page).await.expect("for you");
    assert_eq!(
        ids(listed.clone()),
        [first, third, second],
        "each reached story once, by its newest article; story {fourth} is not followed"
    );
    assert_eq!(
        listed.items[0].story.lead.id, post_a,
        "a story's card is its newest article"
    );
    let first_page = storage
        .for_you(ann, PageRequest::new(1, 2))
        .await
        .expect("page 1");
    assert!(first_page.has_more);
    assert_eq!(ids(first_page), [first, third]);
    let second_page = storage
        .for_you(ann, PageRequest::new(2, 2))
        .await
        .expect("page 2");
    assert!(!second_page.has_more);
    assert_eq!(ids(second_page), [second]);

    // Reading any article of a story hides it; others of the reader's stories stay.
    tick().await;
    storage
        .mark_read(ann, ledger_a, Utc::now())
        .await
        .expect("read");
    storage
        .mark_read(ann, herald, Utc::now())
        .await
        .expect("read");
    assert_eq!(ids(storage.for_you(ann, page).await.expect("")), [second]);
    let bob = reader(storage, "bob").await;
    storage
        .follow(
            bob,
            &target(FollowKind::Tag, "climate"),
            "Climate",
            Utc::now(),
        )
        .await
        .expect("bob follows");
    assert_eq!(
        ids(storage.for_you(bob, page).await.expect("bob")),
        [first, third],
        "read marks are the reader's own"
    );

    // New coverage after the read brings the story back.
    tick().await;
    placed(storage, "Herald", "herald", "Climate", 7, Some(third)).await;
    assert_eq!(
        ids(storage.for_you(ann, page).await.expect("")),
        [third, second]
    );
    assert!(storage.mark_unread(ann, ledger_a).await.expect("unread"));
    assert!(!storage.mark_unread(ann, ledger_a).await.expect("again"));
    assert_eq!(
        ids(storage.for_you(ann, page).await.expect("")),
        [third, first, second]
    );
}

pub async fn followed_stories_mark_new_coverage_until_visited(storage: &dyn Storage) {
    let ann = reader(storage, "ann").await;
    let (_, story) = placed(storage, "Ledger", "ledger", "Port", 0, None).await;
    tick().await;
    storage
        .follow(ann, &FollowTarget::story(story), "Port", Utc::now())
        .await
        .expect("follow");
    assert!(
        !storage
            .story_has_new_coverage(ann, story)
            .await
            .expect("new")
    );
    tick().await;
    placed(storage, "Post", "post", "Port", 1, Some(story)).await;
    assert!(
        storage
            .story_has_new_coverage(ann, story)
            .await
            .expect("new"),
        "an article arrived after the follow"
    );
    let listed = storage
        .for_you(ann, PageRequest::new(1, 10))
        .await
        .expect("for you");
    assert!(listed.items[0].new_coverage);
    tick().await;
    storage
        .visit_story(ann, story, Utc::now())
        .await
        .expect("visit");
    assert!(
        !storage
            .story_has_new_coverage(ann, story)
            .await
            .expect("seen")
    );
    let listed = storage
        .for_you(ann, PageRequest::new(1, 10))
        .await
        .expect("for you");
    assert!(
        listed.items.iter().all(|item| !item.new_coverage),
        "For you drops the mark once the story is visited"
    );
    storage
        .visit_story(ann, story, hours_after_base(-100))
        .await
        .expect("an older visit");
    assert!(
        !storage
            .story_has_new_coverage(ann, story)
            .await
            .expect("seen"),
        "a visit never moves the mark back"
    );

    // A merge carries the follow to the surviving story.
    let (_, other) = placed(storage, "Herald", "herald", "Port", 2, None).await;
    storage.merge_stories(story, other).await.expect("merge");
    assert!(
        storage
            .is_following(ann, &FollowTarget::story(other))
            .await
            .expect("moved")
    );
    assert!(
        !storage
            .is_following(ann, &FollowTarget::story(story))
            .await
            .expect("gone")
    );
}

pub async fn saved_articles_page_and_refuse_unknown_articles(storage: &dyn Storage) {
    let ann = reader(storage, "ann").await;
    let first = insert_new(
        storage,
        sample_article("Ledger", "https://ledger.example/a", "First", None),
    )
    .await;
    let second = insert_new(
        storage,
        sample_article("Ledger", "https://ledger.example/b", "Second", None),
    )
    .await;
    assert!(
        storage
            .save_article(ann, first, hours_after_base(0))
            .await
            .expect("save")
    );
    assert!(
        !storage
            .save_article(ann, first, hours_after_base(5))
            .await
            .expect("save twice")
    );
    storage
        .save_article(ann, second, hours_after_base(1))
        .await
        .expect("save");
    storage
        .mark_read(ann, first, hours_after_base(2))
        .await
        .expect("read");
    let saved = storage
        .saved_articles(ann, PageRequest::new(1, 1))
        .await
        .expect("saved");
    assert!(saved.has_more);
    assert_eq!(saved.items[0].card.id, second, "most recently saved first");
    assert_eq!(saved.items[0].read_at, None);
    let older = storage
        .saved_articles(ann, PageRequest::new(2, 1))
        .await
        .expect("saved");
    assert!(!older.has_more);
    assert_eq!(older.items[0].card.id, first);
    assert_eq!(
        older.items[0].saved_at,
        hours_after_base(0),
        "first save kept"
    );
    assert_eq!(older.items[0].read_at, Some(hours_after_base(2)));

    let marks = storage.article_marks(ann, first).await.expect("marks");
    assert_eq!(marks.saved_at, Some(hours_after_base(0)));
    storage
        .mark_read(ann, first, hours_after_base(1))
        .await
        .expect("an earlier read");
    assert_eq!(
        storage
            .article_marks(ann, first)
            .await
            .expect("marks")
            .read_at,
        Some(hours_after_base(2)),
        "the latest read is kept"
    );

    let error = storage
        .save_article(ann, 9_999, hours_after_base(0))
        .await
        .expect_err("no such article");
    assert!(
        matches!(&error, StorageError::Invalid(m) if m.contains("9999")),
        "{error:?}"
    );
    storage
        .mark_read(ann, 9_999, hours_after_base(0))
        .await
        .expect("reading a missing article marks nothing");
    assert!(storage.unsave_article(ann, first).await.expect("unsave"));
    assert!(!storage.unsave_article(ann, first).await.expect("again"));
    let left = storage
        .saved_articles(ann, PageRequest::new(1, 10))
        .await
        .expect("saved");
    assert_eq!(left.items.len(), 1);
    assert_eq!(
        storage
            .article_marks(ann, first)
            .await
            .expect("marks")
            .saved_at,
        None
    );
}
