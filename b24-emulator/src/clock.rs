//! The portal's clock: real time, scaled time, or a manual clock advanced by tests.
//!
//! Everything time-dependent in the emulator (token expiry, the request-intensity leaky bucket,
//! operating-time buckets, the `time` object, `server.time`, event timestamps) reads this clock,
//! so minute-long limits can be exercised in seconds: with [`crate::EmulatorBuilder::clock_scale`]
//! `60.0` one real second is one portal minute; with scale `0.0` the clock stands still and only
//! moves through [`Clock::advance`] (`Emulator::advance_clock`, `POST /_emulator/clock`).

use std::sync::atomic::{AtomicI64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// A clock with a start point, a speed and a manual offset.
#[derive(Debug)]
pub struct Clock {
    origin: Instant,
    origin_unix: f64,
    scale: f64,
    offset_nanos: AtomicI64,
}

impl Clock {
    /// A clock starting at the current wall time and running `scale` times as fast as real
    /// time (`1.0` = real time, `0.0` = stopped; negative or non-finite values mean `1.0`).
    pub fn new(scale: f64) -> Self {
        let scale = if scale.is_finite() && scale >= 0.0 {
            scale
        } else {
            1.0
        };
        Clock {
            origin: Instant::now(),
            origin_unix: SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0.0, |d| d.as_secs_f64()),
            scale,
            offset_nanos: AtomicI64::new(0),
        }
    }

    /// The speed factor.
    pub fn scale(&self) -> f64 {
        self.scale
    }

    /// Current portal time, Unix seconds.
    pub fn now(&self) -> f64 {
        let offset = self.offset_nanos.load(Ordering::Relaxed) as f64 / 1e9;
        self.origin_unix + self.origin.elapsed().as_secs_f64() * self.scale + offset
    }

    /// Current portal time in whole Unix seconds.
    pub fn now_secs(&self) -> i64 {
        self.now().floor() as i64
    }

    /// Moves the clock forward by `by`.
    pub fn advance(&self, by: Duration) {
        let nanos = i64::try_from(by.as_nanos()).unwrap_or(i64::MAX);
        let _ = self
            .offset_nanos
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |o| {
                Some(o.saturating_add(nanos))
            });
    }

    /// How long a real sleep must be for `portal` seconds to pass on this clock (`None` for a
    /// stopped clock).
    pub fn real_duration(&self, portal: f64) -> Option<Duration> {
        if self.scale == 0.0 {
            return None;
        }
        Some(Duration::from_secs_f64(
            (portal / self.scale).clamp(0.0, 1e6),
        ))
    }
}

impl Default for Clock {
    fn default() -> Self {
        Clock::new(1.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manual_clock_moves_only_when_advanced() {
        let c = Clock::new(0.0);
        let a = c.now();
        std::thread::sleep(Duration::from_millis(5));
        assert_eq!(c.now(), a);
        c.advance(Duration::from_secs(90));
        assert!((c.now() - a - 90.0).abs() < 1e-6);
    }

    #[test]
    fn scaled_clock_runs_faster() {
        let c = Clock::new(1000.0);
        let a = c.now();
        std::thread::sleep(Duration::from_millis(10));
        assert!(c.now() - a >= 9.0);
        assert_eq!(Clock::new(f64::NAN).scale(), 1.0);
    }
}
