//! Suite checks over two storages open on the same database, as two processes sharing it
//! would be: work is done once however the calls interleave (an article stored once, a job
//! leased by one worker, one leader, no more request slots than allowed, one site secret).

use std::collections::HashSet;
use std::time::Duration;

use tidings_core::{InsertOutcome, NewArticle, Storage};

use super::{sample_article, sample_feed};

const MINUTE: Duration = Duration::from_secs(60);

fn variant(url: &str, canonical: Option<&str>) -> NewArticle {
    let mut article = sample_article("Gazette", url, "Race", None);
    article.canonical_url = canonical.map(str::to_string);
    article
}

/// The ids behind `outcomes`: exactly one insert, every other outcome a duplicate of it.
fn single_insert(outcomes: &[InsertOutcome], case: &str) -> i64 {
    let inserted: Vec<i64> = outcomes
        .iter()
        .filter_map(|o| match o {
            InsertOutcome::Inserted(id) => Some(*id),
            InsertOutcome::Duplicate(_) => None,
        })
        .collect();
    assert_eq!(inserted.len(), 1, "{case}: stored {outcomes:?}");
    assert!(
        outcomes.iter().all(|o| match o {
            InsertOutcome::Inserted(id) | InsertOutcome::Duplicate(id) => *id == inserted[0],
        }),
        "{case}: duplicates of another article: {outcomes:?}"
    );
    inserted[0]
}

/// Writers racing to store one article (the same canonical URL, the same URL, a URL that is
/// another's canonical, the same guid in a feed) store it once; the others learn its id, and
/// none of them gets an error.
pub async fn concurrent_inserts_store_an_article_once(first: &dyn Storage, second: &dyn Storage) {
    let feed = first
        .add_feed(sample_feed("https://race.example/feed"))
        .await
        .expect("add feed");
    let mut stored = HashSet::new();
    for round in 0..5 {
        let base = format!("https://race.example/{round}");
        let canonical = format!("{base}/story");
        let by_guid = |url: String| {
            let mut article = sample_article("Gazette", &url, "Guid race", None);
            article.feed_id = Some(feed.id);
            article.guid = Some(format!("entry-{round}"));
            article
        };
        let (a, b, c, d, e, f) = tokio::join!(
            first.insert_article(variant(&format!("{base}/1"), Some(&canonical))),
            second.insert_article(variant(&format!("{base}/2"), Some(&canonical))),
            first.insert_article(variant(&canonical, None)),
            second.insert_article(variant(&canonical, None)),
            first.insert_article(by_guid(format!("{base}/g1"))),
            second.insert_article(by_guid(format!("{base}/g2"))),
        );
        let by_url: Vec<InsertOutcome> = [a, b, c, d]
            .into_iter()
            .map(|o| o.expect("a racing insert failed instead of finding the duplicate"))
            .collect();
        let by_feed_guid: Vec<InsertOutcome> = [e, f]
            .into_iter()
            .map(|o| o.expect("a racing insert failed instead of finding the duplicate"))
            .collect();
        stored.insert(single_insert(&by_url, &format!("round {round}, by URL")));
        stored.insert(single_insert(
            &by_feed_guid,
            &format!("round {round}, by guid"),
        ));
    }
    assert_eq!(stored.len(), 10, "each round stored two distinct articles");
    assert_eq!(first.count_articles().await.expect("count"), 10);
    assert_eq!(second.count_articles().await.expect("count"), 10);
}

/// Drains the queue as one worker would: lease a few, finish each, until nothing is left.
async fn drain(storage: &dyn Storage, worker: &str) -> Vec<i64> {
    let mut done = Vec::new();
    loop {
        let jobs = storage
            .lease_jobs(worker, &["crawl"], MINUTE, 3)
            .await
            .expect("lease");
        if jobs.is_empty() {
            return done;
        }
        for job in jobs {
            assert!(
                storage
                    .finish_job(job.id, &job.lease_token)
                    .await
                    .expect("finish"),
                "{worker} lost job {} it had just leased",
                job.id
            );
            done.push(job.id);
        }
    }
}

/// Four workers on two storages drain one queue together: every job is done exactly once.
pub async fn concurrent_workers_never_lease_the_same_job(
    first: &dyn Storage,
    second: &dyn Storage,
) {
    let mut queued = 0;
    for n in 0..40 {
        let storage = if n % 2 == 0 { first } else { second };
        let job = tidings_core::NewJob {
            kind: "crawl".into(),
            key: n.to_string(),
            payload: String::new(),
            run_at: chrono::Utc::now() - chrono::Duration::seconds(1),
        };
        assert!(storage.enqueue_job(job).await.expect("enqueue"));
        queued += 1;
    }
    let (a, b, c, d) = tokio::join!(
        drain(first, "a"),
        drain(second, "b"),
        drain(first, "c"),
        drain(second, "d"),
    );
    let mut all: Vec<i64> = [a, b, c, d].concat();
    let total = all.len();
    all.sort_unstable();
    all.dedup();
    assert_eq!(total, all.len(), "a job was leased by two workers");
    assert_eq!(all.len(), queued, "some jobs were never leased");
    let counts = second.job_counts().await.expect("counts");
    assert_eq!((counts.queued, counts.running, counts.dead), (0, 0, 0));
}

/// A lease that runs out in one process is taken up by the other, and the first one's token
/// no longer finishes, fails or extends the job.
pub async fn an_expired_lease_moves_to_the_other_process(
    first: &dyn Storage,
    second: &dyn Storage,
) {
    let job = tidings_core::NewJob {
        kind: "render".into(),
        key: "front-page".into(),
        payload: String::new(),
        run_at: chrono::Utc::now() - chrono::Duration::seconds(1),
    };
    assert!(first.enqueue_job(job).await.expect("enqueue"));
    let lost = first
        .lease_jobs("p1", &["render"], Duration::from_millis(50), 1)
        .await
        .expect("lease");
    assert_eq!(lost.len(), 1);
    assert!(
        second
            .lease_jobs("p2", &["render"], MINUTE, 1)
            .await
            .expect("lease")
            .is_empty(),
        "a job under a live lease was leased by the other process"
    );
    tokio::time::sleep(Duration::from_millis(150)).await;
    let taken = second
        .lease_jobs("p2", &["render"], MINUTE, 1)
        .await
        .expect("lease");
    assert_eq!(taken.len(), 1, "the expired lease was not taken up");
    assert_eq!((taken[0].id, taken[0].attempts), (lost[0].id, 2));
    let old = &lost[0];
    assert!(
        !first
            .finish_job(old.id, &old.lease_token)
            .await
            .expect("finish")
    );
    assert!(
        !first
            .fail_job(old.id, &old.lease_token, "late", None)
            .await
            .expect("fail")
    );
    assert!(
        !first
            .extend_job_lease(old.id, &old.lease_token, MINUTE)
            .await
            .expect("extend")
    );
    let counts = first.job_counts().await.expect("counts");
    assert_eq!((counts.queued, counts.running, counts.dead), (0, 1, 0));
    assert!(
        second
            .finish_job(taken[0].id, &taken[0].lease_token)
            .await
            .expect("finish")
    );
}

/// One process leads; the other cannot until the leader's guard is dropped, and then can.
pub async fn leadership_moves_between_processes(first: &dyn Storage, second: &dyn Storage) {
    let ttl = Duration::from_secs(30);
    let mut leader = first
        .try_lead("scheduler", "p1", ttl)
        .await
        .expect("try lead")
        .expect("nobody led, so the first process leads");
    assert!(
        second
            .try_lead("scheduler", "p2", ttl)
            .await
            .expect("try lead")
            .is_none(),
        "two processes lead the same role"
    );
    assert!(leader.still_held().await.expect("still held"));
    drop(leader);
    let mut taken = None;
    for _ in 0..100 {
        taken = second
            .try_lead("scheduler", "p2", ttl)
            .await
            .expect("try lead");
        if taken.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut successor = taken.expect("the role did not move after its holder gave it up");
    assert!(successor.still_held().await.expect("still held"));
    assert!(
        first
            .try_lead("scheduler", "p1", ttl)
            .await
            .expect("try lead")
            .is_none(),
        "the old leader took the role back while it was held"
    );
}

/// Six racing requests for a host with three slots get exactly three, whichever process asks.
pub async fn host_slots_are_shared_by_all_processes(first: &dyn Storage, second: &dyn Storage) {
    let hold = Duration::from_secs(30);
    let host = "busy.example";
    let (a, b, c, d, e, f) = tokio::join!(
        first.try_take_host_slot(host, 3, "p1", hold),
        second.try_take_host_slot(host, 3, "p2", hold),
        first.try_take_host_slot(host, 3, "p1", hold),
        second.try_take_host_slot(host, 3, "p2", hold),
        first.try_take_host_slot(host, 3, "p1", hold),
        second.try_take_host_slot(host, 3, "p2", hold),
    );
    let tokens: Vec<String> = [a, b, c, d, e, f]
        .into_iter()
        .filter_map(|t| t.expect("take slot"))
        .collect();
    assert_eq!(tokens.len(), 3, "slots given out: {tokens:?}");
    first
        .release_host_slot(host, &tokens[0])
        .await
        .expect("release");
    assert!(
        second
            .try_take_host_slot(host, 3, "p2", hold)
            .await
            .expect("take")
            .is_some(),
        "a slot freed by one process was not available to the other"
    );
    assert!(
        first
            .try_take_host_slot(host, 3, "p1", hold)
            .await
            .expect("take")
            .is_none()
    );
}

/// Two processes asking for a site secret at once get the same value.
pub async fn site_secrets_agree_across_processes(first: &dyn Storage, second: &dyn Storage) {
    let (a, b) = tokio::join!(
        first.site_secret("session", &[1; 32]),
        second.site_secret("session", &[2; 32]),
    );
    let (a, b) = (a.expect("secret"), b.expect("secret"));
    assert_eq!(a, b, "two processes hold different secrets");
    assert!(a == vec![1; 32] || a == vec![2; 32], "{a:?}");
}
