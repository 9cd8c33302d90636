//! Sliding-window counters in memory: at most `limit` events per key within `window`. Used for
//! failed sign-ins and for posting, per account and per address.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Keys kept before stale ones are swept.
const SWEEP_AT_KEYS: usize = 10_000;

#[derive(Debug)]
pub struct Throttle {
    limit: u32,
    window: Duration,
    events: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl Throttle {
    pub fn new(limit: u32, window: Duration) -> Self {
        Throttle {
            limit,
            window,
            events: Mutex::new(HashMap::new()),
        }
    }

    /// How long until `key` may act again; `None` when it may act now.
    pub fn wait_for(&self, key: &str) -> Option<Duration> {
        let now = Instant::now();
        let mut events = self.events.lock().unwrap_or_else(|e| e.into_inner());
        let queue = events.get_mut(key)?;
        self.expire(queue, now);
        if queue.len() < self.limit as usize {
            return None;
        }
        queue
            .front()
            .map(|oldest| self.window.saturating_sub(now.duration_since(*oldest)))
    }

    /// Counts one event for `key`.
    pub fn record(&self, key: &str) {
        let now = Instant::now();
        let mut events = self.events.lock().unwrap_or_else(|e| e.into_inner());
        if events.len() >= SWEEP_AT_KEYS {
            events.retain(|_, queue| {
                queue
                    .back()
                    .is_some_and(|last| now.duration_since(*last) < self.window)
            });
        }
        let queue = events.entry(key.to_owned()).or_default();
        self.expire(queue, now);
        queue.push_back(now);
    }

    /// Checks and, when allowed, counts one event: `Err(wait)` when over the limit.
    pub fn try_acquire(&self, key: &str) -> Result<(), Duration> {
        match self.wait_for(key) {
            Some(wait) => Err(wait),
            None => {
                self.record(key);
                Ok(())
            }
        }
    }

    /// Forgets `key` (a successful sign-in clears its failures).
    pub fn clear(&self, key: &str) {
        let mut events = self.events.lock().unwrap_or_else(|e| e.into_inner());
        events.remove(key);
    }

    fn expire(&self, queue: &mut VecDeque<Instant>, now: Instant) {
        while queue
            .front()
            .is_some_and(|at| now.duration_since(*at) >= self.window)
        {
            queue.pop_front();
        }
    }
}

/// "3 minutes", "1 minute" — a wait rounded up to whole minutes.
pub fn minutes_text(wait: Duration) -> String {
    let minutes = wait.as_secs().div_ceil(60).max(1);
    if minutes == 1 {
        "1 minute".to_owned()
    } else {
        format!("{minutes} minutes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_limit_applies_per_key_and_clears() {
        let throttle = Throttle::new(2, Duration::from_secs(60));
        assert!(throttle.try_acquire("a").is_ok());
        assert!(throttle.try_acquire("a").is_ok());
        let wait = throttle.try_acquire("a").expect_err("third refused");
        assert!(wait <= Duration::from_secs(60));
        assert!(throttle.try_acquire("b").is_ok(), "other keys unaffected");
        throttle.clear("a");
        assert!(throttle.try_acquire("a").is_ok());
    }

    #[test]
    fn events_expire_after_the_window() {
        let throttle = Throttle::new(1, Duration::from_millis(1));
        throttle.record("k");
        std::thread::sleep(Duration::from_millis(5));
        assert!(throttle.wait_for("k").is_none());
    }

    #[test]
    fn waits_read_in_minutes() {
        assert_eq!(minutes_text(Duration::from_secs(1)), "1 minute");
        assert_eq!(minutes_text(Duration::from_secs(61)), "2 minutes");
    }
}
