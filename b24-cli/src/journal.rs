//! The import journal: a SQLite file with one row per input row and its state, written before
//! and after every request, so that a job stopped at any instant (Ctrl-C, a crash, `kill -9`)
//! can be finished by running the same command again — with no duplicates and no lost rows.
//!
//! | state | meaning |
//! |---|---|
//! | `pending` | not sent yet, or known not to have been written |
//! | `sent` | in a request whose answer has not been recorded (after a crash: unknown) |
//! | `unknown` | the request's answer was lost: it may or may not have been written |
//! | `done` | written, with its ID |
//! | `failed` | refused by the portal, or a broken input row, with the reason |
//!
//! Rows in `sent` or `unknown` are looked up on the portal by their marker before anything is
//! sent again.

use std::path::Path;

use rusqlite::{Connection, OptionalExtension, params};

use crate::exit::Failure;

/// Row states.
pub mod state {
    /// Not sent yet.
    pub const PENDING: &str = "pending";
    /// In flight.
    pub const SENT: &str = "sent";
    /// Answer lost.
    pub const UNKNOWN: &str = "unknown";
    /// Written.
    pub const DONE: &str = "done";
    /// Refused or broken.
    pub const FAILED: &str = "failed";
}

/// One journalled row.
#[derive(Clone, Debug)]
pub struct Row {
    /// Line number in the input file.
    pub line: i64,
    /// The value the row can be found by on the portal.
    pub marker: Option<String>,
    /// The parameters of its call, as JSON text.
    pub params: Option<String>,
    /// Its state.
    pub state: String,
    /// The ID it was written with.
    pub id: Option<i64>,
    /// Why it failed.
    pub error: Option<String>,
    /// How many times it was sent.
    pub attempts: i64,
    /// When it was last sent, Unix seconds.
    pub sent_at: Option<f64>,
}

/// An open journal.
pub struct Journal {
    db: Connection,
    path: String,
}

fn now() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

impl Journal {
    /// Opens (or creates) the journal at `path`.
    pub fn open(path: &Path) -> Result<Journal, Failure> {
        let shown = path.display().to_string();
        let db = Connection::open(path).map_err(|e| unusable(&shown, e))?;
        let journal = Journal { db, path: shown };
        journal
            .db
            .execute_batch(
                "PRAGMA journal_mode = WAL;
                 PRAGMA synchronous = FULL;
                 PRAGMA busy_timeout = 5000;
                 CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
                 CREATE TABLE IF NOT EXISTS rows (
                     line INTEGER PRIMARY KEY,
                     marker TEXT,
                     params TEXT,
                     state TEXT NOT NULL,
                     id INTEGER,
                     error TEXT,
                     attempts INTEGER NOT NULL DEFAULT 0,
                     sent_at REAL
                 );
                 CREATE INDEX IF NOT EXISTS rows_state ON rows (state, line);",
            )
            .map_err(|e| journal.fail(e))?;
        Ok(journal)
    }

    fn fail(&self, error: rusqlite::Error) -> Failure {
        unusable(&self.path, error)
    }

    /// A value of the job's description.
    pub fn meta(&self, key: &str) -> Result<Option<String>, Failure> {
        self.db
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()
            .map_err(|e| self.fail(e))
    }

    /// Records the job's description and all its rows, in one transaction.
    pub fn create(&mut self, meta: &[(&str, String)], rows: &[Row]) -> Result<(), Failure> {
        let path = self.path.clone();
        let fail = |e| unusable(&path, e);
        let tx = self.db.transaction().map_err(fail)?;
        for (key, value) in meta {
            tx.execute(
                "INSERT OR REPLACE INTO meta (key, value) VALUES (?1, ?2)",
                params![key, value],
            )
            .map_err(fail)?;
        }
        {
            let mut insert = tx
                .prepare("INSERT INTO rows (line, marker, params, state, error) VALUES (?1, ?2, ?3, ?4, ?5)")
                .map_err(fail)?;
            for row in rows {
                insert
                    .execute(params![
                        row.line, row.marker, row.params, row.state, row.error
                    ])
                    .map_err(fail)?;
            }
        }
        tx.commit().map_err(fail)
    }

    /// Up to `limit` rows in one of `states`, in input order.
    pub fn rows_in(&self, states: &[&str], limit: usize) -> Result<Vec<Row>, Failure> {
        let placeholders = vec!["?"; states.len()].join(",");
        let sql = format!(
            "SELECT line, marker, params, state, id, error, attempts, sent_at FROM rows \
             WHERE state IN ({placeholders}) ORDER BY line LIMIT {limit}"
        );
        let mut statement = self.db.prepare(&sql).map_err(|e| self.fail(e))?;
        let rows = statement
            .query_map(rusqlite::params_from_iter(states), |r| {
                Ok(Row {
                    line: r.get(0)?,
                    marker: r.get(1)?,
                    params: r.get(2)?,
                    state: r.get(3)?,
                    id: r.get(4)?,
                    error: r.get(5)?,
                    attempts: r.get(6)?,
                    sent_at: r.get(7)?,
                })
            })
            .map_err(|e| self.fail(e))?;
        rows.collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.fail(e))
    }

    /// Every row, in input order.
    pub fn all_rows(&self) -> Result<Vec<Row>, Failure> {
        self.rows_in(
            &[
                state::PENDING,
                state::SENT,
                state::UNKNOWN,
                state::DONE,
                state::FAILED,
            ],
            usize::MAX >> 2,
        )
    }

    /// Rows per state.
    pub fn count(&self, state: &str) -> Result<u64, Failure> {
        self.db
            .query_row("SELECT COUNT(*) FROM rows WHERE state = ?1", [state], |r| {
                r.get(0)
            })
            .map_err(|e| self.fail(e))
    }

    /// Applies several changes in one transaction.
    pub fn apply(&mut self, changes: &[Change]) -> Result<(), Failure> {
        let path = self.path.clone();
        let fail = |e| unusable(&path, e);
        let tx = self.db.transaction().map_err(fail)?;
        let at = now();
        for change in changes {
            match change {
                Change::Sent(line) => tx.execute(
                    "UPDATE rows SET state = 'sent', attempts = attempts + 1, sent_at = ?2 WHERE line = ?1",
                    params![line, at],
                ),
                Change::State(line, state) => {
                    tx.execute("UPDATE rows SET state = ?2 WHERE line = ?1", params![line, state])
                }
                Change::Done(line, id) => tx.execute(
                    "UPDATE rows SET state = 'done', id = ?2, error = NULL WHERE line = ?1",
                    params![line, id],
                ),
                Change::Failed(line, error) => tx.execute(
                    "UPDATE rows SET state = 'failed', error = ?2 WHERE line = ?1",
                    params![line, error],
                ),
            }
            .map_err(fail)?;
        }
        tx.commit().map_err(fail)
    }
}

/// One change of a row's state.
#[derive(Clone, Debug)]
pub enum Change {
    /// About to be sent.
    Sent(i64),
    /// Back to `pending` or to `unknown`.
    State(i64, &'static str),
    /// Written with this ID (0 when the method returns none).
    Done(i64, i64),
    /// Refused, with the reason.
    Failed(i64, String),
}

fn unusable(path: &str, error: rusqlite::Error) -> Failure {
    Failure::usage(format!("cannot use the journal `{path}`: {error}"))
}
