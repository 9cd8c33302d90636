//! `tidings-bench`: the measurements behind BENCHMARKS.md. Each subcommand prints its figures.
//!
//! - `feeds DIR`: feed parsing throughput over a folder of real feeds.
//! - `ingest`: demo publishers → pipeline → SQLite, articles per second.
//! - `page-latency --articles N`: article-page latency under load from a separate process.
//! - `populate --database URL --articles N`: fills a database with N synthetic articles.
//! - `load URL...`: the load generator `page-latency` runs as its child process.
//! - `workers --articles N --processes 1,2,4`: ingest with several worker processes.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use clap::{Parser, Subcommand};

#[derive(Parser)]
#[command(name = "tidings-bench", about = "Measurements behind BENCHMARKS.md")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Feed parsing throughput over every file listed in DIR/INDEX.jsonl.
    Feeds { dir: PathBuf },
    /// Ingest the demo publishers into a fresh database; articles per second.
    Ingest {
        /// Times to repeat, each into a fresh database.
        #[arg(long, default_value_t = 3)]
        runs: usize,
    },
    /// Article-page latency on a database of N synthetic articles, under load from a child process.
    PageLatency {
        #[arg(long, default_value_t = 10_000)]
        articles: usize,
        #[arg(long, default_value_t = 64)]
        clients: usize,
        #[arg(long, default_value_t = 20)]
        seconds: u64,
        /// Keep the database in DIR (reused when it holds articles already) instead of a
        /// temporary directory.
        #[arg(long)]
        data: Option<PathBuf>,
        /// Serve this database (SQLite path or postgres:// URL) instead of the data directory's.
        #[arg(long)]
        database: Option<String>,
        /// Store nothing: load pages of the first N articles already stored (by `populate`).
        #[arg(long)]
        no_fill: bool,
    },
    /// Stores N synthetic articles, placed in stories by their events (resumable).
    Populate {
        /// SQLite path or postgres:// URL.
        #[arg(long)]
        database: String,
        #[arg(long)]
        articles: usize,
        #[arg(long, default_value_t = 42)]
        seed: u64,
        /// Events written at once (default: 1 for SQLite, 8 for PostgreSQL).
        #[arg(long)]
        writers: Option<usize>,
    },
    /// Story grouping, Related@5 and copies on the shared data, and the story-index scale curve.
    Stories {
        /// The shared data folder.
        #[arg(long, default_value = "../shared/data")]
        data: PathBuf,
        /// Archive sizes for the scale curve (empty: skip it).
        #[arg(long, value_delimiter = ',', default_value = "10000,100000,1000000")]
        sizes: Vec<usize>,
        /// Override the join threshold (for tuning).
        #[arg(long)]
        threshold: Option<f32>,
        /// Override the weight of the nearest member in a story's score (for tuning).
        #[arg(long)]
        nearest_weight: Option<f32>,
        /// Skip the copy set and the scale curve: ECB+ grouping and Related@5 only.
        #[arg(long)]
        quality_only: bool,
        /// Write each ECB+ document's event and story (tab-separated, per order) to this file.
        #[arg(long)]
        assignments: Option<PathBuf>,
    },
    /// Ingest throughput with several `tidings serve --role worker` processes on PostgreSQL.
    Workers {
        /// Articles the scaled demo publishers serve.
        #[arg(long, default_value_t = 20_000)]
        articles: usize,
        /// Worker process counts to measure.
        #[arg(long, value_delimiter = ',', default_value = "1,2,4")]
        processes: Vec<usize>,
        /// Runs per process count, each on a fresh database.
        #[arg(long, default_value_t = 1)]
        runs: usize,
        #[arg(long, default_value_t = 100)]
        items_per_feed: usize,
        /// Loopback addresses the 8 outlets are spread over (1: one host for all).
        #[arg(long, default_value_t = 8)]
        hosts: usize,
        #[arg(long, default_value_t = 8)]
        concurrent_feeds: usize,
        #[arg(long, default_value_t = 4)]
        concurrent_pages: usize,
        #[arg(long, default_value_t = 2)]
        per_host_concurrency: usize,
        /// A PostgreSQL server where this user may create databases.
        #[arg(long, default_value = "postgres://postgres@127.0.0.1:5432/postgres")]
        admin_url: String,
        /// Seconds a run may take.
        #[arg(long, default_value_t = 3600)]
        timeout: u64,
    },
    /// Requests the given URLs round-robin from `clients` concurrent clients for `seconds`.
    Load {
        #[arg(long)]
        clients: usize,
        #[arg(long)]
        seconds: u64,
        urls: Vec<String>,
    },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let runtime = tokio::runtime::Runtime::new()?;
    match cli.command {
        Command::Feeds { dir } => bench_feeds(&dir),
        Command::Ingest { runs } => runtime.block_on(bench_ingest(runs)),
        Command::PageLatency {
            articles,
            clients,
            seconds,
            data,
            database,
            no_fill,
        } => runtime.block_on(bench_page_latency(
            articles, clients, seconds, data, database, no_fill,
        )),
        Command::Populate {
            database,
            articles,
            seed,
            writers,
        } => runtime.block_on(tidings_bench::bench_population::populate_command(
            &database, articles, seed, writers,
        )),
        Command::Stories {
            data,
            sizes,
            threshold,
            nearest_weight,
            quality_only,
            assignments,
        } => bench_stories(
            &data,
            &sizes,
            threshold,
            nearest_weight,
            quality_only,
            assignments.as_deref(),
        ),
        Command::Workers {
            articles,
            processes,
            runs,
            items_per_feed,
            hosts,
            concurrent_feeds,
            concurrent_pages,
            per_host_concurrency,
            admin_url,
            timeout,
        } => runtime.block_on(tidings_bench::bench_workers::run(
            tidings_bench::bench_workers::WorkersBench {
                articles,
                items_per_feed,
                processes,
                runs,
                admin_url,
                hosts,
                concurrent_feeds,
                concurrent_pages,
                per_host_concurrency,
                timeout: Duration::from_secs(timeout),
            },
        )),
        Command::Load {
            clients,
            seconds,
            urls,
        } => runtime.block_on(run_load(clients, seconds, urls)),
    }
}

fn bench_stories(
    data: &Path,
    sizes: &[usize],
    threshold: Option<f32>,
    nearest_weight: Option<f32>,
    quality_only: bool,
    assignments: Option<&Path>,
) -> anyhow::Result<()> {
    use std::fmt::Write as _;
    use tidings_bench::story_eval::{self, StreamOrder};
    let mut config = tidings_enrich::StoryIndexConfig::default();
    if let Some(t) = threshold {
        config.join_threshold = t;
    }
    if let Some(w) = nearest_weight {
        config.nearest_weight = w;
    }
    let ecb = data.join("stories/ecbplus-dev/docs.jsonl");
    let demo_corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("../demo/data/corpus.jsonl");
    let mut dump = String::new();
    for (label, order) in [
        ("file order, 1 min apart", StreamOrder::File),
        (
            "publication order of the demo corpus",
            StreamOrder::Published(&demo_corpus),
        ),
    ] {
        let f = story_eval::evaluate_ecbplus(&ecb, order, config)?;
        println!(
            "ecbplus-dev ({label}): {} docs, {} events -> {} stories; pairwise P {:.3} R {:.3} F1 {:.3}",
            f.documents, f.events, f.stories, f.precision, f.recall, f.f1
        );
        println!(
            "  related@5 same-event precision: {:.3} over {} articles (events with >= 5 other articles)",
            f.related_at_5, f.related_articles
        );
        let pairs: Vec<String> = f.copies.iter().map(|(c, o)| format!("{c}~{o}")).collect();
        println!(
            "  articles marked as copies: {} ({})",
            f.copies.len(),
            pairs.join(" ")
        );
        for (doc, event, story) in &f.assignments {
            writeln!(dump, "{label}\t{doc}\t{event}\t{story}")?;
        }
    }
    let s = story_eval::evaluate_shuffles(&ecb, 1..=10, config)?;
    println!(
        "ecbplus-dev ({} shuffled orders, 1 min apart): mean pairwise P {:.3} R {:.3} F1 {:.3} (F1 {:.3} to {:.3})",
        s.orders, s.mean_precision, s.mean_recall, s.mean_f1, s.min_f1, s.max_f1
    );
    if let Some(path) = assignments {
        std::fs::write(path, dump)?;
    }
    if quality_only {
        return Ok(());
    }
    let c = story_eval::evaluate_copies(
        &data.join("extraction/zyte/ground-truth.json"),
        &ecb,
        config,
    )?;
    println!(
        "copies (zyte, {} originals + {} republished, streamed): TP {} FP {} precision {:.3} recall {:.3}",
        c.originals, c.copies, c.true_positives, c.false_positives, c.precision, c.recall
    );
    println!(
        "copies among same-event ecbplus pairs: {} of {}",
        c.same_event_false_copies, c.same_event_pairs
    );
    for point in story_eval::measure_scale(sizes, 1000) {
        println!(
            "scale: {:>8} indexed articles (loaded in {:.1} s): place+insert+related mean {:.0} µs, p99 {:.0} µs",
            point.stored, point.load_secs, point.mean_micros, point.p99_micros
        );
    }
    Ok(())
}

/// The feeds listed in `DIR/INDEX.jsonl` (`{"path": ...}` per line).
fn feed_files(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let index = dir.join("INDEX.jsonl");
    let text = std::fs::read_to_string(&index)
        .with_context(|| format!("cannot read {}", index.display()))?;
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let row: serde_json::Value = serde_json::from_str(line)?;
            let path = row["path"]
                .as_str()
                .context("INDEX.jsonl row without path")?;
            Ok(dir.join(path))
        })
        .collect()
}

fn bench_feeds(dir: &Path) -> anyhow::Result<()> {
    let files = feed_files(dir)?;
    let bodies: Vec<Vec<u8>> = files.iter().map(std::fs::read).collect::<Result<_, _>>()?;
    let base = url::Url::parse("https://example.com/feed")?;
    let bytes: usize = bodies.iter().map(Vec::len).sum();
    let mut best = Duration::MAX;
    let mut parsed = 0;
    let mut entries = 0;
    for _ in 0..5 {
        let started = Instant::now();
        parsed = 0;
        entries = 0;
        for body in &bodies {
            if let Ok(feed) = tidings_ingest::feed::parse_feed(body, None, &base) {
                parsed += 1;
                entries += feed.entries.len();
            }
        }
        best = best.min(started.elapsed());
    }
    let secs = best.as_secs_f64();
    println!(
        "feeds: {} files ({:.1} MB), {parsed} parsed, {entries} entries; best of 5: {:.3} s = {:.0} feeds/s, {:.1} MB/s, {:.0} entries/s",
        bodies.len(),
        bytes as f64 / 1e6,
        secs,
        bodies.len() as f64 / secs,
        bytes as f64 / 1e6 / secs,
        entries as f64 / secs
    );
    Ok(())
}

async fn bench_ingest(runs: usize) -> anyhow::Result<()> {
    for run in 1..=runs {
        let dir = tempfile::tempdir()?;
        let mut config = tidings::config::Config {
            data_dir: dir.path().to_path_buf(),
            ..Default::default()
        };
        config.ingest.per_host_concurrency = 8;
        config.ingest.concurrent_pages = 8;
        let app = tidings::app::App::open(config).await?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let (outlets, server) =
            tidings_demo::start_publishers(listener, chrono::Utc::now()).await?;
        let started = Instant::now();
        let (inserted, errors) = tidings::commands::demo::ingest_demo(&app, &outlets).await?;
        let secs = started.elapsed().as_secs_f64();
        server.abort();
        println!(
            "ingest run {run}: {inserted} articles from {} feeds in {secs:.2} s = {:.0} articles/s ({errors} feed errors)",
            outlets.outlets.len(),
            inserted as f64 / secs
        );
    }
    Ok(())
}

async fn bench_page_latency(
    articles: usize,
    clients: usize,
    seconds: u64,
    data: Option<PathBuf>,
    database: Option<String>,
    no_fill: bool,
) -> anyhow::Result<()> {
    let temporary = tempfile::tempdir()?;
    let mut config = tidings::config::Config {
        data_dir: data.unwrap_or_else(|| temporary.path().to_path_buf()),
        database_url: database.unwrap_or_default(),
        ..Default::default()
    };
    config.ingest.enabled = false;
    let app = tidings::app::App::open(config).await?;
    let started = Instant::now();
    let ids = if no_fill {
        let ids = tidings_bench::bench_population::sample_article_ids(
            app.storage.as_ref(),
            42,
            articles,
            2000,
        )
        .await?;
        anyhow::ensure!(
            !ids.is_empty(),
            "no synthetic articles stored: run populate"
        );
        println!(
            "page-latency: {} articles stored; {} ids chosen evenly over the first {articles}",
            app.storage.count_articles().await?,
            ids.len()
        );
        ids
    } else {
        tidings_bench::synthetic::fill(
            app.storage.as_ref(),
            articles,
            42,
            Some(app.stories.as_ref()),
        )
        .await?
    };
    println!(
        "page-latency: {} synthetic articles ready in {:.1} s",
        ids.len(),
        started.elapsed().as_secs_f64()
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let router = app.router()?;
    let server = tokio::spawn(async move { axum::serve(listener, router).await });
    let step = (ids.len() / 2000).max(1);
    let urls: Vec<String> = ids
        .iter()
        .step_by(step)
        .map(|id| format!("http://{addr}/article/{id}"))
        .collect();
    let exe = std::env::current_exe()?;
    let output = tokio::process::Command::new(exe)
        .arg("load")
        .args([
            "--clients",
            &clients.to_string(),
            "--seconds",
            &seconds.to_string(),
        ])
        .args(&urls)
        .output()
        .await?;
    server.abort();
    print!("{}", String::from_utf8_lossy(&output.stdout));
    eprint!("{}", String::from_utf8_lossy(&output.stderr));
    anyhow::ensure!(output.status.success(), "load generator failed");
    Ok(())
}

async fn run_load(clients: usize, seconds: u64, urls: Vec<String>) -> anyhow::Result<()> {
    anyhow::ensure!(!urls.is_empty(), "no URLs to load");
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(clients)
        .build()?;
    let urls = Arc::new(urls);
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for worker in 0..clients {
        let client = client.clone();
        let urls = Arc::clone(&urls);
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0usize;
            let mut i = worker * 7919;
            while Instant::now() < deadline {
                let url = &urls[i % urls.len()];
                i += 1;
                let started = Instant::now();
                match client.get(url).send().await {
                    Ok(r) if r.status().is_success() => {
                        let _ = r.bytes().await;
                        latencies.push(started.elapsed());
                    }
                    _ => errors += 1,
                }
            }
            (latencies, errors)
        }));
    }
    let mut all = Vec::new();
    let mut errors = 0;
    for task in tasks {
        let (l, e) = task.await?;
        all.extend(l);
        errors += e;
    }
    all.sort();
    let pct = |p: f64| {
        all.get(((all.len() as f64 * p) as usize).min(all.len().saturating_sub(1)))
            .copied()
            .unwrap_or_default()
    };
    println!(
        "load: {clients} clients, {seconds} s: {} requests ({errors} errors) = {:.0} req/s; p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        all.len(),
        all.len() as f64 / seconds as f64,
        pct(0.50).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
        all.last().copied().unwrap_or_default().as_secs_f64() * 1e3
    );
    Ok(())
}
