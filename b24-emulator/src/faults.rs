//! Faults on demand: a deterministic (seeded) share of REST requests answered with a broken or
//! hostile response, so that clients' retry and error paths can be tested.
//!
//! For every `/rest/` request one uniform number `u ∈ [0, 1)` is drawn from a seeded RNG and
//! compared against the cumulative shares, in this order: `query_limit` (503
//! `QUERY_LIMIT_EXCEEDED`), `server_error` (500 with an HTML page), `truncated` (the real
//! answer cut in half), `reset` (the connection is closed without an answer). Independently,
//! `latency_share` of the requests (another draw) are delayed by `latency_ms`. When `moved` is
//! set, requests to the primary and TLS listeners get `302 Found` pointing at the same path on
//! the "moved" listener ([`crate::Emulator::moved_base_url`]), which serves normally.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

/// Fault settings. All shares are fractions in `[0, 1]`; the default injects nothing.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct FaultConfig {
    /// RNG seed (the same seed and request sequence give the same faults).
    pub seed: u64,
    /// Share answered 503 `QUERY_LIMIT_EXCEEDED` "Too many requests".
    pub query_limit: f64,
    /// Share answered 500 with an HTML body.
    pub server_error: f64,
    /// Share whose (otherwise correct) JSON answer is truncated.
    pub truncated: f64,
    /// Share whose connection is closed without an answer.
    pub reset: f64,
    /// Share delayed by [`FaultConfig::latency_ms`] (when 0 but `latency_ms` is set: all).
    pub latency_share: f64,
    /// Added latency in milliseconds.
    pub latency_ms: u64,
    /// Redirect (302) every request on the primary and TLS listeners to the moved listener.
    pub moved: bool,
}

/// What to do with one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// Serve normally.
    None,
    /// 503 `QUERY_LIMIT_EXCEEDED`.
    QueryLimit,
    /// 500 with an HTML page.
    ServerError,
    /// Serve, then cut the body.
    Truncated,
    /// Close the connection without answering.
    Reset,
}

/// Fault settings plus the seeded RNG.
#[derive(Debug)]
pub struct FaultState {
    /// Current settings.
    pub config: FaultConfig,
    rng: StdRng,
}

impl Default for FaultState {
    fn default() -> Self {
        FaultState::new(FaultConfig::default())
    }
}

fn share(x: f64) -> f64 {
    if x.is_finite() {
        x.clamp(0.0, 1.0)
    } else {
        0.0
    }
}

impl FaultState {
    /// New state; the RNG is seeded from `config.seed`.
    pub fn new(config: FaultConfig) -> Self {
        let rng = StdRng::seed_from_u64(config.seed);
        FaultState { config, rng }
    }

    /// Replaces the settings and re-seeds the RNG.
    pub fn set(&mut self, config: FaultConfig) {
        *self = FaultState::new(config);
    }

    /// Whether any fault is configured.
    pub fn active(&self) -> bool {
        let c = &self.config;
        c.moved
            || c.latency_ms > 0
            || [c.query_limit, c.server_error, c.truncated, c.reset]
                .iter()
                .any(|s| share(*s) > 0.0)
    }

    /// Draws the fault and the added latency (milliseconds) for one request.
    pub fn draw(&mut self) -> (Fault, u64) {
        let c = &self.config;
        let shares = [
            (share(c.query_limit), Fault::QueryLimit),
            (share(c.server_error), Fault::ServerError),
            (share(c.truncated), Fault::Truncated),
            (share(c.reset), Fault::Reset),
        ];
        let latency_ms = c.latency_ms;
        let latency_share = if c.latency_share > 0.0 {
            share(c.latency_share)
        } else {
            1.0
        };
        let u: f64 = self.rng.random();
        let mut acc = 0.0;
        let mut fault = Fault::None;
        for (s, f) in shares {
            acc += s;
            if u < acc {
                fault = f;
                break;
            }
        }
        let delay = if latency_ms > 0 && self.rng.random::<f64>() < latency_share {
            latency_ms
        } else {
            0
        };
        (fault, delay)
    }
}

/// The HTML page of an injected 500.
pub const HTML_500: &str = "<!DOCTYPE html>\n<html><head><title>500 Internal Server Error</title></head>\
<body><h1>Internal Server Error</h1><p>The server encountered an internal error.</p></body></html>\n";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_shares() {
        let config = FaultConfig {
            seed: 7,
            query_limit: 0.25,
            reset: 0.25,
            ..FaultConfig::default()
        };
        let mut a = FaultState::new(config.clone());
        let mut b = FaultState::new(config);
        let xs: Vec<_> = (0..1000).map(|_| a.draw()).collect();
        let ys: Vec<_> = (0..1000).map(|_| b.draw()).collect();
        assert_eq!(xs, ys);
        let limited = xs.iter().filter(|(f, _)| *f == Fault::QueryLimit).count();
        let reset = xs.iter().filter(|(f, _)| *f == Fault::Reset).count();
        assert!((180..320).contains(&limited), "{limited}");
        assert!((180..320).contains(&reset), "{reset}");
        assert!(!FaultState::default().active());
        assert_eq!(FaultState::default().draw(), (Fault::None, 0));
    }
}
