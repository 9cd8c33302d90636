//! The `tidings` command line: a thin layer over the `tidings` library.

use std::io::Write as _;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};
use tidings::app::{App, Role};
use tidings::commands::{extract, feeds, opml, reextract};
use tidings::config::{Config, EXAMPLE_CONFIG};
use tidings::logging::LogFormat;
use tidings_core::RepublishPolicy;
use tokio::net::TcpListener;

#[derive(Parser)]
#[command(
    name = "tidings",
    version,
    about = "Tidings: a self-hosted news aggregation site"
)]
struct Cli {
    /// A TOML configuration file (see `tidings example-config`).
    #[arg(long, global = true, env = "TIDINGS_CONFIG")]
    config: Option<PathBuf>,
    /// Directory holding the database and everything else on disk [default: ./tidings-data].
    #[arg(long, global = true)]
    data: Option<PathBuf>,
    /// The database: postgres://USER@HOST/DB for one PostgreSQL database shared by many
    /// processes [default: the SQLite file tidings.db in the data directory].
    #[arg(
        long,
        global = true,
        env = "TIDINGS_DATABASE_URL",
        hide_env_values = true
    )]
    database: Option<String>,
    /// How log lines on stderr look: text, or json (one object per line) for a log collector.
    #[arg(
        long,
        global = true,
        value_enum,
        default_value = "text",
        env = "TIDINGS_LOG_FORMAT"
    )]
    log_format: LogFormat,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve the web site and poll feeds in the background.
    Serve {
        /// Address to listen on [default: 127.0.0.1:8080].
        #[arg(long)]
        listen: Option<SocketAddr>,
        /// web: the site only; worker: polling and the other background work, no HTTP;
        /// all: both. Run any number of each against one PostgreSQL database.
        #[arg(long, value_enum, default_value = "all")]
        role: Role,
    },
    /// Add, list or remove feeds.
    #[command(subcommand)]
    Feed(FeedCommand),
    /// Add every feed listed in an OPML file.
    ImportOpml {
        /// The OPML file (as exported by a feed reader).
        file: PathBuf,
    },
    /// Print every feed as OPML.
    ExportOpml,
    /// Print the offline summary of each article in JSON lines (url, title, text, …).
    Summarize {
        /// The JSON lines file, one article per line.
        file: PathBuf,
    },
    /// Import articles from JSON lines (url, title, text or html, publisher, published, id).
    Import {
        /// The JSON lines file, one article per line.
        file: PathBuf,
    },
    /// Move an installation from SQLite into an empty PostgreSQL database and verify the counts.
    MigrateData {
        /// The SQLite database to read (sqlite:PATH or a file path).
        #[arg(long)]
        from: String,
        /// The PostgreSQL database to fill (postgres://user@host/database); it must be empty.
        #[arg(long)]
        to: String,
    },
    /// Write a consistent backup of the database while the site keeps running (SQLite:
    /// a checked copy of the file; PostgreSQL: a pg_dump archive).
    Backup {
        /// The backup file to write; it must not exist.
        path: PathBuf,
    },
    /// Restore a backup into an empty data directory (SQLite) or an empty database
    /// (PostgreSQL, with pg_restore).
    Restore {
        /// The backup file written by `tidings backup`.
        path: PathBuf,
    },
    /// Run Tidings with made-up outlets served on loopback (no internet needed).
    Demo {
        /// Address the site listens on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Address the demo publishers listen on.
        #[arg(long, default_value = "127.0.0.1:8079")]
        publishers: SocketAddr,
    },
    /// Extract the article from saved pages (.html or .html.gz): one JSON object per page, in
    /// the order given, each with its "input" path; a page that cannot be read gets a line with
    /// its "error".
    Extract {
        /// The URL the page came from (for relative links).
        #[arg(long)]
        url: Option<url::Url>,
        /// The saved pages.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Run extraction again on the kept raw pages and update the articles.
    Reextract {
        /// Only this publisher's articles (its slug or name).
        #[arg(long)]
        source: Option<String>,
        /// Only pages fetched since this time (RFC 3339, or a YYYY-MM-DD date in UTC).
        #[arg(long, value_parser = reextract::parse_since)]
        since: Option<chrono::DateTime<chrono::Utc>>,
    },
    /// Print a commented configuration file.
    ExampleConfig,
    /// Manage reader accounts: create, reset-password, ban, unban, token.
    #[command(subcommand)]
    User(tidings::commands::users::UserCommand),
    /// The shared job queue: status, dead jobs, retry.
    #[command(subcommand)]
    Jobs(tidings::commands::jobs::JobsCommand),
}

#[derive(Subcommand)]
enum FeedCommand {
    /// Add a feed URL, or a site URL whose page links to its feed.
    Add {
        /// The feed's URL, or the site's: its page is searched for the feed it links to.
        url: String,
        /// The publisher's name [default: the feed's title].
        #[arg(long)]
        publisher: Option<String>,
        /// How much to republish: full or excerpt [default: from the configuration].
        #[arg(long, value_parser = parse_policy)]
        policy: Option<RepublishPolicy>,
        /// Allow loopback and private network addresses for this feed (refused by default).
        #[arg(long)]
        allow_private: bool,
        /// Poll interval in minutes.
        #[arg(long)]
        interval: Option<u32>,
    },
    /// List feeds with their last fetch, status and last error.
    List,
    /// Remove a feed (by id or URL); its articles stay.
    Remove {
        /// The feed's id (from `feed list`) or URL.
        feed: String,
    },
}

fn parse_policy(s: &str) -> Result<RepublishPolicy, String> {
    RepublishPolicy::parse(s).ok_or_else(|| format!("'{s}' is not a policy (full or excerpt)"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tidings::logging::init(cli.log_format);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {}", one_line(&e));
            ExitCode::FAILURE
        }
    }
}

/// The error and its causes on one line.
fn one_line(e: &anyhow::Error) -> String {
    e.chain()
        .map(|c| c.to_string())
        .collect::<Vec<_>>()
        .join(": ")
}

async fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let mut config = Config::load(cli.config.as_deref())?;
    if let Some(data) = cli.data {
        config.data_dir = data;
    }
    if let Some(database) = cli.database {
        config.database_url = database;
    }
    match cli.command {
        Command::User(command) => {
            let app = if command.only_reads() {
                App::open_existing(config).await?
            } else {
                App::open(config).await?
            };
            tidings::commands::users::run_user_command(&app, command).await?;
        }
        Command::Jobs(command) => {
            let app = if command.only_reads() {
                App::open_existing(config).await?
            } else {
                App::open(config).await?
            };
            print!(
                "{}",
                tidings::commands::jobs::run_jobs_command(&app, command).await?
            );
        }
        Command::Summarize { file } => {
            let failed =
                tidings::commands::summarize::summarize_file(&file, &mut std::io::stdout().lock())?;
            if failed > 0 {
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::Backup { path } => {
            config.require_existing_data()?;
            println!(
                "{}",
                tidings::commands::backup::run_backup(&config, &path).await?
            );
        }
        Command::Restore { path } => {
            println!(
                "{}",
                tidings::commands::backup::run_restore(&config, &path).await?
            );
        }
        Command::ExampleConfig => {
            print!("{EXAMPLE_CONFIG}");
        }
        Command::Reextract { source, since } => {
            let app = App::open(config).await?;
            let options = reextract::ReextractOptions {
                source,
                since,
                progress: true,
            };
            let report =
                reextract::reextract(&app.storage, app.pipeline.site_rules(), &options).await?;
            println!(
                "Re-extracted {} of {} kept pages ({} left as they were, {} failed).",
                report.updated, report.pages, report.kept_as_is, report.failed
            );
        }
        Command::Extract { url, files } => return Ok(run_extract(url.as_ref(), &files)),
        Command::Serve { listen, role } => {
            let listen = listen.unwrap_or(config.server.listen);
            if config.server.base_url.trim().is_empty() && !listen.ip().is_loopback() {
                tracing::warn!(
                    "server.base_url is not set: password-reset links, canonical links and \
                     feeds will name {listen}; set it to the site's public URL"
                );
            }
            let app = App::open(config).await?;
            let listener = if role.serves_web() {
                let listener = TcpListener::bind(listen)
                    .await
                    .with_context(|| format!("cannot listen on {listen}"))?;
                println!("Tidings is serving at http://{}/", listener.local_addr()?);
                Some(listener)
            } else {
                println!("Tidings worker {} is running", std::process::id());
                None
            };
            app.run(role, listener).await?;
        }
        Command::Demo { listen, publishers } => {
            tidings::commands::demo::run_demo(config, listen, publishers).await?;
        }
        Command::Feed(command) => {
            let app = if matches!(command, FeedCommand::List) {
                App::open_existing(config).await?
            } else {
                App::open(config).await?
            };
            run_feed_command(&app, command).await?;
        }
        Command::ImportOpml { file } => {
            let app = App::open(config).await?;
            let bytes =
                std::fs::read(&file).with_context(|| format!("cannot read {}", file.display()))?;
            let report = opml::import_opml(&app, &bytes, true).await?;
            println!(
                "Imported {} feeds ({} were there already, {} invalid).",
                report.added,
                report.already_present,
                report.invalid.len()
            );
            for problem in &report.invalid {
                println!("  skipped {problem}");
            }
        }
        Command::MigrateData { from, to } => {
            let report = tidings::commands::migrate_data::run(&from, &to, true).await?;
            for (table, rows) in &report.tables {
                println!("  {table:<24} {rows:>10} rows");
            }
            println!(
                "Moved {} rows in {} tables; every table's count matches.",
                report.total_rows(),
                report.tables.len()
            );
        }
        Command::Import { file } => {
            let app = App::open(config).await?;
            let contents = std::fs::read_to_string(&file)
                .with_context(|| format!("cannot read {}", file.display()))?;
            let report = tidings::commands::import::import_jsonl(&app, &contents, true).await?;
            println!(
                "Imported {} articles ({} were there already, {} rejected).",
                report.inserted,
                report.duplicates,
                report.rejected.len()
            );
            for problem in &report.rejected {
                println!("  skipped {problem}");
            }
            if let Some(why) = report.failure() {
                anyhow::bail!(why);
            }
        }
        Command::ExportOpml => {
            let app = App::open_existing(config).await?;
            print!("{}", opml::export_opml(&app).await?);
        }
    }
    Ok(ExitCode::SUCCESS)
}

async fn run_feed_command(app: &App, command: FeedCommand) -> anyhow::Result<()> {
    match command {
        FeedCommand::Add {
            url,
            publisher,
            policy,
            allow_private,
            interval,
        } => {
            let options = feeds::AddFeedOptions {
                publisher,
                policy,
                allow_private,
                interval_minutes: interval,
            };
            let feed = feeds::add_feed(app, &url, options).await?;
            println!("Added feed {} ({}): {}", feed.id, feed.publisher, feed.url);
        }
        FeedCommand::List => print!(
            "{}",
            feeds::format_feed_list(&app.storage.list_feeds().await?)
        ),
        FeedCommand::Remove { feed } => {
            let removed = feeds::remove_feed(app, &feed).await?;
            println!(
                "Removed feed {} ({}); its articles stay.",
                removed.id, removed.url
            );
        }
    }
    Ok(())
}

/// Prints one JSON line per file, in order, each naming its input; a file that fails gets a
/// line with its error (also on stderr) and the exit code is 1.
fn run_extract(url: Option<&url::Url>, files: &[PathBuf]) -> ExitCode {
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let mut failed = 0usize;
    for file in files {
        let line = match extract::extract_file(file, url) {
            Ok(article) => extract::result_line(file, Ok(&article)),
            Err(e) => {
                failed += 1;
                let message = one_line(&e);
                eprintln!("error: {message}");
                extract::result_line(file, Err(&message))
            }
        };
        if writeln!(out, "{line}").is_err() {
            return ExitCode::FAILURE;
        }
    }
    if failed > 0 {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
