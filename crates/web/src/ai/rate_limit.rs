//! A per-client token bucket for questions: each client IP may ask a burst of questions,
//! then one every few seconds. Kept in memory; buckets of idle clients are forgotten.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Questions a client may ask at once.
const BURST: f64 = 8.0;
/// One more question allowed per this long.
const REFILL_EVERY: Duration = Duration::from_secs(6);
/// Buckets kept before idle ones are dropped.
const MAX_CLIENTS: usize = 10_000;

/// Token buckets per client address.
#[derive(Debug, Default)]
pub struct QuestionLimiter {
    buckets: Mutex<HashMap<IpAddr, (f64, Instant)>>,
}

impl QuestionLimiter {
    /// Takes one token for `client`; false when the client must wait.
    pub fn allow(&self, client: IpAddr) -> bool {
        self.allow_at(client, Instant::now())
    }

    fn allow_at(&self, client: IpAddr, now: Instant) -> bool {
        let Ok(mut buckets) = self.buckets.lock() else {
            return true;
        };
        if buckets.len() >= MAX_CLIENTS {
            buckets.retain(|_, (tokens, at)| refill(*tokens, *at, now) < BURST);
        }
        let (tokens, at) = buckets.entry(client).or_insert((BURST, now));
        let available = refill(*tokens, *at, now);
        if available >= 1.0 {
            *tokens = available - 1.0;
            *at = now;
            true
        } else {
            false
        }
    }
}

fn refill(tokens: f64, at: Instant, now: Instant) -> f64 {
    let elapsed = now.saturating_duration_since(at).as_secs_f64();
    (tokens + elapsed / REFILL_EVERY.as_secs_f64()).min(BURST)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_then_a_wait_per_client() {
        let limiter = QuestionLimiter::default();
        let start = Instant::now();
        let one: IpAddr = [10, 0, 0, 1].into();
        let two: IpAddr = [10, 0, 0, 2].into();
        for _ in 0..8 {
            assert!(limiter.allow_at(one, start));
        }
        assert!(!limiter.allow_at(one, start), "the burst is spent");
        assert!(
            limiter.allow_at(two, start),
            "other clients are not affected"
        );
        assert!(
            limiter.allow_at(one, start + REFILL_EVERY),
            "a token came back"
        );
        assert!(!limiter.allow_at(one, start + REFILL_EVERY));
    }
}
