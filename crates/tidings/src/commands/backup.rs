//! `tidings backup PATH` and `tidings restore PATH`: a consistent copy of a running
//! installation (SQLite or PostgreSQL), and bringing one back into an empty data directory or
//! database. The work is in `tidings_storage::backup`; this is what the operator reads.

use std::path::Path;

use tidings_storage::{BackupReport, DatabaseLocation};

use crate::config::Config;

/// The tables named in the one-line summary, in its order.
const SUMMARY_TABLES: [(&str, &str); 5] = [
    ("feeds", "feeds"),
    ("articles", "articles"),
    ("stories", "stories"),
    ("users", "users"),
    ("comments", "comments"),
];

/// Backs up the configured database to `destination` and says what was written.
pub async fn run_backup(config: &Config, destination: &Path) -> anyhow::Result<String> {
    let location = location(config)?;
    let report = tidings_storage::backup(&location, destination).await?;
    let mut line = format!(
        "Backed up to {} ({}).",
        report.target,
        tidings_core::human_bytes(report.bytes)
    );
    if !report.tables.is_empty() {
        line.push_str(&format!(" It holds {}.", summary(&report)));
    }
    Ok(line)
}

/// Restores the backup at `source` into the configured (empty) database.
pub async fn run_restore(config: &Config, source: &Path) -> anyhow::Result<String> {
    let location = location(config)?;
    let report = tidings_storage::restore(&location, source).await?;
    Ok(format!(
        "Restored {} into {}: {}.",
        source.display(),
        report.target,
        summary(&report)
    ))
}

fn location(config: &Config) -> anyhow::Result<DatabaseLocation> {
    Ok(DatabaseLocation::parse(&config.database_location())?)
}

fn summary(report: &BackupReport) -> String {
    SUMMARY_TABLES
        .iter()
        .map(|(table, noun)| format!("{} {noun}", report.rows(table)))
        .collect::<Vec<_>>()
        .join(", ")
}
