//! The client's mirror of the portal's leaky bucket ([`BucketState`]); where it lives is a
//! [`BudgetStore`](super::BudgetStore).
//!
//! The state is kept as "the level at an instant"; bookings may run ahead of the clock, so the
//! instant may lie in the future. Read as a virtual schedule, the bucket is next empty at
//! `at + level / drain`: booking a request moves that point by one request's drain time, and a
//! refusal moves it to at least "full now" — never further, however many refusals arrive.

use std::time::Duration;

use super::sane;

/// The portal's request-intensity limit: the bucket drains `drain_per_second` requests per
/// second and holds at most `burst`.
///
/// Values outside sane ranges (a drain below 0.01 or above 1,000,000 requests per second, a
/// burst below 1 or above 1,000,000, NaN) are clamped with a warning when the limit is made or
/// used: no limit makes a call panic or wait without end.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct RateLimit {
    /// Requests per second the bucket drains.
    pub drain_per_second: f64,
    /// Requests the bucket holds before the portal refuses.
    pub burst: f64,
}

/// Sane drain rates, requests per second: from one request per 100 s to a million per second.
const DRAIN_RANGE: std::ops::RangeInclusive<f64> = 0.01..=1e6;
/// Sane bucket sizes, requests.
const BURST_RANGE: std::ops::RangeInclusive<f64> = 1.0..=1e6;
/// How far ahead of the clock bookings may run, seconds: a shared file claiming more is wrong.
pub(crate) const MAX_AHEAD: f64 = 600.0;

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

    /// A custom limit (self-hosted portals configure their own); out-of-range values are
    /// clamped with a warning.
    pub fn new(drain_per_second: f64, burst: f64) -> Self {
        RateLimit {
            drain_per_second,
            burst,
        }
        .sane()
    }

    /// The numbers a booking works with — drain rate with its margin, room and ceiling — for
    /// the stores that book inside a database.
    pub(crate) fn pacing(self) -> Pacing {
        let limit = self.sane();
        let drain = limit.drain_per_second * DRAIN_MARGIN;
        Pacing {
            drain,
            // Stay one request under the portal's own limit: clocks and latencies differ.
            room: (limit.burst - 1.0).max(1.0),
            burst: limit.burst,
            // A full bucket, plus the requests that may be booked ahead of it.
            ceiling: limit.burst + MAX_AHEAD * drain,
        }
    }

    /// The share `1 / workers` of the limit: what one of `workers` processes may use alone.
    pub(crate) fn share(self, workers: usize) -> RateLimit {
        let limit = self.sane();
        let workers = workers.max(1) as f64;
        RateLimit::new(limit.drain_per_second / workers, limit.burst / workers)
    }

    /// The limit with both numbers clamped into their sane ranges.
    fn sane(self) -> Self {
        RateLimit {
            drain_per_second: sane::number(self.drain_per_second, DRAIN_RANGE, "drain_per_second"),
            burst: sane::number(self.burst, BURST_RANGE, "burst"),
        }
    }
}

/// A [`RateLimit`] as a booking uses it (see [`RateLimit::pacing`]).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Pacing {
    /// Requests per second the client counts on draining.
    pub drain: f64,
    /// Requests the client lets the bucket hold.
    pub room: f64,
    /// The portal's bucket size.
    pub burst: f64,
    /// The highest level a state may claim: a full bucket plus `MAX_AHEAD` of bookings.
    pub ceiling: f64,
}

impl Pacing {
    /// The level of a bucket full until `ahead` seconds from now (clamped into
    /// 0..=`MAX_AHEAD`).
    pub(crate) fn full_ahead(&self, ahead: f64) -> f64 {
        self.burst + self.drain * sane::number(ahead, 0.0..=MAX_AHEAD, "fill ahead")
    }
}

/// Share of the portal's drain rate the client counts on: clocks and latencies differ a little.
pub(crate) const DRAIN_MARGIN: f64 = 0.995;

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
        let Pacing { drain, room, .. } = limit.pacing();
        let level = self.level_at(limit, now);
        let wait = ((level + 1.0 - room) / drain).max(0.0);
        self.level = level - drain * wait + 1.0;
        self.at = now + wait;
        sane::seconds(wait, 0.0..=MAX_AHEAD, "bucket wait")
    }

    /// Records that the portal refused a request at `now` because its bucket was full.
    ///
    /// The bucket is then at least full at `now`. Requests already booked ahead stay booked:
    /// their slots lie beyond a full bucket's drain time only when they were booked that far
    /// ahead anyway, so a run of refusals never pushes the schedule further than one.
    pub fn fill(&mut self, limit: RateLimit, now: f64) {
        self.fill_ahead(limit, now, 0.0);
    }

    /// Records that the bucket is full until `ahead` seconds after `now` (requests of this
    /// worker that the state does not know of are booked until then), clamped to `MAX_AHEAD`.
    pub fn fill_ahead(&mut self, limit: RateLimit, now: f64, ahead: f64) {
        let level = self.level_at(limit, now);
        self.level = level.max(limit.pacing().full_ahead(ahead));
        self.at = now;
    }

    /// The level at `now` with every booking counted, the ones ahead of `now` included (their
    /// requests are as good as sent). Repairs states that cannot be: a level below zero or
    /// above a full bucket and bookings far ahead become a full bucket at most `MAX_AHEAD`
    /// seconds away.
    fn level_at(&mut self, limit: RateLimit, now: f64) -> f64 {
        let Pacing { drain, ceiling, .. } = limit.pacing();
        let at = sane::number(self.at, f64::MIN..=now + MAX_AHEAD, "bucket time");
        let level = sane::number(self.level, 0.0..=ceiling, "bucket level");
        (level - drain * (now - at)).clamp(0.0, ceiling)
    }

    /// When the bucket is next empty with every booking drained: a store may forget it then.
    pub fn idle_after(&self, limit: RateLimit) -> f64 {
        let drain = limit.pacing().drain;
        let empty = self.at + self.level.max(0.0) / drain;
        if empty.is_finite() { empty } else { 0.0 }
    }
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
    fn refusals_while_booked_ahead_do_not_push_the_schedule_further() {
        let limit = RateLimit::STANDARD;
        let mut state = BucketState::default();
        state.fill(limit, 0.0);
        // Six requests booked ahead of the clock, as six requests in flight do.
        for _ in 0..6 {
            state.book(limit, 0.0);
        }
        let next = |mut state: BucketState| state.book(limit, 0.1).as_secs_f64();
        let before = next(state);
        // Each booked request comes back refused: the bucket was full then, no more.
        for _ in 0..6 {
            state.fill(limit, 0.1);
        }
        let after = next(state);
        assert!(
            (after - before).abs() < 1e-9,
            "refusals moved the next slot from {before} s to {after} s"
        );
        // The slot after a refusal with nothing booked is a full bucket's drain time away.
        let mut fresh = BucketState::default();
        fresh.fill(limit, 0.0);
        let alone = fresh.book(limit, 0.0).as_secs_f64();
        assert!((alone - 2.0 / (2.0 * DRAIN_MARGIN)).abs() < 1e-9, "{alone}");
    }

    /// Books `calls` requests; none may panic or wait longer than `most`.
    fn assert_bounded(limit: RateLimit, calls: usize, most: Duration) {
        let mut state = BucketState::default();
        for call in 0..calls {
            let wait = state.book(limit, 1000.0);
            assert!(wait <= most, "call {call} waits {wait:?}");
        }
        state.fill(limit, 1000.0);
        assert!(state.book(limit, 1000.0) <= most);
    }

    #[test]
    fn degenerate_rate_limits_are_clamped_instead_of_panicking() {
        let bound = Duration::from_secs(MAX_AHEAD as u64);
        for (drain, burst) in [
            (0.0, 0.0),
            (1e-300, 1.0),
            (f64::NAN, f64::NAN),
            (-3.0, -1.0),
            (f64::INFINITY, f64::INFINITY),
        ] {
            assert_bounded(RateLimit::new(drain, burst), 3, bound);
            // The fields are public: a limit written as a literal is clamped when used.
            let literal = RateLimit {
                drain_per_second: drain,
                burst,
            };
            assert_bounded(literal, 3, bound);
        }
        let limit = RateLimit::new(0.0, 0.0);
        assert_eq!(limit.drain_per_second, 0.01);
        assert_eq!(limit.burst, 1.0);
    }
}
