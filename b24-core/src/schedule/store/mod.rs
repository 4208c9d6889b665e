//! Where the portal's budgets live: the request bucket per (portal, egress) and the
//! operating-time accounts per (portal, credential, method).
//!
//! A [`BudgetStore`] books one request or updates one account in one atomic step and answers
//! how long to wait. Backends, one module each: [`MemoryStore`] (one process), [`FileStore`]
//! (the processes of one host), `PostgresStore` (feature `budget-postgres`) and `RedisStore`
//! (feature `budget-redis`) for many hosts. The database stores take the time from the
//! database server's clock, so workers whose clocks disagree still agree on the schedule.
//!
//! Every operation may fail (the store is down, slow, holds garbage): the client then paces
//! itself alone at a share of the limit (`1 / workers`, see [`BudgetOptions`]) until the store
//! answers again. [`open`] picks a backend from one URL, the way `B24_BUDGET` configures a
//! fleet.

mod file;
pub(crate) mod keys;
mod memory;
#[cfg(feature = "budget-postgres")]
mod postgres;
#[cfg(feature = "budget-redis")]
mod redis;
pub(crate) mod shared;

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

pub use file::FileStore;
pub use memory::MemoryStore;
#[cfg(feature = "budget-postgres")]
pub use postgres::PostgresStore;
#[cfg(feature = "budget-redis")]
pub use redis::RedisStore;

use super::{OperatingReport, RateLimit};

/// The future of a store operation; it borrows the store, never the key it was given.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// A store operation that failed: the store is unreachable, too slow or answered nonsense.
/// The message never holds a password from the store's URL.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("budget store: {0}")]
pub struct StoreError(pub String);

/// Shared budgets of a portal. Keys are opaque strings built by the client: the request
/// bucket's names the portal and the egress, an operating-time account's the portal, the
/// credential and the method.
///
/// Implementations book in one atomic step (no other booking of the same key may interleave),
/// clamp whatever they read into sane ranges (a corrupted entry slows a call down by at most
/// ten minutes and never panics), and forget keys that have been idle long enough to carry no
/// information. Times are seconds since the Unix epoch on the store's clock.
///
/// An operation's future borrows only the store: an implementation that still needs the key
/// after the call has returned (a database round trip) keeps its own copy, so callers may
/// pass a key that lives no longer than the call.
pub trait BudgetStore: Send + Sync + 'static {
    /// Books one request in `bucket` under `limit`; returns how long to wait before sending it.
    fn book(&self, bucket: &str, limit: RateLimit) -> StoreFuture<'_, Duration>;

    /// Records that the portal refused a request of `bucket` because it was full (a 503, with
    /// `ahead` zero): the next booking of every worker sees a full bucket. With `ahead`, the
    /// bucket is full until that long from now (a worker that paced itself alone while the
    /// store failed has requests booked until then).
    fn fill(&self, bucket: &str, limit: RateLimit, ahead: Duration) -> StoreFuture<'_, ()>;

    /// How long the method of `account` must wait before it may run, with `limit` operating
    /// seconds per ten minutes.
    fn operating_wait(&self, account: &str, limit: f64) -> StoreFuture<'_, Duration>;

    /// Records what an answer said about the operating time of `account` (`time.operating`,
    /// `time.operating_reset_at`).
    fn operating_record(&self, account: &str, report: OperatingReport) -> StoreFuture<'_, ()>;

    /// Records a 429 (`OPERATION_TIME_LIMIT`) for `account`: every worker waits until its reset.
    /// Returns that wait.
    fn operating_block(&self, account: &str) -> StoreFuture<'_, Duration>;

    /// A short name for warnings: `memory`, `file`, `postgres`, `redis`.
    fn kind(&self) -> &'static str;
}

/// How a budget is shared, besides where: the settings a URL's query may carry.
#[derive(Clone, Debug, PartialEq)]
pub struct BudgetOptions {
    /// Workers expected to share the budget: while the store is unusable each paces itself at
    /// `1 / workers` of the limit (default 1).
    pub workers: usize,
    /// The name of this host's way out to the portal: the portal keeps one bucket per source
    /// address, so workers behind one address must give the same name (default: the local
    /// address the host reaches the portal from).
    pub egress: Option<String>,
    /// Seconds added to this host's clock where a store reads it (memory and file stores);
    /// the database stores read their own clock. For tests of skewed clocks.
    pub clock_offset: f64,
}

impl Default for BudgetOptions {
    fn default() -> Self {
        BudgetOptions {
            workers: 1,
            egress: None,
            clock_offset: 0.0,
        }
    }
}

/// A store and its options, as [`open`] makes them from a URL.
#[derive(Clone)]
pub struct BudgetConfig {
    /// The store.
    pub store: Arc<dyn BudgetStore>,
    /// Its options.
    pub options: BudgetOptions,
}

impl fmt::Debug for BudgetConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BudgetConfig")
            .field("store", &self.store.kind())
            .field("options", &self.options)
            .finish()
    }
}

/// The environment variable that names a fleet's budget store.
pub const BUDGET_ENV: &str = "B24_BUDGET";

/// Opens the store a URL names:
///
/// - `memory` — this process only;
/// - a file path (or `file:///path`) — the processes of this host;
/// - `postgres://user@host:port/db` — many hosts (feature `budget-postgres`);
/// - `redis://host:port/db` — many hosts (feature `budget-redis`).
///
/// The query may carry `workers=N`, `egress=NAME` and `clock_offset=SECONDS`
/// ([`BudgetOptions`]); they are taken out
/// before the URL reaches the database driver. Nothing connects yet: the database stores
/// connect at their first use and reconnect after a failure.
pub fn open(url: &str) -> Result<BudgetConfig, StoreError> {
    let url = url.trim();
    if url.is_empty() {
        return Err(StoreError(String::from("the budget URL is empty")));
    }
    let (rest, options) = split_options(url)?;
    let store: Arc<dyn BudgetStore> = match scheme(&rest) {
        None if rest == "memory" => Arc::new(MemoryStore::new().clock_offset(options.clock_offset)),
        None => Arc::new(FileStore::new(&rest).clock_offset(options.clock_offset)),
        Some("file") => {
            let path = url::Url::parse(&rest)
                .ok()
                .and_then(|url| url.to_file_path().ok())
                .ok_or_else(|| StoreError(String::from("a file URL needs an absolute path")))?;
            Arc::new(FileStore::new(path).clock_offset(options.clock_offset))
        }
        Some("postgres" | "postgresql") => database_store("postgres", &rest)?,
        Some("redis" | "rediss") => database_store("redis", &rest)?,
        Some(other) => {
            return Err(StoreError(format!(
                "unknown budget store `{other}://`: use memory, a file path, postgres:// or redis://"
            )));
        }
    };
    Ok(BudgetConfig { store, options })
}

/// The scheme of `url`, lowercased, when it has one (`C:\…` and relative paths have none).
fn scheme(url: &str) -> Option<&str> {
    let (scheme, _) = url.split_once("://")?;
    let valid = scheme.len() > 1
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
    valid.then_some(scheme)
}

/// Takes `workers` and `egress` out of the query of `url`.
fn split_options(url: &str) -> Result<(String, BudgetOptions), StoreError> {
    let mut options = BudgetOptions::default();
    let Some((base, query)) = url.split_once('?') else {
        return Ok((url.to_owned(), options));
    };
    let mut kept = Vec::new();
    for pair in query.split('&').filter(|pair| !pair.is_empty()) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        match name {
            "workers" => {
                options.workers = value
                    .parse::<usize>()
                    .ok()
                    .filter(|n| (1..=100_000).contains(n))
                    .ok_or_else(|| {
                        StoreError(format!("workers={value}: give a number from 1 to 100000"))
                    })?;
            }
            "egress" if !value.is_empty() => options.egress = Some(value.to_owned()),
            "clock_offset" => {
                options.clock_offset = value
                    .parse::<f64>()
                    .ok()
                    .filter(|seconds| seconds.abs() <= 86_400.0)
                    .ok_or_else(|| {
                        StoreError(format!("clock_offset={value}: give seconds, at most a day"))
                    })?;
            }
            "egress" => return Err(StoreError(String::from("egress= needs a name"))),
            _ => kept.push(pair),
        }
    }
    let rest = if kept.is_empty() {
        base.to_owned()
    } else {
        format!("{base}?{}", kept.join("&"))
    };
    Ok((rest, options))
}

/// The database store `kind` (`postgres`, `redis`) at `url`, when this build has its feature.
fn database_store(kind: &str, url: &str) -> Result<Arc<dyn BudgetStore>, StoreError> {
    match kind {
        #[cfg(feature = "budget-postgres")]
        "postgres" => return Ok(Arc::new(PostgresStore::new(url)?)),
        #[cfg(feature = "budget-redis")]
        "redis" => return Ok(Arc::new(RedisStore::new(url)?)),
        _ => {}
    }
    let _ = url;
    Err(StoreError(format!(
        "{kind} budgets need b24-core's feature `budget-{kind}`"
    )))
}

/// `url` with its password replaced, for messages.
#[cfg(any(feature = "budget-postgres", feature = "budget-redis"))]
pub(crate) fn redacted(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut parsed) => {
            if parsed.password().is_some() {
                let _ = parsed.set_password(Some("***"));
            }
            parsed.to_string()
        }
        Err(_) => String::from("(unparsable URL)"),
    }
}

/// A store operation that finished at once with `value`.
pub(crate) fn ready<'a, T: Send + 'a>(value: T) -> StoreFuture<'a, T> {
    Box::pin(std::future::ready(Ok(value)))
}

/// The local clock, shifted by `offset` seconds.
pub(crate) fn local_now(offset: f64) -> f64 {
    super::now() + if offset.is_finite() { offset } else { 0.0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_pick_the_store_and_its_options() {
        let config = open("memory?workers=8&egress=dc1&clock_offset=-5").unwrap();
        assert_eq!(config.options.clock_offset, -5.0);
        assert_eq!(config.store.kind(), "memory");
        assert_eq!(config.options.workers, 8);
        assert_eq!(config.options.egress.as_deref(), Some("dc1"));
        assert_eq!(open("/tmp/b24-budget.json").unwrap().store.kind(), "file");
        assert_eq!(
            open("file:///tmp/b24-budget.json").unwrap().store.kind(),
            "file"
        );
        assert_eq!(open("relative/budget.json").unwrap().store.kind(), "file");
    }

    #[test]
    fn bad_urls_are_clear_errors() {
        for (url, says) in [
            ("", "empty"),
            ("memory?workers=0", "workers=0"),
            ("memory?workers=many", "workers=many"),
            ("memory?egress=", "egress"),
            ("ftp://host/x", "unknown budget store `ftp://`"),
            ("file://relative", "absolute path"),
        ] {
            let error = open(url).unwrap_err().to_string();
            assert!(error.contains(says), "{url}: {error}");
        }
    }

    #[cfg(feature = "budget-postgres")]
    #[test]
    fn passwords_stay_out_of_messages() {
        let shown = redacted("postgres://user:hunter2@db.example:5432/b24");
        assert!(!shown.contains("hunter2"), "{shown}");
    }
}
