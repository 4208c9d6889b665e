//! The next step after a failed attempt: the retry state machine of one call, within the
//! call's deadline.

use std::time::{Duration, Instant};

use super::Class;
use crate::schedule::RetryPolicy;

/// What to do after a failed attempt.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Decision {
    /// Send the call again after this delay.
    Retry(Duration),
    /// Refresh the access token, then send the call again at once.
    Refresh,
    /// Give up and report the error as it is.
    Fail,
    /// Give up and report an unknown outcome: the call may have run and must not be repeated.
    Unknown,
    /// Give up: the next attempt could not start (or end) before the call's deadline.
    OutOfTime,
}

/// The attempts of one call.
#[derive(Clone, Debug)]
pub(crate) struct Attempts {
    policy: RetryPolicy,
    /// Repeating the call cannot do harm (read-only, or marked idempotent by the caller).
    safe: bool,
    /// Attempts made so far.
    made: u32,
    /// The token was refreshed once already during this call.
    refreshed: bool,
    /// When the call must be over, retries and waits included.
    deadline: Instant,
}

impl Attempts {
    /// The first attempt of a call that must be over by `deadline`; `safe` when repeating it
    /// cannot do harm.
    pub(crate) fn new(policy: RetryPolicy, safe: bool, deadline: Instant) -> Self {
        Attempts {
            policy,
            safe,
            made: 1,
            refreshed: false,
            deadline,
        }
    }

    /// Attempts made so far, the current one included.
    pub(crate) fn made(&self) -> u32 {
        self.made
    }

    /// Decides what follows a failure of the current attempt, at `now`. `blocked_for` is how
    /// long the method stays blocked by its operating-time limit (only read for
    /// [`Class::OperatingTime`]).
    pub(crate) fn after(&mut self, class: Class, blocked_for: Duration, now: Instant) -> Decision {
        let exhausted = self.made >= self.policy.max_attempts;
        let backoff = self.policy.backoff(self.made);
        let decision = match class {
            // Refused before running, or never sent: repeating is harmless, writes included.
            Class::Intensity | Class::NotSent if exhausted => Decision::Fail,
            Class::Intensity | Class::NotSent => Decision::Retry(backoff),
            // The client's operating-time account makes the next attempt wait for the block
            // to lift; give up when that is longer than the policy accepts.
            Class::OperatingTime if exhausted || blocked_for > self.policy.max_wait => {
                Decision::Fail
            }
            Class::OperatingTime => Decision::Retry(Duration::ZERO),
            Class::ExpiredToken if self.refreshed => Decision::Fail,
            Class::ExpiredToken => {
                self.refreshed = true;
                Decision::Refresh
            }
            Class::ServerFailure | Class::Unreadable if !self.safe => Decision::Unknown,
            Class::ServerFailure if exhausted => Decision::Fail,
            Class::ServerFailure => Decision::Retry(backoff),
            Class::Unreadable | Class::Permanent => Decision::Fail,
        };
        // The next attempt starts after the delay (or the operating-time block); one that
        // would start at or past the deadline is not made.
        let starts_after = match (decision, class) {
            (Decision::Retry(_), Class::OperatingTime) => blocked_for,
            (Decision::Retry(delay), _) => delay,
            _ => Duration::ZERO,
        };
        let decision = match decision {
            Decision::Retry(_) | Decision::Refresh if now + starts_after >= self.deadline => {
                Decision::OutOfTime
            }
            other => other,
        };
        if matches!(decision, Decision::Retry(_) | Decision::Refresh) {
            self.made += 1;
        }
        decision
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const NONE: Duration = Duration::ZERO;

    fn ms(millis: u64) -> Duration {
        Duration::from_millis(millis)
    }

    /// A deadline no test reaches.
    fn far() -> Instant {
        Instant::now() + Duration::from_secs(3600)
    }

    /// The decisions of a call with `max_attempts` (waits up to 60 s) after each failure.
    fn decisions(max_attempts: u32, safe: bool, failures: &[(Class, Duration)]) -> Vec<Decision> {
        let policy = RetryPolicy::attempts(max_attempts).max_wait(Duration::from_secs(60));
        let mut attempts = Attempts::new(policy, safe, far());
        failures
            .iter()
            .map(|(class, blocked_for)| attempts.after(*class, *blocked_for, Instant::now()))
            .collect()
    }

    #[test]
    fn repeatable_failures_back_off_exponentially_until_the_attempts_run_out() {
        let backing_off = [
            Decision::Retry(ms(250)),
            Decision::Retry(ms(500)),
            Decision::Retry(ms(1000)),
            Decision::Fail,
        ];
        // Refused or never sent: repeated even for writes. A lost answer: for reads only.
        for (class, safe) in [
            (Class::Intensity, false),
            (Class::NotSent, false),
            (Class::ServerFailure, true),
        ] {
            let failures = [(class, NONE); 4];
            assert_eq!(decisions(4, safe, &failures), backing_off, "{class:?}");
        }
    }

    #[test]
    fn a_write_whose_answer_is_lost_is_never_repeated() {
        let lost = [(Class::ServerFailure, NONE)];
        assert_eq!(decisions(8, false, &lost), [Decision::Unknown]);
    }

    #[test]
    fn an_unreadable_answer_is_unknown_for_writes_and_final_for_reads() {
        let unreadable = [(Class::Unreadable, NONE)];
        assert_eq!(decisions(8, false, &unreadable), [Decision::Unknown]);
        assert_eq!(decisions(8, true, &unreadable), [Decision::Fail]);
    }

    #[test]
    fn no_attempt_starts_past_the_deadline() {
        let policy = RetryPolicy::attempts(8);
        let start = Instant::now();
        let mut attempts = Attempts::new(policy, true, start + ms(600));
        // 250 ms of back-off still fits, 500 ms after 200 ms more does not.
        assert_eq!(
            attempts.after(Class::ServerFailure, NONE, start),
            Decision::Retry(ms(250))
        );
        assert_eq!(
            attempts.after(Class::ServerFailure, NONE, start + ms(200)),
            Decision::OutOfTime
        );
        // An operating-time block that lifts after the deadline, and a refresh at the
        // deadline, are not waited for.
        let mut blocked = Attempts::new(policy, false, start + ms(600));
        assert_eq!(
            blocked.after(Class::OperatingTime, ms(700), start),
            Decision::OutOfTime
        );
        assert_eq!(
            blocked.after(Class::ExpiredToken, NONE, start + ms(600)),
            Decision::OutOfTime
        );
        // What must not be repeated is reported as such, deadline or not.
        assert_eq!(
            blocked.after(Class::ServerFailure, NONE, start + ms(900)),
            Decision::Unknown
        );
    }

    #[test]
    fn operating_time_blocks_are_waited_out_within_the_policy() {
        let blocked = [
            (Class::OperatingTime, Duration::from_secs(30)),
            (Class::OperatingTime, Duration::from_secs(61)),
        ];
        assert_eq!(
            decisions(8, false, &blocked),
            [Decision::Retry(NONE), Decision::Fail]
        );
    }

    #[test]
    fn an_expired_token_is_refreshed_once_per_call() {
        let expired = [(Class::ExpiredToken, NONE); 2];
        assert_eq!(
            decisions(8, false, &expired),
            [Decision::Refresh, Decision::Fail]
        );
    }

    #[test]
    fn every_retry_counts_as_an_attempt_and_permanent_failures_stop_at_once() {
        let mixed = [
            (Class::ExpiredToken, NONE),
            (Class::Intensity, NONE),
            (Class::Permanent, NONE),
        ];
        assert_eq!(
            decisions(8, true, &mixed),
            [Decision::Refresh, Decision::Retry(ms(500)), Decision::Fail]
        );
        let policy = RetryPolicy::attempts(8);
        let mut attempts = Attempts::new(policy, true, far());
        attempts.after(Class::Permanent, NONE, Instant::now());
        assert_eq!(attempts.made(), 1);
    }
}
