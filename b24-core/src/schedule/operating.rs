//! One operating-time account (portal, credential, method), fed by the envelope's
//! `time.operating` and `time.operating_reset_at` and by `OPERATION_TIME_LIMIT` refusals.
//!
//! The portal sums a method's execution time over a ten-minute window (PROTOCOL §6.2), so no
//! single answer can truthfully block a method for longer than that window: what an answer
//! claims is clamped to it, with a warning. The arithmetic here is pure (the caller passes
//! the clock), so the in-memory and file stores share it and the database stores mirror it.

use std::time::Duration;

use super::sane;

/// The portal's accounting window, seconds: operating time older than this has expired.
pub(crate) const WINDOW: f64 = 600.0;
/// How long a method stays blocked after a refusal when no reset time is known, seconds.
pub(crate) const BLOCK_WITHOUT_RESET: f64 = 60.0;
/// Sane operating-time limits, seconds per window.
const LIMIT_RANGE: std::ops::RangeInclusive<f64> = 0.0..=1e6;
/// Share of the limit at which the client waits for the oldest minute to expire.
pub(crate) const NEAR_LIMIT: f64 = 0.95;

/// The operating-time limit clamped into its sane range (0..=1,000,000 s).
pub(crate) fn sane_limit(limit: f64) -> f64 {
    sane::number(limit, LIMIT_RANGE, "operating_limit")
}

/// What one answer said about its method's operating time, and the limit it counts against.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OperatingReport {
    /// Operating seconds the method may use per ten minutes (the client's setting).
    pub limit: f64,
    /// `time.operating`: the method's operating time in the window.
    pub operating: Option<f64>,
    /// `time.operating_reset_at`: when the oldest minute of the window expires.
    pub reset_at: Option<i64>,
}

impl OperatingReport {
    /// `time.operating` clamped into what a window can hold.
    pub(crate) fn sane_operating(&self) -> Option<f64> {
        let most = sane_limit(self.limit).max(WINDOW);
        self.operating
            .map(|seconds| sane::number(seconds, 0.0..=most, "time.operating"))
    }
}

/// Operating time a method used, as the last answer reported it, and a block after a 429.
/// Times are seconds since the Unix epoch on the portal's clock.
#[derive(Clone, Copy, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct OperatingAccount {
    /// The method's operating time in the window, as last reported.
    pub seconds: f64,
    /// When the oldest minute of the window expires, as last reported.
    pub reset_at: Option<f64>,
    /// Until when the method is blocked after a refusal.
    pub blocked_until: Option<f64>,
}

impl OperatingAccount {
    /// How long the method must wait at `now` before it may run again, with `limit`
    /// operating seconds per window.
    pub fn wait(&self, limit: f64, now: f64) -> Duration {
        let limit = sane_limit(limit);
        let until = match self.blocked_until {
            Some(until) if until > now => Some(until),
            // Close to the budget: wait for the oldest minute to expire.
            _ if self.seconds >= limit * NEAR_LIMIT => self.reset_at,
            _ => None,
        };
        until.map_or(Duration::ZERO, |until| until_then(until, now))
    }

    /// Records what an answer said at `now`. Claims beyond the window (more operating time
    /// than the limit or the window allows, a reset later than one window from now) are
    /// clamped.
    pub fn record(&mut self, report: OperatingReport, now: f64) {
        if let Some(seconds) = report.sane_operating() {
            self.seconds = seconds;
        }
        if let Some(reset_at) = report.reset_at {
            let reset_at = sane::number(
                reset_at as f64,
                0.0..=now + WINDOW,
                "time.operating_reset_at",
            );
            self.reset_at = Some(reset_at);
        }
        if self.blocked_until.is_some_and(|until| until <= now) {
            self.blocked_until = None;
        }
    }

    /// Records a 429 at `now`: the method is blocked until its oldest minute expires (or for
    /// a minute when that is unknown). Returns the wait.
    pub fn block(&mut self, now: f64) -> Duration {
        let until = self
            .reset_at
            .filter(|reset| *reset > now && reset.is_finite())
            .unwrap_or(now + BLOCK_WITHOUT_RESET);
        self.blocked_until = Some(until);
        until_then(until, now)
    }

    /// When nothing in the account matters any more: a store may forget it then.
    pub fn idle_after(&self) -> f64 {
        let latest = self
            .reset_at
            .unwrap_or(0.0)
            .max(self.blocked_until.unwrap_or(0.0));
        if latest.is_finite() { latest } else { 0.0 }
    }
}

/// The wait from `now` until `until`, at most one window.
pub(crate) fn until_then(until: f64, now: f64) -> Duration {
    sane::seconds(until - now, 0.0..=WINDOW, "operating-time wait")
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: f64 = 1_700_000_000.0;

    fn report(limit: f64, operating: Option<f64>, reset_at: Option<i64>) -> OperatingReport {
        OperatingReport {
            limit,
            operating,
            reset_at,
        }
    }

    #[test]
    fn operating_budget_waits_near_the_limit() {
        let mut account = OperatingAccount::default();
        account.record(report(480.0, Some(100.0), Some((NOW + 30.0) as i64)), NOW);
        assert_eq!(account.wait(480.0, NOW), Duration::ZERO);
        account.record(report(480.0, Some(479.0), Some((NOW + 30.0) as i64)), NOW);
        assert!(account.wait(480.0, NOW) > Duration::from_secs(20));
        assert!(OperatingAccount::default().block(NOW) > Duration::from_secs(50));
    }

    #[test]
    fn one_answer_cannot_block_a_method_beyond_the_window() {
        let mut account = OperatingAccount::default();
        let in_260_years = (NOW + 260.0 * 365.0 * 86_400.0) as i64;
        account.record(report(480.0, Some(1e308), Some(in_260_years)), NOW);
        let wait = account.wait(480.0, NOW);
        assert!(wait <= Duration::from_secs(600), "{wait:?}");
        assert!(
            wait >= Duration::from_secs(590),
            "the block itself is kept: {wait:?}"
        );
        let blocked = account.block(NOW);
        assert!(blocked <= Duration::from_secs(600), "{blocked:?}");
        assert!(account.wait(480.0, NOW) <= Duration::from_secs(600));
    }

    #[test]
    fn nonsense_limits_and_claims_do_not_panic() {
        for limit in [f64::NAN, -1.0, f64::INFINITY, 1e308] {
            let mut account = OperatingAccount::default();
            account.record(report(limit, Some(f64::NAN), Some(i64::MAX)), NOW);
            account.record(report(limit, Some(-1e308), Some(i64::MIN)), NOW);
            assert!(account.wait(limit, NOW) <= Duration::from_secs(600));
            assert!(account.block(NOW) <= Duration::from_secs(600));
        }
    }

    #[test]
    fn a_block_lifts_when_its_time_has_passed() {
        let mut account = OperatingAccount::default();
        account.record(report(480.0, Some(490.0), Some((NOW + 40.0) as i64)), NOW);
        assert!(account.block(NOW) >= Duration::from_secs(39));
        assert_eq!(account.wait(480.0, NOW + 41.0), Duration::ZERO);
    }
}
