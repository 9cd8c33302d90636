//! `tidings demo`: starts the made-up publishers on loopback, ingests them through the real
//! pipeline, then serves the site.

use std::net::SocketAddr;
use std::time::Instant;

use anyhow::Context;
use chrono::Utc;
use tidings_core::{NewFeed, RepublishPolicy};
use tokio::net::TcpListener;

use crate::app::App;
use crate::config::Config;
use tidings_demo::{DemoPublishers, start_publishers};
use tidings_worker::scheduler::poll_due_feeds;

/// Runs the demo until Ctrl-C.
pub async fn run_demo(
    mut config: Config,
    listen: SocketAddr,
    publishers: SocketAddr,
) -> anyhow::Result<()> {
    let publisher_listener = TcpListener::bind(publishers).await.with_context(|| {
        format!("cannot start the demo publishers on {publishers} (use --publishers ADDR)")
    })?;
    let site_listener = TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen} (use --listen ADDR)"))?;
    let (outlets, _server) = start_publishers(publisher_listener, Utc::now()).await?;
    // The publishers all sit on one loopback host: let ingestion use it fully.
    config.ingest.per_host_concurrency = config.ingest.per_host_concurrency.max(8);
    config.ingest.concurrent_pages = config.ingest.concurrent_pages.max(8);
    let app = App::open(config).await?;
    println!(
        "Demo publishers: {} outlets with {} articles at {}",
        outlets.outlets.len(),
        outlets.article_count,
        outlets.base_url
    );
    let started = Instant::now();
    let (inserted, errors) = ingest_demo(&app, &outlets).await?;
    let total = app.storage.count_articles().await?;
    println!(
        "Ingested {inserted} new articles in {:.1} s ({total} in the database){}",
        started.elapsed().as_secs_f64(),
        if errors > 0 {
            format!("; {errors} feeds failed, see `tidings feed list`")
        } else {
            String::new()
        }
    );
    println!(
        "Tidings demo is serving at http://{}/  (Ctrl-C to stop)",
        site_listener.local_addr()?
    );
    app.serve(site_listener).await
}

/// Adds the demo outlets' feeds (when missing), polls them once and places what they stored
/// in stories (when this process leads the story stage); returns the number of new articles
/// and of feeds that failed.
pub async fn ingest_demo(app: &App, outlets: &DemoPublishers) -> anyhow::Result<(usize, usize)> {
    for outlet in &outlets.outlets {
        if app.storage.feed_by_url(&outlet.feed_url).await?.is_some() {
            continue;
        }
        app.storage
            .add_feed(NewFeed {
                url: outlet.feed_url.clone(),
                title: Some(outlet.name.clone()),
                site_url: Some(outlet.home_url.clone()),
                publisher: outlet.name.clone(),
                policy: RepublishPolicy::Full,
                allow_private: true,
                interval_secs: i64::from(app.config.ingest.default_interval_minutes) * 60,
            })
            .await?;
    }
    let reports = poll_due_feeds(&app.pipeline).await?;
    if let Err(e) = app.stories.place_pending().await {
        tracing::warn!(error = %e, "could not place the new articles in stories");
    }
    let inserted = reports.iter().map(|r| r.inserted).sum();
    let errors = reports.iter().filter(|r| r.error.is_some()).count();
    Ok((inserted, errors))
}
