//! The next step after a failed attempt: the retry state machine of one call.

use std::time::Duration;

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
}

impl Attempts {
    /// The first attempt of a call; `safe` when repeating it cannot do harm.
    pub(crate) fn new(policy: RetryPolicy, safe: bool) -> Self {
        Attempts {
            policy,
            safe,
            made: 1,
            refreshed: false,
        }
    }

    /// Attempts made so far, the current one included.
    pub(crate) fn made(&self) -> u32 {
        self.made
    }

    /// Decides what follows a failure of the current attempt. `blocked_for` is how long the
    /// method stays blocked by its operating-time limit (only read for
    /// [`Class::OperatingTime`]).
    pub(crate) fn after(&mut self, class: Class, blocked_for: Duration) -> Decision {
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
            Class::ServerFailure if !self.safe => Decision::Unknown,
            Class::ServerFailure if exhausted => Decision::Fail,
            Class::ServerFailure => Decision::Retry(backoff),
            Class::Permanent => Decision::Fail,
        };
        if !matches!(decision, Decision::Fail | Decision::Unknown) {
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

    /// The decisions of a call with `max_attempts` (waits up to 60 s) after each failure.
    fn decisions(max_attempts: u32, safe: bool, failures: &[(Class, Duration)]) -> Vec<Decision> {
        let policy = RetryPolicy::attempts(max_attempts).max_wait(Duration::from_secs(60));
        let mut attempts = Attempts::new(policy, safe);
        failures
            .iter()
            .map(|(class, blocked_for)| attempts.after(*class, *blocked_for))
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
        let mut attempts = Attempts::new(policy, true);
        attempts.after(Class::Permanent, NONE);
        assert_eq!(attempts.made(), 1);
    }
}
