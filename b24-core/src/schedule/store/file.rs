//! [`FileStore`]: budgets in a JSON file under an exclusive lock, shared by the processes of
//! one host. The file is read and written on Tokio's blocking pool, never on the runtime's
//! workers.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use super::memory::Ledger;
use super::{BudgetStore, StoreError, StoreFuture, local_now};
use crate::schedule::{OperatingReport, RateLimit};

/// A budget kept in a file, so that processes calling a portal from one host share it.
///
/// Any process that can write the file can slow the others down — by at most a full bucket
/// plus ten minutes per request, as values beyond that are clamped — but cannot crash them.
/// A file that cannot be read as a budget is taken as a full bucket (never as an empty one)
/// and rewritten; a file that cannot be opened or locked is an error, and the client paces
/// itself alone meanwhile.
#[derive(Clone, Debug)]
pub struct FileStore {
    path: Arc<Path>,
    clock_offset: f64,
}

impl FileStore {
    /// A store at `path` (created when missing).
    pub fn new(path: impl Into<PathBuf>) -> Self {
        FileStore {
            path: Arc::from(path.into()),
            clock_offset: 0.0,
        }
    }

    /// Reads this host's clock shifted by `seconds` (for tests of skewed clocks).
    pub fn clock_offset(mut self, seconds: f64) -> Self {
        self.clock_offset = seconds;
        self
    }

    /// Runs `change` on the ledger in the file under its lock, on the blocking pool. `change`
    /// learns whether the file's content was unreadable (then every bucket is taken as full).
    async fn update<T: Send + 'static>(
        &self,
        change: impl FnOnce(&mut Ledger, f64, bool) -> T + Send + 'static,
    ) -> Result<T, StoreError> {
        let path = Arc::clone(&self.path);
        let offset = self.clock_offset;
        tokio::task::spawn_blocking(move || update_file(&path, offset, change))
            .await
            .map_err(|error| StoreError(format!("file store task failed: {error}")))?
            .map_err(|error| StoreError(format!("file {}: {error}", self.path.display())))
    }
}

fn update_file<T>(
    path: &Path,
    clock_offset: f64,
    change: impl FnOnce(&mut Ledger, f64, bool) -> T,
) -> std::io::Result<T> {
    let mut file: File = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)?;
    file.lock()?;
    let mut text = String::new();
    file.read_to_string(&mut text)?;
    let now = local_now(clock_offset);
    let (mut ledger, unreadable) = if text.trim().is_empty() {
        (Ledger::default(), false)
    } else {
        match serde_json::from_str::<Ledger>(&text) {
            Ok(ledger) => (ledger, false),
            Err(error) => {
                tracing::warn!(path = %path.display(), %error, "the budget file holds no budget; taking the bucket as full");
                (Ledger::default(), true)
            }
        }
    };
    ledger.sweep(now);
    let result = change(&mut ledger, now, unreadable);
    let text = serde_json::to_string(&ledger).map_err(std::io::Error::other)?;
    file.seek(SeekFrom::Start(0))?;
    file.set_len(0)?;
    file.write_all(text.as_bytes())?;
    file.unlock()?;
    Ok(result)
}

impl BudgetStore for FileStore {
    fn book(&self, bucket: &str, limit: RateLimit) -> StoreFuture<'_, Duration> {
        let bucket = bucket.to_owned();
        Box::pin(self.update(move |ledger, now, unreadable| {
            if unreadable {
                ledger.fill(&bucket, limit, now, 0.0);
            }
            ledger.book(&bucket, limit, now)
        }))
    }

    fn fill(&self, bucket: &str, limit: RateLimit, ahead: Duration) -> StoreFuture<'_, ()> {
        let (bucket, ahead) = (bucket.to_owned(), ahead.as_secs_f64());
        Box::pin(self.update(move |ledger, now, _| ledger.fill(&bucket, limit, now, ahead)))
    }

    fn operating_wait(&self, account: &str, limit: f64) -> StoreFuture<'_, Duration> {
        let account = account.to_owned();
        Box::pin(self.update(move |ledger, now, _| ledger.operating_wait(&account, limit, now)))
    }

    fn operating_record(&self, account: &str, report: OperatingReport) -> StoreFuture<'_, ()> {
        let account = account.to_owned();
        Box::pin(self.update(move |ledger, now, _| ledger.account(&account).record(report, now)))
    }

    fn operating_block(&self, account: &str) -> StoreFuture<'_, Duration> {
        let account = account.to_owned();
        Box::pin(self.update(move |ledger, now, _| ledger.account(&account).block(now)))
    }

    fn kind(&self) -> &'static str {
        "file"
    }
}
