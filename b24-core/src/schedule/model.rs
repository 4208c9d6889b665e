//! A model of the client's pacing against a portal's leaky bucket, on a simulated clock.
//!
//! It drives the real [`BucketState`], [`Window`] and [`Attempts`] through the steps the
//! client takes for every call — wait for a place in flight, book the bucket, send, read the
//! answer, feed back a refusal, back off — against a portal that admits requests as the
//! emulator and the cloud do (PROTOCOL §6.1). Nothing sleeps: a run of minutes takes
//! milliseconds, so the pacing's figures are asserted in ordinary unit tests.

use std::cmp::Reverse;
use std::collections::{BinaryHeap, VecDeque};
use std::time::Duration;

use super::{BucketState, RateLimit, RetryPolicy};
use crate::retry::{Attempts, Class, Decision, Window};

/// The portal's side: a leaky bucket that refuses a request finding it full.
struct Portal {
    limit: RateLimit,
    level: f64,
    last: f64,
}

impl Portal {
    fn admit(&mut self, now: f64) -> bool {
        self.level =
            (self.level - (now - self.last).max(0.0) * self.limit.drain_per_second).max(0.0);
        self.last = now;
        if self.level + 1.0 > self.limit.burst {
            return false;
        }
        self.level += 1.0;
        true
    }
}

/// One run's set-up.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Scenario {
    /// Calls started together (the requests of one large batch).
    pub(crate) calls: usize,
    /// Seconds from sending a request to reading its answer, on average.
    pub(crate) latency: f64,
    /// How much each request's latency varies: up to this share either way.
    pub(crate) jitter: f64,
    /// Whether the client paces itself with the bucket mirror.
    pub(crate) paced: bool,
    /// Whether another program filled the portal's bucket just before the run.
    pub(crate) full_at_start: bool,
    /// The client's maximum in flight.
    pub(crate) max_in_flight: usize,
}

/// What a run did: seconds to the last answer (`wall`), the fewest seconds the portal's
/// bucket allows for the calls (`floor`), the longest time the portal could have admitted a
/// request but none arrived (the longest gap between admissions beyond one request's drain
/// time), and what became of the requests.
#[derive(Debug)]
pub(crate) struct Report {
    pub(crate) wall: f64,
    pub(crate) floor: f64,
    pub(crate) longest_gap: f64,
    pub(crate) requests: Requests,
}

/// Requests the portal admitted and refused, and calls that gave up.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Requests {
    pub(crate) accepted: usize,
    pub(crate) refused: usize,
    pub(crate) failed: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    Acquire,
    Book,
    Send,
    Arrive,
    Answer { admitted: bool },
}

/// Runs `scenario` against a portal with the standard limit.
pub(crate) fn run(scenario: Scenario) -> Report {
    let limit = RateLimit::STANDARD;
    let mut portal = Portal {
        limit,
        level: if scenario.full_at_start {
            limit.burst
        } else {
            0.0
        },
        last: 0.0,
    };
    let mut bucket = BucketState::default();
    let mut window = Window::new(scenario.max_in_flight);
    // The model runs on simulated time: the calls' deadline is real time, out of reach.
    let real_now = std::time::Instant::now();
    let deadline = real_now + Duration::from_secs(24 * 3600);
    let mut attempts = vec![Attempts::new(RetryPolicy::default(), false, deadline); scenario.calls];
    // Events by time in microseconds, then by order of scheduling.
    let mut events = BinaryHeap::new();
    let mut order = 0u64;
    let mut schedule = |events: &mut BinaryHeap<_>, at: f64, call: usize, step: Step| {
        order += 1;
        events.push(Reverse(((at * 1e6).round() as u64, order, call, step)));
    };
    for call in 0..scenario.calls {
        schedule(&mut events, 0.0, call, Step::Acquire);
    }
    let mut waiting = VecDeque::new();
    // A fixed sequence of pseudo-random numbers (xorshift), so that runs repeat exactly.
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut latency = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let unit = (seed >> 11) as f64 / (1u64 << 53) as f64;
        scenario.latency * (1.0 + scenario.jitter * (2.0 * unit - 1.0))
    };
    let mut requests = Requests::default();
    let (mut wall, mut longest_gap) = (0.0f64, 0.0);
    // One request drains in this long: a gap between admissions beyond it left room unused.
    let drain_time = 1.0 / limit.drain_per_second;
    let mut last_admission = if scenario.full_at_start {
        0.0
    } else {
        -drain_time
    };
    while let Some(Reverse((micros, _, call, step))) = events.pop() {
        let now = micros as f64 / 1e6;
        match step {
            Step::Acquire => match window.start(now) {
                Some(delay) => schedule(&mut events, now + delay, call, Step::Book),
                None => waiting.push_back(call),
            },
            Step::Book => {
                let wait = if scenario.paced {
                    bucket.book(limit, now).as_secs_f64()
                } else {
                    0.0
                };
                schedule(&mut events, now + wait, call, Step::Send);
            }
            Step::Send => schedule(&mut events, now + latency() / 2.0, call, Step::Arrive),
            Step::Arrive => {
                let admitted = portal.admit(now);
                if admitted {
                    let gap = (now - last_admission - drain_time).max(0.0);
                    longest_gap = f64::max(longest_gap, gap);
                    last_admission = now;
                }
                let answer = Step::Answer { admitted };
                schedule(&mut events, now + latency() / 2.0, call, answer);
            }
            Step::Answer { admitted } => {
                wall = wall.max(now);
                window.finish();
                if admitted {
                    requests.accepted += 1;
                    window.succeeded();
                } else {
                    requests.refused += 1;
                    if scenario.paced {
                        bucket.fill(limit, now);
                    }
                    window.refused();
                    match attempts[call].after(Class::Intensity, Duration::ZERO, real_now) {
                        Decision::Retry(delay) => {
                            schedule(&mut events, now + delay.as_secs_f64(), call, Step::Acquire);
                        }
                        _ => requests.failed += 1,
                    }
                }
                // Places freed or grown: the waiters try again, in order.
                for call in waiting.drain(..) {
                    schedule(&mut events, now, call, Step::Acquire);
                }
            }
        }
    }
    let calls = scenario.calls as f64;
    let free = if scenario.full_at_start {
        0.0
    } else {
        limit.burst
    };
    let floor = ((calls - free) / limit.drain_per_second).max(0.0);
    Report {
        wall,
        floor,
        longest_gap,
        requests,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The import of 5,000 deals: 100 batch requests, six in flight.
    const IMPORT: Scenario = Scenario {
        calls: 100,
        latency: 0.05,
        jitter: 0.5,
        paced: true,
        full_at_start: false,
        max_in_flight: 6,
    };

    /// Runs `scenario`, which must see every call through.
    fn completed(scenario: Scenario) -> Report {
        let report = run(scenario);
        assert_eq!(report.requests.accepted, scenario.calls, "{report:?}");
        assert_eq!(report.requests.failed, 0, "{report:?}");
        report
    }

    #[test]
    fn an_import_into_a_full_bucket_runs_at_the_floor() {
        for latency in [0.01, 0.05, 0.5] {
            let full = Scenario {
                full_at_start: true,
                latency,
                ..IMPORT
            };
            let report = completed(full);
            assert!(
                report.wall <= 1.1 * report.floor,
                "{latency} s latency: {:.1} s against a floor of {:.1} s ({report:?})",
                report.wall,
                report.floor
            );
            // A refusal while requests are booked ahead once pushed the schedule back by two
            // seconds and more (3.5 s to 12 s gaps on the portal's log).
            assert!(report.longest_gap < 1.5, "{report:?}");
            assert!(
                report.requests.refused <= 2,
                "one refused request, at most one more: {report:?}"
            );
        }
    }

    #[test]
    fn an_import_into_an_empty_bucket_is_never_refused() {
        let report = run(IMPORT);
        let never_refused = Requests {
            accepted: 100,
            ..Requests::default()
        };
        assert_eq!(report.requests, never_refused, "{report:?}");
        assert!(report.wall <= 1.1 * report.floor, "{report:?}");
    }

    #[test]
    fn without_pacing_refusals_stay_under_half_a_request() {
        for full_at_start in [false, true] {
            let unpaced = Scenario {
                paced: false,
                full_at_start,
                ..IMPORT
            };
            let report = completed(unpaced);
            let Requests {
                accepted, refused, ..
            } = report.requests;
            assert!(
                refused as f64 <= 0.5 * accepted as f64,
                "{refused} refusals for {accepted} accepted ({report:?})"
            );
        }
    }
}
