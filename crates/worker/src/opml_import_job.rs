//! The `import_opml` job the console queues for an uploaded OPML document (key: the operator
//! task's id, payload: the document). It adds each outline's feed and records its progress
//! on the task as it goes, so the console shows how far it got. Running it twice adds
//! nothing twice: feeds present already are counted, not added again.

use anyhow::Context as _;
use tidings_core::{NewFeed, StorageError};
use tidings_ingest::opml::parse_opml;
use url::Url;

use crate::pipeline::Pipeline;

/// Progress is written after this many feeds.
const PROGRESS_EVERY: usize = 25;

/// What an import did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct OpmlImportOutcome {
    pub added: usize,
    pub already_present: usize,
    pub invalid: usize,
}

/// Imports the document into storage, recording progress on task `task`.
pub async fn run_opml_import(
    pipeline: &Pipeline,
    key: &str,
    document: &str,
) -> anyhow::Result<OpmlImportOutcome> {
    let task: i64 = key
        .parse()
        .map_err(|_| anyhow::anyhow!("import_opml job key {key:?} is not a task id"))?;
    let storage = pipeline.storage();
    let outlines = match parse_opml(document.as_bytes()) {
        Ok(outlines) => outlines,
        Err(e) => {
            // A document that cannot be read will not be readable on a retry either.
            let note = format!("the OPML file cannot be read: {e}");
            storage
                .record_task_progress(task, 0, 0, Some(&note), true)
                .await?;
            return Ok(OpmlImportOutcome::default());
        }
    };
    let config = pipeline.config();
    let mut outcome = OpmlImportOutcome::default();
    let mut last_problem: Option<String> = None;
    for (n, outline) in outlines.iter().enumerate() {
        let xml_url = outline.xml_url.trim();
        match Url::parse(xml_url) {
            Ok(url) if matches!(url.scheme(), "http" | "https") => {
                let publisher = outline
                    .title
                    .clone()
                    .filter(|t| !t.trim().is_empty())
                    .unwrap_or_else(|| url.host_str().unwrap_or("unknown").to_string());
                let feed = NewFeed {
                    url: url.to_string(),
                    title: outline.title.clone(),
                    site_url: outline.html_url.clone(),
                    publisher,
                    policy: config.default_policy,
                    allow_private: false,
                    interval_secs: i64::from(config.default_interval_minutes.max(1)) * 60,
                };
                match storage.add_feed(feed).await {
                    Ok(_) => outcome.added += 1,
                    Err(StorageError::Conflict(_)) => outcome.already_present += 1,
                    Err(StorageError::Invalid(why)) => {
                        outcome.invalid += 1;
                        last_problem = Some(format!("{xml_url}: invalid {why}"));
                    }
                    Err(e) => return Err(e).context("storing an imported feed"),
                }
            }
            Ok(_) => {
                outcome.invalid += 1;
                last_problem = Some(format!("{xml_url}: not http or https"));
            }
            Err(e) => {
                outcome.invalid += 1;
                last_problem = Some(format!("{xml_url}: {e}"));
            }
        }
        if (n + 1) % PROGRESS_EVERY == 0 {
            let done = (outcome.added + outcome.already_present) as i64;
            storage
                .record_task_progress(
                    task,
                    done,
                    outcome.invalid as i64,
                    last_problem.as_deref(),
                    false,
                )
                .await?;
        }
    }
    let mut summary = format!(
        "{} of {} feeds added, {} present already, {} refused",
        outcome.added,
        outlines.len(),
        outcome.already_present,
        outcome.invalid
    );
    if let Some(problem) = &last_problem {
        summary.push_str(&format!(" (last: {problem})"));
    }
    storage
        .record_task_progress(
            task,
            (outcome.added + outcome.already_present) as i64,
            outcome.invalid as i64,
            Some(&summary),
            true,
        )
        .await?;
    Ok(outcome)
}
