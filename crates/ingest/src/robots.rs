//! Owns robots.txt: fetching it once per origin through the [`Fetcher`],
//! caching the parsed rules per origin and user agent, and answering whether
//! a URL may be crawled.
//!
//! Policy: a missing robots.txt or any 4xx means "allow all" (cached for the
//! normal TTL); a 5xx, timeout or connection failure also allows, but is only
//! cached briefly so the file is tried again soon.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use texting_robots::Robot;
use tokio::time::Instant;
use url::Url;

use crate::fetcher::{FetchError, FetchRequest, Fetcher};

/// How long a fetched robots.txt (or a 4xx answer) is trusted.
pub const ROBOTS_TTL: Duration = Duration::from_secs(24 * 60 * 60);
/// How long an "allow" after a server error or timeout is kept.
pub const ROBOTS_RETRY_TTL: Duration = Duration::from_secs(10 * 60);
/// Only the first 500 KiB of a robots.txt are read, as major crawlers do.
const MAX_ROBOTS_BYTES: usize = 500 * 1024;

#[derive(Clone)]
enum Rules {
    AllowAll,
    Parsed(Arc<Robot>),
}

#[derive(Clone)]
struct CachedRules {
    rules: Rules,
    expires: Instant,
}

/// In-memory robots.txt cache, keyed by origin and user-agent token.
/// Clones share the cache.
#[derive(Clone, Default)]
pub struct RobotsCache {
    entries: Arc<Mutex<HashMap<(String, String), CachedRules>>>,
}

impl std::fmt::Debug for RobotsCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RobotsCache").finish_non_exhaustive()
    }
}

impl RobotsCache {
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether `user_agent_token` may fetch `url` according to its origin's
    /// robots.txt. Non-http(s) URLs are never allowed.
    pub async fn allowed(
        &self,
        fetcher: &Fetcher,
        url: &Url,
        allow_private: bool,
        user_agent_token: &str,
    ) -> bool {
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            return false;
        }
        let key = (
            url.origin().ascii_serialization(),
            user_agent_token.to_ascii_lowercase(),
        );
        let cached = self.lookup(&key);
        let rules = match cached {
            Some(rules) => rules,
            None => {
                let fetched = fetch_rules(fetcher, url, allow_private, user_agent_token).await;
                self.store(key, fetched.clone());
                fetched.rules
            }
        };
        match rules {
            Rules::AllowAll => true,
            Rules::Parsed(robot) => robot.allowed(url.as_str()),
        }
    }

    fn lookup(&self, key: &(String, String)) -> Option<Rules> {
        let entries = match self.entries.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        entries
            .get(key)
            .filter(|e| e.expires > Instant::now())
            .map(|e| e.rules.clone())
    }

    fn store(&self, key: (String, String), value: CachedRules) {
        let mut entries = match self.entries.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        };
        if entries.len() > 10_000 {
            let now = Instant::now();
            entries.retain(|_, e| e.expires > now);
        }
        entries.insert(key, value);
    }
}

/// Reads a robots.txt body (its first 500 KiB) for `user_agent_token`.
pub fn read_robots(user_agent_token: &str, body: &[u8]) -> Result<Robot, String> {
    let body = &body[..body.len().min(MAX_ROBOTS_BYTES)];
    Robot::new(user_agent_token, body).map_err(|e| e.to_string())
}

async fn fetch_rules(
    fetcher: &Fetcher,
    url: &Url,
    allow_private: bool,
    user_agent_token: &str,
) -> CachedRules {
    let now = Instant::now();
    let allow_for = |ttl| CachedRules {
        rules: Rules::AllowAll,
        expires: now + ttl,
    };
    let Ok(robots_url) = url.join("/robots.txt") else {
        return allow_for(ROBOTS_RETRY_TTL);
    };
    let request = FetchRequest {
        url: &robots_url,
        allow_private,
        etag: None,
        last_modified: None,
        accept: Some("text/plain, */*;q=0.5"),
    };
    match fetcher.get(request).await {
        Ok(response) => match read_robots(user_agent_token, &response.body) {
            Ok(robot) => CachedRules {
                rules: Rules::Parsed(Arc::new(robot)),
                expires: now + ROBOTS_TTL,
            },
            Err(err) => {
                tracing::debug!(%robots_url, %err, "unparseable robots.txt; allowing");
                allow_for(ROBOTS_TTL)
            }
        },
        Err(FetchError::Status { status, .. }) if (400..500).contains(&status) && status != 429 => {
            allow_for(ROBOTS_TTL)
        }
        Err(err) => {
            tracing::debug!(%robots_url, %err, "robots.txt unavailable; allowing for now");
            allow_for(ROBOTS_RETRY_TTL)
        }
    }
}
