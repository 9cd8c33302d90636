//! The console's backend over a real application: discovery and adding through the guarded
//! fetcher against the demo publishers, and the OPML import job with its progress.

use std::sync::Arc;

use chrono::Utc;
use tidings::app::App;
use tidings::config::Config;
use tidings::console_backend::AppConsole;
use tidings_core::{Job, Storage};
use tidings_demo::start_publishers;
use tidings_storage::SqliteStorage;
use tidings_web::admin::{AddFeedRequest, ConsoleBackend, IMPORT_OPML_JOB};
use tidings_worker::jobs::{IMPORT_OPML, JobDone, run_job};

async fn memory_app() -> App {
    let storage: Arc<dyn Storage> =
        Arc::new(SqliteStorage::open_in_memory().await.expect("storage"));
    App::with_storage(Config::default(), storage).expect("app")
}

#[tokio::test]
async fn discovery_finds_a_demo_outlets_feed_and_adds_it() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let (publishers, _server) = start_publishers(listener, Utc::now())
        .await
        .expect("publishers");
    let app = memory_app().await;
    let console = AppConsole::new(&app);
    let outlet = &publishers.outlets[0];

    let refused = console.discover(&outlet.home_url, false).await;
    assert!(
        refused.as_ref().is_err_and(|e| e.contains("cannot fetch")),
        "loopback is refused unless allowed: {refused:?}"
    );
    let found = console
        .discover(&outlet.home_url, true)
        .await
        .expect("discover");
    assert!(
        found.iter().any(|f| f.url == outlet.feed_url),
        "{found:?} lacks {}",
        outlet.feed_url
    );
    let direct = console
        .discover(&outlet.feed_url, true)
        .await
        .expect("a feed URL");
    assert_eq!(direct.len(), 1);
    assert_eq!(direct[0].how, "the address is a feed");

    let feed = console
        .add_feed(AddFeedRequest {
            url: outlet.feed_url.clone(),
            publisher: None,
            policy: None,
            interval_minutes: Some(10),
            allow_private: true,
        })
        .await
        .expect("add");
    assert_eq!(feed.interval_secs, 600);
    assert!(feed.allow_private);
    let again = console
        .add_feed(AddFeedRequest {
            url: outlet.feed_url.clone(),
            publisher: None,
            policy: None,
            interval_minutes: None,
            allow_private: true,
        })
        .await;
    assert!(again.is_err_and(|e| e.contains("added already")));
    let opml = console.export_opml().await.expect("opml");
    assert!(opml.contains(&outlet.feed_url.replace('&', "&amp;")));
}

#[test]
fn the_worker_runs_the_job_kind_the_console_queues() {
    assert_eq!(IMPORT_OPML, IMPORT_OPML_JOB);
}

fn import_job(task: i64, document: String) -> Job {
    Job {
        id: 1,
        kind: IMPORT_OPML_JOB.into(),
        key: task.to_string(),
        payload: document,
        attempts: 1,
        lease_token: "t".into(),
        lease_until: Utc::now(),
    }
}

#[tokio::test]
async fn an_opml_import_of_500_feeds_records_its_progress() {
    let app = memory_app().await;
    app.storage
        .add_feed(tidings_core::NewFeed {
            url: "https://site3.example/feed.xml".into(),
            title: None,
            site_url: None,
            publisher: "Three".into(),
            policy: Default::default(),
            allow_private: false,
            interval_secs: 3600,
        })
        .await
        .expect("present already");
    let mut outlines = String::new();
    for n in 0..498 {
        outlines.push_str(&format!(
            "<outline type=\"rss\" text=\"Site {n}\" xmlUrl=\"https://site{n}.example/feed.xml\"/>\n"
        ));
    }
    outlines.push_str("<outline text=\"Local\" xmlUrl=\"file:///etc/passwd\"/>\n");
    outlines.push_str("<outline text=\"Broken\" xmlUrl=\"not a url\"/>\n");
    let document =
        format!("<?xml version=\"1.0\"?><opml version=\"2.0\"><body>{outlines}</body></opml>");
    let task = app
        .storage
        .create_operator_task(IMPORT_OPML_JOB, "OPML import", 0)
        .await
        .expect("task");
    let done = run_job(&app.pipeline, &import_job(task, document.clone()))
        .await
        .expect("import");
    let JobDone::Imported(outcome) = done else {
        panic!("{done:?}");
    };
    assert_eq!(
        (outcome.added, outcome.already_present, outcome.invalid),
        (497, 1, 2)
    );
    let record = app
        .storage
        .operator_task(task)
        .await
        .expect("read")
        .expect("task");
    assert!(record.finished);
    assert_eq!((record.done, record.failed), (498, 2));
    assert!(
        record
            .note
            .starts_with("497 of 500 feeds added, 1 present already, 2 refused")
    );
    assert_eq!(app.storage.list_feeds().await.expect("feeds").len(), 498);

    // Run again (a worker that died mid-way): nothing is added twice.
    run_job(&app.pipeline, &import_job(task, document))
        .await
        .expect("again");
    assert_eq!(app.storage.list_feeds().await.expect("feeds").len(), 498);

    let unreadable = app
        .storage
        .create_operator_task(IMPORT_OPML_JOB, "bad", 0)
        .await
        .expect("task");
    run_job(&app.pipeline, &import_job(unreadable, "<html>".into()))
        .await
        .expect("not retried");
    let record = app
        .storage
        .operator_task(unreadable)
        .await
        .expect("read")
        .expect("task");
    assert!(record.finished);
    assert!(record.note.contains("cannot be read"), "{}", record.note);
}
