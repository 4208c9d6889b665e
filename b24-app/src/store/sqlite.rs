//! The embedded default: one SQLite file shared by the processes of one host (WAL journal,
//! a busy timeout instead of immediate `SQLITE_BUSY`), created readable by its owner only.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rusqlite::{Connection, OptionalExtension, params};

use super::sql::{FORGET_EVERY, Statements};
use super::{Row, SCHEMA, StoreError, StoreFuture, TokenStore};
use crate::account::{Account, AccountStatus, TokenPair};

/// Accounts in a SQLite file.
#[derive(Clone)]
pub struct SqliteStore {
    inner: Arc<Inner>,
}

struct Inner {
    path: PathBuf,
    conn: Mutex<Connection>,
    sql: Statements,
    calls: AtomicU64,
}

impl std::fmt::Debug for SqliteStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SqliteStore")
            .field("path", &self.inner.path)
            .finish()
    }
}

fn fail(error: impl std::fmt::Display) -> StoreError {
    StoreError(format!("sqlite: {error}"))
}

/// Creates the file with mode 0600 unless it exists (SQLite gives its journal files the
/// same mode).
fn create_private(path: &Path) -> Result<(), StoreError> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(fail(format!("cannot create {}: {e}", path.display()))),
    }
}

impl SqliteStore {
    /// Opens (creating with mode 0600 if needed) the store at `path`.
    pub fn open(path: impl AsRef<Path>) -> Result<SqliteStore, StoreError> {
        let path = path.as_ref().to_owned();
        create_private(&path)?;
        let conn = Connection::open(&path).map_err(fail)?;
        conn.busy_timeout(Duration::from_secs(10)).map_err(fail)?;
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(fail)?;
        conn.pragma_update(None, "synchronous", "NORMAL")
            .map_err(fail)?;
        for statement in SCHEMA {
            conn.execute(statement, []).map_err(fail)?;
        }
        Ok(SqliteStore {
            inner: Arc::new(Inner {
                path,
                conn: Mutex::new(conn),
                sql: Statements::new("CAST(unixepoch('subsec') AS DOUBLE PRECISION)"),
                calls: AtomicU64::new(0),
            }),
        })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Runs `f` on the connection off the async threads.
    fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Connection, &Statements) -> rusqlite::Result<T> + Send + 'static,
    ) -> StoreFuture<'static, T> {
        let inner = Arc::clone(&self.inner);
        Box::pin(async move {
            tokio::task::spawn_blocking(move || {
                let conn = inner.conn.lock().unwrap_or_else(|e| e.into_inner());
                f(&conn, &inner.sql).map_err(fail)
            })
            .await
            .map_err(fail)?
        })
    }
}

fn read_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    Ok(Row {
        member_id: row.get(0)?,
        domain: row.get(1)?,
        client_endpoint: row.get(2)?,
        user_id: row.get(3)?,
        scopes: row.get(4)?,
        access_token: row.get(5)?,
        refresh_token: row.get(6)?,
        expires_at: row.get(7)?,
        application_token: row.get(8)?,
        status: row.get(9)?,
    })
}

impl TokenStore for SqliteStore {
    fn load<'a>(&'a self, member_id: &'a str) -> StoreFuture<'a, Option<Account>> {
        let member_id = member_id.to_owned();
        let row = self.run(move |c, sql| {
            c.query_row(&sql.load, params![member_id], read_row)
                .optional()
        });
        Box::pin(async move { row.await?.map(Row::into_account).transpose() })
    }

    fn save<'a>(&'a self, account: &'a Account) -> StoreFuture<'a, ()> {
        let r = Row::from_account(account);
        self.run(move |c, sql| {
            c.execute(
                &sql.save,
                params![
                    r.member_id,
                    r.domain,
                    r.client_endpoint,
                    r.user_id,
                    r.scopes,
                    r.access_token,
                    r.refresh_token,
                    r.expires_at,
                    r.application_token,
                    r.status
                ],
            )
            .map(drop)
        })
    }

    fn swap_tokens<'a>(
        &'a self,
        member_id: &'a str,
        expected_refresh: &'a str,
        tokens: &'a TokenPair,
    ) -> StoreFuture<'a, bool> {
        use secrecy::ExposeSecret;
        let (member_id, expected) = (member_id.to_owned(), expected_refresh.to_owned());
        let access = tokens.access_token.expose_secret().to_owned();
        let refresh = tokens.refresh_token.expose_secret().to_owned();
        let expires_at = tokens.expires_at;
        self.run(move |c, sql| {
            c.execute(
                &sql.swap,
                params![access, refresh, expires_at, member_id, expected],
            )
            .map(|n| n == 1)
        })
    }

    fn set_status<'a>(
        &'a self,
        member_id: &'a str,
        status: AccountStatus,
    ) -> StoreFuture<'a, bool> {
        let member_id = member_id.to_owned();
        self.run(move |c, sql| {
            c.execute(&sql.set_status, params![status.as_str(), member_id])
                .map(|n| n == 1)
        })
    }

    fn delete<'a>(&'a self, member_id: &'a str) -> StoreFuture<'a, bool> {
        let member_id = member_id.to_owned();
        self.run(move |c, sql| c.execute(&sql.delete, params![member_id]).map(|n| n == 1))
    }

    fn try_lease<'a>(
        &'a self,
        member_id: &'a str,
        holder: &'a str,
        ttl: Duration,
    ) -> StoreFuture<'a, bool> {
        let (member_id, holder) = (member_id.to_owned(), holder.to_owned());
        self.run(move |c, sql| {
            c.execute(&sql.lease, params![member_id, holder, ttl.as_secs_f64()])
                .map(|n| n == 1)
        })
    }

    fn release_lease<'a>(&'a self, member_id: &'a str, holder: &'a str) -> StoreFuture<'a, ()> {
        let (member_id, holder) = (member_id.to_owned(), holder.to_owned());
        self.run(move |c, sql| {
            c.execute(&sql.release, params![member_id, holder])
                .map(drop)
        })
    }

    fn remember<'a>(&'a self, key: &'a str, ttl: Duration) -> StoreFuture<'a, bool> {
        let key = key.to_owned();
        let forget = self
            .inner
            .calls
            .fetch_add(1, Ordering::Relaxed)
            .is_multiple_of(FORGET_EVERY);
        self.run(move |c, sql| {
            if forget {
                c.execute(&sql.forget_lapsed, [])?;
            }
            c.execute(&sql.remember, params![key, ttl.as_secs_f64()])
                .map(|n| n == 1)
        })
    }
}
