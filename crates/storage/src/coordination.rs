//! What every backend's coordination code shares: lease tokens, deadline arithmetic and how
//! long throttle events are kept.

use std::time::Duration;

use chrono::{DateTime, Utc};
use tidings_core::{StorageError, StorageResult};

/// Throttle events older than this are swept whatever their key (no throttle window is longer).
pub(crate) const THROTTLE_KEEP: Duration = Duration::from_secs(24 * 3600);

/// Lapsed leases (a worker died running the job) after which a job is dead, not retried.
pub(crate) const CRASHES_BEFORE_DEATH: i32 = 2;
/// The error a job that took its worker down twice dies with.
pub(crate) const CRASHED_TWICE: &str =
    "crashed the worker twice (its lease lapsed twice without an answer)";

/// A fresh, unguessable token for a lease, a slot or a leadership.
pub(crate) fn random_token() -> String {
    hex::encode(rand::random::<[u8; 16]>())
}

/// `at` plus `span`; `Invalid` when the sum leaves the calendar.
pub(crate) fn after(at: DateTime<Utc>, span: Duration) -> StorageResult<DateTime<Utc>> {
    chrono::Duration::from_std(span)
        .ok()
        .and_then(|span| at.checked_add_signed(span))
        .ok_or_else(|| StorageError::Invalid(format!("a lease of {span:?} is too long")))
}

/// The stamps from rows of `cache_stamps`; an unknown scope is ignored.
pub(crate) fn stamps_from_rows(rows: Vec<(String, i64)>) -> tidings_core::CacheStamps {
    let mut stamps = tidings_core::CacheStamps::default();
    for (scope, version) in rows {
        match scope.as_str() {
            "content" => stamps.content = version,
            "comments" => stamps.comments = version,
            _ => {}
        }
    }
    stamps
}
