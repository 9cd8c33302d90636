//! Checks of the page caches' version stamps: every change a page shows moves the stamp of
//! its scope (and no other), bookkeeping that pages do not show moves none, and a change
//! made through one storage is seen through another on the same database.

use chrono::Utc;
use tidings_core::{
    ArticleExtraction, BodySource, CacheStamps, FeedFetchRecord, FeedStatus, NewComment, NewUser,
    Role, Storage, StoryPlacement,
};

use super::{hours_after_base, insert_new, sample_article, sample_feed, tags, terms};

async fn stamps(storage: &dyn Storage) -> CacheStamps {
    storage.cache_stamps().await.expect("cache stamps")
}

/// Runs `change` and says which scopes moved: (content, comments).
async fn moved<F: std::future::Future<Output = ()>>(
    storage: &dyn Storage,
    change: F,
) -> (bool, bool) {
    let before = stamps(storage).await;
    change.await;
    let after = stamps(storage).await;
    assert!(after.content >= before.content && after.comments >= before.comments);
    (
        after.content != before.content,
        after.comments != before.comments,
    )
}

fn extraction() -> ArticleExtraction {
    ArticleExtraction {
        byline: Some("New Writer".into()),
        image: None,
        language: Some("en".into()),
        site_name: None,
        text: "Re-extracted body.".into(),
        html: "<p>Re-extracted body.</p>".into(),
        excerpt: "Re-extracted body.".into(),
        body_source: BodySource::Page,
        tags: tags(&["Harbour"]),
        terms: terms(&[("harbour", 1.0)]),
    }
}

fn fetch_record() -> FeedFetchRecord {
    FeedFetchRecord {
        at: hours_after_base(0),
        status: FeedStatus::Ok,
        error: None,
        etag: Some("\"v2\"".into()),
        last_modified: None,
        next_fetch_at: hours_after_base(1),
        consecutive_failures: 0,
        title: None,
        site_url: None,
    }
}

pub async fn stamps_move_with_every_change_pages_show(storage: &dyn Storage) {
    const CONTENT: (bool, bool) = (true, false);
    const COMMENTS: (bool, bool) = (false, true);
    const NEITHER: (bool, bool) = (false, false);
    let feed = storage
        .add_feed(sample_feed("https://g.example/feed"))
        .await
        .expect("feed");
    let article = insert_new(
        storage,
        sample_article("Gazette", "https://g.example/1", "Harbour", None),
    )
    .await;
    let other = insert_new(
        storage,
        sample_article("Herald", "https://h.example/2", "Harbour too", None),
    )
    .await;

    let new_article = async {
        insert_new(
            storage,
            sample_article("Courier", "https://c.example/3", "Third", None),
        )
        .await;
    };
    assert_eq!(moved(storage, new_article).await, CONTENT, "new article");
    let fetched = async {
        storage
            .record_feed_fetch(feed.id, fetch_record())
            .await
            .expect("fetch");
    };
    assert_eq!(
        moved(storage, fetched).await,
        NEITHER,
        "a poll's bookkeeping"
    );
    let mut retitled = fetch_record();
    retitled.title = Some("A new feed title".into());
    let retitle = async {
        storage
            .record_feed_fetch(feed.id, retitled)
            .await
            .expect("fetch");
    };
    assert_eq!(moved(storage, retitle).await, CONTENT, "feed retitled");
    let mut story = 0;
    let placed = async {
        story = storage
            .place_in_story(StoryPlacement {
                article_id: article,
                story: None,
                copy_of: None,
                original_of: Vec::new(),
                neighbours: Vec::new(),
                tags: None,
            })
            .await
            .expect("place");
    };
    assert_eq!(moved(storage, placed).await, CONTENT, "placed in a story");
    let joined = async {
        storage
            .place_in_story(StoryPlacement {
                article_id: other,
                story: Some(story),
                copy_of: None,
                original_of: Vec::new(),
                neighbours: Vec::new(),
                tags: None,
            })
            .await
            .expect("place");
    };
    assert_eq!(moved(storage, joined).await, CONTENT, "joined a story");
    let reextracted = async {
        assert!(
            storage
                .update_article_extraction(article, extraction())
                .await
                .expect("reextract")
        );
    };
    assert_eq!(moved(storage, reextracted).await, CONTENT, "re-extraction");

    let user = storage
        .create_user(NewUser {
            name: "Ann".into(),
            password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
            role: Role::Reader,
        })
        .await
        .expect("user");
    let mut comment_id = 0;
    let posted = async {
        comment_id = storage
            .insert_comment(NewComment {
                article_id: article,
                parent_id: None,
                author_id: user.id,
                body_markdown: "First".into(),
                body_html: "<p>First</p>".into(),
                held: false,
            })
            .await
            .expect("comment")
            .id;
    };
    assert_eq!(moved(storage, posted).await, COMMENTS, "new comment");
    let edited = async {
        assert!(
            storage
                .edit_comment(comment_id, "Edited", "<p>Edited</p>", Utc::now())
                .await
                .expect("edit")
        );
    };
    assert_eq!(moved(storage, edited).await, COMMENTS, "edited comment");
    let hidden = async {
        assert!(
            storage
                .set_comment_hidden(comment_id, true)
                .await
                .expect("hide")
        );
    };
    assert_eq!(moved(storage, hidden).await, COMMENTS, "hidden comment");
    let banned = async {
        assert!(storage.set_banned(user.id, true).await.expect("ban"));
    };
    assert_eq!(moved(storage, banned).await, COMMENTS, "author banned");
    let deleted = async {
        assert!(storage.delete_comment(comment_id).await.expect("delete"));
    };
    assert_eq!(moved(storage, deleted).await, COMMENTS, "deleted comment");
    let removed = async {
        assert!(storage.remove_feed(feed.id).await.expect("remove"));
    };
    assert!(moved(storage, removed).await.0, "feed removed");
}

/// A change made through one storage moves the stamps the other reads.
pub async fn stamps_are_shared_by_all_processes(first: &dyn Storage, second: &dyn Storage) {
    let before = stamps(second).await;
    insert_new(
        first,
        sample_article("Gazette", "https://g.example/shared", "Shared", None),
    )
    .await;
    let after = stamps(second).await;
    assert!(after.content > before.content, "{before:?} → {after:?}");
    assert_eq!(after.comments, before.comments);
}
