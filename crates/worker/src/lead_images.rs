//! Fetching each article's lead image once, so Tidings serves it and readers' browsers never
//! contact publishers: the `fetch_lead_image` job (key: the article id) fetches the image
//! through the pipeline's guarded [`Fetcher`] (the article's feed decides whether private
//! addresses are allowed, as for its pages), makes its variants ([`picture`]) on a blocking
//! thread and stores them. The pipeline queues the job for every stored article naming an
//! image; the scheduler queues it, hourly, for recent articles that never got one.
//!
//! A picture never fails its article. The job is idempotent (an image fetched from the
//! article's current URL is not fetched again); a refusal (private address, too large, not an
//! image) is recorded at once, and a failure that may pass (timeout, 5xx) is retried by the
//! job queue until [`MAX_FETCH_ATTEMPTS`], then recorded as given up.

pub mod picture;

use std::time::Instant;

use chrono::{Duration, Utc};
use tidings_core::{ArticleId, Job, LeadImageOutcome, NewJob};
use tidings_ingest::fetcher::{FetchError, FetchRequest};
use url::Url;

use crate::metrics::FetchTarget;
use crate::pipeline::Pipeline;
use picture::{MAX_IMAGE_BODY_BYTES, PictureRefusal, make_variants};

pub const FETCH_LEAD_IMAGE: &str = "fetch_lead_image";
/// Attempts after which a failure that may pass is recorded as final.
pub const MAX_FETCH_ATTEMPTS: i32 = 3;
/// How far back the hourly sweep looks for articles whose image was never fetched.
const SWEEP_WINDOW_DAYS: i64 = 7;
/// Articles the hourly sweep queues at most.
const SWEEP_LIMIT: u32 = 500;
const IMAGE_ACCEPT: &str = "image/webp,image/jpeg,image/png,image/gif;q=0.9,image/*;q=0.5";

/// The job fetching `article`'s lead image, to run from `run_at`.
pub fn fetch_lead_image_job(article: ArticleId, run_at: chrono::DateTime<Utc>) -> NewJob {
    NewJob {
        kind: FETCH_LEAD_IMAGE.to_string(),
        key: article.to_string(),
        payload: String::new(),
        run_at,
    }
}

/// What a `fetch_lead_image` job did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LeadImageDone {
    /// The variants are stored.
    Stored,
    /// The image was refused; the reason is recorded on the article's fetch.
    Refused(String),
    /// Nothing to do: no such article, no image, or fetched from this URL already.
    Unchanged,
}

/// Runs one `fetch_lead_image` job. An error means the job should be tried again later.
pub async fn run_fetch_lead_image(pipeline: &Pipeline, job: &Job) -> anyhow::Result<LeadImageDone> {
    let id: ArticleId = job.key.parse().map_err(|_| {
        anyhow::anyhow!(
            "fetch_lead_image job key {:?} is not an article id",
            job.key
        )
    })?;
    let storage = pipeline.storage();
    let Some(article) = storage.article(id).await? else {
        return Ok(LeadImageDone::Unchanged);
    };
    let Some(source) = article.image.filter(|s| !s.trim().is_empty()) else {
        return Ok(LeadImageDone::Unchanged);
    };
    if storage
        .lead_image_fetch(id)
        .await?
        .is_some_and(|done| done.source_url == source)
    {
        return Ok(LeadImageDone::Unchanged);
    }
    let allow_private = match article.feed_id {
        Some(feed) => storage.feed(feed).await?.is_some_and(|f| f.allow_private),
        None => false,
    };
    let outcome = match fetch_variants(pipeline, &source, allow_private).await {
        Ok(images) => LeadImageOutcome::Stored(images),
        Err(LeadImageFailure::Final(reason)) => LeadImageOutcome::Refused(reason),
        Err(LeadImageFailure::Passing(reason)) if job.attempts < MAX_FETCH_ATTEMPTS => {
            anyhow::bail!("lead image of article {id}: {reason}")
        }
        Err(LeadImageFailure::Passing(reason)) => {
            LeadImageOutcome::Refused(format!("gave up after {} attempts: {reason}", job.attempts))
        }
    };
    let done = match &outcome {
        LeadImageOutcome::Stored(_) => LeadImageDone::Stored,
        LeadImageOutcome::Refused(reason) => {
            tracing::info!(article = id, url = %source, reason = %reason, "lead image refused");
            LeadImageDone::Refused(reason.clone())
        }
    };
    storage
        .save_lead_image(id, &source, Utc::now(), outcome)
        .await?;
    Ok(done)
}

/// Why an image could not be had: for good, or for now.
enum LeadImageFailure {
    Final(String),
    Passing(String),
}

impl From<FetchError> for LeadImageFailure {
    fn from(error: FetchError) -> Self {
        if error.is_transient() {
            LeadImageFailure::Passing(error.to_string())
        } else {
            LeadImageFailure::Final(error.to_string())
        }
    }
}

impl From<PictureRefusal> for LeadImageFailure {
    fn from(refusal: PictureRefusal) -> Self {
        LeadImageFailure::Final(refusal.to_string())
    }
}

async fn fetch_variants(
    pipeline: &Pipeline,
    source: &str,
    allow_private: bool,
) -> Result<Vec<tidings_core::StoredImage>, LeadImageFailure> {
    let url = Url::parse(source)
        .map_err(|e| LeadImageFailure::Final(format!("the image URL is invalid: {e}")))?;
    let started = Instant::now();
    let response = pipeline
        .fetcher()
        .get_capped(
            FetchRequest {
                allow_private,
                accept: Some(IMAGE_ACCEPT),
                ..FetchRequest::new(&url)
            },
            MAX_IMAGE_BODY_BYTES,
        )
        .await;
    pipeline
        .metrics()
        .fetched(FetchTarget::image, started.elapsed());
    let response = response?;
    let variants = tokio::task::spawn_blocking(move || {
        make_variants(&response.body, response.content_type.as_deref())
    })
    .await
    .map_err(|e| LeadImageFailure::Final(format!("the image decoder crashed: {e}")))??;
    Ok(variants)
}

/// Queues a fetch for every recent article that names a lead image no fetch has recorded
/// (stored before images were fetched, or whose job died); returns how many were queued.
pub async fn queue_missing_lead_images(pipeline: &Pipeline) -> anyhow::Result<usize> {
    let now = Utc::now();
    let missing = pipeline
        .storage()
        .articles_missing_lead_image(now - Duration::days(SWEEP_WINDOW_DAYS), SWEEP_LIMIT)
        .await?;
    let mut queued = 0;
    for id in missing {
        if pipeline
            .storage()
            .enqueue_job(fetch_lead_image_job(id, now))
            .await?
        {
            queued += 1;
        }
    }
    Ok(queued)
}

#[cfg(test)]
mod tests;
