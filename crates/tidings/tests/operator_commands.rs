//! The binary as an operator runs it day to day: commands that only read refuse a data
//! directory that is not there, batch extraction keeps one line per input, log lines as JSON,
//! accounts listed, promoted and deleted, the loopback refusal naming its option, help on
//! every argument, and a backup restored into a new data directory.

use std::path::Path;
use std::process::{Command, Output, Stdio};

fn run(data: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_tidings"));
    command
        .arg("--data")
        .arg(data)
        .args(args)
        .env_remove("TIDINGS_LOG")
        .env_remove("TIDINGS_LOG_FORMAT")
        .stdin(Stdio::null());
    for (key, value) in env {
        command.env(key, value);
    }
    command.output().expect("run tidings")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// A page whose table holds stray text: html5ever moves it out ("foster parenting") and
/// says so at warn level.
fn write_foster_page(dir: &Path) -> std::path::PathBuf {
    let paragraph = "The harbour board met on Tuesday to settle the dredging contract, and after a \
                     long debate about costs it chose the cheaper of the two bids on the table.";
    let page = dir.join("foster.html");
    std::fs::write(
        &page,
        format!(
            "<html><head><title>Dredging contract</title></head><body><article><h1>Dredging \
             contract</h1><p>{paragraph}</p><table>stray text<tr><td>cell</td></tr></table>\
             <p>{paragraph}</p></article></body></html>"
        ),
    )
    .expect("write");
    page
}

#[test]
fn commands_that_only_read_refuse_a_missing_data_directory() {
    let dir = tempfile::tempdir().expect("tempdir");
    let missing = dir.path().join("no-such-data");
    for args in [
        &["feed", "list"][..],
        &["export-opml"],
        &["user", "list"],
        &["jobs", "status"],
    ] {
        let output = run(&missing, args, &[]);
        assert!(!output.status.success(), "{args:?}");
        let err = stderr(&output);
        assert_eq!(err.trim().lines().count(), 1, "{args:?}: {err}");
        assert!(
            err.contains("does not exist") && err.contains("--data"),
            "{err}"
        );
        assert!(!missing.exists(), "{args:?} created the data directory");
    }
}

#[test]
fn extract_gives_every_input_its_own_line_in_order() {
    let dir = tempfile::tempdir().expect("tempdir");
    let page = write_foster_page(dir.path());
    let page = page.to_str().expect("utf-8");
    let missing = dir.path().join("gone.html");
    let missing = missing.to_str().expect("utf-8");
    let output = run(dir.path(), &["extract", page, missing, page], &[]);
    assert!(!output.status.success(), "a failed input fails the command");
    let out = stdout(&output);
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect();
    assert_eq!(lines.len(), 3, "{out}");
    assert_eq!(lines[0]["input"], page);
    assert_eq!(lines[0]["title"], "Dredging contract");
    assert_eq!(lines[1]["input"], missing);
    assert!(
        lines[1]["error"]
            .as_str()
            .is_some_and(|e| e.contains("gone.html")),
        "{}",
        lines[1]
    );
    assert!(lines[1].get("title").is_none());
    assert_eq!(lines[2]["input"], page);
    // The malformed table is the page's business: nothing about it reaches the operator.
    let err = stderr(&output);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("gone.html"), "{err}");
}

#[test]
fn log_lines_are_json_on_request_and_parser_remarks_only_when_asked_for() {
    let dir = tempfile::tempdir().expect("tempdir");
    let page = write_foster_page(dir.path());
    let page = page.to_str().expect("utf-8");
    let asked = run(
        dir.path(),
        &["--log-format", "json", "extract", page],
        &[("TIDINGS_LOG", "html5ever=warn")],
    );
    assert!(asked.status.success(), "{}", stderr(&asked));
    let err = stderr(&asked);
    let events: Vec<serde_json::Value> = err
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert!(!events.is_empty(), "html5ever warns about the stray text");
    assert!(events.iter().all(|e| e["level"] == "WARN"), "{err}");
    assert!(
        events.iter().all(|e| e["target"]
            .as_str()
            .is_some_and(|t| t.starts_with("html5ever"))),
        "{err}"
    );
    let bad = run(dir.path(), &["--log-format", "xml", "extract", page], &[]);
    assert!(!bad.status.success());
    assert!(stderr(&bad).contains("xml"), "{}", stderr(&bad));
}

#[test]
fn accounts_are_listed_promoted_and_deleted_from_the_command_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let password = [("TIDINGS_PASSWORD", "a long enough password")];
    for (name, flag) in [("alice", Some("--admin")), ("bob", None)] {
        let mut args = vec!["user", "create", name];
        args.extend(flag);
        let created = run(dir.path(), &args, &password);
        assert!(created.status.success(), "{}", stderr(&created));
    }
    let list = stdout(&run(dir.path(), &["user", "list"], &[]));
    let rows: Vec<&str> = list.lines().collect();
    assert_eq!(rows.len(), 3, "{list}");
    assert!(rows[0].starts_with("NAME"), "{list}");
    assert!(
        rows[1].starts_with("alice") && rows[1].contains("admin"),
        "{list}"
    );
    assert!(
        rows[2].starts_with("bob") && rows[2].contains("reader"),
        "{list}"
    );

    let only_admin = run(dir.path(), &["user", "role", "alice", "reader"], &[]);
    assert!(!only_admin.status.success());
    assert!(
        stderr(&only_admin).contains("only admin"),
        "{}",
        stderr(&only_admin)
    );
    let bad_role = run(dir.path(), &["user", "role", "bob", "owner"], &[]);
    assert!(!bad_role.status.success());
    assert!(
        stderr(&bad_role).contains("not a role"),
        "{}",
        stderr(&bad_role)
    );

    let promoted = run(dir.path(), &["user", "role", "bob", "moderator"], &[]);
    assert!(promoted.status.success(), "{}", stderr(&promoted));
    assert!(stdout(&promoted).contains("now moderator (was reader)"));
    assert!(stdout(&run(dir.path(), &["user", "list"], &[])).contains("moderator"));

    let unconfirmed = run(dir.path(), &["user", "delete", "bob"], &[]);
    assert!(!unconfirmed.status.success(), "no terminal, no --yes");
    assert!(
        stderr(&unconfirmed).contains("--yes"),
        "{}",
        stderr(&unconfirmed)
    );
    let deleted = run(dir.path(), &["user", "delete", "bob", "--yes"], &[]);
    assert!(deleted.status.success(), "{}", stderr(&deleted));
    let list = stdout(&run(dir.path(), &["user", "list"], &[]));
    assert!(!list.contains("bob"), "{list}");
    let gone = run(dir.path(), &["user", "delete", "bob", "--yes"], &[]);
    assert!(stderr(&gone).contains("no user named"), "{}", stderr(&gone));

    // Without server.base_url and without a terminal the link is printed on the listen
    // address, and a warning names the setting.
    let reset = run(dir.path(), &["user", "reset-password", "alice"], &[]);
    assert!(reset.status.success(), "{}", stderr(&reset));
    assert!(stdout(&reset).starts_with("http://127.0.0.1:8080/account/reset/"));
    assert!(
        stderr(&reset).contains("server.base_url"),
        "{}",
        stderr(&reset)
    );
    let configured = run(
        dir.path(),
        &["user", "reset-password", "alice"],
        &[("TIDINGS_SERVER__BASE_URL", "https://news.example")],
    );
    assert!(stdout(&configured).starts_with("https://news.example/account/reset/"));
    assert!(stderr(&configured).is_empty(), "{}", stderr(&configured));
}

#[test]
fn a_loopback_feed_is_refused_naming_the_option_that_allows_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let output = run(
        dir.path(),
        &["feed", "add", "http://127.0.0.1:9/feed.xml"],
        &[],
    );
    assert!(!output.status.success());
    let err = stderr(&output);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("--allow-private"), "{err}");
}

#[test]
fn every_argument_has_help() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (args, wanted) in [
        (&["feed", "add", "--help"][..], "site's"),
        (
            &["feed", "remove", "--help"],
            "id (from `feed list`) or URL",
        ),
        (&["import-opml", "--help"], "OPML file"),
        (&["import", "--help"], "one article per line"),
        (&["extract", "--help"], "saved pages"),
        (&["jobs", "retry", "--help"], "Queue every dead job again"),
        (&["user", "ban", "--help"], "account's name"),
        (&["backup", "--help"], "must not exist"),
    ] {
        let output = run(dir.path(), args, &[]);
        assert!(output.status.success(), "{args:?}");
        let help = stdout(&output);
        assert!(help.contains(wanted), "{args:?}: {help}");
    }
}

#[test]
fn a_backup_restores_into_a_new_data_directory() {
    let dir = tempfile::tempdir().expect("tempdir");
    let live = dir.path().join("live");
    let articles = dir.path().join("articles.jsonl");
    let lines: String = (0..6)
        .map(|n| {
            format!(
                "{{\"url\":\"https://harbor.example/news/{n}\",\"title\":\"Harbour report {n}\",\
                 \"publisher\":\"Harbor Times\",\"text\":\"The harbour board met for the {n}th \
                 time this year to talk about the dredging of the channel and the ferry.\"}}\n"
            )
        })
        .collect();
    std::fs::write(&articles, lines).expect("write");
    let imported = run(&live, &["import", articles.to_str().expect("utf-8")], &[]);
    assert!(imported.status.success(), "{}", stderr(&imported));

    let backup = dir.path().join("tidings-backup.db");
    let backup = backup.to_str().expect("utf-8");
    let made = run(&live, &["backup", backup], &[]);
    assert!(made.status.success(), "{}", stderr(&made));
    assert!(stdout(&made).contains("6 articles"), "{}", stdout(&made));
    let again = run(&live, &["backup", backup], &[]);
    assert!(
        stderr(&again).contains("exists already"),
        "{}",
        stderr(&again)
    );

    let fresh = dir.path().join("fresh");
    let restored = run(&fresh, &["restore", backup], &[]);
    assert!(restored.status.success(), "{}", stderr(&restored));
    assert!(
        stdout(&restored).contains("6 articles"),
        "{}",
        stdout(&restored)
    );
    let over = run(&fresh, &["restore", backup], &[]);
    assert!(!over.status.success());
    assert!(stderr(&over).contains("holds data"), "{}", stderr(&over));
    let missing = run(&dir.path().join("nowhere"), &["backup", backup], &[]);
    assert!(
        stderr(&missing).contains("does not exist"),
        "{}",
        stderr(&missing)
    );
}
