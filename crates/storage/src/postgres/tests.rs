//! Runs the backend-independent suite against PostgreSQL (each test in a database of its own,
//! dropped afterwards), plus PostgreSQL-only checks: leadership ends with its connection,
//! racing inserts from many tasks, the indexes the hot queries rely on, and connection errors.

use std::time::Duration;

use tidings_core::{CoordinationStore, InsertOutcome, Storage, StorageError};

use super::PostgresStorage;
use crate::testsuite::{self, TempPostgres, for_each_check, sample_article};

macro_rules! suite {
    ($($module:ident :: $check:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $check() {
                let db = TempPostgres::create().await;
                let storage = db.storage().await;
                testsuite::$module::$check(&storage).await;
                storage.close().await;
            }
        )*
    };
}

macro_rules! shared_suite {
    ($($module:ident :: $check:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $check() {
                let db = TempPostgres::create().await;
                let (first, second) = (db.storage().await, db.storage().await);
                testsuite::$module::$check(&first, &second).await;
                first.close().await;
                second.close().await;
            }
        )*
    };
}

for_each_check!(suite, shared_suite);

#[tokio::test]
async fn leadership_ends_when_its_connection_dies() {
    let db = TempPostgres::create().await;
    let (first, second) = (db.storage().await, db.storage().await);
    let ttl = Duration::from_secs(30);
    let mut leader = first
        .try_lead("scheduler", "doomed-leader", ttl)
        .await
        .expect("try lead")
        .expect("leads");
    assert!(leader.still_held().await.expect("held"));
    let (ended,): (i64,) = sqlx::query_as(
        "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity
         WHERE application_name = 'doomed-leader' AND datname = current_database()",
    )
    .fetch_one(second.pool())
    .await
    .expect("terminate");
    assert_eq!(ended, 1, "the leader's session is found by its holder name");
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
    assert!(
        taken.is_some(),
        "the server did not free the lock of a dead session"
    );
    assert!(
        !leader.still_held().await.expect("check"),
        "a leader whose connection died believes it still leads"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_tasks_racing_on_one_article_store_it_once() {
    let db = TempPostgres::create().await;
    let storages = [db.storage().await, db.storage().await];
    let mut tasks = Vec::new();
    for n in 0..16 {
        let storage = storages[n % 2].clone();
        tasks.push(tokio::spawn(async move {
            // Half name the story by its canonical URL, half carry it as their own URL.
            let mut article = if n % 2 == 0 {
                sample_article("Gazette", &format!("https://e.example/{n}"), "Race", None)
            } else {
                sample_article("Gazette", "https://e.example/story", "Race", None)
            };
            if n % 2 == 0 {
                article.canonical_url = Some("https://e.example/story".into());
            }
            storage.insert_article(article).await.expect("insert")
        }));
    }
    let mut inserted = Vec::new();
    let mut duplicates = Vec::new();
    for task in tasks {
        match task.await.expect("task ran") {
            InsertOutcome::Inserted(id) => inserted.push(id),
            InsertOutcome::Duplicate(id) => duplicates.push(id),
        }
    }
    assert_eq!(inserted.len(), 1, "exactly one writer stores it");
    assert!(
        duplicates.iter().all(|id| *id == inserted[0]),
        "{duplicates:?}"
    );
    assert_eq!(storages[0].count_articles().await.expect("count"), 1);
}

/// The plan of `sql` with sequential scans discouraged, so it shows whether an index can
/// serve the query at all (tables are small here).
async fn plan_with_indexes(storage: &PostgresStorage, sql: &str) -> String {
    let mut tx = storage.pool().begin().await.expect("begin");
    sqlx::query("SET LOCAL enable_seqscan = off")
        .execute(&mut *tx)
        .await
        .expect("set");
    let lines: Vec<(String,)> = sqlx::query_as(&format!("EXPLAIN {sql}"))
        .fetch_all(&mut *tx)
        .await
        .expect("explain");
    lines
        .into_iter()
        .map(|(l,)| l)
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn search_duplicates_and_related_use_their_indexes() {
    let db = TempPostgres::create().await;
    let storage = db.storage().await;
    let search = plan_with_indexes(
        &storage,
        "SELECT id FROM articles WHERE search @@ phraseto_tsquery('tidings_search', 'vienna')",
    )
    .await;
    assert!(search.contains("articles_search"), "{search}");
    let duplicates = plan_with_indexes(
        &storage,
        &super::articles::DUPLICATE_SQL
            .replace("$1", "1")
            .replace("$2", "'g'")
            .replace("$3", "'{a,b}'::text[]"),
    )
    .await;
    for index in [
        "articles_feed_guid",
        "articles_url",
        "articles_canonical_url",
    ] {
        assert!(duplicates.contains(index), "{index} unused:\n{duplicates}");
    }
    assert!(!duplicates.contains("articles_pkey"), "{duplicates}");
    let related = plan_with_indexes(
        &storage,
        &super::lists::RELATED_SQL
            .replace("$1", "1")
            .replace("$2", "10"),
    )
    .await;
    assert!(related.contains("article_terms_term"), "{related}");
    assert!(!related.contains("Seq Scan"), "{related}");
}

#[tokio::test]
async fn connection_problems_are_named() {
    let err = PostgresStorage::connect("postgres://u:secret@127.0.0.1:1/x")
        .await
        .expect_err("nothing listens on port 1");
    let message = err.to_string();
    assert!(
        message.contains("cannot connect to PostgreSQL at 127.0.0.1:1: "),
        "{message}"
    );
    assert!(
        !message.contains("secret"),
        "the password leaked: {message}"
    );
    let err = PostgresStorage::connect("postgres://h:notaport/x")
        .await
        .expect_err("bad port");
    assert!(matches!(err, StorageError::Invalid(_)), "{err:?}");
}

#[tokio::test]
async fn a_server_that_never_answers_is_named_after_the_connect_timeout() {
    // Connections are accepted by the kernel but nothing ever answers the start-up message.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let port = silent.local_addr().expect("address").port();
    let started = std::time::Instant::now();
    let err = PostgresStorage::connect(&format!(
        "postgres://u@127.0.0.1:{port}/x?connect_timeout=1&sslmode=disable"
    ))
    .await
    .expect_err("nobody answers");
    let waited = started.elapsed();
    let message = err.to_string();
    assert!(
        message.contains(&format!("127.0.0.1:{port}")) && message.contains("within 1 s"),
        "{message}"
    );
    assert!(
        waited < std::time::Duration::from_secs(10),
        "waited {waited:?}"
    );
    let err = PostgresStorage::connect("postgres://u@127.0.0.1:1/x?connect_timeout=soon")
        .await
        .expect_err("not a number");
    assert!(
        matches!(&err, StorageError::Invalid(m) if m.contains("connect_timeout")),
        "{err:?}"
    );
    drop(silent);
}

#[tokio::test]
async fn open_picks_postgres_for_its_urls() {
    let db = TempPostgres::create().await;
    let storage = crate::open(db.url()).await.expect("open");
    storage
        .add_feed(testsuite::sample_feed("https://example.org/feed.xml"))
        .await
        .expect("add feed");
    let again = PostgresStorage::connect(db.url()).await.expect("connect");
    assert_eq!(again.list_feeds().await.expect("list").len(), 1);
    again.close().await;
}
