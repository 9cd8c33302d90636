//! Owns [`HostGate`]: the hook through which the [`Fetcher`](super::Fetcher)'s per-host limit
//! reaches beyond one process. The fetcher knows nothing of where the slots live; whoever
//! builds it (the application, with its shared database) supplies the gate.

use futures::future::BoxFuture;

/// One request slot for a host, held while a request is in flight; dropping it frees the slot.
pub struct HostPass {
    _slot: Box<dyn Send + Sync>,
}

impl HostPass {
    /// A pass holding `slot` (whatever frees the slot when dropped).
    pub fn new(slot: impl Send + Sync + 'static) -> Self {
        HostPass {
            _slot: Box::new(slot),
        }
    }
}

impl std::fmt::Debug for HostPass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HostPass")
    }
}

/// Limits requests in flight to one host across every process sharing the gate.
pub trait HostGate: Send + Sync {
    /// Waits until a request to `host` may go out and returns its slot; an error (one line,
    /// naming what failed) fails the request instead of sending it unlimited.
    fn enter<'a>(&'a self, host: &'a str) -> BoxFuture<'a, Result<HostPass, String>>;
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    use axum::Router;
    use axum::routing::get;
    use tokio::sync::Semaphore;
    use url::Url;

    use super::*;
    use crate::fetcher::{FetchError, FetchRequest, Fetcher, FetcherConfig};

    /// A gate over one semaphore, as a shared database would be across processes.
    struct SemaphoreGate {
        slots: Arc<Semaphore>,
        hosts: std::sync::Mutex<Vec<String>>,
    }

    impl HostGate for SemaphoreGate {
        fn enter<'a>(&'a self, host: &'a str) -> BoxFuture<'a, Result<HostPass, String>> {
            Box::pin(async move {
                self.hosts
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(host.to_owned());
                let permit = Arc::clone(&self.slots)
                    .acquire_owned()
                    .await
                    .map_err(|e| e.to_string())?;
                Ok(HostPass::new(permit))
            })
        }
    }

    struct RefusingGate;

    impl HostGate for RefusingGate {
        fn enter<'a>(&'a self, _host: &'a str) -> BoxFuture<'a, Result<HostPass, String>> {
            Box::pin(async { Err("the slot table is unreachable".to_owned()) })
        }
    }

    /// A server that answers slowly and records the most requests it had in flight.
    async fn slow_server(in_flight: Arc<AtomicUsize>, most: Arc<AtomicUsize>) -> String {
        let router = Router::new().route(
            "/slow",
            get(move || {
                let in_flight = Arc::clone(&in_flight);
                let most = Arc::clone(&most);
                async move {
                    let now = in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    tokio::time::sleep(Duration::from_millis(60)).await;
                    in_flight.fetch_sub(1, Ordering::SeqCst);
                    "slow"
                }
            }),
        );
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        tokio::spawn(async move {
            let _ = axum::serve(listener, router).await;
        });
        format!("http://{addr}/slow")
    }

    fn loopback(url: &Url) -> FetchRequest<'_> {
        FetchRequest {
            allow_private: true,
            ..FetchRequest::new(url)
        }
    }

    #[tokio::test]
    async fn one_gate_limits_several_fetchers_together() {
        let in_flight = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let url =
            Url::parse(&slow_server(Arc::clone(&in_flight), Arc::clone(&most)).await).expect("url");
        let gate = Arc::new(SemaphoreGate {
            slots: Arc::new(Semaphore::new(1)),
            hosts: std::sync::Mutex::new(Vec::new()),
        });
        let config = FetcherConfig {
            per_host_concurrency: 4,
            ..FetcherConfig::default()
        };
        // Two fetchers stand for two processes: each alone would allow 4 requests at once.
        let fetchers = [
            Fetcher::new(config.clone())
                .expect("fetcher")
                .with_host_gate(gate.clone()),
            Fetcher::new(config)
                .expect("fetcher")
                .with_host_gate(gate.clone()),
        ];
        let requests = (0..8).map(|i| {
            let fetcher = &fetchers[i % 2];
            let url = &url;
            async move { fetcher.get(loopback(url)).await }
        });
        for response in futures::future::join_all(requests).await {
            assert_eq!(&response.expect("fetched").body[..], b"slow");
        }
        assert_eq!(most.load(Ordering::SeqCst), 1, "the gate's one slot held");
        let hosts = gate.hosts.lock().unwrap_or_else(|p| p.into_inner()).clone();
        assert_eq!(hosts.len(), 8);
        assert!(hosts.iter().all(|h| h == "127.0.0.1"), "{hosts:?}");
        assert_eq!(gate.slots.available_permits(), 1, "every slot given back");
    }

    #[tokio::test]
    async fn a_gate_that_fails_fails_the_request_and_names_the_host() {
        let in_flight = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let url = Url::parse(&slow_server(in_flight, Arc::clone(&most)).await).expect("url");
        let fetcher = Fetcher::new(FetcherConfig::default())
            .expect("fetcher")
            .with_host_gate(Arc::new(RefusingGate));
        let err = fetcher
            .get(loopback(&url))
            .await
            .expect_err("no slot, no request");
        assert!(matches!(err, FetchError::HostGate { .. }), "{err:?}");
        assert_eq!(
            err.to_string(),
            "could not get a request slot for 127.0.0.1: the slot table is unreachable"
        );
        assert_eq!(most.load(Ordering::SeqCst), 0, "nothing was sent");
    }
}
