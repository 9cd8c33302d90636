//! The `tidings demo` publishers: eight made-up outlets serving real news texts (the embedded
//! ECB+ corpus) on loopback, each with a feed, a home page with feed discovery, and article
//! pages wrapped in realistic site furniture, so the whole pipeline can run without internet.
//!
//! Rendering happens once at start-up ([`site`]); the server ([`server`]) only looks paths up,
//! and draws the articles' lead pictures ([`pictures`]) when they are asked for.
//! For benchmarks the same outlets can publish many more articles ([`DemoScale`], [`scale`]),
//! each outlet on a loopback address of its own.

mod article_page;
mod boilerplate;
pub mod corpus;
mod feeds;
mod home_pages;
mod markup;
mod outlets;
mod pictures;
mod scale;
mod server;
mod site;

use std::net::SocketAddr;

use anyhow::Context;
use chrono::{DateTime, Utc};
use url::Url;

pub use home_pages::DISALLOWED_PREFIX;
pub use outlets::FeedFormatKind;
pub use scale::DemoScale;

/// One outlet as the demo runner needs it: where its feed and home page are.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoOutlet {
    pub name: String,
    pub slug: String,
    /// The main feed (the newest articles), advertised on the home page.
    pub feed_url: String,
    /// Every feed of the outlet, the main one first (only it unless scaled).
    pub feed_urls: Vec<String>,
    pub home_url: String,
    pub format: FeedFormatKind,
}

/// A running publishers server.
#[derive(Debug, Clone)]
pub struct DemoPublishers {
    /// `http://127.0.0.1:PORT/`; outlets live under `/<slug>/`.
    pub base_url: Url,
    pub outlets: Vec<DemoOutlet>,
    /// Articles published across all outlets.
    pub article_count: usize,
}

impl DemoPublishers {
    /// URL of the OPML file listing every outlet's feed.
    pub fn opml_url(&self) -> anyhow::Result<Url> {
        self.base_url
            .join("outlets.opml")
            .context("cannot build the OPML URL")
    }
}

/// Starts the publishers server on `listener` (bind `127.0.0.1:0` in tests). Publication times
/// are `now - offset_minutes`. Returns once listening; the server runs until the returned
/// handle is aborted or the runtime ends.
pub async fn start_publishers(
    listener: tokio::net::TcpListener,
    now: DateTime<Utc>,
) -> anyhow::Result<(DemoPublishers, tokio::task::JoinHandle<()>)> {
    let address = listener
        .local_addr()
        .context("publishers listener has no local address")?;
    let (publishers, router) = publishers_router(address, now).await?;
    let handle = server::serve(listener, router).await?;
    Ok((publishers, handle))
}

/// The publishers as a router, for serving at `address` with layers of one's own (tests count,
/// slow down or hold back requests with them).
pub async fn publishers_router(
    address: SocketAddr,
    now: DateTime<Utc>,
) -> anyhow::Result<(DemoPublishers, axum::Router)> {
    build_router(&[address], now, None).await
}

/// The publishers scaled up to `scale`, on as many loopback listeners as given (bind
/// `127.0.0.1:0`, `127.0.0.2:0`, … for one host per outlet): outlet `i` is served at listener
/// `i % listeners.len()`, and every listener answers every path. Returns once listening; the
/// servers run until the returned handles are aborted or the runtime ends.
pub async fn start_scaled_publishers(
    listeners: Vec<tokio::net::TcpListener>,
    now: DateTime<Utc>,
    scale: DemoScale,
) -> anyhow::Result<(DemoPublishers, Vec<tokio::task::JoinHandle<()>>)> {
    let addresses = listeners
        .iter()
        .map(|l| l.local_addr())
        .collect::<Result<Vec<_>, _>>()
        .context("publishers listener has no local address")?;
    let (publishers, router) = build_router(&addresses, now, Some(scale)).await?;
    let mut handles = Vec::with_capacity(listeners.len());
    for listener in listeners {
        handles.push(server::serve(listener, router.clone()).await?);
    }
    Ok((publishers, handles))
}

async fn build_router(
    addresses: &[SocketAddr],
    now: DateTime<Utc>,
    scale: Option<DemoScale>,
) -> anyhow::Result<(DemoPublishers, axum::Router)> {
    let bases = addresses
        .iter()
        .map(|address| base_url_of(*address))
        .collect::<anyhow::Result<Vec<_>>>()?;
    // HTTP dates have whole seconds; publishing on whole seconds keeps validators exact.
    let now = DateTime::from_timestamp(now.timestamp(), 0).unwrap_or(now);
    let rendered = tokio::task::spawn_blocking(move || {
        let mut corpus = corpus::embedded_corpus()?;
        if let Some(scale) = scale {
            corpus = scale::scaled_corpus(&corpus, scale.articles);
        }
        let items_per_feed = scale.map(|s| s.items_per_feed);
        let mut site = site::DemoSite::build(corpus, &bases, now, items_per_feed)?;
        // Scaled outlets (benchmarks) publish no pictures, so they measure ingestion alone.
        let pictures = if scale.is_none() {
            site.add_pictures()
        } else {
            pictures::PictureTable::new()
        };
        let resources = site::render_resources(&site);
        Ok::<_, anyhow::Error>((describe(&site), resources, pictures))
    })
    .await
    .context("rendering the demo site panicked")??;
    let (publishers, resources, pictures) = rendered;
    Ok((publishers, server::router(resources, pictures)))
}

fn base_url_of(address: SocketAddr) -> anyhow::Result<Url> {
    let host = if address.ip().is_unspecified() {
        "127.0.0.1".to_owned()
    } else {
        address.ip().to_string()
    };
    Url::parse(&format!("http://{host}:{}/", address.port()))
        .with_context(|| format!("cannot make a base URL from {address}"))
}

fn describe(site: &site::DemoSite) -> DemoPublishers {
    DemoPublishers {
        base_url: site.base_url.clone(),
        outlets: site
            .outlets
            .iter()
            .map(|edition| DemoOutlet {
                name: edition.profile.name.to_owned(),
                slug: edition.profile.slug.to_owned(),
                feed_url: edition.feed_url.to_string(),
                feed_urls: edition.feeds.iter().map(|f| f.url.to_string()).collect(),
                home_url: edition.home_url.to_string(),
                format: edition.profile.format,
            })
            .collect(),
        article_count: site.articles.len(),
    }
}
