//! A filled SQLite installation for the data-move tests: some of everything the storage
//! keeps, stored through the `Storage` trait.

use std::time::Duration;

use chrono::Utc;
use tidings_core::{
    AiCacheKey, FeedFetchRecord, FeedStatus, FollowKind, FollowTarget, ImageVariant,
    LeadImageOutcome, ModerationAction, ModerationEntry, NewComment, NewJob, NewUser, RawPage,
    Role, Storage, StoryPlacement,
};

use crate::testsuite::images::sample_image;
use crate::testsuite::{hours_after_base, insert_new, sample_article, sample_feed, tags, terms};

/// What the fixtures stored, to look up on both sides.
pub(super) struct Stored {
    pub(super) articles: Vec<i64>,
    pub(super) story: i64,
    pub(super) users: Vec<i64>,
}

/// Fills `storage` with some of everything: feeds, articles with tags and terms, a story
/// whose original came after its copy, accounts, comments, moderation, AI cache, raw pages,
/// a lead image and coordination rows.
pub(super) async fn fill(storage: &dyn Storage) -> Stored {
    let feed = storage
        .add_feed(sample_feed("https://ledger.example/feed"))
        .await
        .expect("feed");
    storage
        .add_feed(sample_feed("https://post.example/feed"))
        .await
        .expect("feed");
    storage
        .record_feed_fetch(
            feed.id,
            FeedFetchRecord {
                at: Utc::now(),
                status: FeedStatus::Error,
                error: Some("HTTP 503".into()),
                etag: Some("\"v1\"".into()),
                last_modified: None,
                next_fetch_at: hours_after_base(3),
                consecutive_failures: 2,
                title: Some("The Ledger".into()),
                site_url: None,
            },
        )
        .await
        .expect("record");

    let mut articles = Vec::new();
    for (n, (publisher, title)) in [
        ("Portal", "Harbour strike: photos"),
        ("Ledger", "Harbour strike enters its second week"),
        ("Post", "Dockers vote on harbour deal"),
        ("Herald", "Unrelated gardening notes"),
    ]
    .into_iter()
    .enumerate()
    {
        let mut article = sample_article(
            publisher,
            &format!("https://{}.example/{n}", publisher.to_lowercase()),
            title,
            (n != 3).then(|| hours_after_base(n as i64)),
        );
        article.tags = tags(&["Harbour", publisher]);
        article.terms = terms(&[("harbour", 0.9), ("strike", 0.5 + n as f32 / 10.0)]);
        if n == 1 {
            article.feed_id = Some(feed.id);
            article.guid = Some("ledger-1".into());
            article.canonical_url = Some("https://ledger.example/strike".into());
        }
        articles.push(insert_new(storage, article).await);
    }
    // The copy (Portal) was stored and placed first; the original (Ledger, a higher id) then
    // takes it over, so the copy points forward; a neighbour is recorded too.
    let place = |article_id, story, original_of: Vec<i64>, neighbours| StoryPlacement {
        article_id,
        story,
        copy_of: None,
        original_of,
        neighbours,
        tags: None,
    };
    let story = storage
        .place_in_story(place(articles[0], None, Vec::new(), Vec::new()))
        .await
        .expect("place copy");
    storage
        .place_in_story(place(
            articles[1],
            Some(story),
            vec![articles[0]],
            Vec::new(),
        ))
        .await
        .expect("place original");
    storage
        .place_in_story(place(
            articles[2],
            Some(story),
            Vec::new(),
            vec![(articles[3], 0.3)],
        ))
        .await
        .expect("place third");

    let mut users = Vec::new();
    for (name, role) in [("Ann", Role::Admin), ("bob", Role::Reader)] {
        let user = storage
            .create_user(NewUser {
                name: name.into(),
                password_hash: format!("$argon2id$hash-of-{name}"),
                role,
            })
            .await
            .expect("user");
        users.push(user.id);
    }
    let followed = [
        (FollowTarget::story(story), "Harbour strike"),
        (
            FollowTarget::new(FollowKind::Tag, "harbour").expect("tag"),
            "Harbour",
        ),
    ];
    for (target, label) in &followed {
        storage
            .follow(users[1], target, label, hours_after_base(1))
            .await
            .expect("follow");
    }
    storage
        .save_article(users[1], articles[0], hours_after_base(2))
        .await
        .expect("save");
    storage
        .mark_read(users[1], articles[1], hours_after_base(3))
        .await
        .expect("read");
    let later = Utc::now() + chrono::Duration::days(7);
    storage
        .create_session(users[0], "session-hash", later)
        .await
        .expect("session");
    storage
        .create_api_token(tidings_core::NewApiToken {
            scopes: tidings_core::TokenScopes::new(&[tidings_core::TokenScope::Read]),
            ..crate::testsuite::tokens::api_token(users[1], "token-hash", Some(later))
        })
        .await
        .expect("token");
    storage
        .create_password_reset(users[1], "reset-hash", later)
        .await
        .expect("reset");
    let comment = |parent, held, body: &str| NewComment {
        article_id: articles[1],
        parent_id: parent,
        author_id: users[1],
        body_markdown: body.into(),
        body_html: format!("<p>{body}</p>"),
        held,
    };
    let top = storage
        .insert_comment(comment(None, false, "First!"))
        .await
        .expect("comment");
    storage
        .insert_comment(comment(Some(top.id), false, "A reply"))
        .await
        .expect("reply");
    storage
        .insert_comment(comment(None, true, "Held for review"))
        .await
        .expect("held");
    storage
        .edit_comment(top.id, "First, edited", "<p>First, edited</p>", Utc::now())
        .await
        .expect("edit");
    storage
        .report_comment(top.id, users[0], "off topic")
        .await
        .expect("report");
    storage
        .record_moderation(ModerationEntry {
            moderator_id: Some(users[0]),
            action: ModerationAction::HideComment,
            comment_id: Some(top.id),
            target_user_id: Some(users[1]),
            note: "checked".into(),
        })
        .await
        .expect("log");

    storage
        .store_ai_result(&ai_key(articles[1]), "A summary.")
        .await
        .expect("ai");
    storage
        .add_ai_tokens(hours_after_base(0).date_naive(), 1234)
        .await
        .expect("tokens");
    storage
        .save_raw_page(RawPage {
            article_id: articles[1],
            url: "https://ledger.example/strike".into(),
            charset: Some("utf-8".into()),
            fetched_at: hours_after_base(0),
            body_gzip: vec![0x1f, 0x8b, 8, 0, 42],
            categories: vec!["Ports".into(), "Labour".into()],
        })
        .await
        .expect("raw page");
    storage
        .save_lead_image(
            articles[1],
            "https://ledger.example/strike.jpg",
            hours_after_base(0),
            LeadImageOutcome::Stored(vec![
                sample_image(ImageVariant::Card, 400, 225, 1),
                sample_image(ImageVariant::Article, 1000, 562, 2),
            ]),
        )
        .await
        .expect("lead image");

    for key in ["1", "2"] {
        storage
            .enqueue_job(NewJob {
                kind: "poll_feed".into(),
                key: key.into(),
                payload: "{}".into(),
                run_at: Utc::now() - chrono::Duration::seconds(1),
            })
            .await
            .expect("job");
    }
    let leased = storage
        .lease_jobs("w", &["poll_feed"], Duration::from_secs(600), 1)
        .await
        .expect("lease");
    assert_eq!(leased.len(), 1);
    storage
        .try_take_host_slot("ledger.example", 2, "w", Duration::from_secs(600))
        .await
        .expect("slot")
        .expect("free slot");
    storage
        .record_throttle_event("signin:ann", Duration::from_secs(3600))
        .await
        .expect("throttle");
    storage.site_secret("csrf", &[7; 32]).await.expect("secret");
    Stored {
        articles,
        story,
        users,
    }
}

pub(super) fn ai_key(subject_id: i64) -> AiCacheKey {
    AiCacheKey {
        subject_id,
        feature: "summary".into(),
        model: "offline".into(),
        params: "style=short".into(),
    }
}
