//! Suite checks for accounts: names unique in any case, sessions that expire and revoke,
//! one-time reset tokens, comment threads page by page, counts, and the moderation queue.

use chrono::{Duration, Utc};
use tidings_core::{
    CommentOrder, ModerationAction, ModerationEntry, NewComment, NewUser, PageRequest, Role,
    Storage, StorageError,
};

use super::{insert_new, sample_article};

pub(crate) fn new_user(name: &str) -> NewUser {
    NewUser {
        name: name.into(),
        password_hash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdA$aGFzaA".into(),
        role: Role::Reader,
    }
}

fn comment(article: i64, author: i64, parent: Option<i64>, body: &str) -> NewComment {
    NewComment {
        article_id: article,
        parent_id: parent,
        author_id: author,
        body_markdown: body.into(),
        body_html: format!("<p>{body}</p>"),
        held: false,
    }
}

/// Names are unique regardless of case; credentials are found in any case.
pub async fn user_names_are_unique_in_any_case(storage: &dyn Storage) {
    let ann = storage.create_user(new_user("Ann")).await.expect("create");
    assert!(matches!(
        storage.create_user(new_user("aNN")).await,
        Err(StorageError::Conflict(_))
    ));
    let (found, hash) = storage
        .user_credentials("ANN")
        .await
        .expect("read")
        .expect("found");
    assert_eq!(found, ann);
    assert!(hash.starts_with("$argon2id$"));
    assert!(
        storage
            .user_credentials("bob")
            .await
            .expect("read")
            .is_none()
    );
}

/// Sessions end when they expire, are revoked, or the user is banned.
pub async fn sessions_expire_revoke_and_end_on_ban(storage: &dyn Storage) {
    let ann = storage.create_user(new_user("ann")).await.expect("create");
    let now = Utc::now();
    storage
        .create_session(ann.id, "h1", now + Duration::hours(1))
        .await
        .expect("s1");
    storage
        .create_session(ann.id, "h2", now + Duration::hours(1))
        .await
        .expect("s2");
    storage
        .create_session(ann.id, "old", now - Duration::seconds(1))
        .await
        .expect("s3");
    assert!(
        storage
            .session_user("h1", now)
            .await
            .expect("read")
            .is_some()
    );
    assert!(
        storage
            .session_user("old", now)
            .await
            .expect("read")
            .is_none(),
        "expired"
    );
    assert!(
        storage
            .session_user("nope", now)
            .await
            .expect("read")
            .is_none()
    );
    storage.revoke_session("h1").await.expect("revoke");
    assert!(
        storage
            .session_user("h1", now)
            .await
            .expect("read")
            .is_none()
    );
    storage
        .create_api_token(super::tokens::api_token(ann.id, "t1", None))
        .await
        .expect("token");
    assert!(storage.api_token_user("t1").await.expect("read").is_some());
    storage.set_banned(ann.id, true).await.expect("ban");
    assert!(
        storage
            .session_user("h2", now)
            .await
            .expect("read")
            .is_none(),
        "banned"
    );
    assert!(
        storage.api_token_user("t1").await.expect("read").is_none(),
        "banned"
    );
    storage.set_banned(ann.id, false).await.expect("unban");
    assert!(
        storage
            .session_user("h2", now)
            .await
            .expect("read")
            .is_none(),
        "stays revoked"
    );
}

/// A reset token works once and not after it expires.
pub async fn password_resets_are_one_time(storage: &dyn Storage) {
    let ann = storage.create_user(new_user("ann")).await.expect("create");
    let now = Utc::now();
    storage
        .create_password_reset(ann.id, "r1", now + Duration::hours(1))
        .await
        .expect("r1");
    storage
        .create_password_reset(ann.id, "r2", now - Duration::hours(1))
        .await
        .expect("r2");
    assert_eq!(
        storage
            .consume_password_reset("r1", now)
            .await
            .expect("use"),
        Some(ann.id)
    );
    assert_eq!(
        storage
            .consume_password_reset("r1", now)
            .await
            .expect("reuse"),
        None
    );
    assert_eq!(
        storage
            .consume_password_reset("r2", now)
            .await
            .expect("expired"),
        None
    );
}

/// Threads page by top-level comment, replies come along, counts see only public comments.
pub async fn comment_threads_page_and_count(storage: &dyn Storage) {
    let article = insert_new(
        storage,
        sample_article("A", "https://a.example/1", "T", None),
    )
    .await;
    let other = insert_new(
        storage,
        sample_article("A", "https://a.example/2", "U", None),
    )
    .await;
    let ann = storage.create_user(new_user("ann")).await.expect("create");
    let first = storage
        .insert_comment(comment(article, ann.id, None, "one"))
        .await
        .expect("c");
    let reply = storage
        .insert_comment(comment(article, ann.id, Some(first.id), "reply"))
        .await
        .expect("reply");
    let second = storage
        .insert_comment(comment(article, ann.id, None, "two"))
        .await
        .expect("c");
    let mut held = comment(article, ann.id, None, "held");
    held.held = true;
    let held = storage.insert_comment(held).await.expect("held");
    assert!(matches!(
        storage
            .insert_comment(comment(other, ann.id, Some(first.id), "x"))
            .await,
        Err(StorageError::Invalid(_))
    ));
    let page = storage
        .article_comments(article, CommentOrder::Oldest, PageRequest::new(1, 1))
        .await
        .expect("page");
    let ids: Vec<i64> = page.items.iter().map(|c| c.id).collect();
    assert_eq!(ids, [first.id, reply.id]);
    assert!(page.has_more);
    let newest = storage
        .article_comments(article, CommentOrder::Newest, PageRequest::new(1, 10))
        .await
        .expect("newest");
    let ids: Vec<i64> = newest.items.iter().map(|c| c.id).collect();
    assert_eq!(ids, [held.id, second.id, first.id, reply.id]);
    assert!(!newest.has_more);
    assert_eq!(
        storage
            .comment_counts(&[article, other])
            .await
            .expect("count"),
        [(article, 3)]
    );
    storage.delete_comment(second.id).await.expect("delete");
    storage
        .set_comment_hidden(first.id, true)
        .await
        .expect("hide");
    assert_eq!(
        storage.comment_counts(&[article]).await.expect("count"),
        [(article, 1)]
    );
    let deleted = storage
        .comment(second.id)
        .await
        .expect("read")
        .expect("kept");
    assert!(deleted.deleted && deleted.body_markdown.is_empty());
    assert!(storage.approve_comment(held.id).await.expect("approve"));
    let ann = storage.user(ann.id).await.expect("read").expect("ann");
    assert_eq!(ann.approved_comments, 4, "three unheld, one approved");
    let edited_at = Utc::now();
    assert!(
        storage
            .edit_comment(reply.id, "new", "<p>new</p>", edited_at)
            .await
            .expect("edit")
    );
    assert!(
        storage
            .comment(reply.id)
            .await
            .expect("read")
            .expect("c")
            .edited_at
            .is_some()
    );
}

/// Reported and held comments queue until resolved; the audit log keeps every action.
pub async fn reports_queue_and_the_audit_log(storage: &dyn Storage) {
    let article = insert_new(
        storage,
        sample_article("A", "https://a.example/1", "T", None),
    )
    .await;
    let ann = storage.create_user(new_user("ann")).await.expect("ann");
    let mo = storage.create_user(new_user("mo")).await.expect("mo");
    let c = storage
        .insert_comment(comment(article, ann.id, None, "rude"))
        .await
        .expect("c");
    storage
        .report_comment(c.id, mo.id, "rude")
        .await
        .expect("report");
    storage
        .report_comment(c.id, mo.id, "very rude")
        .await
        .expect("again");
    let queue = storage.moderation_queue(10).await.expect("queue");
    assert_eq!(queue.len(), 1);
    assert_eq!(queue[0].open_reports, 1, "one report per reader");
    assert_eq!(queue[0].reasons, ["very rude"]);
    assert_eq!(storage.resolve_reports(c.id).await.expect("resolve"), 1);
    assert!(
        storage
            .moderation_queue(10)
            .await
            .expect("queue")
            .is_empty()
    );
    storage
        .record_moderation(ModerationEntry {
            moderator_id: Some(mo.id),
            action: ModerationAction::HideComment,
            comment_id: Some(c.id),
            target_user_id: Some(ann.id),
            note: "rude".into(),
        })
        .await
        .expect("log");
    let log = storage
        .moderation_log(PageRequest::new(1, 10))
        .await
        .expect("log");
    assert_eq!(log.items.len(), 1);
    assert_eq!(log.items[0].moderator_name.as_deref(), Some("mo"));
    assert_eq!(log.items[0].target_user_name.as_deref(), Some("ann"));
    assert_eq!(log.items[0].action, ModerationAction::HideComment);
}
