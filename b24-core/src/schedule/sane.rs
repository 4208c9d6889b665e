//! Numbers that come from outside — a configuration, a shared bucket file, a server's answer —
//! made safe before they become waits.
//!
//! A `Duration` cannot hold a negative, infinite or NaN number of seconds, nor one above
//! `u64::MAX`; converting such a number panics. Every number of seconds that reaches a wait goes
//! through [`seconds`], which clamps it into a range the caller names and logs a warning when
//! the value had to change, so that a hostile or broken peer can slow a call down at most by
//! the range's end and never crash the program.

use std::ops::RangeInclusive;
use std::time::Duration;

/// `value` clamped into `range` (NaN becomes the range's start). A warning naming `what` is
/// logged when the value had to change.
pub(crate) fn number(value: f64, range: RangeInclusive<f64>, what: &'static str) -> f64 {
    let (low, high) = (*range.start(), *range.end());
    let sane = if value.is_nan() {
        low
    } else {
        value.clamp(low, high)
    };
    // `!=` is also true for NaN.
    if sane != value {
        tracing::warn!(
            what,
            value,
            used = sane,
            "a number outside its sane range was clamped"
        );
    }
    sane
}

/// `value` seconds as a `Duration`, clamped into `range` as [`number`] does. Never panics, even
/// for a range that reaches below zero or beyond what a `Duration` holds.
pub(crate) fn seconds(value: f64, range: RangeInclusive<f64>, what: &'static str) -> Duration {
    let sane = number(value, range, what);
    Duration::try_from_secs_f64(sane).unwrap_or(if sane > 0.0 {
        Duration::MAX
    } else {
        Duration::ZERO
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_inside_the_range_pass_unchanged() {
        assert_eq!(number(2.5, 0.0..=10.0, "test"), 2.5);
        assert_eq!(
            seconds(1.5, 0.0..=10.0, "test"),
            Duration::from_millis(1500)
        );
    }

    #[test]
    fn hostile_numbers_are_clamped_instead_of_panicking() {
        let range = 0.0..=600.0;
        assert_eq!(
            seconds(1e308, range.clone(), "test"),
            Duration::from_secs(600)
        );
        assert_eq!(
            seconds(f64::INFINITY, range.clone(), "test"),
            Duration::from_secs(600)
        );
        assert_eq!(seconds(-1e308, range.clone(), "test"), Duration::ZERO);
        assert_eq!(seconds(f64::NAN, range, "test"), Duration::ZERO);
        // Even a careless range cannot make the conversion panic.
        assert_eq!(seconds(-5.0, -10.0..=10.0, "test"), Duration::ZERO);
        assert_eq!(seconds(1e300, 0.0..=f64::MAX, "test"), Duration::MAX);
    }
}
