//! `import-opml` and `export-opml`: moving feed lists in and out.

use anyhow::Context;
use indicatif::{ProgressBar, ProgressStyle};
use tidings_core::{NewFeed, StorageError};
use tidings_ingest::opml::{OpmlFeed, parse_opml, write_opml};
use url::Url;

use crate::app::App;

/// What an import did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub added: usize,
    pub already_present: usize,
    /// Outlines whose URL is not an http(s) URL, with the reason.
    pub invalid: Vec<String>,
}

/// Adds every feed of an OPML file (without fetching them: the scheduler does at once).
pub async fn import_opml(
    app: &App,
    bytes: &[u8],
    show_progress: bool,
) -> anyhow::Result<ImportReport> {
    let feeds = parse_opml(bytes).context("cannot read the OPML file")?;
    let bar = if show_progress {
        let bar = ProgressBar::new(feeds.len() as u64);
        bar.set_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} feeds {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    } else {
        ProgressBar::hidden()
    };
    let mut report = ImportReport::default();
    for outline in feeds {
        bar.inc(1);
        let url = match Url::parse(outline.xml_url.trim()) {
            Ok(url) if matches!(url.scheme(), "http" | "https") => url,
            Ok(_) => {
                report
                    .invalid
                    .push(format!("{}: not http or https", outline.xml_url));
                continue;
            }
            Err(e) => {
                report.invalid.push(format!("{}: {e}", outline.xml_url));
                continue;
            }
        };
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
            policy: app.config.ingest.default_policy,
            allow_private: false,
            interval_secs: i64::from(app.config.ingest.default_interval_minutes) * 60,
        };
        match app.storage.add_feed(feed).await {
            Ok(_) => report.added += 1,
            Err(StorageError::Conflict(_)) => report.already_present += 1,
            Err(e) => return Err(e.into()),
        }
    }
    bar.finish_and_clear();
    Ok(report)
}

/// The OPML document listing every feed.
pub async fn export_opml(app: &App) -> anyhow::Result<String> {
    let feeds = app.storage.list_feeds().await?;
    let outlines: Vec<OpmlFeed> = feeds
        .into_iter()
        .map(|f| OpmlFeed {
            xml_url: f.url,
            title: Some(f.publisher),
            html_url: f.site_url,
            category: None,
        })
        .collect();
    Ok(write_opml("Tidings feeds", &outlines))
}
