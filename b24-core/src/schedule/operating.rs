//! Per-method operating-time accounts, fed by the envelope's `time.operating` and
//! `time.operating_reset_at` and by `OPERATION_TIME_LIMIT` refusals.
//!
//! The portal sums a method's execution time over a ten-minute window (PROTOCOL §6.2), so no
//! single answer can truthfully block a method for longer than that window: what an answer
//! claims is clamped to it, with a warning.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use super::{now, sane};
use crate::sync::lock;

/// The portal's accounting window, seconds: operating time older than this has expired.
pub(crate) const WINDOW: f64 = 600.0;
/// How long a method stays blocked after a refusal when no reset time is known, seconds.
const BLOCK_WITHOUT_RESET: f64 = 60.0;
/// Sane operating-time limits, seconds per window.
const LIMIT_RANGE: std::ops::RangeInclusive<f64> = 0.0..=1e6;

/// Operating time a method used, as the last answer reported it.
#[derive(Clone, Copy, Debug, Default)]
struct Operating {
    seconds: f64,
    reset_at: Option<f64>,
    blocked_until: Option<f64>,
}

/// Per-method operating-time accounts.
#[derive(Debug)]
pub(crate) struct OperatingBudget {
    limit: f64,
    methods: Mutex<HashMap<String, Operating>>,
}

impl OperatingBudget {
    /// Accounts against `limit` operating seconds per window (clamped into 0..=1,000,000).
    pub(crate) fn new(limit: f64) -> Self {
        OperatingBudget {
            limit: sane::number(limit, LIMIT_RANGE, "operating_limit"),
            methods: Mutex::new(HashMap::new()),
        }
    }

    /// How long `method` must wait before it may run again.
    pub(crate) fn wait(&self, method: &str) -> Duration {
        let methods = lock(&self.methods);
        let Some(account) = methods.get(&method.to_ascii_lowercase()) else {
            return Duration::ZERO;
        };
        let until = match account.blocked_until {
            Some(until) => Some(until),
            // Close to the budget: wait for the oldest minute to expire.
            None if account.seconds >= self.limit * 0.95 => account.reset_at,
            None => None,
        };
        until.map_or(Duration::ZERO, |until| until_then(until, now()))
    }

    /// Records what an answer said about `method`'s operating time. Claims beyond the window
    /// (more operating time than the limit or the window allows, a reset later than one
    /// window from now) are clamped.
    pub(crate) fn record(&self, method: &str, operating: Option<f64>, reset_at: Option<i64>) {
        let now = now();
        let mut methods = lock(&self.methods);
        let account = methods.entry(method.to_ascii_lowercase()).or_default();
        if let Some(seconds) = operating {
            let most = self.limit.max(WINDOW);
            account.seconds = sane::number(seconds, 0.0..=most, "time.operating");
        }
        if let Some(reset_at) = reset_at {
            let reset_at = sane::number(
                reset_at as f64,
                0.0..=now + WINDOW,
                "time.operating_reset_at",
            );
            account.reset_at = Some(reset_at);
        }
        if account.blocked_until.is_some_and(|until| until <= now) {
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
            .unwrap_or(now + BLOCK_WITHOUT_RESET);
        account.blocked_until = Some(until);
        until_then(until, now)
    }
}

/// The wait from `now` until `until`, at most one window.
fn until_then(until: f64, now: f64) -> Duration {
    sane::seconds(until - now, 0.0..=WINDOW, "operating-time wait")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn operating_budget_waits_near_the_limit() {
        let budget = OperatingBudget::new(480.0);
        budget.record("crm.deal.list", Some(100.0), Some((now() + 30.0) as i64));
        assert_eq!(budget.wait("crm.deal.list"), Duration::ZERO);
        budget.record("crm.deal.list", Some(479.0), Some((now() + 30.0) as i64));
        assert!(budget.wait("CRM.DEAL.LIST") > Duration::from_secs(20));
        assert!(budget.block("crm.deal.add") > Duration::from_secs(50));
    }

    #[test]
    fn one_answer_cannot_block_a_method_beyond_the_window() {
        let budget = OperatingBudget::new(480.0);
        let in_260_years = (now() + 260.0 * 365.0 * 86_400.0) as i64;
        budget.record("crm.deal.list", Some(1e308), Some(in_260_years));
        let wait = budget.wait("crm.deal.list");
        assert!(wait <= Duration::from_secs(600), "{wait:?}");
        assert!(
            wait >= Duration::from_secs(590),
            "the block itself is kept: {wait:?}"
        );
        let blocked = budget.block("crm.deal.list");
        assert!(blocked <= Duration::from_secs(600), "{blocked:?}");
        assert!(budget.wait("crm.deal.list") <= Duration::from_secs(600));
    }

    #[test]
    fn nonsense_limits_and_claims_do_not_panic() {
        for limit in [f64::NAN, -1.0, f64::INFINITY, 1e308] {
            let budget = OperatingBudget::new(limit);
            budget.record("profile", Some(f64::NAN), Some(i64::MAX));
            budget.record("profile", Some(-1e308), Some(i64::MIN));
            assert!(budget.wait("profile") <= Duration::from_secs(600));
            assert!(budget.block("profile") <= Duration::from_secs(600));
        }
    }
}
