use super::*;

#[test]
fn passwords_leave_the_url_for_the_environment() {
    let target = PgTarget::parse("postgres://tidings:s%40cret@db.internal:5432/news");
    assert_eq!(target.url, "postgres://tidings@db.internal:5432/news");
    assert_eq!(target.password.as_deref(), Some("s@cret"));
    let plain = PgTarget::parse("postgres://postgres@127.0.0.1/test");
    assert_eq!(plain.url, "postgres://postgres@127.0.0.1/test");
    assert_eq!(plain.password, None);
}

#[test]
fn percent_decoding_keeps_what_is_not_an_escape() {
    assert_eq!(percent_decode("a%2Fb%zz%"), "a/b%zz%");
}

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use chrono::Utc;
use tidings_core::{ImageVariant, LeadImageOutcome, Storage};

use crate::testsuite::images::sample_image;

use crate::testsuite::{TempPostgres, insert_new, sample_article, sample_feed};

/// Stores articles one after another until `stop` is set; counts them in `stored`.
fn keep_inserting(
    storage: Arc<dyn Storage>,
    stop: Arc<AtomicBool>,
    stored: Arc<AtomicU64>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut n = 0u64;
        while !stop.load(Ordering::Relaxed) {
            n += 1;
            let url = format!("https://ledger.example/live/{n}");
            insert_new(
                storage.as_ref(),
                sample_article("Ledger", &url, &format!("Live report {n}"), None),
            )
            .await;
            stored.fetch_add(1, Ordering::Relaxed);
        }
    })
}

async fn fill(storage: &dyn Storage, articles: u64) {
    storage
        .add_feed(sample_feed("https://ledger.example/feed"))
        .await
        .expect("feed");
    for n in 0..articles {
        let url = format!("https://ledger.example/before/{n}");
        let id = insert_new(storage, sample_article("Ledger", &url, "Before", None)).await;
        if n == 0 {
            let picture = sample_image(ImageVariant::Card, 400, 300, 9);
            storage
                .save_lead_image(
                    id,
                    "https://ledger.example/0.jpg",
                    Utc::now(),
                    LeadImageOutcome::Stored(vec![picture]),
                )
                .await
                .expect("lead image");
        }
    }
}

/// The lead image `fill` stored came back with the installation.
async fn assert_lead_image_restored(storage: &dyn Storage, report: &BackupReport) {
    assert_eq!(report.rows("lead_image_fetches"), 1);
    assert_eq!(report.rows("article_images"), 1);
    let first = storage
        .latest_articles(tidings_core::PageRequest::new(1, 1000))
        .await
        .expect("cards")
        .items
        .into_iter()
        .filter_map(|card| card.picture.map(|p| (card.id, p)))
        .collect::<Vec<_>>();
    assert_eq!(first.len(), 1, "one card has its picture");
    let (id, picture) = &first[0];
    let image = storage
        .article_image(*id, ImageVariant::Card)
        .await
        .expect("image")
        .expect("restored");
    assert_eq!(image.digest, picture.digest);
    assert_eq!(
        image.bytes,
        sample_image(ImageVariant::Card, 400, 300, 9).bytes
    );
}

async fn wait_for(stored: &AtomicU64, at_least: u64) {
    while stored.load(Ordering::Relaxed) < at_least {
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_sqlite_backup_taken_while_articles_arrive_restores_to_its_counts() {
    let dir = tempfile::tempdir().expect("tempdir");
    let live_path = dir.path().join("live").join("tidings.db");
    let live: Arc<dyn Storage> = Arc::new(SqliteStorage::open(&live_path).await.expect("open"));
    fill(live.as_ref(), 25).await;
    let (stop, stored) = (
        Arc::new(AtomicBool::new(false)),
        Arc::new(AtomicU64::new(0)),
    );
    let writer = keep_inserting(Arc::clone(&live), Arc::clone(&stop), Arc::clone(&stored));
    wait_for(&stored, 10).await;

    let backup_path = dir.path().join("tidings-backup.db");
    let location = DatabaseLocation::SqliteFile(live_path.display().to_string());
    let report = backup(&location, &backup_path).await.expect("backup");
    wait_for(&stored, stored.load(Ordering::Relaxed) + 5).await;
    stop.store(true, Ordering::Relaxed);
    writer.await.expect("writer");
    let after = live.count_articles().await.expect("count") as u64;

    let in_backup = report.rows("articles");
    assert!(in_backup >= 35, "{in_backup} articles in the backup");
    assert!(in_backup < after, "{in_backup} of {after}: writes went on");
    assert_eq!(report.rows("feeds"), 1);
    assert!(report.bytes > 0);

    let restored_path = dir.path().join("restored").join("tidings.db");
    let restored_location = DatabaseLocation::SqliteFile(restored_path.display().to_string());
    let restored = restore(&restored_location, &backup_path)
        .await
        .expect("restore");
    assert_eq!(restored.tables, report.tables);
    let reopened = SqliteStorage::open(&restored_path).await.expect("reopen");
    assert_eq!(
        reopened.count_articles().await.expect("count") as u64,
        in_backup
    );
    assert_eq!(reopened.list_feeds().await.expect("feeds").len(), 1);
    assert_lead_image_restored(&reopened, &restored).await;

    // The restored installation holds data now: a second restore is refused, naming why.
    let again = restore(&restored_location, &backup_path).await;
    let message = again.expect_err("restoring over data").to_string();
    assert!(message.contains("holds data"), "{message}");
    // A backup never overwrites a file.
    let over = backup(&location, &backup_path).await;
    assert!(
        over.expect_err("existing file")
            .to_string()
            .contains("exists already")
    );
}

#[tokio::test]
async fn a_file_that_is_not_a_backup_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bogus = dir.path().join("notes.txt");
    std::fs::write(&bogus, "not a database at all, just some words").expect("write");
    let target = dir.path().join("data").join("tidings.db");
    let location = DatabaseLocation::SqliteFile(target.display().to_string());
    let refused = restore(&location, &bogus).await.expect_err("refused");
    assert!(
        refused
            .to_string()
            .contains("is not a Tidings SQLite backup"),
        "{refused}"
    );
    assert!(!target.exists());
    let missing = restore(&location, &dir.path().join("absent.db")).await;
    assert!(
        missing
            .expect_err("missing")
            .to_string()
            .contains("no such file")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_backup_taken_while_articles_arrive_restores_into_an_empty_database() {
    let source = TempPostgres::create().await;
    let live: Arc<dyn Storage> = Arc::new(source.storage().await);
    fill(live.as_ref(), 25).await;
    let before = live.count_articles().await.expect("count") as u64;
    let (stop, stored) = (
        Arc::new(AtomicBool::new(false)),
        Arc::new(AtomicU64::new(0)),
    );
    let writer = keep_inserting(Arc::clone(&live), Arc::clone(&stop), Arc::clone(&stored));
    wait_for(&stored, 10).await;

    let dir = tempfile::tempdir().expect("tempdir");
    let archive = dir.path().join("tidings.pgdump");
    let location = DatabaseLocation::Postgres(source.url().to_owned());
    let report = backup(&location, &archive).await.expect("backup");
    assert!(report.bytes > 0);
    stop.store(true, Ordering::Relaxed);
    writer.await.expect("writer");
    let after = live.count_articles().await.expect("count") as u64;

    // Into a database with no tables at all.
    let empty = TempPostgres::create().await;
    let restored = restore(
        &DatabaseLocation::Postgres(empty.url().to_owned()),
        &archive,
    )
    .await
    .expect("restore");
    let articles = restored.rows("articles");
    assert!(
        before + 10 <= articles && articles <= after,
        "{before} ≤ {articles} ≤ {after}"
    );
    assert_eq!(restored.rows("feeds"), 1);
    let reopened = empty.storage().await;
    assert_eq!(
        reopened.count_articles().await.expect("count") as u64,
        articles
    );
    assert_lead_image_restored(&reopened, &restored).await;
    reopened.close().await;

    // Into a database Tidings has migrated but that holds no data.
    let migrated = TempPostgres::create().await;
    migrated.storage().await.close().await;
    let migrated_location = DatabaseLocation::Postgres(migrated.url().to_owned());
    let second = restore(&migrated_location, &archive)
        .await
        .expect("restore");
    assert_eq!(second.tables, restored.tables);

    // Not into one that holds data.
    let refused = restore(&migrated_location, &archive)
        .await
        .expect_err("refused");
    assert!(refused.to_string().contains("holds data"), "{refused}");
}
