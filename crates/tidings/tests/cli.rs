//! The `tidings` binary as an operator uses it: exit codes, one-line errors, and the output
//! of `example-config`, `extract`, `feed list` and the OPML round trip.

use std::path::Path;
use std::process::{Command, Output};

fn tidings(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tidings"))
        .arg("--data")
        .arg(data)
        .args(args)
        .env("TIDINGS_LOG", "error")
        .output()
        .expect("run tidings")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn example_config_is_a_valid_configuration_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = tidings(dir.path(), &["example-config"]);
    assert!(output.status.success());
    let path = dir.path().join("tidings.toml");
    std::fs::write(&path, stdout(&output)).expect("write");
    let list = tidings(
        dir.path(),
        &["--config", path.to_str().expect("utf-8"), "feed", "list"],
    );
    assert!(list.status.success(), "{}", stderr(&list));
    assert!(stdout(&list).contains("No feeds yet"));
}

#[test]
fn a_bad_configuration_fails_with_one_line_naming_the_setting() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("bad.toml");
    std::fs::write(&path, "[ingest]\nconcurrent_feeds = 0\n").expect("write");
    let output = tidings(
        dir.path(),
        &["--config", path.to_str().expect("utf-8"), "feed", "list"],
    );
    assert!(!output.status.success());
    let err = stderr(&output);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("ingest.concurrent_feeds"), "{err}");
}

#[test]
fn extract_prints_one_json_object_per_page() {
    let dir = tempfile::tempdir().expect("tempdir");
    let page = dir.path().join("page.html");
    let paragraph = "The council approved the new harbour budget after a long debate about the costs of the storm repairs and the ferry.";
    std::fs::write(
        &page,
        format!(
            "<html lang=\"en\"><head><title>Budget passes | Harbor Times</title>\
             <meta property=\"article:published_time\" content=\"2026-11-20T08:00:00+01:00\"></head>\
             <body><nav><a href=\"/\">Home</a></nav><article><h1>Budget passes</h1>\
             <p>{paragraph}</p><p>{paragraph}</p><p><a href=\"/more\">Read the plan</a> in full.</p></article></body></html>"
        ),
    )
    .expect("write");
    let output = tidings(
        dir.path(),
        &[
            "extract",
            "--url",
            "https://harbor.example/news/budget",
            page.to_str().expect("utf-8"),
            page.to_str().expect("utf-8"),
        ],
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let out = stdout(&output);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2);
    let json: serde_json::Value = serde_json::from_str(lines[0]).expect("json");
    for field in [
        "title",
        "byline",
        "published",
        "image",
        "language",
        "canonical_url",
        "site_name",
        "text",
        "html",
    ] {
        assert!(json.get(field).is_some(), "{field} missing from {json}");
    }
    assert_eq!(json["title"], "Budget passes");
    assert_eq!(json["published"], "2026-11-20T08:00:00+01:00");
    assert!(
        json["text"]
            .as_str()
            .expect("text")
            .contains(&format!("{paragraph}\n\n{paragraph}"))
    );
    assert!(
        json["html"]
            .as_str()
            .expect("html")
            .contains("https://harbor.example/more")
    );
}

#[test]
fn extract_names_a_missing_file_and_exits_non_zero() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = tidings(dir.path(), &["extract", "/no/such/page.html"]);
    assert!(!output.status.success());
    assert!(
        stderr(&output).contains("/no/such/page.html"),
        "{}",
        stderr(&output)
    );
}

#[test]
fn feed_add_rejects_a_non_url_with_one_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = tidings(dir.path(), &["feed", "add", "not a url"]);
    assert!(!output.status.success());
    let err = stderr(&output);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("not a URL"), "{err}");
}

#[test]
fn an_import_whose_every_line_is_rejected_fails_with_one_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let lines = dir.path().join("articles.jsonl");
    std::fs::write(&lines, "{\"title\": \"no url\"}\nnot json at all\n").expect("write");
    let output = tidings(dir.path(), &["import", lines.to_str().expect("utf-8")]);
    assert!(!output.status.success(), "{}", stdout(&output));
    let err = stderr(&output);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("all 2 lines were rejected"), "{err}");
}

#[test]
fn opml_import_then_export_round_trips_the_feeds() {
    let dir = tempfile::tempdir().expect("tempdir");
    let opml = dir.path().join("in.opml");
    std::fs::write(
        &opml,
        r#"<?xml version="1.0"?><opml version="2.0"><head><title>Mine</title></head><body>
        <outline text="News"><outline type="rss" text="Harbor &amp; Bay" xmlUrl="https://harbor.example/feed.xml" htmlUrl="https://harbor.example/"/>
        <outline type="rss" text="Valley" xmlUrl="https://valley.example/atom.xml"/></outline>
        <outline type="rss" text="Broken" xmlUrl="ftp://nope.example/feed"/></body></opml>"#,
    )
    .expect("write");
    let import = tidings(dir.path(), &["import-opml", opml.to_str().expect("utf-8")]);
    assert!(import.status.success(), "{}", stderr(&import));
    assert!(
        stdout(&import).contains("Imported 2 feeds"),
        "{}",
        stdout(&import)
    );
    let again = tidings(dir.path(), &["import-opml", opml.to_str().expect("utf-8")]);
    assert!(
        stdout(&again).contains("2 were there already"),
        "{}",
        stdout(&again)
    );

    let list = stdout(&tidings(dir.path(), &["feed", "list"]));
    assert!(
        list.contains("Harbor & Bay") && list.contains("https://valley.example/atom.xml"),
        "{list}"
    );
    assert!(list.contains("never"), "{list}");

    let export = tidings(dir.path(), &["export-opml"]);
    assert!(export.status.success());
    let xml = stdout(&export);
    assert!(
        xml.contains("xmlUrl=\"https://harbor.example/feed.xml\""),
        "{xml}"
    );
    assert!(xml.contains("Harbor &amp; Bay"), "{xml}");

    let remove = tidings(
        dir.path(),
        &["feed", "remove", "https://valley.example/atom.xml"],
    );
    assert!(remove.status.success(), "{}", stderr(&remove));
    assert!(!stdout(&tidings(dir.path(), &["feed", "list"])).contains("valley"));
    let missing = tidings(dir.path(), &["feed", "remove", "999"]);
    assert!(!missing.status.success());
}

/// Queues a job of `kind`/`key` in the SQLite database of `data` and lets it die.
async fn dead_job(data: &Path, kind: &str, key: &str) -> i64 {
    let storage = tidings_storage::open(data.join("tidings.db").to_str().expect("utf-8"))
        .await
        .expect("open");
    storage
        .enqueue_job(tidings_core::NewJob {
            kind: kind.into(),
            key: key.into(),
            payload: String::new(),
            run_at: chrono::Utc::now() - chrono::Duration::seconds(1),
        })
        .await
        .expect("enqueue");
    let leased = storage
        .lease_jobs("cli-test", &[kind], std::time::Duration::from_secs(60), 1)
        .await
        .expect("lease");
    let job = leased.first().expect("one job");
    storage
        .fail_job(job.id, &job.lease_token, "feed answered 500", None)
        .await
        .expect("fail");
    job.id
}

#[test]
fn jobs_lists_dead_jobs_and_queues_them_again() {
    let dir = tempfile::tempdir().expect("tempdir");
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    assert!(tidings(dir.path(), &["feed", "list"]).status.success());
    let none = tidings(dir.path(), &["jobs", "dead"]);
    assert!(none.status.success(), "{}", stderr(&none));
    assert_eq!(stdout(&none), "No dead jobs.\n");

    let id = runtime.block_on(dead_job(dir.path(), "poll_feed", "7"));
    runtime.block_on(dead_job(dir.path(), "poll_feed", "8"));
    let listed = stdout(&tidings(dir.path(), &["jobs", "dead"]));
    assert!(
        listed.contains("poll_feed") && listed.contains("last error: feed answered 500"),
        "{listed}"
    );
    assert!(
        stdout(&tidings(dir.path(), &["jobs", "status"])).contains("dead 2"),
        "status counts the dead jobs"
    );

    let retried = tidings(dir.path(), &["jobs", "retry", &id.to_string()]);
    assert!(retried.status.success(), "{}", stderr(&retried));
    assert_eq!(stdout(&retried), format!("Queued job {id} again.\n"));
    let status = stdout(&tidings(dir.path(), &["jobs", "status"]));
    assert_eq!(status, "queued 1, running 0, dead 1\n");

    let missing = tidings(dir.path(), &["jobs", "retry", &id.to_string()]);
    assert!(!missing.status.success());
    let error = stderr(&missing);
    assert_eq!(error.lines().count(), 1, "{error}");
    assert!(error.contains(&format!("no dead job {id}")), "{error}");

    let all = stdout(&tidings(dir.path(), &["jobs", "retry", "--all"]));
    assert_eq!(all, "Queued 1 dead job again.\n");
    assert_eq!(
        stdout(&tidings(dir.path(), &["jobs", "dead"])),
        "No dead jobs.\n"
    );
}
