//! `tidings-bench page-latency --against-nginx`: Tidings' pages beside Debian's nginx
//! serving saved copies of the very same bytes, in one run, loaded by `wrk` in its own
//! process. Prints requests per second and latency percentiles of both and their ratio for
//! the cached article, home, story and tag pages; the signed-in article page with one
//! connection (its p50 is the server time plus a loopback round trip); uncached article
//! pages (cache off, every article in turn); and a Zipf-distributed run over every article
//! with a small cache bound, with the cache's peak size and hit rate.

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::Path;
use std::process::Stdio;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use chrono::Utc;
use tidings_core::{NewUser, PageRequest, Role};
use tidings_web::page_cache::{CacheSettings, CacheStats, PageCache};

use tidings::app::App;

/// One load run's figures, as wrk printed them.
#[derive(Debug, Clone, Copy, Default)]
pub struct WrkFigures {
    pub requests_per_sec: f64,
    pub p50_ms: f64,
    pub p99_ms: f64,
    /// Responses other than 2xx/3xx, plus socket errors.
    pub errors: u64,
}

/// What to run.
#[derive(Debug, Clone)]
pub struct Comparison {
    pub connections: usize,
    pub threads: usize,
    pub seconds: u64,
    /// The cache bound for the Zipf run, in bytes.
    pub zipf_cache_bytes: usize,
    /// How old a stamp read requests may share (0: a read per round of requests).
    pub stamp_tolerance: Duration,
}

fn require_tool(name: &str) -> anyhow::Result<()> {
    let found = std::process::Command::new(name)
        .arg("-v")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok();
    anyhow::ensure!(
        found,
        "{name} is not installed (Debian: apt-get install -y nginx wrk)"
    );
    Ok(())
}

fn parse_duration_ms(text: &str) -> Option<f64> {
    let text = text.trim();
    let (number, scale) = if let Some(n) = text.strip_suffix("us") {
        (n, 0.001)
    } else if let Some(n) = text.strip_suffix("ms") {
        (n, 1.0)
    } else if let Some(n) = text.strip_suffix('s') {
        (n, 1000.0)
    } else {
        return None;
    };
    number.trim().parse::<f64>().ok().map(|n| n * scale)
}

/// The figures in wrk's `--latency` report.
pub fn parse_wrk(output: &str) -> anyhow::Result<WrkFigures> {
    let mut figures = WrkFigures::default();
    for line in output.lines() {
        let line = line.trim();
        let mut words = line.split_whitespace();
        match (words.next(), words.next()) {
            (Some("50%"), Some(value)) => figures.p50_ms = parse_duration_ms(value).unwrap_or(0.0),
            (Some("99%"), Some(value)) => figures.p99_ms = parse_duration_ms(value).unwrap_or(0.0),
            (Some("Requests/sec:"), Some(value)) => {
                figures.requests_per_sec = value.parse().unwrap_or(0.0);
            }
            (Some("Non-2xx"), _) => {
                figures.errors += line
                    .rsplit(' ')
                    .next()
                    .and_then(|n| n.parse::<u64>().ok())
                    .unwrap_or(0);
            }
            (Some("Socket"), Some("errors:")) => {
                figures.errors += line
                    .split(',')
                    .filter_map(|part| part.split_whitespace().last()?.parse::<u64>().ok())
                    .sum::<u64>();
            }
            _ => {}
        }
    }
    anyhow::ensure!(
        figures.requests_per_sec > 0.0,
        "wrk printed no request rate:\n{output}"
    );
    Ok(figures)
}

/// Runs wrk against `url` (with an optional Lua script and extra headers).
async fn wrk(
    url: &str,
    threads: usize,
    connections: usize,
    seconds: u64,
    script: Option<&Path>,
    headers: &[String],
) -> anyhow::Result<WrkFigures> {
    let mut command = tokio::process::Command::new("wrk");
    command.args([
        "--latency",
        "-t",
        &threads.to_string(),
        "-c",
        &connections.to_string(),
        "-d",
        &format!("{seconds}s"),
    ]);
    for header in headers {
        command.args(["-H", header]);
    }
    if let Some(script) = script {
        command.arg("-s").arg(script);
    }
    let output = command.arg(url).output().await.context("running wrk")?;
    anyhow::ensure!(
        output.status.success(),
        "wrk failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    parse_wrk(&String::from_utf8_lossy(&output.stdout))
}

/// A Lua script making wrk request `paths`, each with probability `weights[i] / sum`.
fn lua_script(paths: &[String], weights: &[f64]) -> String {
    let total: f64 = weights.iter().sum();
    let mut script = String::from("local paths = {\n");
    for path in paths {
        let _ = writeln!(script, "  {path:?},");
    }
    script.push_str("}\nlocal cdf = {\n");
    let mut sum = 0.0;
    for weight in weights {
        sum += weight / total;
        let _ = writeln!(script, "  {sum:.9},");
    }
    script.push_str(
        "}\nrequest = function()\n  local r = math.random()\n  local lo, hi = 1, #cdf\n  \
         while lo < hi do\n    local mid = math.floor((lo + hi) / 2)\n    \
         if cdf[mid] < r then lo = mid + 1 else hi = mid end\n  end\n  \
         return wrk.format(\"GET\", paths[lo])\nend\n",
    );
    script
}

/// nginx serving `root` on `port` with as many workers as cores, logging nothing.
fn nginx_config(prefix: &Path, root: &Path, port: u16) -> String {
    format!(
        "worker_processes auto;\ndaemon off;\nerror_log {prefix}/error.log;\npid {prefix}/nginx.pid;\n\
         events {{ worker_connections 1024; }}\n\
         http {{\n  access_log off;\n  sendfile on;\n  tcp_nopush on;\n  keepalive_requests 1000000;\n\
         \x20 client_body_temp_path {prefix}/body;\n  proxy_temp_path {prefix}/proxy;\n\
         \x20 fastcgi_temp_path {prefix}/fastcgi;\n  uwsgi_temp_path {prefix}/uwsgi;\n\
         \x20 scgi_temp_path {prefix}/scgi;\n  default_type text/html;\n\
         \x20 server {{\n    listen 127.0.0.1:{port};\n    root {root};\n  }}\n}}\n",
        prefix = prefix.display(),
        root = root.display(),
    )
}

fn free_port() -> anyhow::Result<u16> {
    let socket = std::net::TcpListener::bind("127.0.0.1:0")?;
    Ok(socket.local_addr()?.port())
}

/// Serves `app`'s site with `cache` on a fresh loopback port.
async fn serve(app: &App, cache: PageCache) -> anyhow::Result<SocketAddr> {
    let mut state = app.web_state()?;
    state.cache = cache;
    let router = tidings_web::router(state);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        let service = router.into_make_service_with_connect_info::<SocketAddr>();
        if let Err(error) = axum::serve(listener, service).await {
            eprintln!("page-latency: the site stopped: {error}");
        }
    });
    Ok(addr)
}

/// The bytes a page has for a client that asks for no compression.
async fn fetch(client: &reqwest::Client, url: &str) -> anyhow::Result<Vec<u8>> {
    let response = client.get(url).send().await?;
    anyhow::ensure!(
        response.status().is_success(),
        "{url} answered {}",
        response.status()
    );
    Ok(response.bytes().await?.to_vec())
}

fn row(name: &str, nginx: &WrkFigures, tidings: &WrkFigures, bar: f64) -> String {
    let ratio = tidings.requests_per_sec / nginx.requests_per_sec;
    format!(
        "{name:<16} {:>10.0} {:>8.2} {:>10.0} {:>8.2} {:>8.2} {:>7.1}%  (bar {:.0}%: {}){}",
        nginx.requests_per_sec,
        nginx.p99_ms,
        tidings.requests_per_sec,
        tidings.p50_ms,
        tidings.p99_ms,
        ratio * 100.0,
        bar * 100.0,
        if ratio >= bar { "met" } else { "NOT met" },
        if tidings.errors + nginx.errors > 0 {
            format!(
                "  errors: nginx {}, tidings {}",
                nginx.errors, tidings.errors
            )
        } else {
            String::new()
        }
    )
}

/// The comparison over the articles already in `app` (the demo, or a populated database).
pub async fn compare(app: &App, run: &Comparison) -> anyhow::Result<()> {
    require_tool("nginx")?;
    require_tool("wrk")?;
    let storage = &app.storage;
    let stories = storage.latest_stories(PageRequest::new(1, 20)).await?;
    let story = stories
        .items
        .iter()
        .max_by_key(|s| s.article_ids.len())
        .context("no stories: the database holds no placed articles")?;
    let article_id = story.lead.id;
    let tag = story
        .lead
        .tags
        .first()
        .map(|t| t.slug.clone())
        .context("the article has no tags")?;
    let ids: Vec<i64> = {
        let mut ids = Vec::new();
        let mut page = 1;
        loop {
            let listed = storage.latest_articles(PageRequest::new(page, 100)).await?;
            ids.extend(listed.items.iter().map(|c| c.id));
            if !listed.has_more || ids.len() >= 100_000 {
                break;
            }
            page += 1;
        }
        ids
    };
    println!(
        "page-latency: {} articles; article {article_id}, story {}, tag {tag}; wrk -t{} -c{} -d{}s",
        ids.len(),
        story.id,
        run.threads,
        run.connections,
        run.seconds
    );

    let settings = CacheSettings {
        stamp_tolerance: run.stamp_tolerance,
        ..app.config.cache.settings()
    };
    let cache = PageCache::new(settings.clone());
    let site = serve(app, cache.clone()).await?;
    let pages = [
        ("article", format!("/article/{article_id}"), 0.5),
        ("home", "/".to_owned(), 0.3),
        ("story", format!("/story/{}", story.id), 0.3),
        ("tag", format!("/tag/{tag}"), 0.3),
    ];
    let dir = tempfile::tempdir()?;
    let root = dir.path().join("root");
    std::fs::create_dir_all(&root)?;
    let plain = reqwest::Client::builder()
        .no_gzip()
        .no_brotli()
        .no_deflate()
        .build()?;
    for (name, path, _) in &pages {
        let body = fetch(&plain, &format!("http://{site}{path}")).await?;
        std::fs::write(root.join(format!("{name}.html")), &body)?;
        println!(
            "page-latency: saved {path} ({} bytes) for nginx",
            body.len()
        );
    }
    let port = free_port()?;
    let config = dir.path().join("nginx.conf");
    std::fs::write(&config, nginx_config(dir.path(), &root, port))?;
    let mut nginx = tokio::process::Command::new("nginx")
        .arg("-c")
        .arg(&config)
        .arg("-p")
        .arg(dir.path())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .context("starting nginx")?;
    let nginx_base = format!("http://127.0.0.1:{port}");
    let mut ready = false;
    for _ in 0..50 {
        if fetch(&plain, &format!("{nginx_base}/article.html"))
            .await
            .is_ok()
        {
            ready = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    anyhow::ensure!(ready, "nginx did not start (see its error log above)");

    let result = async {
        println!(
            "{:<16} {:>10} {:>8} {:>10} {:>8} {:>8} {:>8}",
            "page", "nginx r/s", "p99 ms", "tidings", "p50 ms", "p99 ms", "ratio"
        );
        for (name, path, bar) in &pages {
            let nginx_figures = wrk(
                &format!("{nginx_base}/{name}.html"),
                run.threads,
                run.connections,
                run.seconds,
                None,
                &[],
            )
            .await?;
            let tidings = wrk(
                &format!("http://{site}{path}"),
                run.threads,
                run.connections,
                run.seconds,
                None,
                &[],
            )
            .await?;
            println!("{}", row(name, &nginx_figures, &tidings, *bar));
        }
        let with_br = wrk(
            &format!("http://{site}{}", pages[0].1),
            run.threads,
            run.connections,
            run.seconds,
            None,
            &["Accept-Encoding: gzip, deflate, br, zstd".to_owned()],
        )
        .await?;
        println!(
            "article, br       tidings {:.0} r/s, p50 {:.2} ms, p99 {:.2} ms (as browsers ask)",
            with_br.requests_per_sec, with_br.p50_ms, with_br.p99_ms
        );
        signed_in(app, site, &pages[0].1, run).await?;
        uncached(app, &ids, run, dir.path()).await?;
        zipf(app, &ids, run, dir.path(), settings).await?;
        println!(
            "page-latency: cache after the page runs: {}",
            stats_line(&cache.stats())
        );
        Ok::<_, anyhow::Error>(())
    }
    .await;
    let _ = nginx.kill().await;
    result
}

fn stats_line(stats: &CacheStats) -> String {
    format!(
        "{} pages, {:.1} MiB of {:.1} MiB, {} hits, {} misses (hit rate {:.1}%), {} evictions",
        stats.entries,
        stats.bytes as f64 / 1048576.0,
        stats.max_bytes as f64 / 1048576.0,
        stats.hits,
        stats.misses,
        stats.hit_rate() * 100.0,
        stats.evictions
    )
}

async fn signed_in(
    app: &App,
    site: SocketAddr,
    path: &str,
    run: &Comparison,
) -> anyhow::Result<()> {
    let name = format!("bench-{}", Utc::now().timestamp_micros());
    let user = app
        .storage
        .create_user(NewUser {
            name,
            password_hash: tidings_web::readers::hash_password("page latency bench")?,
            role: Role::Reader,
        })
        .await?;
    let token = tidings_web::readers::new_token();
    app.storage
        .create_session(
            user.id,
            &tidings_web::readers::hash_token(&token),
            Utc::now() + chrono::Duration::hours(1),
        )
        .await?;
    let cookie = format!("Cookie: tidings_session={token}");
    let one = wrk(
        &format!("http://{site}{path}"),
        1,
        1,
        run.seconds,
        None,
        std::slice::from_ref(&cookie),
    )
    .await?;
    let many = wrk(
        &format!("http://{site}{path}"),
        run.threads,
        run.connections,
        run.seconds,
        None,
        &[cookie],
    )
    .await?;
    println!(
        "signed-in article: 1 connection p50 {:.2} ms (bar 2 ms: {}), p99 {:.2} ms; {} connections {:.0} r/s, p99 {:.2} ms",
        one.p50_ms,
        if one.p50_ms <= 2.0 { "met" } else { "NOT met" },
        one.p99_ms,
        run.connections,
        many.requests_per_sec,
        many.p99_ms
    );
    Ok(())
}

async fn uncached(app: &App, ids: &[i64], run: &Comparison, dir: &Path) -> anyhow::Result<()> {
    let site = serve(app, PageCache::disabled()).await?;
    let paths: Vec<String> = ids.iter().map(|id| format!("/article/{id}")).collect();
    let script = dir.join("every-article.lua");
    std::fs::write(&script, lua_script(&paths, &vec![1.0; paths.len()]))?;
    let figures = wrk(
        &format!("http://{site}/"),
        run.threads,
        run.connections,
        run.seconds,
        Some(&script),
        &[],
    )
    .await?;
    println!(
        "uncached article pages (cache off, {} articles at random): {:.0} r/s, p50 {:.2} ms, p99 {:.2} ms (bar at 1M: p99 20 ms)",
        paths.len(),
        figures.requests_per_sec,
        figures.p50_ms,
        figures.p99_ms
    );
    Ok(())
}

async fn zipf(
    app: &App,
    ids: &[i64],
    run: &Comparison,
    dir: &Path,
    settings: CacheSettings,
) -> anyhow::Result<()> {
    let cache = PageCache::new(CacheSettings {
        max_bytes: run.zipf_cache_bytes,
        ..settings
    });
    let site = serve(app, cache.clone()).await?;
    let paths: Vec<String> = ids.iter().map(|id| format!("/article/{id}")).collect();
    let weights: Vec<f64> = (1..=paths.len()).map(|rank| 1.0 / rank as f64).collect();
    let script = dir.join("zipf.lua");
    std::fs::write(&script, lua_script(&paths, &weights))?;
    let peak = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let watcher = {
        let (cache, peak) = (cache.clone(), Arc::clone(&peak));
        tokio::spawn(async move {
            loop {
                peak.fetch_max(cache.stats().bytes, std::sync::atomic::Ordering::Relaxed);
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        })
    };
    let figures = wrk(
        &format!("http://{site}/"),
        run.threads,
        run.connections,
        run.seconds,
        Some(&script),
        &[],
    )
    .await?;
    let stats = cache.stats();
    watcher.abort();
    let peak = peak
        .load(std::sync::atomic::Ordering::Relaxed)
        .max(stats.bytes);
    println!(
        "zipf (s=1) over {} articles, cache bound {:.1} MiB: {:.0} r/s, p50 {:.2} ms, p99 {:.2} ms",
        paths.len(),
        run.zipf_cache_bytes as f64 / 1048576.0,
        figures.requests_per_sec,
        figures.p50_ms,
        figures.p99_ms
    );
    println!(
        "zipf cache: {}; peak {:.2} MiB sampled every 20 ms (within its bound: {})",
        stats_line(&stats),
        peak as f64 / 1048576.0,
        if peak <= stats.max_bytes { "yes" } else { "NO" }
    );
    Ok(())
}

/// The demo (its publishers on loopback, ingested through the real pipeline) in a temporary
/// directory, then [`compare`].
pub async fn on_the_demo(run: &Comparison) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let mut config = tidings::config::Config {
        data_dir: dir.path().to_path_buf(),
        ..Default::default()
    };
    config.ingest.enabled = false;
    config.ingest.per_host_concurrency = config.ingest.per_host_concurrency.max(8);
    config.ingest.concurrent_pages = config.ingest.concurrent_pages.max(8);
    let app = App::open(config).await?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let (outlets, _publishers) = tidings_demo::start_publishers(listener, Utc::now()).await?;
    let (inserted, errors) = tidings::commands::demo::ingest_demo(&app, &outlets).await?;
    anyhow::ensure!(errors == 0, "{errors} demo feeds failed");
    let placed = app.stories.place_pending().await?;
    println!("page-latency: the demo, {inserted} articles ingested ({placed} placed afterwards)");
    compare(&app, run).await
}

/// [`compare`] on a database already filled (by `tidings-bench populate` or the demo).
pub async fn on_database(database: &str, run: &Comparison) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let mut config = tidings::config::Config {
        data_dir: dir.path().to_path_buf(),
        database_url: database.to_owned(),
        ..Default::default()
    };
    config.ingest.enabled = false;
    let app = App::open(config).await?;
    compare(&app, run).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrk_reports_are_read() {
        let output = "Running 5s test @ http://127.0.0.1:8080/\n  2 threads and 64 connections\n\
            \x20 Thread Stats   Avg      Stdev     Max   +/- Stdev\n\
            \x20   Latency   812.00us  300.00us  12.00ms   90.00%\n\
            \x20 Latency Distribution\n     50%  750.00us\n     75%    1.00ms\n     90%    1.20ms\n     99%    4.50ms\n\
            \x20 200000 requests in 5.00s, 4.00GB read\n  Non-2xx or 3xx responses: 3\n\
            Requests/sec:  40000.50\nTransfer/sec:    800.00MB\n";
        let figures = parse_wrk(output).expect("parsed");
        assert!((figures.requests_per_sec - 40000.5).abs() < 1e-6);
        assert!((figures.p50_ms - 0.75).abs() < 1e-9);
        assert!((figures.p99_ms - 4.5).abs() < 1e-9);
        assert_eq!(figures.errors, 3);
        assert!(parse_wrk("wrk: connection refused").is_err());
    }

    #[test]
    fn the_script_picks_paths_by_weight() {
        let script = lua_script(&["/a".into(), "/b".into()], &[3.0, 1.0]);
        assert!(script.contains("\"/a\"") && script.contains("0.750000000"));
        assert!(script.contains("1.000000000"));
    }
}
