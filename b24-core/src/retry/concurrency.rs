//! Adaptive concurrency: how many requests may be in flight at once.

use std::sync::Mutex;

use tokio::sync::{Semaphore, SemaphorePermit};

use crate::sync::lock;

/// Starts at the configured maximum, halves when the portal refuses a request for intensity,
/// and grows back by one per run of successes.
#[derive(Debug)]
pub(crate) struct Concurrency {
    permits: Semaphore,
    max: usize,
    state: Mutex<Limit>,
}

/// The current limit and the successes since it last changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Limit {
    current: usize,
    streak: usize,
}

impl Concurrency {
    /// Successes in a row after which one more request may be in flight.
    const GROW_AFTER: usize = 20;

    /// A limit of `max` requests in flight (at least one).
    pub(crate) fn new(max: usize) -> Self {
        let max = max.max(1);
        Concurrency {
            permits: Semaphore::new(max),
            max,
            state: Mutex::new(Limit {
                current: max,
                streak: 0,
            }),
        }
    }

    /// Waits for a place; the request holds the permit until its answer is read.
    pub(crate) async fn acquire(&self) -> Option<SemaphorePermit<'_>> {
        // The semaphore is never closed, so this only fails if that changes.
        self.permits.acquire().await.ok()
    }

    /// The portal refused a request for intensity: halve the limit.
    pub(crate) fn refused(&self) {
        let mut state = lock(&self.state);
        let target = (state.current / 2).max(1);
        let removed = self.permits.forget_permits(state.current - target);
        *state = Limit {
            current: state.current - removed,
            streak: 0,
        };
        tracing::debug!(
            in_flight = state.current,
            "the portal refused a request; sending fewer at once"
        );
    }

    /// A call succeeded: after a run of successes, allow one more request in flight.
    pub(crate) fn succeeded(&self) {
        let mut state = lock(&self.state);
        if state.current >= self.max {
            return;
        }
        if state.streak + 1 >= Self::GROW_AFTER {
            self.permits.add_permits(1);
            *state = Limit {
                current: state.current + 1,
                streak: 0,
            };
        } else {
            state.streak += 1;
        }
    }

    /// The current limit.
    #[cfg(test)]
    fn limit(&self) -> usize {
        lock(&self.state).current
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_halve_the_limit_down_to_one() {
        let concurrency = Concurrency::new(6);
        concurrency.refused();
        assert_eq!(concurrency.limit(), 3);
        assert_eq!(concurrency.permits.available_permits(), 3);
        concurrency.refused();
        concurrency.refused();
        concurrency.refused();
        assert_eq!(concurrency.limit(), 1);
        assert_eq!(concurrency.permits.available_permits(), 1);
    }

    #[test]
    fn successes_grow_the_limit_back_to_the_maximum() {
        let concurrency = Concurrency::new(4);
        concurrency.refused();
        assert_eq!(concurrency.limit(), 2);
        for _ in 0..Concurrency::GROW_AFTER - 1 {
            concurrency.succeeded();
        }
        assert_eq!(
            concurrency.limit(),
            2,
            "not before a whole run of successes"
        );
        concurrency.succeeded();
        assert_eq!(concurrency.limit(), 3);
        for _ in 0..10 * Concurrency::GROW_AFTER {
            concurrency.succeeded();
        }
        assert_eq!(concurrency.limit(), 4, "never above the maximum");
        assert_eq!(concurrency.permits.available_permits(), 4);
    }

    #[test]
    fn a_refusal_restarts_the_run_of_successes() {
        let concurrency = Concurrency::new(8);
        concurrency.refused();
        for _ in 0..Concurrency::GROW_AFTER - 1 {
            concurrency.succeeded();
        }
        concurrency.refused();
        concurrency.succeeded();
        assert_eq!(concurrency.limit(), 2);
    }
}
