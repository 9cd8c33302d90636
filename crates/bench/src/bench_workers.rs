//! `tidings-bench workers`: ingest throughput with 1, 2, 4… `tidings serve --role worker`
//! processes sharing one PostgreSQL database, against the demo publishers scaled up
//! ([`DemoScale`]) on loopback, each outlet on a loopback address of its own so the per-host
//! limit applies per outlet as it would on the internet.
//!
//! Each run gets a fresh database (dropped afterwards) with every feed added, then starts the
//! worker processes (the `tidings` binary next to the running one) and times how long until
//! every published article is stored, and until every one is placed in a story.

use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use chrono::{Duration as ChronoDuration, Utc};
use sqlx::{Connection, PgConnection};
use tidings_core::{BodySource, FeedStatus, JobCounts, NewFeed, RepublishPolicy, Storage};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};

use tidings_demo::{DemoPublishers, DemoScale, start_scaled_publishers};

/// How often progress is checked.
const CHECK_EVERY: Duration = Duration::from_millis(250);
/// How often progress is printed.
const PRINT_EVERY: Duration = Duration::from_secs(15);
/// Articles read back to check what they were made from.
const SAMPLED_ARTICLES: usize = 400;
/// Linux reports process CPU time in ticks of 1/100 s.
const CLOCK_TICKS_PER_SEC: f64 = 100.0;

/// What to measure.
#[derive(Debug, Clone)]
pub struct WorkersBench {
    pub articles: usize,
    pub items_per_feed: usize,
    /// Worker process counts to measure, in order.
    pub processes: Vec<usize>,
    pub runs: usize,
    /// A PostgreSQL server URL whose user may create databases.
    pub admin_url: String,
    /// Loopback addresses the outlets are spread over (1: every outlet on one host).
    pub hosts: usize,
    pub concurrent_feeds: usize,
    pub concurrent_pages: usize,
    pub per_host_concurrency: usize,
    /// A run that has not stored everything by then fails.
    pub timeout: Duration,
}

/// What one run measured.
#[derive(Debug, Clone)]
struct RunResult {
    processes: usize,
    run: usize,
    articles: usize,
    stored_secs: f64,
    placed_secs: f64,
    /// Peak resident memory of each worker, MiB.
    peak_rss_mib: Vec<f64>,
    /// CPU seconds of each worker.
    worker_cpu: Vec<f64>,
    /// CPU seconds of the PostgreSQL backends serving this run's database.
    database_cpu: f64,
    /// CPU seconds of this process (the publishers and the progress checks).
    publishers_cpu: f64,
    load_average: String,
}

/// Runs the benchmark and prints a table.
pub async fn run(bench: WorkersBench) -> anyhow::Result<()> {
    let binary = tidings_binary()?;
    let listeners = bind_hosts(bench.hosts).await?;
    let rendering = Instant::now();
    let scale = DemoScale {
        articles: bench.articles,
        items_per_feed: bench.items_per_feed,
    };
    let (publishers, servers) = start_scaled_publishers(listeners, Utc::now(), scale).await?;
    let feeds: usize = publishers.outlets.iter().map(|o| o.feed_urls.len()).sum();
    println!(
        "publishers: {} articles from {} outlets in {feeds} feeds on {} loopback host(s), rendered in {:.1} s",
        publishers.article_count,
        publishers.outlets.len(),
        bench.hosts,
        rendering.elapsed().as_secs_f64()
    );
    println!(
        "settings: concurrent_feeds = {}, concurrent_pages = {}, per_host_concurrency = {} (shared through the database), feeds polled once (interval 1 h), PostgreSQL {} (autovacuum {})",
        bench.concurrent_feeds,
        bench.concurrent_pages,
        bench.per_host_concurrency,
        tidings::app::without_password(&bench.admin_url),
        server_setting(&bench.admin_url, "autovacuum")
            .await
            .unwrap_or_else(|e| format!("unknown: {e:#}"))
    );
    let mut results = Vec::new();
    for &processes in &bench.processes {
        for run in 1..=bench.runs {
            let result = tokio::select! {
                result = run_once(&bench, &binary, &publishers, processes, run) => result?,
                () = tidings::app::shutdown_signal() => bail!("interrupted: the workers were stopped and the database dropped"),
            };
            print_result(&result);
            results.push(result);
        }
    }
    for server in servers {
        server.abort();
    }
    print_table(&results);
    Ok(())
}

/// A setting of the PostgreSQL server, as `SHOW` prints it. Without autovacuum (some test
/// servers turn it off) tables are never analysed and plans cached while they were empty
/// stay, which a production server would not see.
async fn server_setting(admin_url: &str, name: &str) -> anyhow::Result<String> {
    let mut admin = PgConnection::connect(admin_url).await?;
    let (value,): (String,) = sqlx::query_as(&format!("SHOW {name}"))
        .fetch_one(&mut admin)
        .await?;
    admin.close().await?;
    Ok(value)
}

/// The `tidings` binary built beside this one.
fn tidings_binary() -> anyhow::Result<PathBuf> {
    let me = std::env::current_exe().context("cannot find this program's path")?;
    let binary = me.with_file_name(format!("tidings{}", std::env::consts::EXE_SUFFIX));
    if !binary.exists() {
        bail!(
            "{} is missing: build it first (cargo build --release -p tidings)",
            binary.display()
        );
    }
    Ok(binary)
}

/// One listener on each of `127.0.0.1` … `127.0.0.<hosts>`.
async fn bind_hosts(hosts: usize) -> anyhow::Result<Vec<tokio::net::TcpListener>> {
    if !(1..=250).contains(&hosts) {
        bail!("--hosts must be between 1 and 250, not {hosts}");
    }
    let mut listeners = Vec::with_capacity(hosts);
    for n in 1..=hosts {
        let address = format!("127.0.0.{n}:0");
        listeners.push(
            tokio::net::TcpListener::bind(&address)
                .await
                .with_context(|| format!("cannot listen on {address}"))?,
        );
    }
    Ok(listeners)
}

async fn run_once(
    bench: &WorkersBench,
    binary: &Path,
    publishers: &DemoPublishers,
    processes: usize,
    run: usize,
) -> anyhow::Result<RunResult> {
    // Dropped (with the workers, killed on drop) also when the run fails or is interrupted.
    let database = BenchDatabase::create(&bench.admin_url).await?;
    measure(bench, binary, publishers, processes, run, &database).await
}

async fn measure(
    bench: &WorkersBench,
    binary: &Path,
    publishers: &DemoPublishers,
    processes: usize,
    run: usize,
    database: &BenchDatabase,
) -> anyhow::Result<RunResult> {
    let storage = tidings_storage::open(&database.url)
        .await
        .map_err(|e| anyhow::anyhow!("cannot open the benchmark database: {e}"))?;
    add_feeds(storage.as_ref(), publishers).await?;
    let dir = tempfile::tempdir()?;
    let config = write_config(bench, dir.path())?;
    let expected = publishers.article_count;
    let own_cpu_before = cpu_seconds("self").unwrap_or(0.0);

    let started = Instant::now();
    let mut workers = Vec::with_capacity(processes);
    for n in 0..processes {
        workers.push(spawn_worker(binary, &config, &database.url, dir.path(), n).await?);
    }
    let progress = wait_for_ingest(bench, storage.as_ref(), &mut workers, expected, started).await;
    let measured = progress.and_then(|times| {
        Ok((
            times,
            workers
                .iter()
                .map(|w| w.id().context("a worker has no pid"))
                .collect::<anyhow::Result<Vec<u32>>>()?,
        ))
    });
    let backends = database.backend_pids().await.unwrap_or_default();
    let database_cpu: f64 = backends
        .iter()
        .filter_map(|pid| cpu_seconds(&pid.to_string()))
        .sum();
    let publishers_cpu = cpu_seconds("self").unwrap_or(0.0) - own_cpu_before;
    let load_average = std::fs::read_to_string("/proc/loadavg")
        .map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default();
    let pids = match &measured {
        Ok((_, pids)) => pids.clone(),
        Err(_) => Vec::new(),
    };
    let peak_rss_mib = pids.iter().map(|&pid| peak_rss_mib(pid)).collect();
    let worker_cpu = pids
        .iter()
        .map(|pid| cpu_seconds(&pid.to_string()).unwrap_or(0.0))
        .collect();
    for worker in &mut workers {
        let _ = worker.start_kill();
        let _ = worker.wait().await;
    }
    let ((stored_secs, placed_secs), _) = measured.map_err(|e| {
        let log = log_tail(dir.path(), processes);
        e.context(format!("worker logs end with:\n{log}"))
    })?;
    report_content(storage.as_ref(), expected).await?;
    Ok(RunResult {
        processes,
        run,
        articles: expected,
        stored_secs,
        placed_secs,
        peak_rss_mib,
        worker_cpu,
        database_cpu,
        publishers_cpu,
        load_average,
    })
}

async fn add_feeds(storage: &dyn Storage, publishers: &DemoPublishers) -> anyhow::Result<()> {
    for outlet in &publishers.outlets {
        for url in &outlet.feed_urls {
            storage
                .add_feed(NewFeed {
                    url: url.clone(),
                    title: Some(outlet.name.clone()),
                    site_url: Some(outlet.home_url.clone()),
                    publisher: outlet.name.clone(),
                    policy: RepublishPolicy::Full,
                    allow_private: true,
                    interval_secs: 3600,
                })
                .await
                .with_context(|| format!("cannot add the feed {url}"))?;
        }
    }
    Ok(())
}

fn write_config(bench: &WorkersBench, dir: &Path) -> anyhow::Result<PathBuf> {
    let path = dir.join("tidings.toml");
    let data = dir.join("data");
    std::fs::write(
        &path,
        format!(
            "data_dir = {data:?}\n[ingest]\nconcurrent_feeds = {}\nconcurrent_pages = {}\nper_host_concurrency = {}\n",
            bench.concurrent_feeds,
            bench.concurrent_pages,
            bench.per_host_concurrency,
            data = data.display().to_string(),
        ),
    )
    .context("cannot write the workers' configuration")?;
    Ok(path)
}

async fn spawn_worker(
    binary: &Path,
    config: &Path,
    database: &str,
    dir: &Path,
    n: usize,
) -> anyhow::Result<Child> {
    let log = std::fs::File::create(dir.join(format!("worker-{n}.log")))?;
    let mut child = Command::new(binary)
        .arg("--config")
        .arg(config)
        .args(["--database", database, "serve", "--role", "worker"])
        .current_dir(dir)
        .env("TIDINGS_LOG", "warn")
        .env_remove("TIDINGS_CONFIG")
        .env_remove("TIDINGS_DATABASE_URL")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::from(log))
        .kill_on_drop(true)
        .spawn()
        .with_context(|| format!("cannot start {}", binary.display()))?;
    if let Some(stdout) = child.stdout.take() {
        // Read so the worker never blocks on a full pipe.
        tokio::spawn(async move {
            let mut lines = BufReader::new(stdout).lines();
            while let Ok(Some(_)) = lines.next_line().await {}
        });
    }
    Ok(child)
}

/// Seconds until every article was stored, and until every one was placed in a story.
async fn wait_for_ingest(
    bench: &WorkersBench,
    storage: &dyn Storage,
    workers: &mut [Child],
    expected: usize,
    started: Instant,
) -> anyhow::Result<(f64, f64)> {
    let mut stored_at: Option<f64> = None;
    let mut printed = Instant::now();
    loop {
        tokio::time::sleep(CHECK_EVERY).await;
        let elapsed = started.elapsed().as_secs_f64();
        for worker in workers.iter_mut() {
            if let Some(status) = worker.try_wait()? {
                bail!("a worker exited ({status}) after {elapsed:.1} s");
            }
        }
        let stored = usize::try_from(storage.count_articles().await?).unwrap_or(0);
        if stored_at.is_none() && stored >= expected {
            stored_at = Some(elapsed);
        }
        if let Some(stored_secs) = stored_at
            && storage.unplaced_articles(0, 1).await?.is_empty()
        {
            return Ok((stored_secs, elapsed));
        }
        let jobs = storage.job_counts().await?;
        if printed.elapsed() >= PRINT_EVERY {
            printed = Instant::now();
            let unplaced = storage.unplaced_articles(0, u32::MAX).await?.len();
            println!(
                "  {elapsed:>6.1} s: {stored} of {expected} stored, {unplaced} not yet in a story; jobs queued {} running {} dead {}",
                jobs.queued, jobs.running, jobs.dead
            );
        }
        if stored < expected && jobs == JobCounts::default() && every_feed_polled(storage).await? {
            bail!("every feed was polled but only {stored} of {expected} articles were stored");
        }
        if started.elapsed() > bench.timeout {
            bail!(
                "{stored} of {expected} articles stored after {} s",
                bench.timeout.as_secs()
            );
        }
    }
}

async fn every_feed_polled(storage: &dyn Storage) -> anyhow::Result<bool> {
    Ok(storage
        .list_feeds()
        .await?
        .iter()
        .all(|f| f.last_fetch_at.is_some()))
}

/// Checks that the run ingested what the publishers serve: pages extracted (not the feeds'
/// summaries), feeds without errors, and prints the stories and copies it made.
async fn report_content(storage: &dyn Storage, expected: usize) -> anyhow::Result<()> {
    let feeds = storage.list_feeds().await?;
    let failed: Vec<&str> = feeds
        .iter()
        .filter(|f| f.last_status == Some(FeedStatus::Error))
        .filter_map(|f| f.last_error.as_deref())
        .collect();
    let mut stories = std::collections::HashSet::new();
    let mut copies = 0;
    let mut rows = 0;
    let mut after = 0;
    let since = Utc::now() - ChronoDuration::days(30);
    loop {
        let batch = storage.story_index_rows(since, after, 2_000).await?;
        let Some(last) = batch.last() else { break };
        after = last.article_id;
        for row in batch {
            rows += 1;
            stories.insert(row.story_id);
            copies += usize::from(row.copy_of.is_some());
        }
    }
    let step = (expected / SAMPLED_ARTICLES).max(1);
    let (mut from_page, mut sampled) = (0, 0);
    for id in (1..=expected as i64).step_by(step) {
        if let Some(article) = storage.article(id).await? {
            sampled += 1;
            from_page += usize::from(article.body_source == BodySource::Page);
        }
    }
    println!(
        "  content: {rows} articles in {} stories, {copies} marked as copies; {from_page} of {sampled} sampled articles extracted from their pages; {} feeds failed{}",
        stories.len(),
        failed.len(),
        failed
            .first()
            .map(|e| format!(" (first: {e})"))
            .unwrap_or_default()
    );
    Ok(())
}

/// A database of its own for one run, dropped by [`BenchDatabase::drop_database`].
struct BenchDatabase {
    admin_url: String,
    name: String,
    url: String,
}

impl BenchDatabase {
    async fn create(admin_url: &str) -> anyhow::Result<Self> {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!("tidings_bench_{}_{nanos}", std::process::id());
        let mut admin = PgConnection::connect(admin_url).await.with_context(|| {
            format!(
                "cannot connect to PostgreSQL at {}",
                tidings::app::without_password(admin_url)
            )
        })?;
        sqlx::query(&format!("CREATE DATABASE \"{name}\""))
            .execute(&mut admin)
            .await
            .with_context(|| format!("cannot create the database {name}"))?;
        admin.close().await?;
        let mut url = url::Url::parse(admin_url).context("the PostgreSQL URL is invalid")?;
        url.set_path(&name);
        Ok(BenchDatabase {
            admin_url: admin_url.to_string(),
            url: url.to_string(),
            name,
        })
    }

    /// The server processes serving connections to this database.
    async fn backend_pids(&self) -> anyhow::Result<Vec<i32>> {
        let mut admin = PgConnection::connect(&self.admin_url).await?;
        let pids: Vec<(i32,)> =
            sqlx::query_as("SELECT pid FROM pg_stat_activity WHERE datname = $1")
                .bind(&self.name)
                .fetch_all(&mut admin)
                .await?;
        admin.close().await?;
        Ok(pids.into_iter().map(|(pid,)| pid).collect())
    }
}

impl Drop for BenchDatabase {
    /// Drops the database on a thread of its own with its own runtime, so it works inside a
    /// runtime and while a future is being cancelled; open connections are ended.
    fn drop(&mut self) {
        let admin_url = self.admin_url.clone();
        let name = self.name.clone();
        let dropped = std::thread::spawn(move || -> anyhow::Result<()> {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime.block_on(async {
                let mut admin = PgConnection::connect(&admin_url).await?;
                sqlx::query(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                    .execute(&mut admin)
                    .await?;
                admin.close().await?;
                Ok(())
            })
        })
        .join();
        match dropped {
            Ok(Ok(())) => {}
            Ok(Err(e)) => eprintln!("could not drop the benchmark database {}: {e:#}", self.name),
            Err(_) => eprintln!("dropping the benchmark database {} panicked", self.name),
        }
    }
}

/// User plus system CPU seconds of `/proc/<pid>` (`self` for this process).
fn cpu_seconds(pid: &str) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces) start at its closing paren.
    let rest = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let user: f64 = fields.get(11)?.parse().ok()?;
    let system: f64 = fields.get(12)?.parse().ok()?;
    Some((user + system) / CLOCK_TICKS_PER_SEC)
}

/// Peak resident memory (`VmHWM`) of a process, MiB; 0 when unknown.
fn peak_rss_mib(pid: u32) -> f64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()
        .and_then(|status| {
            status
                .lines()
                .find_map(|line| line.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(0.0, |kib| kib / 1024.0)
}

fn log_tail(dir: &Path, processes: usize) -> String {
    (0..processes)
        .map(|n| {
            let text =
                std::fs::read_to_string(dir.join(format!("worker-{n}.log"))).unwrap_or_default();
            let lines: Vec<&str> = text.lines().collect();
            let tail = lines[lines.len().saturating_sub(5)..].join("\n");
            format!("worker {n}:\n{tail}")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

fn print_result(r: &RunResult) {
    println!(
        "workers {} run {}: {} articles stored in {:.1} s ({:.0}/s), all placed in stories at {:.1} s; worker CPU {} s, peak RSS {} MiB; PostgreSQL CPU {:.0} s; publishers+bench CPU {:.0} s; load {}",
        r.processes,
        r.run,
        r.articles,
        r.stored_secs,
        r.articles as f64 / r.stored_secs,
        r.placed_secs,
        join_figures(&r.worker_cpu, 0),
        join_figures(&r.peak_rss_mib, 0),
        r.database_cpu,
        r.publishers_cpu,
        r.load_average
    );
}

fn join_figures(values: &[f64], decimals: usize) -> String {
    values
        .iter()
        .map(|v| format!("{v:.decimals$}"))
        .collect::<Vec<_>>()
        .join("/")
}

fn print_table(results: &[RunResult]) {
    println!();
    println!(
        "| workers | run | articles | all stored | articles/s | all in stories | worker CPU s (each) | peak RSS MiB (each) | PostgreSQL CPU s | load (1/5/15 min) |"
    );
    println!("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
    for r in results {
        println!(
            "| {} | {} | {} | {:.1} s | {:.0} | {:.1} s | {} | {} | {:.0} | {} |",
            r.processes,
            r.run,
            r.articles,
            r.stored_secs,
            r.articles as f64 / r.stored_secs,
            r.placed_secs,
            join_figures(&r.worker_cpu, 0),
            join_figures(&r.peak_rss_mib, 0),
            r.database_cpu,
            r.load_average
        );
    }
}
