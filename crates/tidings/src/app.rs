//! The running application: configuration, storage, the pipeline, the story stage, and the
//! process roles `serve` runs: the web site, the background work (scheduler, job worker, story
//! stage), or both. Any number of processes of either role may share one database.

use std::sync::Arc;

use tidings_core::Storage;
use tidings_enrich::StoryIndexConfig;
use tidings_web::{AppState, SiteConfig};
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::config::Config;
use tidings_worker::host_slots::SharedHostSlots;
use tidings_worker::pipeline::Pipeline;
use tidings_worker::scheduler::run_scheduler;
use tidings_worker::story_stage::{StoryStage, run_story_placement};
use tidings_worker::worker::{WorkerSettings, run_worker};

/// What a `serve` process does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Role {
    /// The web site only.
    Web,
    /// Background work only: the scheduler (when it leads), jobs, the story stage (when it
    /// leads). No HTTP.
    Worker,
    /// Both.
    All,
}

impl Role {
    pub fn serves_web(self) -> bool {
        matches!(self, Role::Web | Role::All)
    }

    pub fn runs_jobs(self) -> bool {
        matches!(self, Role::Worker | Role::All)
    }
}

/// Everything a command needs, opened from the configuration.
pub struct App {
    pub config: Config,
    pub storage: Arc<dyn Storage>,
    pub pipeline: Arc<Pipeline>,
    /// Places what the pipeline (or an import) stored into stories.
    pub stories: Arc<StoryStage>,
}

impl App {
    /// Opens (creating when needed) the configured database: the PostgreSQL database of
    /// `database_url`, else the SQLite file in the data directory.
    pub async fn open(config: Config) -> anyhow::Result<App> {
        let location = config.database_location();
        let storage = tidings_storage::open(&location).await.map_err(|e| {
            anyhow::anyhow!(
                "cannot open the database at {}: {e}",
                without_password(&location)
            )
        })?;
        Self::with_storage(config, storage)
    }

    /// Opens the configured database for a command that only reads: a SQLite data directory
    /// that does not exist is refused instead of created.
    pub async fn open_existing(config: Config) -> anyhow::Result<App> {
        config.require_existing_data()?;
        Self::open(config).await
    }

    pub fn with_storage(config: Config, storage: Arc<dyn Storage>) -> anyhow::Result<App> {
        let site_rules =
            tidings_worker::site_rules::SiteRules::compile(&config.extract.site_rules)?;
        // Requests per host are limited across every process sharing the database.
        let host_slots = SharedHostSlots::new(
            Arc::clone(&storage),
            config.ingest.per_host_concurrency,
            std::time::Duration::from_secs(config.ingest.total_timeout_secs),
        );
        // One set of background-work metrics per process, shown by its `/metrics`.
        let metrics = tidings_worker::metrics::WorkerMetrics::new();
        let pipeline = Arc::new(
            Pipeline::new(Arc::clone(&storage), config.ingest.clone())?
                .with_site_rules(site_rules)
                .with_host_gate(Arc::new(host_slots))
                .with_metrics(metrics.clone()),
        );
        let stories = Arc::new(
            StoryStage::new(Arc::clone(&storage), StoryIndexConfig::default())
                .with_leader_ttl(config.worker.leader_ttl())
                .with_metrics(metrics),
        );
        Ok(App {
            config,
            storage,
            pipeline,
            stories,
        })
    }

    /// The web site's router over this app's storage.
    pub fn router(&self) -> anyhow::Result<axum::Router> {
        Ok(tidings_web::router(self.web_state()?))
    }

    /// What the web site's handlers share, built from this app's configuration and storage.
    pub fn web_state(&self) -> anyhow::Result<AppState> {
        let base_url = match self.config.server.base_url.as_str() {
            "" => None,
            url => Some(url::Url::parse(url)?),
        };
        Ok(AppState {
            storage: Arc::clone(&self.storage),
            site: SiteConfig {
                title: self.config.server.site_title.clone(),
                base_url,
            },
            accounts: self
                .config
                .accounts
                .settings(&self.config.comments, &self.config.server.base_url),
            ai: tidings_web::ai::AiServices::new(self.config.ai.assistant()?),
            cache: tidings_web::page_cache::PageCache::new(self.config.cache.settings()),
            admin: tidings_web::admin::AdminServices::new(Arc::new(
                crate::console_backend::AppConsole::new(self),
            )),
            metrics: tidings_web::metrics::SiteMetrics::new(
                self.config.server.metrics_token.clone(),
                vec![self.pipeline.metrics().registry()],
            ),
        })
    }

    /// Serves the site on `listener` with the background work when ingestion is enabled
    /// (`serve --role all`), until Ctrl-C or SIGTERM.
    pub async fn serve(&self, listener: TcpListener) -> anyhow::Result<()> {
        self.run(Role::All, Some(listener)).await
    }

    /// Runs `role` until Ctrl-C or SIGTERM. A role serving the web needs `listener`.
    pub async fn run(&self, role: Role, listener: Option<TcpListener>) -> anyhow::Result<()> {
        let (stop, stopped) = watch::channel(false);
        let stop = Arc::new(stop);
        let on_signal = Arc::clone(&stop);
        tokio::spawn(async move {
            shutdown_signal().await;
            tracing::info!("shutting down");
            let _ = on_signal.send(true);
        });
        let mut background = JoinSet::new();
        if role.runs_jobs() {
            if self.config.ingest.enabled {
                self.spawn_background(&mut background, &stopped);
            } else if role == Role::Worker {
                anyhow::bail!(
                    "ingest.enabled is false in the configuration: a worker would have nothing to do"
                );
            }
        }
        let served = match (role.serves_web(), listener) {
            (true, Some(listener)) => self.serve_web(listener, stopped.clone()).await,
            (true, None) => Err(anyhow::anyhow!(
                "the web role needs an address to listen on"
            )),
            (false, _) => self.serve_worker_metrics(stopped.clone()).await,
        };
        let _ = stop.send(true);
        while background.join_next().await.is_some() {}
        served
    }

    /// The scheduler (acting only while it leads), the job worker and the story stage
    /// (placing only while it leads).
    fn spawn_background(&self, tasks: &mut JoinSet<()>, stopped: &watch::Receiver<bool>) {
        let settings =
            WorkerSettings::from_config(&self.config.worker, self.config.ingest.concurrent_feeds);
        tasks.spawn(run_scheduler(
            Arc::clone(&self.pipeline),
            self.config.worker.leader_ttl(),
            stopped.clone(),
        ));
        tasks.spawn(run_worker(
            Arc::clone(&self.pipeline),
            settings,
            stopped.clone(),
        ));
        tasks.spawn(run_story_placement(
            Arc::clone(&self.stories),
            stopped.clone(),
        ));
    }

    /// A worker's `/metrics` on `server.metrics_listen` (nothing when unset), until stopped.
    async fn serve_worker_metrics(&self, mut stopped: watch::Receiver<bool>) -> anyhow::Result<()> {
        let address = self.config.server.metrics_listen.trim();
        if address.is_empty() {
            let _ = stopped.wait_for(|s| *s).await;
            return Ok(());
        }
        let listener = TcpListener::bind(address).await.map_err(|e| {
            anyhow::anyhow!("cannot listen on {address} (server.metrics_listen): {e}")
        })?;
        tracing::info!(address, "serving this worker's /metrics");
        let router = tidings_web::metrics_router(self.web_state()?);
        serve_router(listener, router, stopped).await
    }

    async fn serve_web(
        &self,
        listener: TcpListener,
        stopped: watch::Receiver<bool>,
    ) -> anyhow::Result<()> {
        let router = self.router()?;
        serve_router(listener, router, stopped).await
    }
}

/// Serves `router` on `listener` until `stopped` turns true.
async fn serve_router(
    listener: TcpListener,
    router: axum::Router,
    mut stopped: watch::Receiver<bool>,
) -> anyhow::Result<()> {
    axum::serve(
        listener,
        router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        let _ = stopped.wait_for(|s| *s).await;
    })
    .await
    .map_err(|e| anyhow::anyhow!("web server failed: {e}"))
}

/// Ctrl-C, or SIGTERM (what service managers send).
pub async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = term.recv() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

/// A database setting fit for messages: a URL's password is replaced by `***`.
pub fn without_password(location: &str) -> String {
    match url::Url::parse(location) {
        Ok(mut url) if url.password().is_some() => {
            let _ = url.set_password(Some("***"));
            url.to_string()
        }
        _ => location.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_stay_out_of_messages() {
        assert_eq!(
            without_password("postgres://tidings:s3cret@db.internal/news"),
            "postgres://tidings:***@db.internal/news"
        );
        assert_eq!(
            without_password("postgres://db.internal/news"),
            "postgres://db.internal/news"
        );
        assert_eq!(
            without_password("tidings-data/tidings.db"),
            "tidings-data/tidings.db"
        );
    }
}
