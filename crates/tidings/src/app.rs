//! The running application: configuration, storage, the pipeline, and the web server with
//! its background scheduler.

use std::sync::Arc;

use tidings_core::Storage;
use tidings_storage::SqliteStorage;
use tidings_web::{AppState, SiteConfig};
use tokio::net::TcpListener;
use tokio::sync::watch;

use crate::config::Config;
use crate::pipeline::Pipeline;
use crate::scheduler::run_scheduler;

/// Everything a command needs, opened from the configuration.
pub struct App {
    pub config: Config,
    pub storage: Arc<dyn Storage>,
    pub pipeline: Arc<Pipeline>,
}

impl App {
    /// Opens (creating when needed) the database in the data directory.
    pub async fn open(config: Config) -> anyhow::Result<App> {
        let path = config.database_path();
        let storage = SqliteStorage::open(&path)
            .await
            .map_err(|e| anyhow::anyhow!("cannot open the database at {}: {e}", path.display()))?;
        Self::with_storage(config, Arc::new(storage))
    }

    pub fn with_storage(config: Config, storage: Arc<dyn Storage>) -> anyhow::Result<App> {
        let site_rules = crate::site_rules::SiteRules::compile(&config.extract.site_rules)?;
        let pipeline = Arc::new(
            Pipeline::new(Arc::clone(&storage), config.ingest.clone())?.with_site_rules(site_rules),
        );
        Ok(App {
            config,
            storage,
            pipeline,
        })
    }

    /// The web site's router over this app's storage.
    pub fn router(&self) -> anyhow::Result<axum::Router> {
        let base_url = match self.config.server.base_url.as_str() {
            "" => None,
            url => Some(url::Url::parse(url)?),
        };
        Ok(tidings_web::router(AppState {
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
        }))
    }

    /// Serves the site on `listener`, with background ingestion when enabled, until Ctrl-C.
    pub async fn serve(&self, listener: TcpListener) -> anyhow::Result<()> {
        let (stop, stopped) = watch::channel(false);
        let scheduler = self
            .config
            .ingest
            .enabled
            .then(|| tokio::spawn(run_scheduler(Arc::clone(&self.pipeline), stopped.clone())));
        let router = self.router()?;
        let mut web_stopped = stopped.clone();
        let server = axum::serve(
            listener,
            router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            let _ = web_stopped.wait_for(|s| *s).await;
        });
        let stop = Arc::new(stop);
        let on_ctrl_c = Arc::clone(&stop);
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                tracing::info!("shutting down");
                let _ = on_ctrl_c.send(true);
            }
        });
        let served = server.await;
        let _ = stop.send(true);
        if let Some(task) = scheduler {
            let _ = task.await;
        }
        served.map_err(|e| anyhow::anyhow!("web server failed: {e}"))
    }
}
