//! `tidings jobs …`: the shared job queue as the operator sees it: how many jobs wait, run
//! or gave up, which ones gave up and why, and queueing those again once the cause is fixed.

use std::fmt::Write as _;

use anyhow::bail;
use clap::Subcommand;
use tidings_core::{DeadJob, JobCounts, JobId};

use crate::app::App;

#[derive(Debug, Subcommand)]
pub enum JobsCommand {
    /// How many jobs are queued, running and dead.
    Status,
    /// The jobs that gave up after their last attempt, newest first, with their last error.
    Dead {
        /// Most jobs to list.
        #[arg(long, default_value_t = 50)]
        limit: u32,
    },
    /// Queue dead jobs to run again now: one by its id, or every one with --all.
    Retry {
        /// The dead job's id (from `jobs dead`).
        #[arg(required_unless_present = "all", conflicts_with = "all")]
        id: Option<JobId>,
        /// Queue every dead job again.
        #[arg(long)]
        all: bool,
    },
}

impl JobsCommand {
    /// Whether the command only reads (and so must not create a data directory).
    pub fn only_reads(&self) -> bool {
        matches!(self, JobsCommand::Status | JobsCommand::Dead { .. })
    }
}

/// Runs one `jobs` subcommand and returns what it prints.
pub async fn run_jobs_command(app: &App, command: JobsCommand) -> anyhow::Result<String> {
    match command {
        JobsCommand::Status => Ok(format_counts(app.storage.job_counts().await?)),
        JobsCommand::Dead { limit } => Ok(format_dead_jobs(
            &app.storage.dead_jobs(limit.max(1)).await?,
        )),
        JobsCommand::Retry { id, all } => {
            let queued = app
                .storage
                .retry_dead_jobs(if all { None } else { id })
                .await?;
            match (id, all) {
                (Some(id), false) if queued == 0 => bail!("there is no dead job {id}"),
                (Some(id), false) => Ok(format!("Queued job {id} again.\n")),
                _ => Ok(format!(
                    "Queued {queued} dead job{} again.\n",
                    if queued == 1 { "" } else { "s" }
                )),
            }
        }
    }
}

fn format_counts(counts: JobCounts) -> String {
    format!(
        "queued {}, running {}, dead {}\n",
        counts.queued, counts.running, counts.dead
    )
}

/// The table `jobs dead` prints.
pub fn format_dead_jobs(jobs: &[DeadJob]) -> String {
    if jobs.is_empty() {
        return "No dead jobs.\n".to_string();
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:>8}  {:<14}  {:<12}  {:>8}  QUEUED AT",
        "ID", "KIND", "KEY", "ATTEMPTS"
    );
    for job in jobs {
        let _ = writeln!(
            out,
            "{:>8}  {:<14}  {:<12}  {:>8}  {}",
            job.id,
            job.kind,
            job.key,
            job.attempts,
            job.created_at.format("%Y-%m-%d %H:%M:%S UTC")
        );
        if let Some(error) = &job.last_error {
            let _ = writeln!(out, "          last error: {error}");
        }
    }
    let _ = writeln!(
        out,
        "Fix the cause, then `tidings jobs retry ID` or `tidings jobs retry --all`."
    );
    out
}
