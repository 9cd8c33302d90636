//! `tidings migrate-data` as an operator runs it: an installation filled by `tidings import`
//! on SQLite moves into an empty PostgreSQL database and serves the same articles from there;
//! a target with data, or the wrong kinds of database, are refused with one line.

use std::path::Path;
use std::process::{Command, Output};

use tidings_core::{PageRequest, Storage, StoryStore};
use tidings_storage::testsuite::TempPostgres;

fn tidings(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tidings"))
        .arg("--data")
        .arg(data)
        .args(args)
        .env("TIDINGS_LOG", "error")
        .env_remove("TIDINGS_DATABASE_URL")
        .output()
        .expect("run tidings")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn one_error_line(output: &Output) -> String {
    assert!(!output.status.success(), "{}", text(&output.stdout));
    let err = text(&output.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    err
}

#[tokio::test]
async fn an_installation_moves_to_postgres_whole() {
    let dir = tempfile::tempdir().expect("tempdir");
    let lines: Vec<String> = (0..40)
        .map(|n| {
            serde_json::json!({
                "url": format!("https://harbor.example/news/{n}"),
                "title": format!("Harbour council report number {n}"),
                "text": format!("The harbour council met for session {n} and approved the ferry budget.\n\nThe mayor said the storm repairs would start in spring."),
                "publisher": if n % 2 == 0 { "Harbor Times" } else { "Coast Courier" },
                "published": format!("2026-11-{:02}T08:00:00Z", 1 + n % 20),
            })
            .to_string()
        })
        .collect();
    let file = dir.path().join("articles.jsonl");
    std::fs::write(&file, lines.join("\n")).expect("write");
    let imported = tidings(dir.path(), &["import", file.to_str().expect("utf-8")]);
    assert!(imported.status.success(), "{}", text(&imported.stderr));

    let target = TempPostgres::create().await;
    let source = format!("sqlite:{}", dir.path().join("tidings.db").display());
    let moved = tidings(
        dir.path(),
        &["migrate-data", "--from", &source, "--to", target.url()],
    );
    assert!(moved.status.success(), "{}", text(&moved.stderr));
    let out = text(&moved.stdout);
    assert!(out.contains("every table's count matches"), "{out}");
    let articles_line = out
        .lines()
        .find(|l| l.trim_start().starts_with("articles "))
        .unwrap_or_else(|| panic!("no articles line in {out}"));
    assert!(articles_line.contains(" 40 rows"), "{articles_line}");

    let storage = target.storage().await;
    assert_eq!(storage.count_articles().await.expect("count"), 40);
    let stories = storage
        .latest_stories(PageRequest::new(1, 100))
        .await
        .expect("stories");
    assert!(!stories.items.is_empty(), "the stories came along");
    let latest = storage
        .latest_articles(PageRequest::new(1, 5))
        .await
        .expect("latest");
    assert!(
        latest
            .items
            .iter()
            .all(|a| a.title.starts_with("Harbour council report"))
    );
    let found = storage
        .search_articles("ferry budget", PageRequest::new(1, 50))
        .await
        .expect("search");
    assert_eq!(
        found.items.len(),
        40,
        "full-text search on the moved articles"
    );

    // Moving again into the now-filled database is refused, naming the reason.
    let again = tidings(
        dir.path(),
        &["migrate-data", "--from", &source, "--to", target.url()],
    );
    let err = one_error_line(&again);
    assert!(err.contains("not empty"), "{err}");
    assert_eq!(
        storage.count_articles().await.expect("count"),
        40,
        "nothing copied twice"
    );
}

#[test]
fn the_wrong_kinds_of_database_are_refused_with_one_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let to_sqlite = tidings(
        dir.path(),
        &[
            "migrate-data",
            "--from",
            "sqlite:/nonexistent/x.db",
            "--to",
            "sqlite:/tmp/y.db",
        ],
    );
    assert!(one_error_line(&to_sqlite).contains("--to"));
    let from_pg = tidings(
        dir.path(),
        &[
            "migrate-data",
            "--from",
            "postgres://localhost/a",
            "--to",
            "postgres://localhost/b",
        ],
    );
    assert!(one_error_line(&from_pg).contains("--from"));
    let missing = tidings(
        dir.path(),
        &[
            "migrate-data",
            "--from",
            "sqlite:/nonexistent/x.db",
            "--to",
            "postgres://postgres@127.0.0.1:5432/postgres",
        ],
    );
    assert!(one_error_line(&missing).contains("/nonexistent/x.db"));
}
