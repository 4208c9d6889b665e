//! Client-side pacing: a mirror of the portal's leaky bucket, per-method operating-time
//! budgets, and the retry policy.
//!
//! The portal refuses a request with `QUERY_LIMIT_EXCEEDED` (503) while its bucket — one per
//! portal and source address, draining a few requests per second — is full, and blocks a
//! method for the rest of a ten-minute window with `OPERATION_TIME_LIMIT` (429) once it used up
//! its operating time. The client keeps the same accounts and waits instead of being refused.

use std::collections::HashMap;
use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::sync::lock;

/// The portal's request-intensity limit: the bucket drains `drain_per_second` requests per
/// second and holds at most `burst`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RateLimit {
    /// Requests per second the bucket drains.
    pub drain_per_second: f64,
    /// Requests the bucket holds before the portal refuses.
    pub burst: f64,
}

impl RateLimit {
    /// Every cloud plan but Enterprise: 2 requests per second after a burst of 50.
    pub const STANDARD: RateLimit = RateLimit {
        drain_per_second: 2.0,
        burst: 50.0,
    };
    /// Enterprise plans: 5 requests per second after a burst of 250.
    pub const ENTERPRISE: RateLimit = RateLimit {
        drain_per_second: 5.0,
        burst: 250.0,
    };

    /// A custom limit (self-hosted portals configure their own).
    pub fn new(drain_per_second: f64, burst: f64) -> Self {
        RateLimit {
            drain_per_second,
            burst,
        }
    }
}

/// Share of the portal's drain rate the client counts on: clocks and latencies differ a little.
const DRAIN_MARGIN: f64 = 0.995;

/// The state of a leaky bucket: its level at an instant (seconds since the Unix epoch; the
/// instant may lie in the future when requests are already booked ahead).
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BucketState {
    /// Requests in the bucket at `at`.
    pub level: f64,
    /// When `level` holds.
    pub at: f64,
}

impl BucketState {
    /// Books one request at `now`; returns how long to wait before sending it.
    pub fn book(&mut self, limit: RateLimit, now: f64) -> Duration {
        // Stay a little under the portal's own limit: clocks and latencies differ.
        let drain = limit.drain_per_second * DRAIN_MARGIN;
        let burst = (limit.burst - 1.0).max(1.0);
        let level = (self.level - drain * (now - self.at)).max(0.0);
        let wait = ((level + 1.0 - burst) / drain).max(0.0);
        self.level = level - drain * wait + 1.0;
        self.at = now + wait;
        Duration::from_secs_f64(wait)
    }

    /// Records that the portal said the bucket is full.
    pub fn fill(&mut self, limit: RateLimit, now: f64) {
        let level = (self.level - limit.drain_per_second * (now - self.at)).max(0.0);
        self.level = level.max(limit.burst);
        self.at = self.at.max(now);
    }
}

/// Where the bucket's state lives. Clones of a client share one store; several processes that
/// call the same portal from the same address can share a [`FileBucket`].
pub trait BucketStore: Send + Sync + 'static {
    /// Books one request; returns how long to wait before sending it.
    fn book(&self, limit: RateLimit) -> Duration;
    /// Records that the portal refused a request because the bucket was full.
    fn fill(&self, limit: RateLimit);
}

/// A bucket held in memory, shared by the clones of one client.
#[derive(Debug, Default)]
pub struct MemoryBucket(Mutex<BucketState>);

impl BucketStore for MemoryBucket {
    fn book(&self, limit: RateLimit) -> Duration {
        lock(&self.0).book(limit, now())
    }

    fn fill(&self, limit: RateLimit) {
        lock(&self.0).fill(limit, now());
    }
}

/// A bucket kept in a file under an exclusive lock, so that processes sharing a portal and a
/// source address also share one budget.
#[derive(Debug)]
pub struct FileBucket {
    path: PathBuf,
}

impl FileBucket {
    /// A bucket stored at `path` (created when missing).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        FileBucket { path: path.into() }
    }

    fn update<T>(&self, change: impl FnOnce(&mut BucketState) -> T, fallback: T) -> T {
        let attempt = || -> std::io::Result<T> {
            let mut file: File = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&self.path)?;
            file.lock()?;
            let mut text = String::new();
            file.read_to_string(&mut text)?;
            let mut state: BucketState = serde_json::from_str(&text).unwrap_or_default();
            let result = change(&mut state);
            file.seek(SeekFrom::Start(0))?;
            file.set_len(0)?;
            file.write_all(serde_json::to_string(&state).unwrap_or_default().as_bytes())?;
            file.unlock()?;
            Ok(result)
        };
        match attempt() {
            Ok(result) => result,
            Err(error) => {
                tracing::warn!(%error, "the shared rate-limit file is unusable; not pacing this request");
                fallback
            }
        }
    }
}

impl BucketStore for FileBucket {
    fn book(&self, limit: RateLimit) -> Duration {
        self.update(|state| state.book(limit, now()), Duration::ZERO)
    }

    fn fill(&self, limit: RateLimit) {
        self.update(|state| state.fill(limit, now()), ());
    }
}

/// How calls are retried.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts per call, the first included.
    pub max_attempts: u32,
    /// First back-off after a refusal; doubles per attempt.
    pub backoff: Duration,
    /// Longest single wait the client accepts (for an operating-time block to lift).
    pub max_wait: Duration,
}

impl RetryPolicy {
    /// No retries at all.
    pub const NEVER: RetryPolicy = RetryPolicy {
        max_attempts: 1,
        backoff: Duration::from_millis(250),
        max_wait: Duration::ZERO,
    };

    /// Up to `max_attempts` attempts with the default back-off and wait limit.
    pub fn attempts(max_attempts: u32) -> Self {
        RetryPolicy {
            max_attempts: max_attempts.max(1),
            ..RetryPolicy::default()
        }
    }

    /// Sets the longest single wait.
    pub fn max_wait(mut self, max_wait: Duration) -> Self {
        self.max_wait = max_wait;
        self
    }

    pub(crate) fn backoff(&self, attempt: u32) -> Duration {
        let factor = 2u32.saturating_pow(attempt.saturating_sub(1).min(6));
        self.backoff
            .saturating_mul(factor)
            .min(Duration::from_secs(30))
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 8,
            backoff: Duration::from_millis(250),
            max_wait: Duration::from_secs(600),
        }
    }
}

/// Operating time a method used, as the last answer reported it.
#[derive(Clone, Copy, Debug, Default)]
struct Operating {
    seconds: f64,
    reset_at: Option<f64>,
    blocked_until: Option<f64>,
}

/// Per-method operating-time accounts, fed by `time.operating` / `operating_reset_at`.
#[derive(Debug)]
pub(crate) struct OperatingBudget {
    limit: f64,
    methods: Mutex<HashMap<String, Operating>>,
}

impl OperatingBudget {
    pub(crate) fn new(limit: f64) -> Self {
        OperatingBudget {
            limit,
            methods: Mutex::new(HashMap::new()),
        }
    }

    /// How long `method` must wait before it may run again.
    pub(crate) fn wait(&self, method: &str) -> Duration {
        let methods = lock(&self.methods);
        let Some(account) = methods.get(&method.to_ascii_lowercase()) else {
            return Duration::ZERO;
        };
        let now = now();
        let until = match account.blocked_until {
            Some(until) => Some(until),
            // Close to the budget: wait for the oldest minute to expire.
            None if account.seconds >= self.limit * 0.95 => account.reset_at,
            None => None,
        };
        until.map_or(Duration::ZERO, |until| {
            Duration::from_secs_f64((until - now).max(0.0))
        })
    }

    /// Records what an answer said about `method`'s operating time.
    pub(crate) fn record(&self, method: &str, operating: Option<f64>, reset_at: Option<i64>) {
        let mut methods = lock(&self.methods);
        let account = methods.entry(method.to_ascii_lowercase()).or_default();
        if let Some(seconds) = operating {
            account.seconds = seconds;
        }
        if let Some(reset_at) = reset_at {
            account.reset_at = Some(reset_at as f64);
        }
        if account.blocked_until.is_some_and(|until| until <= now()) {
            account.blocked_until = None;
        }
    }

    /// Records a 429: the method is blocked until its oldest bucket expires.
    pub(crate) fn block(&self, method: &str) -> Duration {
        let mut methods = lock(&self.methods);
        let account = methods.entry(method.to_ascii_lowercase()).or_default();
        let now = now();
        let until = account
            .reset_at
            .filter(|reset| *reset > now)
            .unwrap_or(now + 60.0);
        account.blocked_until = Some(until);
        Duration::from_secs_f64(until - now)
    }
}

pub(crate) fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs_f64())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_allows_the_burst_then_paces() {
        let mut state = BucketState::default();
        let limit = RateLimit::STANDARD;
        let waits: Vec<Duration> = (0..60).map(|_| state.book(limit, 1000.0)).collect();
        assert!(waits[..49].iter().all(|wait| wait.is_zero()));
        assert!(waits[49] > Duration::ZERO);
        let step = waits[59].as_secs_f64() - waits[58].as_secs_f64();
        assert!((step - 1.0 / (2.0 * DRAIN_MARGIN)).abs() < 1e-9, "{step}");
    }

    #[test]
    fn bucket_drains_over_time() {
        let mut state = BucketState::default();
        for _ in 0..49 {
            state.book(RateLimit::STANDARD, 0.0);
        }
        assert_eq!(state.book(RateLimit::STANDARD, 100.0), Duration::ZERO);
    }

    #[test]
    fn a_refusal_fills_the_bucket() {
        let mut state = BucketState::default();
        state.fill(RateLimit::STANDARD, 10.0);
        assert!(state.book(RateLimit::STANDARD, 10.0) > Duration::ZERO);
    }

    #[test]
    fn file_buckets_are_shared() {
        let path = std::env::temp_dir().join(format!("b24-bucket-{}.json", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let first = FileBucket::new(&path);
        let second = FileBucket::new(&path);
        let limit = RateLimit::new(1.0, 3.0);
        assert_eq!(first.book(limit), Duration::ZERO);
        assert_eq!(second.book(limit), Duration::ZERO);
        assert!(
            first.book(limit) > Duration::ZERO,
            "the second store's booking counts"
        );
        let _ = std::fs::remove_file(&path);
    }

    #[test]
    fn operating_budget_waits_near_the_limit() {
        let budget = OperatingBudget::new(480.0);
        budget.record("crm.deal.list", Some(100.0), Some((now() + 30.0) as i64));
        assert_eq!(budget.wait("crm.deal.list"), Duration::ZERO);
        budget.record("crm.deal.list", Some(479.0), Some((now() + 30.0) as i64));
        assert!(budget.wait("CRM.DEAL.LIST") > Duration::from_secs(20));
        assert!(budget.block("crm.deal.add") > Duration::from_secs(50));
    }
}
