//! Client-side pacing: a mirror of the portal's leaky bucket, per-method operating-time
//! budgets, and the retry policy.
//!
//! The portal refuses a request with `QUERY_LIMIT_EXCEEDED` (503) while its bucket — one per
//! portal and source address, draining a few requests per second — is full, and blocks a
//! method for the rest of a ten-minute window with `OPERATION_TIME_LIMIT` (429) once it used up
//! its operating time. The client keeps the same accounts and waits instead of being refused.
//!
//! The accounts live in a [`BudgetStore`] ([`store`]): in memory, in a file shared by the
//! processes of a host, or in PostgreSQL or Redis shared by workers on many hosts.

pub(crate) mod bucket;
#[cfg(test)]
mod model;
pub(crate) mod operating;
pub(crate) mod sane;
pub mod store;

use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub use bucket::{BucketState, RateLimit};
pub use operating::{OperatingAccount, OperatingReport};
pub use store::{
    BUDGET_ENV, BudgetConfig, BudgetOptions, BudgetStore, FileStore, MemoryStore, StoreError,
    StoreFuture, open,
};

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

/// The wall clock in seconds since the Unix epoch, the unit of [`BucketState`] and of the
/// portal's `operating_reset_at`.
pub(crate) fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs_f64())
        .unwrap_or_default()
}
