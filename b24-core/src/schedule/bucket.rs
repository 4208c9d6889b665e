//! The client's mirror of the portal's leaky bucket ([`BucketState`]) and where it lives
//! ([`BucketStore`]: in memory or in a file shared between processes).
//!
//! The state is kept as "the level at an instant"; bookings may run ahead of the clock, so the
//! instant may lie in the future. Read as a virtual schedule, the bucket is next empty at
//! `at + level / drain`: booking a request moves that point by one request's drain time, and a
//! refusal moves it to at least "full now" — never further, however many refusals arrive.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use super::{now, sane};
use crate::sync::lock;

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

    /// The limit with both numbers clamped into their sane ranges.
    fn sane(self) -> Self {
        RateLimit {
            drain_per_second: sane::number(self.drain_per_second, DRAIN_RANGE, "drain_per_second"),
            burst: sane::number(self.burst, BURST_RANGE, "burst"),
        }
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
        let limit = limit.sane();
        let drain = limit.drain_per_second * DRAIN_MARGIN;
        // Stay one request under the portal's own limit: clocks and latencies differ.
        let room = (limit.burst - 1.0).max(1.0);
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
        let limit = limit.sane();
        let level = self.level_at(limit, now);
        self.level = level.max(limit.burst);
        self.at = now;
    }

    /// The level at `now` with every booking counted, the ones ahead of `now` included (their
    /// requests are as good as sent). Repairs states that cannot be: a level below zero or
    /// above a full bucket and bookings far ahead become a full bucket at most `MAX_AHEAD`
    /// seconds away.
    fn level_at(&mut self, limit: RateLimit, now: f64) -> f64 {
        let drain = limit.drain_per_second * DRAIN_MARGIN;
        // A full bucket, plus the requests that may be booked ahead of it.
        let ceiling = limit.burst + MAX_AHEAD * drain;
        let at = sane::number(self.at, f64::MIN..=now + MAX_AHEAD, "bucket time");
        let level = sane::number(self.level, 0.0..=ceiling, "bucket level");
        (level - drain * (now - at)).clamp(0.0, ceiling)
    }
}

/// Where the bucket's state lives. Clones of a client share one store; several processes that
/// call the same portal from the same address can share a [`FileBucket`].
pub trait BucketStore: Send + Sync + 'static {
    /// Books one request; returns how long to wait before sending it.
    fn book(&self, limit: RateLimit) -> Duration;
    /// Records that the portal refused a request because the bucket was full.
    fn fill(&self, limit: RateLimit);
}

/// A bucket held in memory, shared by the clones of one client.
#[derive(Debug, Default)]
pub struct MemoryBucket(Mutex<BucketState>);

impl BucketStore for MemoryBucket {
    fn book(&self, limit: RateLimit) -> Duration {
        lock(&self.0).book(limit, now())
    }

    fn fill(&self, limit: RateLimit) {
        lock(&self.0).fill(limit, now());
    }
}

/// A bucket kept in a file under an exclusive lock, so that processes sharing a portal and a
/// source address also share one budget.
///
/// Any process that can write the file can slow the others down — by at most a full bucket
/// plus ten minutes per request, as values beyond that are clamped — but cannot crash them.
#[derive(Debug)]
pub struct FileBucket {
    path: PathBuf,
}

impl FileBucket {
    /// A bucket stored at `path` (created when missing).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        FileBucket { path: path.into() }
    }

    fn update<T>(&self, change: impl FnOnce(&mut BucketState) -> T, fallback: T) -> T {
        let attempt = || -> std::io::Result<T> {
            let mut file: File = OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&self.path)?;
            file.lock()?;
            let mut text = String::new();
            file.read_to_string(&mut text)?;
            let mut state: BucketState = serde_json::from_str(&text).unwrap_or_default();
            let result = change(&mut state);
            file.seek(SeekFrom::Start(0))?;
            file.set_len(0)?;
            file.write_all(serde_json::to_string(&state).unwrap_or_default().as_bytes())?;
            file.unlock()?;
            Ok(result)
        };
        match attempt() {
            Ok(result) => result,
            Err(error) => {
                tracing::warn!(%error, "the shared rate-limit file is unusable; not pacing this request");
                fallback
            }
        }
    }
}

impl BucketStore for FileBucket {
    fn book(&self, limit: RateLimit) -> Duration {
        self.update(|state| state.book(limit, now()), Duration::ZERO)
    }

    fn fill(&self, limit: RateLimit) {
        self.update(|state| state.fill(limit, now()), ());
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

    #[test]
    fn file_buckets_are_shared() {
        let path = std::env::temp_dir().join(format!("b24-bucket-{}.json", std::process::id()));
        let _ = std::fs::remove_file(&path);
        let first = FileBucket::new(&path);
        let second = FileBucket::new(&path);
        let limit = RateLimit::new(1.0, 3.0);
        assert_eq!(first.book(limit), Duration::ZERO);
        assert_eq!(second.book(limit), Duration::ZERO);
        assert!(
            first.book(limit) > Duration::ZERO,
            "the second store's booking counts"
        );
        let _ = std::fs::remove_file(&path);
    }

    /// Books `calls` requests; none may panic or wait longer than `most`.
    fn assert_bounded(store: &dyn BucketStore, limit: RateLimit, calls: usize, most: Duration) {
        for call in 0..calls {
            let wait = store.book(limit);
            assert!(wait <= most, "call {call} waits {wait:?}");
        }
        store.fill(limit);
        assert!(store.book(limit) <= most);
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
            assert_bounded(
                &MemoryBucket::default(),
                RateLimit::new(drain, burst),
                3,
                bound,
            );
            // The fields are public: a limit written as a literal is clamped when used.
            let literal = RateLimit {
                drain_per_second: drain,
                burst,
            };
            assert_bounded(&MemoryBucket::default(), literal, 3, bound);
        }
        let limit = RateLimit::new(0.0, 0.0);
        assert_eq!(limit.drain_per_second, 0.01);
        assert_eq!(limit.burst, 1.0);
    }

    #[test]
    fn a_poisoned_shared_file_cannot_crash_or_stall_its_readers() {
        let path = std::env::temp_dir().join(format!("b24-poison-{}.json", std::process::id()));
        let limit = RateLimit::STANDARD;
        for poison in [
            r#"{"level":1e308,"at":0}"#,
            r#"{"level":1e308,"at":1e308}"#,
            r#"{"level":-1e308,"at":-1e308}"#,
            r#"{"level":3,"at":1e300}"#,
        ] {
            std::fs::write(&path, poison).unwrap();
            let store = FileBucket::new(&path);
            assert_bounded(&store, limit, 3, Duration::from_secs(MAX_AHEAD as u64));
        }
        // An ancient full bucket has long drained: the next request goes at once.
        std::fs::write(&path, r#"{"level":1e308,"at":0}"#).unwrap();
        assert_eq!(FileBucket::new(&path).book(limit), Duration::ZERO);
        let _ = std::fs::remove_file(&path);
    }
}
