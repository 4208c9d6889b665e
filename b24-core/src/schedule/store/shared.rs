//! [`Budget`]: the client's side of a budget store — every operation bounded in time, and a
//! local bucket at a share of the limit while the store cannot answer.
//!
//! When the store fails, the worker cannot know what the others book, so it paces itself at
//! `1 / workers` of the limit, starting from a full bucket at the end of the shared schedule as
//! it last saw it (never from an empty one: that would send a burst into a portal bucket the
//! fleet keeps full). It warns at most once a minute, tries the store again every second, and
//! when the store answers marks the shared bucket full until its own local bookings have gone
//! out before booking in it again, since the fleet has kept the portal's bucket busy meanwhile.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::memory::Ledger;
use super::{BudgetStore, StoreError, local_now};
use crate::schedule::{BucketState, OperatingReport, RateLimit};
use crate::sync::lock;

/// Longest time a store operation may take before the worker paces itself alone.
const STORE_TIMEOUT: Duration = Duration::from_secs(2);
/// How often a failing store is tried again.
const RETRY_EVERY: Duration = Duration::from_secs(1);
/// Fewest seconds between two warnings about a failing store.
const WARN_EVERY: Duration = Duration::from_secs(60);

/// A budget store with its fallback.
pub(crate) struct Budget {
    store: Arc<dyn BudgetStore>,
    workers: usize,
    clock_offset: f64,
    local: Mutex<Local>,
}

/// What the worker knows on its own.
#[derive(Default)]
struct Local {
    /// Since when the store fails, while it does.
    failing_since: Option<Instant>,
    last_try: Option<Instant>,
    last_warning: Option<Instant>,
    /// The buckets and accounts paced alone while the store fails (accounts are mirrored
    /// always, so a failure does not forget a block).
    ledger: Ledger,
    /// Per bucket, the local time the last shared booking was for, and how far ahead of its
    /// booking that was: the fleet's bookings reach about that far ahead of the clock.
    last_slot: HashMap<String, (f64, f64)>,
}

impl Budget {
    /// The budget in `store`, shared by about `workers` workers; `clock_offset` shifts the
    /// local clock the fallback reads.
    pub(crate) fn new(store: Arc<dyn BudgetStore>, workers: usize, clock_offset: f64) -> Self {
        Budget {
            store,
            workers: workers.max(1),
            clock_offset,
            local: Mutex::new(Local::default()),
        }
    }

    fn now(&self) -> f64 {
        local_now(self.clock_offset)
    }

    /// Whether to ask the store now: always while it works, once a second while it fails.
    fn ask_store(&self) -> bool {
        let mut local = lock(&self.local);
        if local.failing_since.is_none() {
            return true;
        }
        let due = local.last_try.is_none_or(|at| at.elapsed() >= RETRY_EVERY);
        if due {
            local.last_try = Some(Instant::now());
        }
        due
    }

    fn failing(&self) -> bool {
        lock(&self.local).failing_since.is_some()
    }

    /// Notes a failure of the store; warns at most once a minute.
    fn failed(&self, what: &'static str, error: &StoreError) {
        let mut local = lock(&self.local);
        let now = Instant::now();
        if local.failing_since.is_none() {
            local.failing_since = Some(now);
            local.last_try = Some(now);
            // Fresh local buckets, started from where the shared schedule was.
            local.ledger.buckets.clear();
        }
        if local
            .last_warning
            .is_none_or(|at| at.elapsed() >= WARN_EVERY)
        {
            local.last_warning = Some(now);
            tracing::warn!(
                store = self.store.kind(),
                operation = what,
                %error,
                workers = self.workers,
                "the budget store does not answer; pacing this worker alone at 1/{} of the limit",
                self.workers
            );
        }
    }

    /// Notes that the store answered; true when it had been failing.
    fn answered(&self) -> bool {
        let mut local = lock(&self.local);
        match local.failing_since.take() {
            Some(since) => {
                tracing::warn!(
                    store = self.store.kind(),
                    after_s = since.elapsed().as_secs(),
                    "the budget store answers again; sharing the budget resumes"
                );
                local.last_warning = None;
                true
            }
            None => false,
        }
    }

    /// Runs a store operation within `STORE_TIMEOUT`.
    async fn bounded<T>(
        &self,
        operation: impl Future<Output = Result<T, StoreError>>,
    ) -> Result<T, StoreError> {
        tokio::time::timeout(STORE_TIMEOUT, operation)
            .await
            .unwrap_or_else(|_| {
                Err(StoreError(format!(
                    "no answer within {} s",
                    STORE_TIMEOUT.as_secs()
                )))
            })
    }

    /// Books one request in `bucket`; returns the wait. Never fails.
    pub(crate) async fn book(&self, bucket: &str, limit: RateLimit) -> Duration {
        if self.ask_store() {
            // Resuming: the fleet kept the portal's bucket busy while the store was away, and
            // this worker's own requests are booked until the end of its local schedule.
            let resuming = self.failing().then(|| {
                let now = self.now();
                let local = lock(&self.local);
                let end = local
                    .ledger
                    .buckets
                    .get(bucket)
                    .map_or(now, |(state, _)| state.at);
                Duration::try_from_secs_f64((end - now).max(0.0)).unwrap_or_default()
            });
            let shared = async {
                if let Some(ahead) = resuming {
                    self.store.fill(bucket, limit, ahead).await?;
                }
                self.store.book(bucket, limit).await
            };
            match self.bounded(shared).await {
                Ok(wait) => {
                    self.answered();
                    let ahead = wait.as_secs_f64();
                    let mut local = lock(&self.local);
                    local
                        .last_slot
                        .insert(bucket.to_owned(), (self.now() + ahead, ahead));
                    return wait;
                }
                Err(error) => self.failed("book", &error),
            }
        }
        self.book_alone(bucket, limit)
    }

    /// Books in the local bucket at the worker's share of the limit.
    fn book_alone(&self, bucket: &str, limit: RateLimit) -> Duration {
        let share = limit.share(self.workers);
        let now = self.now();
        let mut local = lock(&self.local);
        // The shared schedule's end: at least this worker's last slot, and about as far ahead
        // of now as the fleet booked when this worker last booked.
        let end = local
            .last_slot
            .get(bucket)
            .map_or(now, |(slot, ahead)| slot.max(now + ahead));
        let entry = local
            .ledger
            .buckets
            .entry(bucket.to_owned())
            .or_insert_with(|| {
                // Full at the end of the shared schedule: the first booking waits too.
                let state = BucketState {
                    level: share.burst,
                    at: end.max(now),
                };
                (state, 0.0)
            });
        entry.0.book(share, now)
    }

    /// Records a 503 of `bucket`. Never fails.
    pub(crate) async fn fill(&self, bucket: &str, limit: RateLimit) {
        if !self.failing() {
            match self
                .bounded(self.store.fill(bucket, limit, Duration::ZERO))
                .await
            {
                Ok(()) => return,
                Err(error) => self.failed("fill", &error),
            }
        }
        let share = limit.share(self.workers);
        let now = self.now();
        lock(&self.local).ledger.fill(bucket, share, now, 0.0);
    }

    /// How long the method of `account` must wait. Never fails.
    pub(crate) async fn operating_wait(&self, account: &str, limit: f64) -> Duration {
        if !self.failing() {
            match self
                .bounded(self.store.operating_wait(account, limit))
                .await
            {
                Ok(wait) => return wait,
                Err(error) => self.failed("operating_wait", &error),
            }
        }
        let now = self.now();
        lock(&self.local).ledger.operating_wait(account, limit, now)
    }

    /// Records an answer's operating time. Never fails.
    pub(crate) async fn operating_record(&self, account: &str, report: OperatingReport) {
        let now = self.now();
        lock(&self.local)
            .ledger
            .account(account)
            .record(report, now);
        if !self.failing()
            && let Err(error) = self
                .bounded(self.store.operating_record(account, report))
                .await
        {
            self.failed("operating_record", &error);
        }
    }

    /// Records a 429 of `account`; returns how long it blocks. Never fails.
    pub(crate) async fn operating_block(&self, account: &str) -> Duration {
        let now = self.now();
        let local_wait = lock(&self.local).ledger.account(account).block(now);
        if !self.failing() {
            match self.bounded(self.store.operating_block(account)).await {
                Ok(wait) => return wait,
                Err(error) => self.failed("operating_block", &error),
            }
        }
        local_wait
    }

    /// The store's kind, for the client's Debug.
    pub(crate) fn kind(&self) -> &'static str {
        self.store.kind()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

    use super::*;
    use crate::schedule::{MemoryStore, StoreFuture};

    /// A memory store that can be switched off; counts the operations it was asked for.
    struct Flaky {
        inner: MemoryStore,
        down: AtomicBool,
        asked: AtomicUsize,
    }

    impl Flaky {
        fn check(&self) -> Result<(), StoreError> {
            self.asked.fetch_add(1, Ordering::SeqCst);
            if self.down.load(Ordering::SeqCst) {
                Err(StoreError(String::from("connection refused")))
            } else {
                Ok(())
            }
        }
    }

    impl Flaky {
        /// `operation` of the inner store, failing first while the store is down.
        fn guarded<'a, T: 'a>(&'a self, operation: StoreFuture<'a, T>) -> StoreFuture<'a, T> {
            Box::pin(async move {
                self.check()?;
                operation.await
            })
        }
    }

    impl BudgetStore for Flaky {
        fn book(&self, bucket: &str, limit: RateLimit) -> StoreFuture<'_, Duration> {
            self.guarded(self.inner.book(bucket, limit))
        }
        fn fill(&self, bucket: &str, limit: RateLimit, ahead: Duration) -> StoreFuture<'_, ()> {
            self.guarded(self.inner.fill(bucket, limit, ahead))
        }
        fn operating_wait(&self, account: &str, limit: f64) -> StoreFuture<'_, Duration> {
            self.guarded(self.inner.operating_wait(account, limit))
        }
        fn operating_record(&self, account: &str, report: OperatingReport) -> StoreFuture<'_, ()> {
            self.guarded(self.inner.operating_record(account, report))
        }
        fn operating_block(&self, account: &str) -> StoreFuture<'_, Duration> {
            self.guarded(self.inner.operating_block(account))
        }
        fn kind(&self) -> &'static str {
            "flaky"
        }
    }

    #[tokio::test]
    async fn a_failing_store_paces_at_a_share_and_sharing_resumes() {
        let store = Arc::new(Flaky {
            inner: MemoryStore::new(),
            down: AtomicBool::new(false),
            asked: AtomicUsize::new(0),
        });
        let budget = Budget::new(Arc::clone(&store) as Arc<dyn BudgetStore>, 4, 0.0);
        let limit = RateLimit::STANDARD;
        for _ in 0..10 {
            assert_eq!(budget.book("b", limit).await, Duration::ZERO);
        }
        store.down.store(true, Ordering::SeqCst);
        // Alone at a quarter of 2/s: never a zero wait, one request per two seconds.
        let first = budget.book("b", limit).await.as_secs_f64();
        assert!(first > 1.0, "the first booking alone waits: {first}");
        let waits: Vec<f64> = [(); 4]
            .iter()
            .map(|_| budget.book_alone("b", limit).as_secs_f64())
            .collect();
        let step = 1.0 / (0.5 * crate::schedule::bucket::DRAIN_MARGIN);
        for pair in waits.windows(2) {
            assert!(((pair[1] - pair[0]) - step).abs() < 0.05, "{waits:?}");
        }
        // While failing, the store is asked at most once a second.
        let asked = store.asked.load(Ordering::SeqCst);
        for _ in 0..5 {
            budget.book("b", limit).await;
        }
        assert_eq!(store.asked.load(Ordering::SeqCst), asked);
        // Operating-time blocks are kept locally meanwhile.
        assert!(budget.operating_block("a").await > Duration::from_secs(50));
        assert!(budget.operating_wait("a", 480.0).await > Duration::from_secs(50));
        // Back: the shared bucket is marked full before the next booking.
        store.down.store(false, Ordering::SeqCst);
        tokio::time::sleep(RETRY_EVERY + Duration::from_millis(50)).await;
        let resumed = budget.book("fresh", limit).await.as_secs_f64();
        assert!(
            resumed > 0.5,
            "resuming starts from a full bucket: {resumed}"
        );
        assert!(!budget.failing());
        assert!(store.inner.len().0 >= 2, "the shared store books again");
    }
}
