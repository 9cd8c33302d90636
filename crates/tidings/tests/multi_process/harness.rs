//! What the multi-process tests share: a database of their own (PostgreSQL, or an SQLite file
//! in a shared data directory), `tidings serve` processes of the built binary (killed when
//! dropped), and the demo publishers behind a layer that counts, slows down or holds back
//! requests.

use std::collections::HashMap;
use std::future::Future;
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;
use chrono::Utc;
use sqlx::{Connection, PgConnection, PgPool};
use tidings_core::{FeedFetchRecord, FeedStatus, NewFeed, PageRequest, RepublishPolicy, Storage};
use tidings_demo::DemoPublishers;
use tidings_storage::testsuite::{DEFAULT_TEST_POSTGRES_URL, TEST_POSTGRES_URL_VAR, TempPostgres};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::sync::watch;

/// How long anything may take on a loaded two-core machine before a test gives up.
pub const PATIENCE: Duration = Duration::from_secs(120);

/// Polls `probe` every 100 ms until it gives a value; panics naming `what` after `within`.
pub async fn eventually<T, F, Fut>(what: &str, within: Duration, mut probe: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Option<T>>,
{
    let started = Instant::now();
    loop {
        if let Some(value) = probe().await {
            return value;
        }
        assert!(
            started.elapsed() < within,
            "gave up after {within:?} waiting for {what}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Where a cluster keeps its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// A PostgreSQL database of the test's own, named with `--database`.
    Postgres,
    /// The default: the SQLite file in the shared data directory (WAL mode).
    Sqlite,
}

/// A database, a configuration file and a data directory for a group of processes.
pub struct Cluster {
    pub storage: Arc<dyn Storage>,
    /// Raw SQL on the PostgreSQL database (the jobs table, `pg_stat_activity`).
    pub pool: Option<PgPool>,
    dir: tempfile::TempDir,
    config: PathBuf,
    // Dropped last: the database outlives every connection to it, and the lock that keeps
    // these tests from running at the same time is held until the very end.
    pg: Option<TempPostgres>,
    _one_at_a_time: PgConnection,
}

impl Cluster {
    /// A fresh database on PostgreSQL; see [`Cluster::start_on`].
    pub async fn start(ingest: &str, worker: &str) -> Cluster {
        Cluster::start_on(Backend::Postgres, ingest, worker).await
    }

    /// A fresh database; `ingest` and `worker` are TOML lines for the `[ingest]` and
    /// `[worker]` sections the processes read. Waits while another test of this file runs:
    /// each starts several processes, and two at once would only slow both on a small machine.
    pub async fn start_on(backend: Backend, ingest: &str, worker: &str) -> Cluster {
        let admin = std::env::var(TEST_POSTGRES_URL_VAR)
            .unwrap_or_else(|_| DEFAULT_TEST_POSTGRES_URL.to_string());
        let mut lock = PgConnection::connect(&admin)
            .await
            .expect("connect to PostgreSQL");
        sqlx::query("SELECT pg_advisory_lock(hashtextextended('tidings multi_process tests', 0))")
            .execute(&mut lock)
            .await
            .expect("take the tests' lock");
        let dir = tempfile::tempdir().expect("temp dir");
        let (storage, pool, pg): (Arc<dyn Storage>, _, _) = match backend {
            Backend::Postgres => {
                let pg = TempPostgres::create().await;
                let pool = PgPool::connect(pg.url()).await.expect("pool");
                (Arc::new(pg.storage().await), Some(pool), Some(pg))
            }
            Backend::Sqlite => {
                let file = dir.path().join("data").join("tidings.db");
                let storage = tidings_storage::open(file.to_str().expect("utf-8 path"))
                    .await
                    .expect("open SQLite");
                (storage, None, None)
            }
        };
        let config = dir.path().join("tidings.toml");
        let data = dir.path().join("data");
        std::fs::write(
            &config,
            format!(
                "data_dir = {data:?}\n[ingest]\n{ingest}\n[worker]\n{worker}\n",
                data = data.display().to_string()
            ),
        )
        .expect("write the configuration");
        Cluster {
            storage,
            pool,
            dir,
            config,
            pg,
            _one_at_a_time: lock,
        }
    }

    pub fn pool(&self) -> &PgPool {
        self.pool.as_ref().expect("a PostgreSQL cluster")
    }

    /// Starts `tidings serve --role web` on a free port; returns once it is serving.
    pub async fn web(&self) -> TidingsProcess {
        self.spawn("web").await
    }

    /// Starts `tidings serve --role worker`; returns once it has opened the database.
    pub async fn worker(&self) -> TidingsProcess {
        self.spawn("worker").await
    }

    async fn spawn(&self, role: &'static str) -> TidingsProcess {
        let mut command = tokio::process::Command::new(env!("CARGO_BIN_EXE_tidings"));
        command.arg("--config").arg(&self.config);
        // Without --database, processes open the SQLite file in the data directory.
        if let Some(pg) = &self.pg {
            command.arg("--database").arg(pg.url());
        }
        command
            .args(["serve", "--role", role, "--listen", "127.0.0.1:0"])
            .current_dir(self.dir.path())
            .env("TIDINGS_LOG", "warn,tidings=info")
            .env_remove("TIDINGS_CONFIG")
            .env_remove("TIDINGS_DATABASE_URL")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true);
        let mut child = command.spawn().expect("start tidings");
        let pid = child.id().expect("a running child has a pid");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut lines = BufReader::new(stdout).lines();
        let first = tokio::time::timeout(PATIENCE, lines.next_line())
            .await
            .unwrap_or_else(|_| panic!("tidings {role} {pid} said nothing"))
            .expect("read stdout")
            .unwrap_or_else(|| panic!("tidings {role} {pid} exited at start"));
        // Keep reading so the process never blocks on a full pipe.
        tokio::spawn(async move { while let Ok(Some(_)) = lines.next_line().await {} });
        let base_url = first
            .strip_prefix("Tidings is serving at ")
            .map(|url| url.trim_end_matches('/').to_string());
        if role == "web" {
            assert!(base_url.is_some(), "unexpected first line: {first}");
        }
        TidingsProcess {
            child,
            pid,
            base_url,
        }
    }

    /// Adds the feeds of the first `outlets` demo outlets (loopback allowed, polled hourly)
    /// and returns how many articles they publish together.
    pub async fn add_demo_feeds(&self, publishers: &DemoPublishers, outlets: usize) -> usize {
        let mut articles = 0;
        for outlet in publishers.outlets.iter().take(outlets) {
            self.storage
                .add_feed(NewFeed {
                    url: outlet.feed_url.clone(),
                    title: Some(outlet.name.clone()),
                    site_url: Some(outlet.home_url.clone()),
                    publisher: outlet.name.clone(),
                    policy: RepublishPolicy::Full,
                    allow_private: true,
                    interval_secs: 3600,
                })
                .await
                .expect("add feed");
            articles += demo_feed_entries(&outlet.feed_url).await.len();
        }
        articles
    }

    /// Makes every feed due now, as if its interval had passed.
    pub async fn make_feeds_due(&self) {
        let now = Utc::now();
        for feed in self.storage.list_feeds().await.expect("feeds") {
            let record = FeedFetchRecord {
                at: feed.last_fetch_at.unwrap_or(now),
                status: feed.last_status.unwrap_or(FeedStatus::Ok),
                error: None,
                etag: feed.etag.clone(),
                last_modified: feed.last_modified.clone(),
                next_fetch_at: now,
                consecutive_failures: 0,
                title: None,
                site_url: None,
            };
            self.storage
                .record_feed_fetch(feed.id, record)
                .await
                .expect("make feed due");
        }
    }

    /// Waits until `expected` articles are stored and every one is placed in a story.
    pub async fn wait_for_articles(&self, expected: usize) {
        eventually("every article stored and placed", PATIENCE, || async {
            let stored = self.storage.count_articles().await.expect("count") as usize;
            assert!(
                stored <= expected,
                "{stored} articles stored, {expected} published"
            );
            let unplaced = self
                .storage
                .unplaced_articles(0, 1)
                .await
                .expect("unplaced");
            (stored == expected && unplaced.is_empty()).then_some(())
        })
        .await;
    }

    /// URLs stored more than once (none, when ingestion is idempotent).
    pub async fn duplicate_urls(&self) -> Vec<(String, usize)> {
        let mut seen: HashMap<String, usize> = HashMap::new();
        for page in 1.. {
            let listed = self
                .storage
                .latest_articles(PageRequest::new(page, 200))
                .await
                .expect("list articles");
            for card in listed.items {
                *seen.entry(card.url).or_default() += 1;
            }
            if !listed.has_more {
                break;
            }
        }
        let mut twice: Vec<(String, usize)> = seen.into_iter().filter(|(_, n)| *n > 1).collect();
        twice.sort();
        twice
    }

    /// The pid of the process holding `role` (PostgreSQL names a leader's session
    /// `<host>:<pid> <role>`).
    pub async fn leader_pid(&self, role: &str) -> Option<u32> {
        let names: Vec<(String,)> = sqlx::query_as(
            "SELECT application_name FROM pg_stat_activity
             WHERE datname = current_database() AND application_name LIKE ('% ' || $1)",
        )
        .bind(role)
        .fetch_all(self.pool())
        .await
        .expect("pg_stat_activity");
        let [(name,)] = names.as_slice() else {
            assert!(names.len() <= 1, "two leaders of {role}: {names:?}");
            return None;
        };
        let identity = name.strip_suffix(role)?.trim_end();
        identity.rsplit_once(':')?.1.parse().ok()
    }
}

/// A `tidings serve` child process, killed (SIGKILL) when dropped.
pub struct TidingsProcess {
    child: tokio::process::Child,
    pub pid: u32,
    /// `http://127.0.0.1:PORT` of a web process.
    pub base_url: Option<String>,
}

impl TidingsProcess {
    /// SIGKILL: the process gets no chance to give anything back.
    pub async fn kill(mut self) {
        self.child.start_kill().expect("kill");
        let _ = self.child.wait().await;
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url.as_deref().expect("a web process"))
    }
}

/// What the publishers saw, and how they answer: each request may be slowed down, and the
/// requests for one path held back until released.
pub struct Traffic {
    requests: Mutex<HashMap<String, usize>>,
    in_flight: AtomicUsize,
    most_in_flight: AtomicUsize,
    delay: Duration,
    held_path: Mutex<Option<String>>,
    held_arrivals: AtomicUsize,
    release: watch::Sender<bool>,
}

impl Traffic {
    /// Every answer comes `delay` late.
    pub fn new(delay: Duration) -> Arc<Self> {
        Arc::new(Traffic {
            requests: Mutex::new(HashMap::new()),
            in_flight: AtomicUsize::new(0),
            most_in_flight: AtomicUsize::new(0),
            delay,
            held_path: Mutex::new(None),
            held_arrivals: AtomicUsize::new(0),
            release: watch::channel(false).0,
        })
    }

    /// Requests for `path` get no answer until [`release`](Self::release).
    pub fn hold(&self, path: &str) {
        *self.held_path.lock().expect("lock") = Some(path.to_string());
    }

    pub fn release(&self) {
        self.release.send_replace(true);
    }

    /// Requests that arrived for the held path.
    pub fn held_arrivals(&self) -> usize {
        self.held_arrivals.load(Ordering::SeqCst)
    }

    pub fn requests(&self, path: &str) -> usize {
        self.requests
            .lock()
            .expect("lock")
            .get(path)
            .copied()
            .unwrap_or(0)
    }

    pub fn most_in_flight(&self) -> usize {
        self.most_in_flight.load(Ordering::SeqCst)
    }
}

/// Counts a request in flight until dropped (also when the client goes away).
struct InFlight<'a>(&'a AtomicUsize);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

async fn observe(State(traffic): State<Arc<Traffic>>, request: Request, next: Next) -> Response {
    if request.headers().contains_key(UNCOUNTED) {
        return next.run(request).await;
    }
    let path = request.uri().path().to_string();
    *traffic
        .requests
        .lock()
        .expect("lock")
        .entry(path.clone())
        .or_default() += 1;
    let now = traffic.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    let _in_flight = InFlight(&traffic.in_flight);
    traffic.most_in_flight.fetch_max(now, Ordering::SeqCst);
    if !traffic.delay.is_zero() {
        tokio::time::sleep(traffic.delay).await;
    }
    let held = traffic.held_path.lock().expect("lock").as_deref() == Some(path.as_str());
    if held {
        traffic.held_arrivals.fetch_add(1, Ordering::SeqCst);
        let mut released = traffic.release.subscribe();
        let _ = released.wait_for(|r| *r).await;
    }
    next.run(request).await
}

/// The demo publishers on a loopback port, every request going through `traffic`.
pub async fn start_publishers(traffic: Arc<Traffic>) -> DemoPublishers {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let address = listener.local_addr().expect("address");
    let (publishers, router) = tidings_demo::publishers_router(address, Utc::now())
        .await
        .expect("render the publishers");
    let router = router.layer(axum::middleware::from_fn_with_state(traffic, observe));
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    publishers
}

/// Marks the test's own requests, which the publishers do not count.
const UNCOUNTED: &str = "x-tidings-test-uncounted";

/// The article links a demo feed lists (asked for without being counted).
pub async fn demo_feed_entries(feed_url: &str) -> Vec<String> {
    let body = reqwest::Client::new()
        .get(feed_url)
        .header(UNCOUNTED, "1")
        .send()
        .await
        .expect("feed")
        .text()
        .await
        .expect("feed body");
    feed_rs::parser::parse(body.as_bytes())
        .expect("demo feed parses")
        .entries
        .into_iter()
        .map(|entry| entry.links[0].href.clone())
        .collect()
}

/// The path part of a URL.
pub fn path_of(url: &str) -> String {
    url::Url::parse(url).expect("url").path().to_string()
}
