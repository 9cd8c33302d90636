//! Runs the backend-independent suite (every check of `for_each_check!`, the two-storage ones
//! on one file opened twice) against SQLite, plus SQLite-only checks: data survives
//! reopening the file, and the hot queries use indexes (query plans, and a timed 10,000
//! article run kept behind `--ignored`).

use std::time::Instant;

use tidings_core::{InsertOutcome, PageRequest, Storage};

use super::SqliteStorage;
use super::lists::RELATED_SQL;
use crate::testsuite::{
    self, for_each_check, hours_after_base, sample_article, sample_feed, terms,
};

macro_rules! suite {
    ($($module:ident :: $check:ident),* $(,)?) => {
        $(
            #[tokio::test]
            async fn $check() {
                let storage = SqliteStorage::open_in_memory().await.expect("open in memory");
                testsuite::$module::$check(&storage).await;
            }
        )*
    };
}

macro_rules! shared_suite {
    ($($module:ident :: $check:ident),* $(,)?) => {
        $(
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $check() {
                let dir = tempfile::tempdir().expect("temp dir");
                let path = dir.path().join("shared.db");
                let first = SqliteStorage::open(&path).await.expect("open");
                let second = SqliteStorage::open(&path).await.expect("open again");
                testsuite::$module::$check(&first, &second).await;
            }
        )*
    };
}

for_each_check!(suite, shared_suite);

#[tokio::test]
async fn reopening_the_file_keeps_the_data() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("nested/dir/tidings.db");
    let (feed_id, article_id) = {
        let storage = SqliteStorage::open(&path).await.expect("open new file");
        let feed = storage
            .add_feed(sample_feed("https://example.org/feed.xml"))
            .await
            .expect("add feed");
        let mut article = sample_article("Gazette", "https://example.org/a", "Kept", None);
        article.feed_id = Some(feed.id);
        let InsertOutcome::Inserted(id) = storage.insert_article(article).await.expect("insert")
        else {
            panic!("first insert was taken for a duplicate");
        };
        storage.pool.close().await;
        (feed.id, id)
    };
    assert!(
        path.exists(),
        "the file and its parent directories were created"
    );
    let storage = SqliteStorage::open(&path).await.expect("reopen");
    let feed = storage
        .feed(feed_id)
        .await
        .expect("read feed")
        .expect("feed kept");
    assert_eq!(feed.url, "https://example.org/feed.xml");
    let article = storage
        .article(article_id)
        .await
        .expect("read")
        .expect("article kept");
    assert_eq!(article.title, "Kept");
    let found = storage
        .search_articles("kept", PageRequest::new(1, 5))
        .await
        .expect("search");
    assert_eq!(found.items.len(), 1, "the search index was kept too");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_inserts_of_one_article_store_it_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let storage = SqliteStorage::open(&dir.path().join("race.db"))
        .await
        .expect("open");
    let mut tasks = Vec::new();
    for n in 0..8 {
        let storage = storage.clone();
        tasks.push(tokio::spawn(async move {
            let mut article =
                sample_article("Gazette", &format!("https://e.example/{n}"), "Race", None);
            article.canonical_url = Some("https://e.example/story".into());
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
    assert_eq!(storage.count_articles().await.expect("count"), 1);
}

#[tokio::test]
async fn in_memory_storages_are_separate() {
    let one = SqliteStorage::open_in_memory().await.expect("open");
    let two = SqliteStorage::open_in_memory().await.expect("open");
    one.add_feed(sample_feed("https://example.org/feed.xml"))
        .await
        .expect("add");
    assert_eq!(two.list_feeds().await.expect("list").len(), 0);
}

async fn query_plan(storage: &SqliteStorage, sql: &str) -> Vec<String> {
    let rows: Vec<(i64, i64, i64, String)> = sqlx::query_as(&format!("EXPLAIN QUERY PLAN {sql}"))
        .bind(1_i64)
        .bind(10_i64)
        .fetch_all(&storage.pool)
        .await
        .expect("explain");
    rows.into_iter().map(|(_, _, _, detail)| detail).collect()
}

#[tokio::test]
async fn related_articles_never_scan_a_table() {
    let storage = SqliteStorage::open_in_memory().await.expect("open");
    let plan = query_plan(&storage, RELATED_SQL).await;
    // Scanning `shared` (the grouped matches, a few rows per shared term) is expected;
    // scanning a table is not.
    assert!(
        plan.iter()
            .all(|step| !step.starts_with("SCAN") || step == "SCAN shared"),
        "a full scan in {plan:#?}"
    );
    assert!(
        plan.iter().any(|step| step.contains("article_terms_term")),
        "the term index is used: {plan:#?}"
    );
}

#[tokio::test]
async fn duplicate_lookup_uses_the_unique_indexes() {
    let storage = SqliteStorage::open_in_memory().await.expect("open");
    let plan = query_plan(
        &storage,
        "SELECT MIN(id) FROM (SELECT id FROM articles WHERE feed_id = ?1 AND guid = 'g' \
         UNION ALL SELECT id FROM articles WHERE url IN (?2) \
         UNION ALL SELECT id FROM articles WHERE canonical_url IN (?2))",
    )
    .await;
    for index in [
        "articles_feed_guid",
        "articles_url",
        "articles_canonical_url",
    ] {
        assert!(
            plan.iter().any(|s| s.contains(index)),
            "{index} unused: {plan:#?}"
        );
    }
    assert!(
        plan.iter().all(|s| !s.starts_with("SCAN articles")),
        "{plan:#?}"
    );
}

/// A small deterministic generator, so the corpus is the same on every run.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

/// 10,000 articles from 50 publishers, 12 terms each from a skewed 3,000-term vocabulary.
/// Run with `cargo test -p tidings-storage -- --ignored --nocapture timed_corpus`.
#[tokio::test]
#[ignore = "timing run; prints figures"]
async fn timed_corpus_of_ten_thousand_articles() {
    let dir = tempfile::tempdir().expect("temp dir");
    let storage = SqliteStorage::open(&dir.path().join("bench.db"))
        .await
        .expect("open");
    let mut rng = Lcg(7);
    let started = Instant::now();
    for n in 0..10_000_i64 {
        let publisher = format!("Publisher {}", rng.below(50));
        let url = format!("https://p.example/{n}");
        let mut article = sample_article(
            &publisher,
            &url,
            &format!("Story {n} w{}", rng.below(500)),
            Some(hours_after_base(-n)),
        );
        let pairs: Vec<(String, f32)> = (0..12)
            .map(|_| {
                // Skewed: low term numbers are much more common, like real vocabularies.
                let spread = rng.below(3000) + 1;
                let term = rng.below(spread);
                (format!("term{term}"), (rng.below(100) as f32 + 1.0) / 100.0)
            })
            .collect();
        let borrowed: Vec<(&str, f32)> = pairs.iter().map(|(t, w)| (t.as_str(), *w)).collect();
        article.terms = terms(&borrowed);
        storage.insert_article(article).await.expect("insert");
    }
    let insert = started.elapsed();

    let started = Instant::now();
    for id in (1..=10_000).step_by(100) {
        storage.related_articles(id, 6).await.expect("related");
    }
    let related = started.elapsed() / 100;

    let started = Instant::now();
    for id in (1..=10_000).step_by(100) {
        storage.article(id).await.expect("article");
    }
    let article = started.elapsed() / 100;

    let started = Instant::now();
    for page in 1..=100 {
        storage
            .latest_articles(PageRequest::new(page, 20))
            .await
            .expect("latest");
    }
    let latest = started.elapsed() / 100;

    let started = Instant::now();
    for n in 0..100 {
        storage
            .search_articles(&format!("story w{n}"), PageRequest::new(1, 20))
            .await
            .expect("search");
    }
    let search = started.elapsed() / 100;
    println!(
        "10,000 articles: insert {insert:?} total; per call: related {related:?}, \
         article {article:?}, latest page {latest:?}, search {search:?}"
    );
}

#[tokio::test]
async fn names_from_before_skeletons_get_them_when_the_file_opens() {
    use tidings_core::{AccountStore as _, NewUser, Role, StorageError};
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("names.db");
    {
        let storage = SqliteStorage::open(&path).await.expect("open new file");
        // Rows as an older version wrote them: lower-cased keys, no skeleton, look-alikes.
        for (name, key) in [
            ("dave", "dave"),
            ("d\u{0430}ve", "d\u{0430}ve"),
            ("\u{ff22}\u{ff2f}\u{ff22}", "\u{ff42}\u{ff4f}\u{ff42}"),
        ] {
            sqlx::query(
                "INSERT INTO users (name, name_key, password_hash, role, created_at)
                 VALUES (?, ?, 'hash', 'reader', '2026-01-01T00:00:00.000000000Z')",
            )
            .bind(name)
            .bind(key)
            .execute(&storage.pool)
            .await
            .expect("old row");
        }
    }
    let storage = SqliteStorage::open(&path).await.expect("reopen");
    let missing: (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users WHERE name_skeleton IS NULL")
        .fetch_one(&storage.pool)
        .await
        .expect("count");
    assert_eq!(missing.0, 0, "every row has a skeleton");
    for name in ["dave", "d\u{0430}ve", "bob"] {
        assert!(
            storage
                .user_credentials(name)
                .await
                .expect("read")
                .is_some(),
            "{name:?} still signs in"
        );
    }
    let again = storage
        .create_user(NewUser {
            name: "DAVE".into(),
            password_hash: "hash".into(),
            role: Role::Reader,
        })
        .await;
    assert!(matches!(again, Err(StorageError::Conflict(_))), "{again:?}");
}
