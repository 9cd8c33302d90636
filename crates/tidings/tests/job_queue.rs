//! Background work in one process: `serve --role all` polls the demo outlets through the job
//! queue and places every article in a story; a failing job is retried later, then given up;
//! a poll job for a feed polled meanwhile (or removed) does nothing.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::Utc;
use tidings::app::{App, Role};
use tidings::commands::demo::ingest_demo;
use tidings::config::Config;
use tidings_core::{JobCounts, NewFeed, NewJob, RepublishPolicy, Storage};
use tidings_demo::start_publishers;
use tidings_storage::SqliteStorage;
use tidings_worker::jobs::{JobDone, POLL_FEED, poll_feed_job, run_job};
use tidings_worker::worker::{WorkerSettings, run_worker};

async fn eventually<T, F, Fut>(what: &str, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Option<T>>,
{
    let started = Instant::now();
    loop {
        if let Some(value) = probe().await {
            return value;
        }
        assert!(
            started.elapsed() < Duration::from_secs(90),
            "gave up waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

fn demo_config(dir: &std::path::Path) -> Config {
    let mut config = Config {
        data_dir: dir.to_path_buf(),
        ..Config::default()
    };
    config.ingest.per_host_concurrency = 8;
    config.ingest.concurrent_pages = 8;
    config
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serving_all_roles_polls_through_jobs_and_places_every_article() {
    let dir = tempfile::tempdir().expect("temp dir");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let (publishers, _server) = start_publishers(listener, Utc::now())
        .await
        .expect("publishers");
    let app = Arc::new(App::open(demo_config(dir.path())).await.expect("app"));
    for outlet in &publishers.outlets {
        app.storage
            .add_feed(NewFeed {
                url: outlet.feed_url.clone(),
                title: None,
                site_url: None,
                publisher: outlet.name.clone(),
                policy: RepublishPolicy::Full,
                allow_private: true,
                interval_secs: 3600,
            })
            .await
            .expect("add feed");
    }
    let site = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", site.local_addr().expect("addr"));
    let running = Arc::clone(&app);
    let serving = tokio::spawn(async move { running.run(Role::All, Some(site)).await });

    let storage = Arc::clone(&app.storage);
    eventually("every article stored and placed", || async {
        let stored = storage.count_articles().await.expect("count") as usize;
        let unplaced = storage.unplaced_articles(0, 1).await.expect("unplaced");
        (stored == publishers.article_count && unplaced.is_empty()).then_some(())
    })
    .await;
    eventually("the job queue to empty", || async {
        let counts = storage.job_counts().await.expect("counts");
        (counts == JobCounts::default()).then_some(())
    })
    .await;
    let home = reqwest::get(format!("{base}/")).await.expect("home");
    assert_eq!(home.status(), 200);
    serving.abort();
}

#[tokio::test]
async fn the_demo_places_every_article_before_it_serves() {
    let dir = tempfile::tempdir().expect("temp dir");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let (publishers, _server) = start_publishers(listener, Utc::now())
        .await
        .expect("publishers");
    let app = App::open(demo_config(dir.path())).await.expect("app");
    let (inserted, failed) = ingest_demo(&app, &publishers).await.expect("ingest");
    assert_eq!((inserted, failed), (publishers.article_count, 0));
    let unplaced = app
        .storage
        .unplaced_articles(0, 10)
        .await
        .expect("unplaced");
    assert_eq!(unplaced, Vec::<i64>::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_job_is_retried_later_then_given_up() {
    let dir = tempfile::tempdir().expect("temp dir");
    let app = App::open(demo_config(dir.path())).await.expect("app");
    let raw =
        sqlx::SqlitePool::connect(&format!("sqlite:{}", app.config.database_path().display()))
            .await
            .expect("raw connection");
    let job = NewJob {
        kind: "poll_feed".into(),
        key: "not-a-feed".into(),
        payload: String::new(),
        run_at: Utc::now(),
    };
    assert!(app.storage.enqueue_job(job).await.expect("enqueue"));
    let settings = WorkerSettings {
        concurrency: 2,
        lease: Duration::from_secs(5),
        max_attempts: 2,
    };
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = tokio::spawn(run_worker(Arc::clone(&app.pipeline), settings, stopped));

    let state = || async {
        let row: (i64, String, Option<String>, String) =
            sqlx::query_as("SELECT attempts, state, last_error, run_at FROM jobs")
                .fetch_one(&raw)
                .await
                .expect("the job");
        row
    };
    let (attempts, _, error, run_at) = eventually("the first failure", || async {
        let row = state().await;
        (row.1 == "queued" && row.0 == 1).then_some(row)
    })
    .await;
    assert!(
        error.as_deref().unwrap_or("").contains("not a feed id"),
        "{error:?}"
    );
    assert_eq!(attempts, 1);
    let retry_at = chrono::DateTime::parse_from_rfc3339(&run_at).expect("run_at");
    assert!(
        retry_at > Utc::now() + chrono::Duration::seconds(5),
        "retried later, not at once: {run_at}"
    );

    // Bring the retry forward: the second failure is the last one allowed.
    sqlx::query("UPDATE jobs SET run_at = ?")
        .bind(Utc::now().format("%Y-%m-%dT%H:%M:%S%.9fZ").to_string())
        .execute(&raw)
        .await
        .expect("retry now");
    eventually("the job to be given up", || async {
        let counts = app.storage.job_counts().await.expect("counts");
        (counts.dead == 1).then_some(())
    })
    .await;
    assert_eq!(state().await.0, 2);
    stop.send(true).expect("stop");
    worker.await.expect("worker stops");
}

#[tokio::test]
async fn a_poll_job_for_a_feed_polled_meanwhile_or_removed_does_nothing() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let (publishers, _server) = start_publishers(listener, Utc::now())
        .await
        .expect("publishers");
    let storage: Arc<dyn Storage> = Arc::new(SqliteStorage::open_in_memory().await.expect("db"));
    let app = App::with_storage(Config::default(), storage).expect("app");
    let outlet = &publishers.outlets[0];
    let feed = app
        .storage
        .add_feed(NewFeed {
            url: outlet.feed_url.clone(),
            title: None,
            site_url: None,
            publisher: outlet.name.clone(),
            policy: RepublishPolicy::Full,
            allow_private: true,
            interval_secs: 3600,
        })
        .await
        .expect("add feed");
    // Queued while due, then polled by someone else before a worker got to it.
    let queued_at = Utc::now();
    assert!(
        app.storage
            .enqueue_job(poll_feed_job(feed.id, queued_at))
            .await
            .expect("enqueue")
    );
    let report = app.pipeline.poll_feed(&feed).await;
    // A fresh feed: every entry is new, and each is stored once.
    assert_eq!(report.error, None);
    assert!(report.entries >= 5, "{report:?}");
    assert_eq!(report.inserted, report.entries, "{report:?}");
    assert_eq!(
        app.storage.count_articles().await.expect("count") as usize,
        report.inserted
    );
    let polled = app
        .storage
        .feed(feed.id)
        .await
        .expect("feed")
        .expect("there");

    let jobs = app
        .storage
        .lease_jobs("test", &[POLL_FEED], Duration::from_secs(30), 10)
        .await
        .expect("lease");
    assert_eq!(jobs.len(), 1);
    let done = run_job(&app.pipeline, &jobs[0]).await.expect("run");
    assert_eq!(done, JobDone::Skipped);
    let after = app
        .storage
        .feed(feed.id)
        .await
        .expect("feed")
        .expect("there");
    assert_eq!(
        after.last_fetch_at, polled.last_fetch_at,
        "not fetched again"
    );
    assert!(
        app.storage
            .finish_job(jobs[0].id, &jobs[0].lease_token)
            .await
            .expect("finish")
    );

    // A job for a feed removed since it was queued.
    assert!(
        app.storage
            .enqueue_job(poll_feed_job(feed.id, queued_at))
            .await
            .expect("enqueue")
    );
    assert!(app.storage.remove_feed(feed.id).await.expect("remove"));
    let jobs = app
        .storage
        .lease_jobs("test", &[POLL_FEED], Duration::from_secs(30), 10)
        .await
        .expect("lease");
    assert_eq!(
        run_job(&app.pipeline, &jobs[0]).await.expect("run"),
        JobDone::Skipped
    );
}
