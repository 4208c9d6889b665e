//! The cloud's limits (PROTOCOL §6): request intensity (`QUERY_LIMIT_EXCEEDED`, a leaky bucket
//! per source address) and operating time (`OPERATION_TIME_LIMIT`, per credential and method).
//!
//! # Operating-time cost model
//!
//! The emulator answers in microseconds, so measuring real execution time would never reach a
//! limit. Instead every method call is charged a *modelled* execution time:
//!
//! ```text
//! cost = BASE_COST                                      (every call, 0.002 s)
//!      + OFFSET_COST  * min(offset, rows)               (list calls: 0.00002 s per skipped row)
//!      + COUNT_COST   * matched rows, unless start=-1   (list calls: 0.000002 s per counted row)
//! ```
//!
//! A list call is one whose result carried a `total` or whose parameters had `start`. So a page
//! at offset 10,000 of a 1,000,000-row table costs 0.002 + 0.2 + 2.0 = 2.2 s, whereas the fast
//! export pattern (`order ID ASC`, `>ID` filter, `start=-1`) costs 0.002 s and, being ≤ 0.1 s
//! ([`MINIMAL_FIX_TIME`]), is never recorded. Costs are summed per (credential, method) in
//! one-minute buckets that expire 600 s after their first record; once the sum exceeds the
//! budget (default [`DEFAULT_OPERATING_LIMIT`] = 480 s) further calls of that method with that
//! credential get 429 `OPERATION_TIME_LIMIT`; the call that crosses the budget still completes.

use std::collections::HashMap;
use std::net::IpAddr;

/// Modelled cost of every call, seconds.
pub const BASE_COST: f64 = 0.002;
/// Modelled cost per row skipped by the offset of a list call, seconds.
pub const OFFSET_COST: f64 = 0.000_02;
/// Modelled cost per matching row counted for `total` (not with `start=-1`), seconds.
pub const COUNT_COST: f64 = 0.000_002;
/// Calls costing at most this much are not recorded (`minimalFixTime`).
pub const MINIMAL_FIX_TIME: f64 = 0.1;
/// Default operating-time budget per 10 minutes, seconds (the docs' cloud example).
pub const DEFAULT_OPERATING_LIMIT: f64 = 480.0;
/// Lifetime of an operating-time bucket, seconds.
pub const BUCKET_LIFETIME: f64 = 600.0;

/// Request-intensity limit: a leaky bucket per (portal, source address).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum RateLimit {
    /// No limit (default; like a self-hosted portal).
    #[default]
    Off,
    /// All plans but Enterprise: drains 2 requests/s, burst 50.
    Standard,
    /// Enterprise: drains 5 requests/s, burst 250.
    Enterprise,
    /// Custom drain rate (requests per second) and burst.
    Custom {
        /// Requests drained per second.
        drain_per_sec: f64,
        /// Bucket size: a request finding the counter at or above it is refused.
        burst: f64,
    },
}

impl RateLimit {
    /// `(drain per second, burst)`, `None` when off.
    pub fn params(self) -> Option<(f64, f64)> {
        match self {
            RateLimit::Off => None,
            RateLimit::Standard => Some((2.0, 50.0)),
            RateLimit::Enterprise => Some((5.0, 250.0)),
            RateLimit::Custom {
                drain_per_sec,
                burst,
            } => Some((drain_per_sec.max(0.0), burst.max(0.0))),
        }
    }

    /// Parses `off`, `standard`, `enterprise`.
    pub fn parse(name: &str) -> Option<RateLimit> {
        match name.to_ascii_lowercase().as_str() {
            "off" | "none" => Some(RateLimit::Off),
            "standard" => Some(RateLimit::Standard),
            "enterprise" => Some(RateLimit::Enterprise),
            _ => None,
        }
    }

    /// A short name for the control API.
    pub fn name(self) -> &'static str {
        match self {
            RateLimit::Off => "off",
            RateLimit::Standard => "standard",
            RateLimit::Enterprise => "enterprise",
            RateLimit::Custom { .. } => "custom",
        }
    }
}

/// The leaky buckets of every source address.
#[derive(Debug, Default)]
pub struct RateLimiter {
    /// Current setting.
    pub limit: RateLimit,
    buckets: HashMap<IpAddr, (f64, f64)>,
}

impl RateLimiter {
    /// A limiter with the given setting.
    pub fn new(limit: RateLimit) -> Self {
        RateLimiter {
            limit,
            buckets: HashMap::new(),
        }
    }

    /// Changes the setting and empties the buckets.
    pub fn set(&mut self, limit: RateLimit) {
        self.limit = limit;
        self.buckets.clear();
    }

    /// Empties the buckets.
    pub fn clear(&mut self) {
        self.buckets.clear();
    }

    /// Admits one request from `source` at portal time `now`: drains the bucket, refuses when the
    /// counter is at or above the burst, otherwise adds 1. Returns whether it was admitted.
    pub fn admit(&mut self, source: IpAddr, now: f64) -> bool {
        let Some((drain, burst)) = self.limit.params() else {
            return true;
        };
        let (level, last) = self.buckets.entry(source).or_insert((0.0, now));
        let elapsed = (now - *last).max(0.0);
        *level = (*level - elapsed * drain).max(0.0);
        *last = now;
        if *level + 1.0 > burst {
            return false;
        }
        *level += 1.0;
        true
    }

    /// Current counter of `source` (after draining to `now`).
    pub fn level(&self, source: IpAddr, now: f64) -> f64 {
        let Some((drain, _)) = self.limit.params() else {
            return 0.0;
        };
        self.buckets.get(&source).map_or(0.0, |(level, last)| {
            (level - (now - last).max(0.0) * drain).max(0.0)
        })
    }
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    minute: i64,
    first: f64,
    sum: f64,
}

/// Operating-time accounting per (credential, method).
#[derive(Debug, Default)]
pub struct OperatingLedger {
    buckets: HashMap<(String, String), Vec<Bucket>>,
}

impl OperatingLedger {
    /// `(sum of live buckets, expiry of the oldest live bucket)` for a key at `now`.
    pub fn usage(&mut self, credential: &str, method: &str, now: f64) -> (f64, Option<i64>) {
        if self.buckets.is_empty() {
            return (0.0, None);
        }
        let key = (credential.to_owned(), method.to_owned());
        let Some(list) = self.buckets.get_mut(&key) else {
            return (0.0, None);
        };
        list.retain(|b| b.first + BUCKET_LIFETIME > now);
        let sum = list.iter().map(|b| b.sum).sum();
        let reset = list
            .iter()
            .map(|b| b.first + BUCKET_LIFETIME)
            .fold(None, |acc: Option<f64>, e| {
                Some(acc.map_or(e, |a| a.min(e)))
            });
        if list.is_empty() {
            self.buckets.remove(&key);
        }
        (sum, reset.map(|r| r.ceil() as i64))
    }

    /// Records `cost` seconds for a key at `now` (costs ≤ [`MINIMAL_FIX_TIME`] are ignored).
    pub fn record(&mut self, credential: &str, method: &str, now: f64, cost: f64) {
        if cost.is_nan() || cost <= MINIMAL_FIX_TIME {
            return;
        }
        let minute = (now / 60.0).floor() as i64;
        let list = self
            .buckets
            .entry((credential.to_owned(), method.to_owned()))
            .or_default();
        match list.iter_mut().find(|b| b.minute == minute) {
            Some(b) => b.sum += cost,
            None => list.push(Bucket {
                minute,
                first: now,
                sum: cost,
            }),
        }
    }

    /// Forgets everything.
    pub fn clear(&mut self) {
        self.buckets.clear();
    }

    /// Every (credential key, method) with operating time charged at `now`, with its sum.
    pub fn charged(&self, now: f64) -> Vec<(String, String, f64)> {
        let mut out: Vec<(String, String, f64)> = self
            .buckets
            .iter()
            .map(|((credential, method), list)| {
                let sum = list
                    .iter()
                    .filter(|b| b.first + BUCKET_LIFETIME > now)
                    .map(|b| b.sum)
                    .sum();
                (credential.clone(), method.clone(), sum)
            })
            .filter(|(_, _, sum)| *sum > 0.0)
            .collect();
        out.sort_by(|a, b| (&a.1, &a.0).cmp(&(&b.1, &b.0)));
        out
    }
}

/// Modelled execution time of a call (see the module docs).
pub fn cost(start: Option<i64>, total: Option<i64>, list_call: bool) -> f64 {
    if !list_call {
        return BASE_COST;
    }
    let start = start.unwrap_or(0);
    let offset = if start < 0 { 0 } else { start / 50 * 50 };
    let counted = if start == -1 { 0 } else { total.unwrap_or(0) };
    // Skipping cannot cost more than walking every row that exists.
    let skipped = match total {
        Some(t) => offset.min(t.max(0)),
        None => offset,
    };
    BASE_COST + OFFSET_COST * skipped as f64 + COUNT_COST * counted.max(0) as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    #[test]
    fn leaky_bucket() {
        let mut l = RateLimiter::new(RateLimit::Standard);
        let ip = IpAddr::V4(Ipv4Addr::LOCALHOST);
        for _ in 0..50 {
            assert!(l.admit(ip, 100.0));
        }
        assert!(!l.admit(ip, 100.0));
        // half a second drains one request
        assert!(l.admit(ip, 100.5));
        assert!(!l.admit(ip, 100.5));
        assert!(l.admit(ip, 200.0));
        let mut off = RateLimiter::default();
        for _ in 0..1000 {
            assert!(off.admit(ip, 0.0));
        }
    }

    #[test]
    fn ledger_buckets_expire() {
        let mut l = OperatingLedger::default();
        l.record("k", "m", 1000.0, 0.05);
        assert_eq!(l.usage("k", "m", 1000.0).0, 0.0);
        l.record("k", "m", 1000.0, 100.0);
        l.record("k", "m", 1010.0, 100.0);
        l.record("k", "m", 1100.0, 50.0);
        let (sum, reset) = l.usage("k", "m", 1200.0);
        assert_eq!(sum, 250.0);
        assert_eq!(reset, Some(1600));
        assert_eq!(l.usage("k", "m", 1650.0).0, 50.0);
        assert_eq!(l.usage("k", "other", 1650.0).0, 0.0);
    }

    #[test]
    fn cost_model() {
        assert_eq!(cost(None, None, false), BASE_COST);
        assert!(cost(Some(-1), None, true) <= MINIMAL_FIX_TIME);
        let c = cost(Some(10_010), Some(1_000_000), true);
        assert!((c - (0.002 + 0.2 + 2.0)).abs() < 1e-9);
    }
}
