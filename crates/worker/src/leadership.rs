//! Leadership of a named role (the scheduler, the story stage) among the processes sharing
//! one database: at most one process acts in a role at a time. [`Leadership::check`] is
//! called before acting: it takes the role when it is free, renews and verifies it while held
//! (PostgreSQL: a session advisory lock; SQLite: an expiring lease), and says when it was
//! gained or lost, so a new holder knows to reload what the old one may have changed.

use std::sync::Arc;
use std::time::{Duration, Instant};

use tidings_core::{LeaderGuard, Storage};

/// Longest time between two checks of a held role (each also renews an expiring lease).
const VERIFY_AT_MOST_EVERY: Duration = Duration::from_secs(2);
/// How often a process that does not hold the role tries to take it.
const RETRY_EVERY: Duration = Duration::from_secs(2);

/// What [`Leadership::check`] found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeaderState {
    /// The role was just taken: whatever was cached from an earlier term is stale.
    Gained,
    /// The role is still held.
    Held,
    /// Another process holds the role (or it was just lost).
    Follower,
}

impl LeaderState {
    pub fn leads(self) -> bool {
        self != LeaderState::Follower
    }
}

/// One process's claim on one role.
pub struct Leadership {
    storage: Arc<dyn Storage>,
    role: &'static str,
    holder: String,
    ttl: Duration,
    guard: Option<Box<dyn LeaderGuard>>,
    /// When the guard was last verified, or the role last tried for.
    checked_at: Option<Instant>,
}

impl Leadership {
    /// A claim on `role` that expires `ttl` after its last renewal where the backend uses
    /// leases. Nothing is taken until the first [`check`](Self::check).
    pub fn new(storage: Arc<dyn Storage>, role: &'static str, ttl: Duration) -> Self {
        Leadership {
            storage,
            role,
            holder: format!("{} {role}", process_identity()),
            ttl,
            guard: None,
            checked_at: None,
        }
    }

    /// Whether this process holds the role. Verifies (and renews) a held role at most every
    /// [`VERIFY_AT_MOST_EVERY`] and never less than three times per lease; tries for a free
    /// role at most every [`RETRY_EVERY`], unless `force` asks for a check now.
    pub async fn check(&mut self, force: bool) -> LeaderState {
        let verify_every = VERIFY_AT_MOST_EVERY.min(self.ttl / 3);
        let wait = if self.guard.is_some() {
            verify_every
        } else {
            RETRY_EVERY
        };
        let recent = self.checked_at.is_some_and(|at| at.elapsed() < wait);
        if recent && !force {
            return if self.guard.is_some() {
                LeaderState::Held
            } else {
                LeaderState::Follower
            };
        }
        self.checked_at = Some(Instant::now());
        if let Some(guard) = self.guard.as_mut() {
            return match guard.still_held().await {
                Ok(true) => LeaderState::Held,
                Ok(false) => {
                    tracing::warn!(
                        role = self.role,
                        "leadership lost; another process may lead"
                    );
                    self.guard = None;
                    LeaderState::Follower
                }
                Err(e) => {
                    tracing::warn!(role = self.role, error = %e, "cannot verify leadership; giving it up");
                    self.guard = None;
                    LeaderState::Follower
                }
            };
        }
        match self
            .storage
            .try_lead(self.role, &self.holder, self.ttl)
            .await
        {
            Ok(Some(guard)) => {
                tracing::info!(role = self.role, holder = %self.holder, "leading");
                self.guard = Some(guard);
                LeaderState::Gained
            }
            Ok(None) => LeaderState::Follower,
            Err(e) => {
                tracing::warn!(role = self.role, error = %e, "cannot try for leadership");
                LeaderState::Follower
            }
        }
    }

    /// Whether the role was held at the last check (without asking the database).
    pub fn held(&self) -> bool {
        self.guard.is_some()
    }

    /// Gives the role up (other processes may take it at once).
    pub fn resign(&mut self) {
        if self.guard.take().is_some() {
            tracing::info!(role = self.role, "leadership given up");
        }
    }
}

/// This process among all that share the database: `<host>:<pid>`. Shown as a job's holder
/// and, with the role, as a leader's (in `pg_stat_activity` on PostgreSQL).
pub fn process_identity() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".to_string());
    format!("{host}:{}", std::process::id())
}

#[cfg(test)]
mod tests {
    use super::*;
    use tidings_storage::SqliteStorage;

    #[tokio::test]
    async fn one_process_leads_until_it_resigns() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("lead.db");
        // Two storages on one file stand for two processes.
        let first: Arc<dyn Storage> = Arc::new(SqliteStorage::open(&path).await.expect("open"));
        let second: Arc<dyn Storage> = Arc::new(SqliteStorage::open(&path).await.expect("open"));
        let ttl = Duration::from_secs(30);
        let mut a = Leadership::new(first, "scheduler", ttl);
        let mut b = Leadership::new(second, "scheduler", ttl);
        assert_eq!(a.check(true).await, LeaderState::Gained);
        assert_eq!(b.check(true).await, LeaderState::Follower);
        assert_eq!(a.check(true).await, LeaderState::Held);
        assert_eq!(
            a.check(false).await,
            LeaderState::Held,
            "cached between checks"
        );
        a.resign();
        assert!(!a.held());
        // The lease is deleted in the background; the role is free within moments.
        let mut state = LeaderState::Follower;
        for _ in 0..50 {
            state = b.check(true).await;
            if state.leads() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(state, LeaderState::Gained);
        assert_eq!(a.check(true).await, LeaderState::Follower);
    }

    #[test]
    fn the_identity_names_host_and_process() {
        let identity = process_identity();
        let (host, pid) = identity.rsplit_once(':').expect("host:pid");
        assert!(!host.is_empty());
        assert_eq!(pid, std::process::id().to_string());
    }
}
