//! The jobs worker processes run, and what each does. Every job is idempotent: running one
//! twice (a crashed worker's job taken over by another) stores nothing twice.
//!
//! - `poll_feed` (key: the feed id): polls the feed when it is still due; the articles it
//!   stores wait among the unplaced ones for the story stage.
//! - `purge_raw_pages` (key: `all`): drops kept pages past their retention.
//! - `import_opml` (key: an operator task's id): adds an uploaded OPML document's feeds
//!   (`opml_import_job.rs`).
//! - `fetch_lead_image` (key: an article id): fetches, checks and resizes the article's lead
//!   image and stores its variants (`lead_images.rs`).

use chrono::{DateTime, Utc};
use tidings_core::{FeedId, Job, NewJob};

use crate::pipeline::Pipeline;

pub const POLL_FEED: &str = "poll_feed";
pub const PURGE_RAW_PAGES: &str = "purge_raw_pages";
/// The console queues it; `tidings-web` names the same kind.
pub const IMPORT_OPML: &str = "import_opml";
/// How far ahead of this machine's clock a feed may be due and still be polled (the
/// scheduler that queued it may run on a machine whose clock is a little ahead).
const CLOCK_MARGIN_SECS: i64 = 30;
/// Every kind a worker runs.
pub const JOB_KINDS: [&str; 4] = [
    POLL_FEED,
    PURGE_RAW_PAGES,
    IMPORT_OPML,
    crate::lead_images::FETCH_LEAD_IMAGE,
];

/// The job polling `feed`, to run from `run_at`.
pub fn poll_feed_job(feed: FeedId, run_at: DateTime<Utc>) -> NewJob {
    NewJob {
        kind: POLL_FEED.to_string(),
        key: feed.to_string(),
        payload: String::new(),
        run_at,
    }
}

/// The job purging kept raw pages past their retention.
pub fn purge_raw_pages_job(run_at: DateTime<Utc>) -> NewJob {
    NewJob {
        kind: PURGE_RAW_PAGES.to_string(),
        key: "all".to_string(),
        payload: String::new(),
        run_at,
    }
}

/// What a job did, for the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JobDone {
    /// The feed was polled: articles stored, and the poll's error (recorded on the feed).
    Polled {
        inserted: usize,
        error: Option<String>,
    },
    /// Nothing to do: the feed is gone or was polled since the job was queued.
    Skipped,
    Purged(u64),
    /// An OPML document's feeds were added.
    Imported(crate::opml_import_job::OpmlImportOutcome),
    /// An article's lead image was fetched (or refused, or had been already).
    LeadImage(crate::lead_images::LeadImageDone),
}

/// Runs one leased job. An error means the job should be tried again later; a feed that
/// cannot be fetched or parsed is not an error (the poll records it on the feed).
pub async fn run_job(pipeline: &Pipeline, job: &Job) -> anyhow::Result<JobDone> {
    match job.kind.as_str() {
        POLL_FEED => poll_feed(pipeline, &job.key).await,
        PURGE_RAW_PAGES => Ok(JobDone::Purged(
            pipeline.raw_pages().purge(Utc::now()).await?,
        )),
        IMPORT_OPML => Ok(JobDone::Imported(
            crate::opml_import_job::run_opml_import(pipeline, &job.key, &job.payload).await?,
        )),
        crate::lead_images::FETCH_LEAD_IMAGE => Ok(JobDone::LeadImage(
            crate::lead_images::run_fetch_lead_image(pipeline, job).await?,
        )),
        other => anyhow::bail!("unknown job kind {other:?}"),
    }
}

async fn poll_feed(pipeline: &Pipeline, key: &str) -> anyhow::Result<JobDone> {
    let id: FeedId = key
        .parse()
        .map_err(|_| anyhow::anyhow!("poll_feed job key {key:?} is not a feed id"))?;
    let Some(feed) = pipeline.storage().feed(id).await? else {
        return Ok(JobDone::Skipped);
    };
    // A scheduler that listed the feed as due just before an earlier poll finished queues it
    // again; the poll's record moved `next_fetch_at` (at least a minute on), so this job has
    // nothing to do. The margin absorbs clocks that differ a little between machines.
    if feed.next_fetch_at > Utc::now() + chrono::Duration::seconds(CLOCK_MARGIN_SECS) {
        return Ok(JobDone::Skipped);
    }
    let report = pipeline.poll_feed(&feed).await;
    Ok(JobDone::Polled {
        inserted: report.inserted,
        error: report.error,
    })
}
