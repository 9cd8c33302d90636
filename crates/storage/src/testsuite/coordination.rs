//! Checks of the coordination store: the job queue's leases, leadership, per-host slots,
//! throttles, site secrets and the story stage's work list.

use std::time::Duration;

use chrono::Utc;
use tidings_core::{NewJob, Storage, StoryPlacement};

use super::{insert_new, sample_article};

fn job(kind: &str, key: &str) -> NewJob {
    NewJob {
        kind: kind.into(),
        key: key.into(),
        payload: format!("{{\"key\":\"{key}\"}}"),
        run_at: Utc::now() - chrono::Duration::seconds(1),
    }
}

const MINUTE: Duration = Duration::from_secs(60);

pub async fn jobs_are_unique_per_kind_and_key_while_live(storage: &dyn Storage) {
    assert!(
        storage
            .enqueue_job(job("poll_feed", "1"))
            .await
            .expect("enqueue")
    );
    assert!(
        !storage
            .enqueue_job(job("poll_feed", "1"))
            .await
            .expect("enqueue again"),
        "a second live job with the same kind and key was queued"
    );
    assert!(
        storage
            .enqueue_job(job("poll_feed", "2"))
            .await
            .expect("other key")
    );
    assert!(
        storage
            .enqueue_job(job("purge", "1"))
            .await
            .expect("other kind")
    );
    let leased = storage
        .lease_jobs("w1", &["poll_feed"], MINUTE, 10)
        .await
        .expect("lease");
    assert_eq!(
        leased.len(),
        2,
        "only the poll_feed jobs are leased: {leased:?}"
    );
    assert!(
        leased
            .iter()
            .all(|j| j.attempts == 1 && j.kind == "poll_feed")
    );
    assert_eq!(leased[0].payload, "{\"key\":\"1\"}");
    assert!(
        !storage
            .enqueue_job(job("poll_feed", "1"))
            .await
            .expect("enqueue while running"),
        "a running job's key was queued again"
    );
    assert!(
        storage
            .finish_job(leased[0].id, &leased[0].lease_token)
            .await
            .expect("finish")
    );
    assert!(
        storage
            .enqueue_job(job("poll_feed", "1"))
            .await
            .expect("enqueue after finish"),
        "a finished job's key could not be queued again"
    );
}

pub async fn leases_are_exclusive_and_expire(storage: &dyn Storage) {
    for key in ["a", "b", "c"] {
        storage.enqueue_job(job("k", key)).await.expect("enqueue");
    }
    let first = storage
        .lease_jobs("w1", &["k"], MINUTE, 2)
        .await
        .expect("lease");
    let second = storage
        .lease_jobs("w2", &["k"], MINUTE, 5)
        .await
        .expect("lease");
    assert_eq!(first.len(), 2);
    assert_eq!(second.len(), 1, "a leased job was leased again: {second:?}");
    assert!(first.iter().all(|j| j.id != second[0].id));
    assert!(
        storage
            .lease_jobs("w3", &["k"], MINUTE, 5)
            .await
            .expect("lease")
            .is_empty()
    );

    // A short lease runs out, and the job goes to the next worker with a new token.
    let short = Duration::from_millis(50);
    storage
        .enqueue_job(job("short", "x"))
        .await
        .expect("enqueue");
    let lost = storage
        .lease_jobs("w1", &["short"], short, 1)
        .await
        .expect("lease");
    assert_eq!(lost.len(), 1);
    tokio::time::sleep(Duration::from_millis(120)).await;
    let taken = storage
        .lease_jobs("w2", &["short"], MINUTE, 1)
        .await
        .expect("re-lease");
    assert_eq!(taken.len(), 1, "an expired lease was not taken up");
    assert_eq!(taken[0].id, lost[0].id);
    assert_eq!(taken[0].attempts, 2);
    assert_ne!(taken[0].lease_token, lost[0].lease_token);
    assert!(
        !storage
            .finish_job(lost[0].id, &lost[0].lease_token)
            .await
            .expect("stale finish"),
        "a lost lease could still finish the job"
    );
    assert!(
        !storage
            .extend_job_lease(lost[0].id, &lost[0].lease_token, MINUTE)
            .await
            .expect("stale extend"),
        "a lost lease could be extended"
    );
    assert!(
        storage
            .extend_job_lease(taken[0].id, &taken[0].lease_token, MINUTE)
            .await
            .expect("extend")
    );
    assert!(
        storage
            .finish_job(taken[0].id, &taken[0].lease_token)
            .await
            .expect("finish")
    );
}

pub async fn failed_jobs_retry_later_or_die(storage: &dyn Storage) {
    storage
        .enqueue_job(job("k", "retry"))
        .await
        .expect("enqueue");
    storage.enqueue_job(job("k", "die")).await.expect("enqueue");
    let leased = storage
        .lease_jobs("w", &["k"], MINUTE, 2)
        .await
        .expect("lease");
    let (retry, die) = (&leased[0], &leased[1]);
    let later = Utc::now() + chrono::Duration::hours(1);
    assert!(
        storage
            .fail_job(retry.id, &retry.lease_token, "timeout", Some(later))
            .await
            .expect("retry")
    );
    assert!(
        storage
            .fail_job(die.id, &die.lease_token, "bad feed", None)
            .await
            .expect("die")
    );
    assert!(
        storage
            .lease_jobs("w", &["k"], MINUTE, 5)
            .await
            .expect("lease")
            .is_empty(),
        "a job to retry in an hour, or a dead one, was leased now"
    );
    let counts = storage.job_counts().await.expect("counts");
    assert_eq!((counts.queued, counts.running, counts.dead), (1, 0, 1));
    assert!(
        storage
            .enqueue_job(job("k", "die"))
            .await
            .expect("enqueue after death"),
        "a dead job blocks its key for ever"
    );
}

/// A job whose worker dies running it (its lease lapses without an answer) runs once more;
/// when that worker dies too, the job is dead with the reason, not leased a third time.
pub async fn jobs_that_crash_their_worker_twice_die(storage: &dyn Storage) {
    let short = Duration::from_millis(50);
    storage
        .enqueue_job(job("crash", "x"))
        .await
        .expect("enqueue");
    storage
        .enqueue_job(job("crash", "ok"))
        .await
        .expect("enqueue");
    for round in 1..=2 {
        let leased = storage
            .lease_jobs("w", &["crash"], short, 5)
            .await
            .expect("lease");
        let keys: Vec<&str> = leased.iter().map(|j| j.key.as_str()).collect();
        assert!(keys.contains(&"x"), "round {round}: {keys:?}");
        // "ok" fails cleanly each round: a handed-back job is no crash.
        for j in leased.iter().filter(|j| j.key == "ok") {
            let retry = Some(Utc::now());
            assert!(
                storage
                    .fail_job(j.id, &j.lease_token, "busy", retry)
                    .await
                    .expect("fail")
            );
        }
        tokio::time::sleep(Duration::from_millis(120)).await;
    }
    let third = storage
        .lease_jobs("w", &["crash"], MINUTE, 5)
        .await
        .expect("lease");
    let keys: Vec<&str> = third.iter().map(|j| j.key.as_str()).collect();
    assert_eq!(keys, ["ok"], "the twice-crashed job was leased again");
    let dead = storage.dead_jobs(10).await.expect("dead jobs");
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].key, "x");
    let reason = dead[0].last_error.as_deref().unwrap_or_default();
    assert!(reason.contains("crashed the worker twice"), "{reason}");
    // Retried by hand it starts from no crashes: one lapse does not kill it again.
    assert_eq!(
        storage
            .retry_dead_jobs(Some(dead[0].id))
            .await
            .expect("retry"),
        1
    );
    let again = storage
        .lease_jobs("w", &["crash"], short, 5)
        .await
        .expect("lease");
    assert!(again.iter().any(|j| j.key == "x"));
    tokio::time::sleep(Duration::from_millis(120)).await;
    let after_one = storage
        .lease_jobs("w", &["crash"], MINUTE, 5)
        .await
        .expect("lease");
    assert!(
        after_one.iter().any(|j| j.key == "x"),
        "one lapse after a retry killed the job"
    );
}

/// Leases every due job of `kind` and fails it for good.
async fn kill_all(storage: &dyn Storage, kind: &str) {
    for leased in storage
        .lease_jobs("w", &[kind], MINUTE, 10)
        .await
        .expect("lease")
    {
        assert!(
            storage
                .fail_job(leased.id, &leased.lease_token, "gone", None)
                .await
                .expect("die")
        );
    }
}

pub async fn dead_jobs_are_listed_and_retried(storage: &dyn Storage) {
    for key in ["a", "b", "c"] {
        storage.enqueue_job(job("d", key)).await.expect("enqueue");
    }
    kill_all(storage, "d").await;
    // "a" died twice; "b" has a live job again.
    storage.enqueue_job(job("d", "a")).await.expect("enqueue");
    kill_all(storage, "d").await;
    storage.enqueue_job(job("d", "b")).await.expect("enqueue");

    let dead = storage.dead_jobs(10).await.expect("dead jobs");
    let mut keys: Vec<&str> = dead.iter().map(|j| j.key.as_str()).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["a", "a", "b", "c"]);
    assert!(dead.iter().all(|j| j.kind == "d" && j.attempts == 1));
    assert!(dead.iter().all(|j| j.last_error.as_deref() == Some("gone")));
    assert!(dead.windows(2).all(|w| w[0].created_at >= w[1].created_at));
    assert_eq!(storage.dead_jobs(2).await.expect("dead jobs").len(), 2);

    // One by id: "c" runs again, from a fresh count of attempts.
    let c = dead.iter().find(|j| j.key == "c").expect("c").id;
    assert_eq!(storage.retry_dead_jobs(Some(c)).await.expect("retry"), 1);
    assert_eq!(storage.retry_dead_jobs(Some(c)).await.expect("retry"), 0);
    let leased = storage
        .lease_jobs("w", &["d"], MINUTE, 10)
        .await
        .expect("lease");
    let mut keys: Vec<&str> = leased.iter().map(|j| j.key.as_str()).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["b", "c"]);
    assert!(leased.iter().all(|j| j.attempts == 1));

    // All: one "a" comes back; the "b" that has a live job is dropped.
    assert_eq!(storage.retry_dead_jobs(None).await.expect("retry all"), 1);
    let counts = storage.job_counts().await.expect("counts");
    assert_eq!((counts.queued, counts.running, counts.dead), (1, 2, 0));
    assert!(storage.dead_jobs(10).await.expect("dead jobs").is_empty());
}

pub async fn leadership_is_held_by_one_and_moves_when_dropped(storage: &dyn Storage) {
    let ttl = Duration::from_secs(30);
    let mut first = storage
        .try_lead("scheduler", "p1", ttl)
        .await
        .expect("try lead")
        .expect("nobody led, so the first asker leads");
    assert!(
        storage
            .try_lead("scheduler", "p2", ttl)
            .await
            .expect("try lead")
            .is_none(),
        "two processes lead the same role"
    );
    assert!(
        storage
            .try_lead("stories", "p2", ttl)
            .await
            .expect("try lead")
            .is_some(),
        "roles are not independent"
    );
    assert!(first.still_held().await.expect("still held"));
    drop(first);
    let mut taken = None;
    for _ in 0..50 {
        taken = storage
            .try_lead("scheduler", "p2", ttl)
            .await
            .expect("try lead");
        if taken.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut second = taken.expect("the role did not move after its holder gave it up");
    assert!(second.still_held().await.expect("still held"));
}

pub async fn host_slots_bound_concurrency_and_expire(storage: &dyn Storage) {
    let hold = Duration::from_secs(30);
    let a = storage
        .try_take_host_slot("example.org", 2, "p1", hold)
        .await
        .expect("take");
    let b = storage
        .try_take_host_slot("example.org", 2, "p2", hold)
        .await
        .expect("take");
    let (Some(a), Some(_b)) = (a, b) else {
        panic!("two slots of two were not both given out");
    };
    assert!(
        storage
            .try_take_host_slot("example.org", 2, "p3", hold)
            .await
            .expect("take")
            .is_none(),
        "a third request slot was given out with a limit of two"
    );
    assert!(
        storage
            .try_take_host_slot("other.example", 2, "p3", hold)
            .await
            .expect("take")
            .is_some(),
        "hosts do not have slots of their own"
    );
    storage
        .release_host_slot("example.org", &a)
        .await
        .expect("release");
    assert!(
        storage
            .try_take_host_slot("example.org", 2, "p3", hold)
            .await
            .expect("take")
            .is_some()
    );
    // A stale token frees nothing: the slot is someone else's now.
    storage
        .release_host_slot("example.org", &a)
        .await
        .expect("release again");
    assert!(
        storage
            .try_take_host_slot("example.org", 2, "p4", hold)
            .await
            .expect("take")
            .is_none(),
        "releasing a slot twice freed the next holder's slot"
    );

    let short = Duration::from_millis(50);
    storage
        .try_take_host_slot("slow.example", 1, "p1", short)
        .await
        .expect("take")
        .expect("free slot");
    tokio::time::sleep(Duration::from_millis(120)).await;
    assert!(
        storage
            .try_take_host_slot("slow.example", 1, "p2", hold)
            .await
            .expect("take")
            .is_some(),
        "a slot held past its time by a crashed holder was never freed"
    );
}

pub async fn throttles_count_within_the_window(storage: &dyn Storage) {
    let window = Duration::from_millis(300);
    assert_eq!(
        storage
            .throttle_events("signin:ann", window)
            .await
            .expect("count")
            .0,
        0
    );
    storage
        .record_throttle_event("signin:ann", window)
        .await
        .expect("record");
    storage
        .record_throttle_event("signin:ann", window)
        .await
        .expect("record");
    storage
        .record_throttle_event("signin:bob", window)
        .await
        .expect("record");
    let (count, oldest) = storage
        .throttle_events("signin:ann", window)
        .await
        .expect("count");
    assert_eq!(count, 2);
    let oldest = oldest.expect("events have an oldest time");
    assert!(oldest <= Utc::now() && oldest > Utc::now() - chrono::Duration::seconds(5));
    storage.clear_throttle("signin:bob").await.expect("clear");
    assert_eq!(
        storage
            .throttle_events("signin:bob", window)
            .await
            .expect("count")
            .0,
        0
    );
    assert_eq!(
        storage
            .throttle_events("signin:ann", window)
            .await
            .expect("count")
            .0,
        2,
        "clearing one key cleared another"
    );
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(
        storage
            .throttle_events("signin:ann", window)
            .await
            .expect("count")
            .0,
        0,
        "events older than the window still count"
    );
}

pub async fn site_secrets_are_created_once(storage: &dyn Storage) {
    let first = storage.site_secret("csrf", &[1; 32]).await.expect("secret");
    let second = storage.site_secret("csrf", &[2; 32]).await.expect("secret");
    assert_eq!(first, vec![1; 32]);
    assert_eq!(second, first, "a second process got a different secret");
    assert_eq!(
        storage.site_secret("other", &[3; 8]).await.expect("secret"),
        vec![3; 8]
    );
}

pub async fn unplaced_articles_are_the_story_stages_work(storage: &dyn Storage) {
    let a = insert_new(
        storage,
        sample_article("Gazette", "https://a.example/1", "One", None),
    )
    .await;
    let b = insert_new(
        storage,
        sample_article("Herald", "https://b.example/2", "Two", None),
    )
    .await;
    let c = insert_new(
        storage,
        sample_article("Courier", "https://c.example/3", "Three", None),
    )
    .await;
    assert_eq!(
        storage.unplaced_articles(0, 10).await.expect("unplaced"),
        vec![a, b, c]
    );
    storage
        .place_in_story(StoryPlacement {
            article_id: b,
            story: None,
            copy_of: None,
            original_of: Vec::new(),
            neighbours: Vec::new(),
            tags: None,
        })
        .await
        .expect("place");
    assert_eq!(
        storage.unplaced_articles(0, 10).await.expect("unplaced"),
        vec![a, c]
    );
    assert_eq!(
        storage.unplaced_articles(a, 1).await.expect("unplaced"),
        vec![c]
    );
}
