//! Tidings as several real processes (`tidings serve --role web|worker`, the built binary)
//! sharing one PostgreSQL database (and, for the first scenario, one SQLite file), ingesting
//! the demo publishers over loopback: every article is stored once and every feed polled once
//! per interval, a worker killed mid-job loses nothing, the web keeps serving while workers
//! die, the per-host limit holds across processes, and the scheduler role moves when its
//! holder is killed. The tests of this file run one at a time (see `Cluster::start_on`).

mod harness;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use harness::{
    Backend, Cluster, PATIENCE, Traffic, demo_feed_entries, eventually, path_of, start_publishers,
};
use tidings_core::{JobCounts, PageRequest};

const INGEST: &str = "concurrent_feeds = 4\nconcurrent_pages = 4\nper_host_concurrency = 4\n\
                      connect_timeout_secs = 5\ntotal_timeout_secs = 10";
/// Leases long enough that a loaded machine still renews them in time, short enough that a
/// killed worker's jobs come back soon; SQLite roles outlive a dead holder by 5 s.
const SHORT_LEASES: &str = "lease_secs = 10\nleader_ttl_secs = 5";

/// Feed requests per outlet, for the first `outlets` outlets in order.
fn feed_requests(
    traffic: &Traffic,
    publishers: &tidings_demo::DemoPublishers,
    outlets: usize,
) -> Vec<usize> {
    publishers
        .outlets
        .iter()
        .take(outlets)
        .map(|o| traffic.requests(&path_of(&o.feed_url)))
        .collect()
}

/// Outlets the later scenarios ingest: several feeds at once, a short run.
const FEW_OUTLETS: usize = 3;

async fn wait_for_no_jobs(cluster: &Cluster) {
    eventually("the job queue to empty", PATIENCE, || async {
        let counts = cluster.storage.job_counts().await.expect("job counts");
        assert_eq!(counts.dead, 0, "{counts:?}");
        (counts == JobCounts::default()).then_some(())
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_webs_and_three_workers_store_each_article_once_and_poll_each_feed_once_per_interval() {
    webs_and_workers_share_the_work(Backend::Postgres, usize::MAX).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn processes_sharing_one_sqlite_file_share_the_work_too() {
    webs_and_workers_share_the_work(Backend::Sqlite, 4).await;
}

async fn webs_and_workers_share_the_work(backend: Backend, outlets: usize) {
    let cluster = Cluster::start_on(backend, INGEST, SHORT_LEASES).await;
    let traffic = Traffic::new(Duration::ZERO);
    let publishers = start_publishers(Arc::clone(&traffic)).await;
    let published = cluster.add_demo_feeds(&publishers, outlets).await;
    let outlets = outlets.min(publishers.outlets.len());
    let webs = [cluster.web().await, cluster.web().await];
    let _workers = [
        cluster.worker().await,
        cluster.worker().await,
        cluster.worker().await,
    ];

    cluster.wait_for_articles(published).await;
    assert_eq!(cluster.duplicate_urls().await, Vec::new());
    // Several scheduler ticks later, still one request per feed: the interval is an hour.
    tokio::time::sleep(Duration::from_secs(6)).await;
    let once = vec![1; outlets];
    assert_eq!(feed_requests(&traffic, &publishers, outlets), once);

    // The next interval: each feed is polled once more, by one worker, storing nothing new.
    cluster.make_feeds_due().await;
    let twice = vec![2; outlets];
    eventually("a second poll of every feed", PATIENCE, || async {
        let seen = feed_requests(&traffic, &publishers, outlets);
        assert!(seen.iter().all(|n| *n <= 2), "{seen:?}");
        (seen == twice).then_some(())
    })
    .await;
    wait_for_no_jobs(&cluster).await;
    tokio::time::sleep(Duration::from_secs(4)).await;
    assert_eq!(feed_requests(&traffic, &publishers, outlets), twice);
    let stored = cluster.storage.count_articles().await.expect("count");
    assert_eq!(stored as usize, published);

    // Both web processes serve the same site from the shared database.
    let latest = cluster
        .storage
        .latest_articles(PageRequest::new(1, 1))
        .await
        .expect("latest");
    let article = format!("/article/{}", latest.items[0].id);
    let client = reqwest::Client::new();
    for web in &webs {
        for path in ["/", article.as_str()] {
            let response = client.get(web.url(path)).send().await.expect("get");
            assert_eq!(response.status(), 200, "{}", web.url(path));
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_mid_job_loses_nothing_and_its_job_is_taken_over() {
    let cluster = Cluster::start(INGEST, "lease_secs = 4").await;
    let traffic = Traffic::new(Duration::ZERO);
    let publishers = start_publishers(Arc::clone(&traffic)).await;
    // Hold back one article page of the first outlet, so its poll is stuck mid-way.
    let outlet = &publishers.outlets[0];
    let held_url = demo_feed_entries(&outlet.feed_url).await[2].clone();
    let held_path = path_of(&held_url);
    traffic.hold(&held_path);
    let published = cluster.add_demo_feeds(&publishers, FEW_OUTLETS).await;
    let feed = cluster
        .storage
        .feed_by_url(&outlet.feed_url)
        .await
        .expect("feed")
        .expect("added");

    let first = cluster.worker().await;
    eventually("the held page to be asked for", PATIENCE, || async {
        (traffic.held_arrivals() >= 1).then_some(())
    })
    .await;
    first.kill().await;
    let second = cluster.worker().await;
    eventually("the held page to be asked for again", PATIENCE, || async {
        (traffic.held_arrivals() >= 2).then_some(())
    })
    .await;
    let (attempts, leased_by): (i32, Option<String>) = sqlx::query_as(
        "SELECT attempts, leased_by FROM jobs WHERE kind = 'poll_feed' AND key = $1",
    )
    .bind(feed.id.to_string())
    .fetch_one(cluster.pool())
    .await
    .expect("the feed's job is still there");
    assert_eq!(attempts, 2, "taken over once");
    let holder = leased_by.expect("leased");
    assert!(holder.ends_with(&format!(":{}", second.pid)), "{holder}");
    traffic.release();

    cluster.wait_for_articles(published).await;
    wait_for_no_jobs(&cluster).await;
    assert_eq!(cluster.duplicate_urls().await, Vec::new());
    let (held_stored,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM articles WHERE url = $1")
        .bind(&held_url)
        .fetch_one(cluster.pool())
        .await
        .expect("count");
    assert_eq!(held_stored, 1, "{held_url}");
    assert_eq!(traffic.held_arrivals(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_web_keeps_serving_while_workers_are_killed_and_restarted() {
    let cluster = Cluster::start(INGEST, SHORT_LEASES).await;
    // Slow publishers keep the workers busy while they are killed.
    let traffic = Traffic::new(Duration::from_millis(30));
    let publishers = start_publishers(Arc::clone(&traffic)).await;
    let published = cluster.add_demo_feeds(&publishers, FEW_OUTLETS).await;
    let web = cluster.web().await;
    let mut workers = vec![cluster.worker().await, cluster.worker().await];
    let first_article = eventually("a first article", PATIENCE, || async {
        let latest = cluster
            .storage
            .latest_articles(PageRequest::new(1, 1))
            .await
            .expect("latest");
        latest.items.first().map(|card| card.id)
    })
    .await;

    let stop = Arc::new(AtomicBool::new(false));
    let served = Arc::new(AtomicUsize::new(0));
    let paths = ["/".to_string(), format!("/article/{first_article}")];
    let urls: Vec<String> = paths.iter().map(|p| web.url(p)).collect();
    let poller = {
        let (stop, served) = (Arc::clone(&stop), Arc::clone(&served));
        tokio::spawn(async move {
            let client = reqwest::Client::new();
            let mut failures = Vec::new();
            while !stop.load(Ordering::SeqCst) {
                for url in &urls {
                    match client.get(url).send().await {
                        Ok(r) if r.status() == 200 => {
                            served.fetch_add(1, Ordering::SeqCst);
                        }
                        Ok(r) => failures.push(format!("{url}: HTTP {}", r.status())),
                        Err(e) => failures.push(format!("{url}: {e}")),
                    }
                }
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            failures
        })
    };
    for _ in 0..3 {
        workers.remove(0).kill().await;
        workers.push(cluster.worker().await);
        let before = served.load(Ordering::SeqCst);
        eventually("the web to answer again", PATIENCE, || async {
            (served.load(Ordering::SeqCst) >= before + 4).then_some(())
        })
        .await;
    }
    cluster.wait_for_articles(published).await;
    stop.store(true, Ordering::SeqCst);
    let failures = poller.await.expect("poller");
    assert_eq!(failures, Vec::<String>::new());
    assert!(served.load(Ordering::SeqCst) >= 12);
    assert_eq!(cluster.duplicate_urls().await, Vec::new());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_per_host_limit_holds_across_worker_processes() {
    // One feed per worker at a time, so the feeds spread over the workers; each worker alone
    // would send up to 2 requests at once, three would send 6.
    let ingest = "concurrent_feeds = 1\nconcurrent_pages = 8\nper_host_concurrency = 2\n\
                  total_timeout_secs = 20";
    let cluster = Cluster::start(ingest, SHORT_LEASES).await;
    let traffic = Traffic::new(Duration::from_millis(40));
    let publishers = start_publishers(Arc::clone(&traffic)).await;
    let published = cluster.add_demo_feeds(&publishers, FEW_OUTLETS).await;
    let _workers = [
        cluster.worker().await,
        cluster.worker().await,
        cluster.worker().await,
    ];
    cluster.wait_for_articles(published).await;
    assert_eq!(
        traffic.most_in_flight(),
        2,
        "the publishers' host saw more (or fewer) requests at once than its 2 slots"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_scheduler_role_moves_at_once_when_its_holder_is_killed() {
    // Leases of 60 s: only the server freeing the dead session's lock can move the role soon.
    let cluster = Cluster::start(INGEST, "lease_secs = 10\nleader_ttl_secs = 60").await;
    let traffic = Traffic::new(Duration::ZERO);
    let publishers = start_publishers(Arc::clone(&traffic)).await;
    let published = cluster.add_demo_feeds(&publishers, FEW_OUTLETS).await;
    let mut workers = vec![cluster.worker().await, cluster.worker().await];
    cluster.wait_for_articles(published).await;

    let leader = eventually("a scheduler", PATIENCE, || cluster.leader_pid("scheduler")).await;
    let index = workers
        .iter()
        .position(|w| w.pid == leader)
        .expect("a worker leads");
    let survivor = workers[1 - index].pid;
    workers.remove(index).kill().await;
    let killed_at = Instant::now();
    eventually("the survivor to lead", Duration::from_secs(30), || async {
        (cluster.leader_pid("scheduler").await == Some(survivor)).then_some(())
    })
    .await;
    let moved_after = killed_at.elapsed();
    eventually(
        "the survivor to place stories",
        Duration::from_secs(30),
        || async { (cluster.leader_pid("stories").await == Some(survivor)).then_some(()) },
    )
    .await;
    assert!(moved_after < Duration::from_secs(30), "{moved_after:?}");

    // The new leader schedules: every feed made due is polled once more.
    cluster.make_feeds_due().await;
    let twice = vec![2; FEW_OUTLETS];
    eventually("the new leader's polls", PATIENCE, || async {
        (feed_requests(&traffic, &publishers, FEW_OUTLETS) == twice).then_some(())
    })
    .await;
}
