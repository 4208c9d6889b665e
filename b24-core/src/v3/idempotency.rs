//! `Idempotency-Key`: one fresh key per logical write, the same key (and the same bytes) on
//! every repetition of that write, so that the server runs it at most once.

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use reqwest::header::{HeaderName, HeaderValue};

use crate::error::Error;

/// The request header.
pub(crate) const HEADER: &str = "idempotency-key";

/// Longest key the server accepts.
const MAX_LEN: usize = 255;

/// The key of one logical write (1–255 printable ASCII characters).
///
/// [`V3::call`](super::V3::call) makes a fresh one for every write; keep one yourself with
/// [`V3::call_with_key`](super::V3::call_with_key) to repeat a write whose outcome is
/// unknown, later, with the same request (within the server's 24 hours).
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// A key that no other write of this process, or another, is expected to have: 128 bits
    /// from the process's random hasher keys, the clock and a counter.
    pub fn fresh() -> Self {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let count = COUNTER.fetch_add(1, Ordering::Relaxed);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|elapsed| elapsed.as_nanos())
            .unwrap_or_default();
        let half = |salt: u64| {
            let mut hasher = RandomState::new().build_hasher();
            hasher.write_u64(salt);
            hasher.write_u64(count);
            hasher.write_u128(nanos);
            hasher.write_u32(std::process::id());
            hasher.finish()
        };
        IdempotencyKey(format!("b24-{:016x}{:016x}", half(1), half(2)))
    }

    /// A key of your own; refused unless it is 1–255 printable ASCII characters.
    pub fn new(key: impl Into<String>) -> Result<Self, Error> {
        let key = key.into();
        let printable = key.bytes().all(|byte| (0x21..=0x7e).contains(&byte));
        if key.is_empty() || key.len() > MAX_LEN || !printable {
            return Err(Error::Config(format!(
                "an idempotency key has 1 to {MAX_LEN} printable ASCII characters without \
                 spaces; this one has {} characters",
                key.chars().count()
            )));
        }
        Ok(IdempotencyKey(key))
    }

    /// The key as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The header that carries it.
    pub(crate) fn header(&self) -> (HeaderName, HeaderValue) {
        let value = HeaderValue::from_str(&self.0)
            .expect("a key holds printable ASCII only (checked when it was made)");
        (HeaderName::from_static(HEADER), value)
    }
}

impl fmt::Debug for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdempotencyKey({:?})", self.0)
    }
}

impl fmt::Display for IdempotencyKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_keys_differ_and_fit_the_header() {
        let keys: std::collections::HashSet<String> =
            (0..1000).map(|_| IdempotencyKey::fresh().0).collect();
        assert_eq!(keys.len(), 1000);
        for key in keys.iter().take(3) {
            assert!(IdempotencyKey::new(key.clone()).is_ok());
        }
    }

    #[test]
    fn own_keys_are_checked() {
        assert!(IdempotencyKey::new("order-42").is_ok());
        for bad in [
            String::new(),
            "a b".into(),
            "x".repeat(256),
            "é".into(),
            "a\nb".into(),
        ] {
            assert!(
                matches!(IdempotencyKey::new(bad.clone()), Err(Error::Config(_))),
                "{bad:?}"
            );
        }
    }
}
