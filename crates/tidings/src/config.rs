//! Typed configuration: defaults, then a TOML file (`--config`), then `TIDINGS_…` environment
//! variables. Validated once at start-up and passed explicitly.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use serde::{Deserialize, Serialize};
pub use tidings_worker::config::{ExtractConfig, IngestConfig, WorkerConfig};

/// The whole configuration.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Directory for the database and everything else on disk.
    pub data_dir: PathBuf,
    /// `postgres://…` to share one PostgreSQL database between processes; empty for the
    /// SQLite file in `data_dir`.
    pub database_url: String,
    pub server: ServerConfig,
    pub ingest: IngestConfig,
    pub worker: WorkerConfig,
    pub accounts: crate::reader_config::AccountsConfig,
    pub comments: crate::reader_config::CommentsConfig,
    pub extract: ExtractConfig,
    pub ai: crate::ai_config::AiConfig,
    pub cache: crate::cache_config::CacheConfig,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(default, deny_unknown_fields)]
pub struct ServerConfig {
    pub listen: SocketAddr,
    /// The site's public URL, used for absolute links; empty when unknown.
    pub base_url: String,
    pub site_title: String,
    /// Opens `/metrics` to clients beyond loopback with `Authorization: Bearer <token>`.
    pub metrics_token: tidings_web::metrics::MetricsToken,
    /// Where a `serve --role worker` process serves its `/metrics`; empty for nowhere.
    pub metrics_listen: String,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            data_dir: PathBuf::from("tidings-data"),
            database_url: String::new(),
            server: ServerConfig::default(),
            ingest: IngestConfig::default(),
            worker: WorkerConfig::default(),
            accounts: Default::default(),
            comments: Default::default(),
            extract: ExtractConfig::default(),
            ai: Default::default(),
            cache: Default::default(),
        }
    }
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            base_url: String::new(),
            site_title: "Tidings".to_string(),
            metrics_token: Default::default(),
            metrics_listen: String::new(),
        }
    }
}

impl Config {
    /// Loads defaults, then `file` (when given), then the environment (`TIDINGS_DATA_DIR`,
    /// `TIDINGS_DATABASE_URL`, `TIDINGS_SERVER__LISTEN`,
    /// `TIDINGS_INGEST__DEFAULT_INTERVAL_MINUTES`, …), and validates.
    pub fn load(file: Option<&Path>) -> anyhow::Result<Config> {
        let mut figment = Figment::from(Serialized::defaults(Config::default()));
        if let Some(path) = file {
            if !path.exists() {
                anyhow::bail!("configuration file {} does not exist", path.display());
            }
            figment = figment.merge(Toml::file(path));
        }
        let config: Config = figment
            .merge(
                // Settings are `TIDINGS_DATA_DIR`, `TIDINGS_DATABASE_URL` and
                // `TIDINGS_<SECTION>__<KEY>`; other `TIDINGS_` variables (TIDINGS_LOG,
                // TIDINGS_CONFIG, …) are not settings.
                Env::prefixed("TIDINGS_")
                    .filter(|key| {
                        matches!(key.as_str(), "data_dir" | "database_url")
                            || key.as_str().contains("__")
                    })
                    .split("__"),
            )
            .extract()
            .map_err(|e| anyhow::anyhow!("configuration: {e}"))?;
        config.validate()?;
        Ok(config)
    }

    /// The defaults overlaid with a TOML document (no file, no environment), validated:
    /// what `load` makes of a configuration file's text.
    pub fn from_toml_str(text: &str) -> anyhow::Result<Config> {
        let config: Config = Figment::from(Serialized::defaults(Config::default()))
            .merge(Toml::string(text))
            .extract()
            .map_err(|e| anyhow::anyhow!("configuration: {e}"))?;
        config.validate()?;
        Ok(config)
    }

    /// Rejects values that would make Tidings misbehave, naming the setting.
    pub fn validate(&self) -> anyhow::Result<()> {
        let ingest = &self.ingest;
        let worker = &self.worker;
        let checks: [(bool, &str); 10] = [
            (
                ingest.default_interval_minutes >= 1,
                "ingest.default_interval_minutes must be at least 1",
            ),
            (
                ingest.max_backoff_minutes >= ingest.default_interval_minutes,
                "ingest.max_backoff_minutes must be at least default_interval_minutes",
            ),
            (
                ingest.concurrent_feeds >= 1,
                "ingest.concurrent_feeds must be at least 1",
            ),
            (
                ingest.concurrent_pages >= 1,
                "ingest.concurrent_pages must be at least 1",
            ),
            (
                ingest.per_host_concurrency >= 1,
                "ingest.per_host_concurrency must be at least 1",
            ),
            (
                ingest.max_body_mib >= 1 && ingest.max_body_mib <= 1024,
                "ingest.max_body_mib must be between 1 and 1024",
            ),
            (
                ingest.connect_timeout_secs >= 1
                    && ingest.total_timeout_secs >= ingest.connect_timeout_secs,
                "ingest timeouts must be at least 1 s, and total_timeout_secs at least connect_timeout_secs",
            ),
            (
                worker.lease_secs >= 1,
                "worker.lease_secs must be at least 1",
            ),
            (
                worker.max_attempts >= 1,
                "worker.max_attempts must be at least 1",
            ),
            (
                worker.leader_ttl_secs >= 3,
                "worker.leader_ttl_secs must be at least 3",
            ),
        ];
        for (ok, message) in checks {
            if !ok {
                anyhow::bail!("configuration: {message}");
            }
        }
        tidings_worker::site_rules::SiteRules::compile(&self.extract.site_rules)
            .map_err(|e| anyhow::anyhow!("configuration: {e}"))?;
        self.accounts.validate(&self.comments)?;
        self.ai.validate()?;
        self.cache
            .validate()
            .map_err(|e| anyhow::anyhow!("configuration: {e}"))?;
        let metrics_listen = self.server.metrics_listen.trim();
        if !metrics_listen.is_empty() && metrics_listen.parse::<SocketAddr>().is_err() {
            anyhow::bail!(
                "configuration: server.metrics_listen is not an address and port: {metrics_listen}"
            );
        }
        if !self.server.base_url.is_empty() {
            url::Url::parse(&self.server.base_url)
                .map_err(|e| anyhow::anyhow!("configuration: server.base_url is not a URL: {e}"))?;
        }
        Ok(())
    }

    /// The SQLite database file inside the data directory.
    pub fn database_path(&self) -> PathBuf {
        self.data_dir.join("tidings.db")
    }

    /// For commands that only read: refuses an SQLite data directory that does not exist
    /// (instead of creating an empty one and reporting that it is empty).
    pub fn require_existing_data(&self) -> anyhow::Result<()> {
        if self.database_url.trim().is_empty() && !self.data_dir.is_dir() {
            anyhow::bail!(
                "the data directory {} does not exist: give the one Tidings serves with --data \
                 (or data_dir in the configuration)",
                self.data_dir.display()
            );
        }
        Ok(())
    }

    /// What to open: `database_url` when set, else the SQLite file in the data directory.
    pub fn database_location(&self) -> String {
        match self.database_url.trim() {
            "" => self.database_path().to_string_lossy().into_owned(),
            url => url.to_string(),
        }
    }
}

/// The commented configuration file printed by `tidings example-config`.
pub const EXAMPLE_CONFIG: &str = include_str!("../example-config.toml");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_config_parses_to_the_defaults() {
        let parsed: Config = toml::from_str(EXAMPLE_CONFIG).expect("example config parses");
        assert_eq!(parsed, Config::default());
    }

    #[test]
    fn invalid_values_are_named() {
        let mut config = Config::default();
        config.ingest.concurrent_feeds = 0;
        let err = config.validate().expect_err("zero feeds refused");
        assert!(err.to_string().contains("ingest.concurrent_feeds"), "{err}");
    }

    #[test]
    fn unknown_keys_are_refused() {
        let err = toml::from_str::<Config>("[ingest]\nintervall = 3\n").expect_err("typo refused");
        assert!(err.to_string().contains("intervall"), "{err}");
    }
}
