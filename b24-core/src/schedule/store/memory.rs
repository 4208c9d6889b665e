//! [`MemoryStore`]: budgets in this process's memory, shared by the clones of a client (and by
//! the clients given the same store).

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::Duration;

use super::{BudgetStore, StoreFuture, local_now, ready};
use crate::schedule::{BucketState, OperatingAccount, OperatingReport, RateLimit};
use crate::sync::lock;

/// Operations between two sweeps of idle keys.
const SWEEP_EVERY: u64 = 1024;
/// Seconds a key is kept after it stopped carrying information.
pub(crate) const IDLE_GRACE: f64 = 60.0;

/// The budgets of every key, as the memory and file stores keep them.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Ledger {
    /// Request buckets by key, with the limit they were last booked under (for expiry).
    pub buckets: HashMap<String, (BucketState, f64)>,
    /// Operating-time accounts by key.
    pub accounts: HashMap<String, OperatingAccount>,
}

impl Ledger {
    pub fn book(&mut self, bucket: &str, limit: RateLimit, now: f64) -> Duration {
        let entry = self.bucket(bucket);
        let wait = entry.0.book(limit, now);
        entry.1 = entry.0.idle_after(limit);
        wait
    }

    pub fn fill(&mut self, bucket: &str, limit: RateLimit, now: f64, ahead: f64) {
        let entry = self.bucket(bucket);
        entry.0.fill_ahead(limit, now, ahead);
        entry.1 = entry.0.idle_after(limit);
    }

    fn bucket(&mut self, bucket: &str) -> &mut (BucketState, f64) {
        self.buckets.entry(bucket.to_owned()).or_default()
    }

    /// How long the method of `account` must wait at `now` under `limit`; an account never
    /// seen waits for nothing.
    pub fn operating_wait(&self, account: &str, limit: f64, now: f64) -> Duration {
        self.accounts
            .get(account)
            .map_or(Duration::ZERO, |found| found.wait(limit, now))
    }

    pub fn account(&mut self, account: &str) -> &mut OperatingAccount {
        self.accounts.entry(account.to_owned()).or_default()
    }

    /// Forgets the keys idle at `now`.
    pub fn sweep(&mut self, now: f64) {
        self.buckets
            .retain(|_, (_, idle_after)| *idle_after + IDLE_GRACE > now);
        self.accounts
            .retain(|_, account| account.idle_after() + IDLE_GRACE > now);
    }
}

/// Budgets in memory: one process.
#[derive(Debug, Default)]
pub struct MemoryStore {
    ledger: Mutex<(Ledger, u64)>,
    clock_offset: f64,
}

impl MemoryStore {
    /// An empty store.
    pub fn new() -> Self {
        MemoryStore::default()
    }

    /// Reads this host's clock shifted by `seconds` (for tests of skewed clocks).
    pub fn clock_offset(mut self, seconds: f64) -> Self {
        self.clock_offset = seconds;
        self
    }

    /// Runs `change` on the ledger at the store's time, sweeping idle keys now and then.
    pub(crate) fn with<T>(&self, change: impl FnOnce(&mut Ledger, f64) -> T) -> T {
        let now = local_now(self.clock_offset);
        let mut guard = lock(&self.ledger);
        let (ledger, operations) = &mut *guard;
        *operations += 1;
        if *operations % SWEEP_EVERY == 0 {
            ledger.sweep(now);
        }
        change(ledger, now)
    }

    /// `change` run at once, as a finished store operation.
    fn answer<'a, T: Send + 'a>(
        &'a self,
        change: impl FnOnce(&mut Ledger, f64) -> T,
    ) -> StoreFuture<'a, T> {
        ready(self.with(change))
    }

    /// Keys the store holds now (buckets, accounts).
    pub fn len(&self) -> (usize, usize) {
        let guard = lock(&self.ledger);
        (guard.0.buckets.len(), guard.0.accounts.len())
    }

    /// Whether the store holds no key.
    pub fn is_empty(&self) -> bool {
        self.len() == (0, 0)
    }
}

impl BudgetStore for MemoryStore {
    fn book(&self, bucket: &str, limit: RateLimit) -> StoreFuture<'_, Duration> {
        self.answer(|ledger, now| ledger.book(bucket, limit, now))
    }

    fn fill(&self, bucket: &str, limit: RateLimit, ahead: Duration) -> StoreFuture<'_, ()> {
        self.answer(|ledger, now| ledger.fill(bucket, limit, now, ahead.as_secs_f64()))
    }

    fn operating_wait(&self, account: &str, limit: f64) -> StoreFuture<'_, Duration> {
        self.answer(|ledger, now| ledger.operating_wait(account, limit, now))
    }

    fn operating_record(&self, account: &str, report: OperatingReport) -> StoreFuture<'_, ()> {
        self.answer(|ledger, now| ledger.account(account).record(report, now))
    }

    fn operating_block(&self, account: &str) -> StoreFuture<'_, Duration> {
        self.answer(|ledger, now| ledger.account(account).block(now))
    }

    fn kind(&self) -> &'static str {
        "memory"
    }
}
