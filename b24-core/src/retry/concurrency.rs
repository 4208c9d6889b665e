//! Adaptive concurrency: how many requests may be in flight at once, and how far apart they
//! start.
//!
//! [`Window`] is the whole policy as a state machine over a clock in seconds, so that it is
//! tested — and replayed in the pacing model — without a server or a runtime. [`Concurrency`]
//! is the thin async shell the client waits on.
//!
//! The window starts with one request in flight and doubles with each success until the
//! configured maximum (a slow start: a portal whose bucket another program just filled
//! refuses one request, not a whole window of them). A refusal for intensity
//! (`QUERY_LIMIT_EXCEEDED`) halves the number of requests in flight and doubles the spacing
//! between request starts; the requests already out when that happened answer for the same
//! overload, so their refusals do not cut again. Successes then grow both back: one more
//! request in flight per window of successes, and a tenth more start rate per success (at
//! least a small fixed step), until the spacing vanishes and the configured maximum is reached.
//! The start rate grows back in proportion so that sporadic refusals — a portal that refuses
//! one request in ten at random — cost a few spaced starts, not a spacing that ratchets up
//! towards its maximum: eight successes undo a halving.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use tokio::sync::Notify;

use crate::sync::lock;

/// Spacing set by the first refusal, seconds: about what the cloud's portals drain (2 to 5
/// requests per second).
const FIRST_SPACING: f64 = 0.25;
/// Longest spacing a run of refusals can reach, seconds.
const MAX_SPACING: f64 = 30.0;
/// Least start rate regained per success, requests per second.
const RATE_STEP: f64 = 0.05;
/// Share of the current start rate regained per success.
const RATE_REGAIN: f64 = 0.1;
/// Start rate above which the spacing is dropped altogether, requests per second.
const UNSPACED_RATE: f64 = 1000.0;

/// The in-flight limit and the start spacing, as a state machine over a clock in seconds.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Window {
    /// The configured maximum in flight.
    max: usize,
    /// The current limit in flight.
    limit: usize,
    /// Requests holding a place.
    in_flight: usize,
    /// Successes since the limit last changed.
    streak: usize,
    /// Outcomes still to come from requests that were out when the limit was last cut.
    grace: usize,
    /// No refusal yet: the limit doubles per success.
    slow_start: bool,
    /// Seconds between request starts (zero: none).
    spacing: f64,
    /// The earliest start of the next request.
    next_start: f64,
}

impl Window {
    /// A window of at most `max` requests in flight (at least one), unspaced, starting with one.
    pub(crate) fn new(max: usize) -> Self {
        Window {
            max: max.max(1),
            limit: 1,
            in_flight: 0,
            streak: 0,
            grace: 0,
            slow_start: true,
            spacing: 0.0,
            next_start: f64::MIN,
        }
    }

    /// Takes a place at `now` when the limit allows: returns the delay before the request may
    /// start, or `None` when the caller must wait for a place to free up.
    pub(crate) fn start(&mut self, now: f64) -> Option<f64> {
        if self.in_flight >= self.limit {
            return None;
        }
        self.in_flight += 1;
        let at = self.next_start.max(now);
        self.next_start = at + self.spacing;
        Some(at - now)
    }

    /// A request gave its place back (answered or failed).
    pub(crate) fn finish(&mut self) {
        self.in_flight = self.in_flight.saturating_sub(1);
    }

    /// The portal refused a request for intensity.
    pub(crate) fn refused(&mut self) {
        if self.grace > 0 {
            // Sent before the last cut: the cut already answered this overload.
            self.grace -= 1;
            return;
        }
        self.limit = (self.limit / 2).max(1);
        self.spacing = (self.spacing * 2.0).clamp(FIRST_SPACING, MAX_SPACING);
        self.streak = 0;
        self.grace = self.in_flight;
        self.slow_start = false;
    }

    /// A request succeeded.
    pub(crate) fn succeeded(&mut self) {
        self.grace = self.grace.saturating_sub(1);
        if self.spacing > 0.0 {
            let rate = 1.0 / self.spacing;
            let rate = rate + (rate * RATE_REGAIN).max(RATE_STEP);
            self.spacing = if rate >= UNSPACED_RATE {
                0.0
            } else {
                1.0 / rate
            };
        }
        if self.limit >= self.max {
            return;
        }
        if self.slow_start {
            self.limit = (self.limit * 2).min(self.max);
            return;
        }
        self.streak += 1;
        if self.streak >= self.limit {
            self.limit += 1;
            self.streak = 0;
        }
    }

    /// Whether another request may take a place now.
    fn has_room(&self) -> bool {
        self.in_flight < self.limit
    }
}

/// The async shell of [`Window`]: requests wait here for a place and for their start.
#[derive(Debug)]
pub(crate) struct Concurrency {
    window: Mutex<Window>,
    freed: Notify,
    origin: Instant,
}

/// A place in flight; gives it back when dropped.
#[derive(Debug)]
pub(crate) struct Place<'a> {
    owner: &'a Concurrency,
}

impl Drop for Place<'_> {
    fn drop(&mut self) {
        let room = {
            let mut window = lock(&self.owner.window);
            window.finish();
            window.has_room()
        };
        if room {
            self.owner.freed.notify_one();
        }
    }
}

impl Concurrency {
    /// A limit of `max` requests in flight (at least one).
    pub(crate) fn new(max: usize) -> Self {
        Concurrency {
            window: Mutex::new(Window::new(max)),
            freed: Notify::new(),
            origin: Instant::now(),
        }
    }

    /// The configured maximum in flight.
    pub(crate) fn max(&self) -> usize {
        lock(&self.window).max
    }

    fn now(&self) -> f64 {
        self.origin.elapsed().as_secs_f64()
    }

    /// Waits for a place and for the request's start; the request holds the place until its
    /// answer is read.
    pub(crate) async fn acquire(&self) -> Place<'_> {
        loop {
            let freed = self.freed.notified();
            tokio::pin!(freed);
            // Registered before looking, so a place freed in between is not missed.
            freed.as_mut().enable();
            let delay = lock(&self.window).start(self.now());
            if let Some(delay) = delay {
                let place = Place { owner: self };
                if delay > 0.0 {
                    tokio::time::sleep(Duration::from_secs_f64(delay)).await;
                }
                return place;
            }
            freed.await;
        }
    }

    /// The portal refused a request for intensity.
    pub(crate) fn refused(&self) {
        let mut window = lock(&self.window);
        window.refused();
        tracing::debug!(
            in_flight = window.limit,
            spacing_ms = (window.spacing * 1000.0) as u64,
            "the portal refused a request; sending fewer at once"
        );
    }

    /// A call succeeded.
    pub(crate) fn succeeded(&self) {
        let grew = {
            let mut window = lock(&self.window);
            window.succeeded();
            window.has_room()
        };
        if grew {
            self.freed.notify_one();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A window of `max` past its slow start.
    fn opened(max: usize) -> Window {
        let mut window = Window::new(max);
        while window.limit < max {
            window.succeeded();
        }
        window
    }

    /// Fills every place of `window` at `now`; returns how many were taken.
    fn fill(window: &mut Window, now: f64) -> usize {
        let mut taken = 0;
        while window.start(now).is_some() {
            taken += 1;
        }
        taken
    }

    #[test]
    fn the_window_opens_one_doubling_per_success() {
        let mut window = Window::new(6);
        assert_eq!(fill(&mut window, 0.0), 1, "one request first");
        window.finish();
        let limits: Vec<usize> = (0..4)
            .map(|_| {
                window.succeeded();
                window.limit
            })
            .collect();
        assert_eq!(limits, [2, 4, 6, 6]);
        // A refusal before the window opened ends the slow start.
        let mut window = Window::new(8);
        window.start(0.0);
        window.finish();
        window.refused();
        window.succeeded();
        assert_eq!(window.limit, 2, "then one more per window of successes");
        window.succeeded();
        assert_eq!(window.limit, 2);
    }

    #[test]
    fn a_refusal_lowers_the_requests_in_flight_even_when_all_places_are_taken() {
        let mut window = opened(6);
        assert_eq!(fill(&mut window, 0.0), 6);
        window.finish();
        window.refused();
        // Five are still out: none may start until fewer than three are.
        for _ in 0..2 {
            assert_eq!(window.start(0.0), None);
            window.finish();
        }
        assert_eq!(window.start(0.0), None, "three out, the limit is three");
        window.finish();
        assert!(window.start(0.0).is_some(), "two out: one may start");
    }

    #[test]
    fn refusals_of_requests_already_out_cut_once() {
        let mut window = opened(8);
        assert_eq!(fill(&mut window, 0.0), 8);
        for _ in 0..8 {
            window.finish();
            window.refused();
        }
        assert_eq!(window.limit, 4, "one overload, one cut");
        assert_eq!(window.spacing, FIRST_SPACING);
        // A refusal of a request sent after the cut cuts again.
        window.start(1.0);
        window.finish();
        window.refused();
        assert_eq!(window.limit, 2);
        assert_eq!(window.spacing, 2.0 * FIRST_SPACING);
    }

    #[test]
    fn starts_are_spaced_after_a_refusal() {
        let mut window = opened(4);
        window.refused();
        let delays: Vec<f64> = (0..2).map(|_| window.start(10.0).unwrap()).collect();
        assert_eq!(delays, [0.0, FIRST_SPACING]);
    }

    #[test]
    fn sporadic_refusals_do_not_ratchet_the_spacing_up() {
        // One request at a time, one refusal in ten: the spacing stays near the first one.
        let mut window = Window::new(1);
        for round in 0..50 {
            window.start(f64::from(round));
            window.refused();
            window.finish();
            for _ in 0..9 {
                window.start(f64::from(round));
                window.finish();
                window.succeeded();
            }
        }
        assert!(window.spacing <= FIRST_SPACING, "{}", window.spacing);
        // Eight successes undo a halving of the start rate.
        let mut window = opened(1);
        window.refused();
        window.refused();
        let spaced = window.spacing;
        for _ in 0..8 {
            window.succeeded();
        }
        assert!(
            window.spacing <= spaced / 2.0,
            "{} then {}",
            spaced,
            window.spacing
        );
    }

    #[test]
    fn successes_grow_the_limit_and_the_rate_back_to_the_maximum() {
        let mut window = opened(4);
        window.refused();
        window.refused();
        assert_eq!(window.limit, 1);
        window.succeeded();
        assert_eq!(window.limit, 2, "one success fills a window of one");
        window.succeeded();
        assert_eq!(window.limit, 2, "not before a whole window of successes");
        window.succeeded();
        assert_eq!(window.limit, 3);
        for _ in 0..100_000 {
            window.succeeded();
        }
        assert_eq!(window.limit, 4, "never above the maximum");
        assert_eq!(window.spacing, 0.0, "the spacing vanishes");
        assert_eq!(fill(&mut window, 0.0), 4);
    }

    #[tokio::test]
    async fn a_cut_holds_back_waiters_until_enough_places_are_given_back() {
        let concurrency = Concurrency::new(4);
        *lock(&concurrency.window) = opened(4);
        let places: Vec<Place<'_>> =
            futures_util::future::join_all((0..4).map(|_| concurrency.acquire())).await;
        // All four are out; the portal refuses: the limit drops to two.
        concurrency.refused();
        let mut places = places.into_iter();
        drop(places.next());
        drop(places.next());
        let waiting = tokio::time::timeout(Duration::from_millis(50), concurrency.acquire()).await;
        assert!(
            waiting.is_err(),
            "two are out: no place under a limit of two"
        );
        drop(places.next());
        let third = tokio::time::timeout(Duration::from_secs(5), concurrency.acquire()).await;
        assert!(third.is_ok(), "one out: a place frees up");
    }
}
