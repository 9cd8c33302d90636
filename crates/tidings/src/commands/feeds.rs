//! `feed add`, `feed list`, `feed remove`: managing the feeds Tidings polls.

use std::fmt::Write as _;

use anyhow::{Context, bail};
use chrono::Utc;
use tidings_core::{Feed, NewFeed, RepublishPolicy, StorageError};
use tidings_ingest::fetcher::{FetchError, FetchRequest};
use url::Url;

use crate::app::App;

/// Options for adding a feed by hand.
#[derive(Debug, Clone, Default)]
pub struct AddFeedOptions {
    /// The publisher's name; the feed's title when not given.
    pub publisher: Option<String>,
    pub policy: Option<RepublishPolicy>,
    /// Allow loopback and private addresses for this feed's requests.
    pub allow_private: bool,
    pub interval_minutes: Option<u32>,
}

/// The fetch error for `url`; a refused loopback or private address names the option that
/// allows it.
fn refusal_with_hint(url: &Url, error: FetchError) -> anyhow::Error {
    match error {
        FetchError::NonPublicHost { .. } | FetchError::NonPublicResolution { .. } => {
            anyhow::anyhow!(
                "cannot fetch {url}: {error} (add --allow-private to poll a feed on this machine \
                 or a private network)"
            )
        }
        other => anyhow::Error::new(other).context(format!("cannot fetch {url}")),
    }
}

/// Adds a feed from a feed URL, or from a site URL whose page links to its feed.
pub async fn add_feed(app: &App, input: &str, options: AddFeedOptions) -> anyhow::Result<Feed> {
    let url = Url::parse(input.trim()).with_context(|| format!("'{input}' is not a URL"))?;
    if !matches!(url.scheme(), "http" | "https") {
        bail!("'{input}' is not an http or https URL");
    }
    let fetcher = app.pipeline.fetcher();
    let fetch = |url: Url| async move {
        fetcher
            .get(FetchRequest {
                url: &url,
                allow_private: options.allow_private,
                etag: None,
                last_modified: None,
                accept: None,
            })
            .await
            .map_err(|e| refusal_with_hint(&url, e))
    };
    let mut response = fetch(url.clone()).await?;
    if !tidings_ingest::discover::looks_like_feed(&response.body, response.content_type.as_deref())
    {
        let html = String::from_utf8_lossy(&response.body);
        let found = tidings_ingest::discover::discover_feeds(&html, &response.final_url);
        let Some(first) = found.into_iter().next() else {
            bail!("{url} is not a feed and its page links to no feed");
        };
        let feed_url = Url::parse(&first.url)
            .with_context(|| format!("discovered feed URL '{}' is invalid", first.url))?;
        response = fetch(feed_url).await?;
    }
    let feed_url = response.final_url.clone();
    let parsed = tidings_ingest::feed::parse_feed(
        &response.body,
        response.content_type.as_deref(),
        &feed_url,
    )
    .with_context(|| format!("{feed_url} is not a readable feed"))?;
    let publisher = options
        .publisher
        .clone()
        .or_else(|| parsed.title.clone().filter(|t| !t.trim().is_empty()))
        .unwrap_or_else(|| feed_url.host_str().unwrap_or("unknown").to_string());
    let interval = options
        .interval_minutes
        .unwrap_or(app.config.ingest.default_interval_minutes)
        .max(1);
    let new_feed = NewFeed {
        url: feed_url.to_string(),
        title: parsed.title.clone(),
        site_url: parsed.site_url.clone(),
        publisher: publisher.trim().to_string(),
        policy: options.policy.unwrap_or(app.config.ingest.default_policy),
        allow_private: options.allow_private,
        interval_secs: i64::from(interval) * 60,
    };
    match app.storage.add_feed(new_feed).await {
        Ok(feed) => Ok(feed),
        Err(StorageError::Conflict(_)) => bail!("the feed {feed_url} is added already"),
        Err(e) => Err(e.into()),
    }
}

/// Removes a feed named by its id or URL; its articles stay.
pub async fn remove_feed(app: &App, id_or_url: &str) -> anyhow::Result<Feed> {
    let feed = match id_or_url.parse::<i64>() {
        Ok(id) => app.storage.feed(id).await?,
        Err(_) => app.storage.feed_by_url(id_or_url).await?,
    };
    let Some(feed) = feed else {
        bail!("no feed '{id_or_url}' (give an id or URL from `tidings feed list`)");
    };
    app.storage.remove_feed(feed.id).await?;
    Ok(feed)
}

/// The feed table printed by `feed list`: each feed with its last fetch, status and error.
pub fn format_feed_list(feeds: &[Feed]) -> String {
    if feeds.is_empty() {
        return "No feeds yet. Add one with `tidings feed add URL`.\n".to_string();
    }
    let now = Utc::now();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:>4}  {:<24}  {:<12}  {:<14}  URL",
        "ID", "PUBLISHER", "STATUS", "LAST FETCH"
    );
    for feed in feeds {
        let status = feed.last_status.map_or("never", |s| s.as_str());
        let last = feed.last_fetch_at.map_or_else(
            || "-".to_string(),
            |at| {
                let minutes = (now - at).num_minutes().max(0);
                if minutes < 60 {
                    format!("{minutes} min ago")
                } else if minutes < 48 * 60 {
                    format!("{} h ago", minutes / 60)
                } else {
                    format!("{} days ago", minutes / 1440)
                }
            },
        );
        let _ = writeln!(
            out,
            "{:>4}  {:<24}  {:<12}  {:<14}  {}",
            feed.id,
            truncate(&feed.publisher, 24),
            status,
            last,
            feed.url
        );
        if let Some(note) = feed
            .last_error
            .as_ref()
            .filter(|_| feed.consecutive_failures == 0)
        {
            let _ = writeln!(out, "      note: {note}");
        } else if let Some(error) = &feed.last_error {
            let _ = writeln!(
                out,
                "      last error ({} in a row): {error}",
                feed.consecutive_failures
            );
        }
    }
    out
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut cut: String = s.chars().take(max - 1).collect();
        cut.push('…');
        cut
    }
}
