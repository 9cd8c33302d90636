//! `tidings migrate-data --from sqlite:PATH --to postgres://…`: moves an installation from its
//! SQLite file into an empty PostgreSQL database, with a progress bar per table, and checks
//! that every table arrived whole.

use std::path::PathBuf;

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressStyle};
use tidings_storage::{DatabaseLocation, TableProgress, migrate_data};

/// What was moved: each table and its row count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MigrationReport {
    pub tables: Vec<(&'static str, u64)>,
}

impl MigrationReport {
    pub fn total_rows(&self) -> u64 {
        self.tables.iter().map(|(_, rows)| rows).sum()
    }
}

/// Checks both ends, copies, and returns the verified counts. `show_progress` draws a bar on
/// the terminal.
pub async fn run(from: &str, to: &str, show_progress: bool) -> anyhow::Result<MigrationReport> {
    let source = match DatabaseLocation::parse(from).context("--from")? {
        DatabaseLocation::SqliteFile(path) => PathBuf::from(path),
        DatabaseLocation::SqliteMemory => {
            bail!("--from: an in-memory database holds nothing to move; give sqlite:PATH")
        }
        DatabaseLocation::Postgres(_) => {
            bail!("--from must be a SQLite database (sqlite:PATH); it is PostgreSQL already")
        }
    };
    let target = match DatabaseLocation::parse(to).context("--to")? {
        DatabaseLocation::Postgres(url) => url,
        _ => bail!("--to must be a PostgreSQL URL (postgres://user@host/database)"),
    };
    let bar = if show_progress {
        ProgressBar::new(0)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{prefix:>20} [{bar:30}] {pos}/{len} rows ({elapsed})")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let mut current = "";
    let mut on_progress = |p: &TableProgress| {
        if p.table != current {
            current = p.table;
            bar.set_prefix(p.table);
            bar.set_length(p.total);
        }
        bar.set_position(p.copied);
    };
    let copied = migrate_data(&source, &target, &mut on_progress).await?;
    bar.finish_and_clear();
    Ok(MigrationReport {
        tables: copied.into_iter().map(|t| (t.table, t.copied)).collect(),
    })
}
