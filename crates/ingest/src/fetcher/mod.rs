//! Owns the one guarded HTTP client that every outbound request goes through:
//! scheme and address checks on every hop, redirects followed by hand,
//! connect and total timeouts, a body cap counted after decompression,
//! conditional GET, and a per-host concurrency limit (per process, and across processes
//! through an optional [`HostGate`]).

mod address_guard;
mod error;
mod host_gate;
mod response_headers;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::{Bytes, BytesMut};
use reqwest::header::{self, HeaderMap, HeaderValue};
use reqwest::{Client, StatusCode};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;
use url::Url;

pub use address_guard::{AddressClass, non_public_class};
pub use error::FetchError;
pub use host_gate::{HostGate, HostPass};

use address_guard::{PublicOnlyResolver, RefusedResolution};

/// Limits and identity of the [`Fetcher`].
#[derive(Debug, Clone)]
pub struct FetcherConfig {
    pub connect_timeout: Duration,
    /// Deadline for the whole request: every redirect hop and the body.
    pub total_timeout: Duration,
    /// Cap on the body, counted after decompression.
    pub max_body_bytes: u64,
    pub max_redirects: u32,
    pub user_agent: String,
    /// Requests allowed in flight to one host at a time.
    pub per_host_concurrency: usize,
}

impl Default for FetcherConfig {
    fn default() -> Self {
        FetcherConfig {
            connect_timeout: Duration::from_secs(10),
            total_timeout: Duration::from_secs(30),
            max_body_bytes: 10 * 1024 * 1024,
            max_redirects: 5,
            user_agent: concat!("Tidings/", env!("CARGO_PKG_VERSION")).to_owned(),
            per_host_concurrency: 2,
        }
    }
}

/// One GET request.
#[derive(Debug, Clone, Copy)]
pub struct FetchRequest<'a> {
    pub url: &'a Url,
    /// Permit loopback, private, link-local and other non-public addresses.
    pub allow_private: bool,
    /// Sent as `If-None-Match`.
    pub etag: Option<&'a str>,
    /// Sent as `If-Modified-Since`.
    pub last_modified: Option<&'a str>,
    pub accept: Option<&'a str>,
}

impl<'a> FetchRequest<'a> {
    /// A plain GET of a public URL.
    pub fn new(url: &'a Url) -> Self {
        FetchRequest {
            url,
            allow_private: false,
            etag: None,
            last_modified: None,
            accept: None,
        }
    }
}

/// A successful (2xx or 304) response with its body fully read.
#[derive(Debug, Clone)]
pub struct FetchedResponse {
    /// The URL after redirects.
    pub final_url: Url,
    pub status: u16,
    /// The server answered 304; `body` is empty.
    pub not_modified: bool,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
    /// The media type without parameters, lower-cased.
    pub content_type: Option<String>,
    pub charset: Option<String>,
    /// `Cache-Control: max-age`.
    pub max_age: Option<Duration>,
    pub retry_after: Option<Duration>,
    pub body: Bytes,
}

/// Which addresses a request may reach.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum AddressPolicy {
    PublicOnly,
    Any,
    /// Tests only: loopback literals pass (so a local server can be used),
    /// every other non-public literal is refused as under `PublicOnly`.
    #[cfg(test)]
    PublicOrLoopbackLiteral,
}

/// The guarded HTTP client. Clones share connection pools, the per-host
/// concurrency limits and the host gate.
#[derive(Clone)]
pub struct Fetcher {
    shared: Arc<FetcherShared>,
    /// Request slots shared with other processes, taken after the in-process limit.
    gate: Option<Arc<dyn HostGate>>,
}

struct FetcherShared {
    config: FetcherConfig,
    guarded: Client,
    permissive: Client,
    host_slots: Mutex<HashMap<String, Arc<Semaphore>>>,
}

impl std::fmt::Debug for Fetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fetcher")
            .field("config", &self.shared.config)
            .finish_non_exhaustive()
    }
}

impl Fetcher {
    pub fn new(config: FetcherConfig) -> Result<Self, FetchError> {
        if config.per_host_concurrency == 0 {
            return Err(FetchError::ClientSetup(
                "per_host_concurrency must be at least 1".into(),
            ));
        }
        let base = || {
            Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .connect_timeout(config.connect_timeout)
                .user_agent(config.user_agent.clone())
                // A proxy would resolve names itself and bypass the address guard.
                .no_proxy()
        };
        let guarded = base()
            .dns_resolver(Arc::new(PublicOnlyResolver))
            .build()
            .map_err(|e| FetchError::ClientSetup(error_chain(&e)))?;
        let permissive = base()
            .build()
            .map_err(|e| FetchError::ClientSetup(error_chain(&e)))?;
        Ok(Fetcher {
            shared: Arc::new(FetcherShared {
                config,
                guarded,
                permissive,
                host_slots: Mutex::new(HashMap::new()),
            }),
            gate: None,
        })
    }

    /// The fetcher with every request (each redirect hop, robots.txt included) also passing
    /// through `gate`, which limits requests per host across processes.
    pub fn with_host_gate(mut self, gate: Arc<dyn HostGate>) -> Self {
        self.gate = Some(gate);
        self
    }

    pub fn config(&self) -> &FetcherConfig {
        &self.shared.config
    }

    /// GETs `req.url`, following up to `max_redirects` redirects.
    pub async fn get(&self, req: FetchRequest<'_>) -> Result<FetchedResponse, FetchError> {
        self.get_capped(req, self.shared.config.max_body_bytes)
            .await
    }

    /// As [`Fetcher::get`], with the body capped at `max_body_bytes` (after decompression)
    /// when that is below the configured cap: for bodies that must be small, such as images.
    pub async fn get_capped(
        &self,
        req: FetchRequest<'_>,
        max_body_bytes: u64,
    ) -> Result<FetchedResponse, FetchError> {
        let policy = if req.allow_private {
            AddressPolicy::Any
        } else {
            AddressPolicy::PublicOnly
        };
        let cap = max_body_bytes.min(self.shared.config.max_body_bytes);
        self.get_with_policy(req, policy, cap).await
    }

    async fn get_with_policy(
        &self,
        req: FetchRequest<'_>,
        policy: AddressPolicy,
        max_body_bytes: u64,
    ) -> Result<FetchedResponse, FetchError> {
        let config = &self.shared.config;
        let mut url = req.url.clone();
        let mut deadline: Option<Instant> = None;
        let mut redirects = 0u32;
        loop {
            let host = check_target(&url, policy)?;
            let _slot = self.acquire_host_slot(&host).await;
            let _pass = self.pass_host_gate(&host).await?;
            // The clock starts once the first hop may go out, so time spent
            // queued behind other requests to the same host is not counted.
            let deadline = *deadline.get_or_insert_with(|| Instant::now() + config.total_timeout);
            let hop = tokio::time::timeout_at(deadline, self.send_hop(&req, &url, policy));
            let outcome = hop.await.map_err(|_| FetchError::Timeout {
                after: config.total_timeout,
            })??;
            match outcome {
                HopOutcome::Redirect(next) => {
                    redirects += 1;
                    if redirects > config.max_redirects {
                        return Err(FetchError::TooManyRedirects {
                            max: config.max_redirects,
                        });
                    }
                    tracing::debug!(from = %url, to = %next, "following redirect");
                    url = next;
                }
                HopOutcome::Final(response) => {
                    let body = tokio::time::timeout_at(
                        deadline,
                        read_capped_body(response, max_body_bytes, &url),
                    );
                    let (head, body) = body.await.map_err(|_| FetchError::Timeout {
                        after: config.total_timeout,
                    })??;
                    return Ok(head.into_response(url, body));
                }
            }
        }
    }

    async fn send_hop(
        &self,
        req: &FetchRequest<'_>,
        url: &Url,
        policy: AddressPolicy,
    ) -> Result<HopOutcome, FetchError> {
        let client = match policy {
            AddressPolicy::PublicOnly => &self.shared.guarded,
            AddressPolicy::Any => &self.shared.permissive,
            #[cfg(test)]
            AddressPolicy::PublicOrLoopbackLiteral => &self.shared.permissive,
        };
        let mut builder = client.get(url.clone());
        if let Some(etag) = req.etag {
            builder = builder.header(header::IF_NONE_MATCH, etag);
        }
        if let Some(since) = req.last_modified {
            builder = builder.header(header::IF_MODIFIED_SINCE, since);
        }
        if let Some(accept) = req.accept {
            builder = builder.header(header::ACCEPT, accept);
        }
        let response = builder
            .send()
            .await
            .map_err(|e| self.map_send_error(&e, url))?;
        let status = response.status();
        if is_followed_redirect(status) {
            let next = response
                .headers()
                .get(header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|loc| url.join(loc.trim()).ok())
                .ok_or_else(|| FetchError::BadRedirect {
                    status: status.as_u16(),
                    from: url.to_string(),
                })?;
            return Ok(HopOutcome::Redirect(next));
        }
        if status.is_client_error() || status.is_server_error() || status.is_redirection() {
            if status == StatusCode::NOT_MODIFIED {
                return Ok(HopOutcome::Final(response));
            }
            return Err(FetchError::Status {
                status: status.as_u16(),
                retry_after: response_headers::retry_after(response.headers()),
            });
        }
        Ok(HopOutcome::Final(response))
    }

    fn map_send_error(&self, err: &reqwest::Error, url: &Url) -> FetchError {
        if let Some(refused) = find_source::<RefusedResolution>(err) {
            return FetchError::NonPublicResolution {
                host: refused.host.clone(),
                addr: refused.addr,
                class: refused.class.describe(),
            };
        }
        if err.is_timeout() {
            return FetchError::Timeout {
                after: self.shared.config.connect_timeout,
            };
        }
        let detail = error_chain(err);
        if err.is_connect() {
            FetchError::Connect {
                host: url.host_str().unwrap_or_default().to_owned(),
                detail,
            }
        } else {
            FetchError::Transport {
                url: url.to_string(),
                detail,
            }
        }
    }

    /// Waits for the gate's slot for `host` (when there is a gate); the slot is held until
    /// the returned pass is dropped.
    async fn pass_host_gate(&self, host: &str) -> Result<Option<HostPass>, FetchError> {
        let Some(gate) = &self.gate else {
            return Ok(None);
        };
        gate.enter(host)
            .await
            .map(Some)
            .map_err(|detail| FetchError::HostGate {
                host: host.to_owned(),
                detail,
            })
    }

    async fn acquire_host_slot(&self, host: &str) -> Option<OwnedSemaphorePermit> {
        let semaphore = {
            let mut slots = match self.shared.host_slots.lock() {
                Ok(guard) => guard,
                Err(poisoned) => poisoned.into_inner(),
            };
            if slots.len() > 4096 {
                slots.retain(|_, s| Arc::strong_count(s) > 1);
            }
            slots
                .entry(host.to_owned())
                .or_insert_with(|| {
                    Arc::new(Semaphore::new(self.shared.config.per_host_concurrency))
                })
                .clone()
        };
        semaphore.acquire_owned().await.ok()
    }
}

enum HopOutcome {
    Redirect(Url),
    Final(reqwest::Response),
}

fn is_followed_redirect(status: StatusCode) -> bool {
    matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308)
}

/// Checks scheme, host presence and literal-IP hosts; returns the host key
/// used for the concurrency limit.
fn check_target(url: &Url, policy: AddressPolicy) -> Result<String, FetchError> {
    if !matches!(url.scheme(), "http" | "https") {
        return Err(FetchError::UnsupportedScheme {
            scheme: url.scheme().to_owned(),
            url: url.to_string(),
        });
    }
    let host = match url.host() {
        Some(host) => host,
        None => {
            return Err(FetchError::MissingHost {
                url: url.to_string(),
            });
        }
    };
    let literal: Option<std::net::IpAddr> = match host {
        url::Host::Ipv4(ip) => Some(ip.into()),
        url::Host::Ipv6(ip) => Some(ip.into()),
        url::Host::Domain(_) => None,
    };
    if let Some(ip) = literal
        && let Some(class) = non_public_class(ip)
    {
        let refused = match policy {
            AddressPolicy::Any => false,
            AddressPolicy::PublicOnly => true,
            #[cfg(test)]
            AddressPolicy::PublicOrLoopbackLiteral => class != AddressClass::Loopback,
        };
        if refused {
            return Err(FetchError::NonPublicHost {
                host: host.to_string(),
                class: class.describe(),
            });
        }
    }
    Ok(host.to_string())
}

struct ResponseHead {
    status: u16,
    headers: HeaderMap<HeaderValue>,
}

impl ResponseHead {
    fn into_response(self, final_url: Url, body: Bytes) -> FetchedResponse {
        let headers = &self.headers;
        let (content_type, charset) = response_headers::content_type(headers);
        FetchedResponse {
            final_url,
            status: self.status,
            not_modified: self.status == StatusCode::NOT_MODIFIED.as_u16(),
            etag: response_headers::text(headers, header::ETAG),
            last_modified: response_headers::text(headers, header::LAST_MODIFIED),
            content_type,
            charset,
            max_age: response_headers::max_age(headers),
            retry_after: response_headers::retry_after(headers),
            body,
        }
    }
}

async fn read_capped_body(
    mut response: reqwest::Response,
    limit: u64,
    url: &Url,
) -> Result<(ResponseHead, Bytes), FetchError> {
    let head = ResponseHead {
        status: response.status().as_u16(),
        headers: response.headers().clone(),
    };
    if head.status == StatusCode::NOT_MODIFIED.as_u16() {
        return Ok((head, Bytes::new()));
    }
    // With transparent decompression reqwest drops Content-Length, so this
    // only short-cuts plain bodies; the loop below is the real cap.
    if response.content_length().is_some_and(|len| len > limit) {
        return Err(FetchError::BodyTooLarge { limit });
    }
    let mut body = BytesMut::new();
    while let Some(chunk) = response.chunk().await.map_err(|e| FetchError::Transport {
        url: url.to_string(),
        detail: error_chain(&e),
    })? {
        if body.len() as u64 + chunk.len() as u64 > limit {
            return Err(FetchError::BodyTooLarge { limit });
        }
        body.extend_from_slice(&chunk);
    }
    Ok((head, body.freeze()))
}

fn find_source<'e, T: std::error::Error + 'static>(
    err: &'e (dyn std::error::Error + 'static),
) -> Option<&'e T> {
    let mut current: Option<&(dyn std::error::Error + 'static)> = Some(err);
    while let Some(e) = current {
        if let Some(found) = e.downcast_ref::<T>() {
            return Some(found);
        }
        current = e.source();
    }
    None
}

/// The innermost causes of an error joined into one line, skipping
/// reqwest's generic "error sending request" wrapper.
fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = Vec::new();
    let mut current = err.source();
    while let Some(e) = current {
        parts.push(e.to_string());
        current = e.source();
    }
    if parts.is_empty() {
        err.to_string()
    } else {
        parts.join(": ")
    }
}

#[cfg(test)]
mod tests;
