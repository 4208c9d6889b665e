//! [`PostgresStore`]: budgets in PostgreSQL, for workers on many hosts.
//!
//! Every booking is one `INSERT … ON CONFLICT DO UPDATE … RETURNING` statement: the row is
//! locked for the statement's duration, so concurrent bookings of one key queue up in the
//! database and each sees the previous one's result. The time is the server's
//! `clock_timestamp()`, so the workers' own clocks never enter the schedule. The tables are
//! `UNLOGGED`: a budget is worth minutes, not a crash-safe write; after a crash the table is
//! empty and the workers mark the bucket full when they come back (see `shared`).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio::sync::Mutex as AsyncMutex;
use tokio_postgres::types::ToSql;
use tokio_postgres::{Client, NoTls, Row, Statement};

use super::{BudgetStore, StoreError, StoreFuture, redacted};
use crate::schedule::bucket::{MAX_AHEAD, Pacing};
use crate::schedule::operating::{BLOCK_WITHOUT_RESET, WINDOW};
use crate::schedule::{OperatingAccount, OperatingReport, RateLimit, sane};
use crate::sync::lock;

/// Time allowed for opening a connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(2);
/// Statements between two deletions of idle rows.
const SWEEP_EVERY: u64 = 1000;
/// Serialises table creation between processes starting at once.
const SCHEMA_LOCK: i64 = 0x6232_3462_7564;

const SCHEMA: &str = "
CREATE UNLOGGED TABLE IF NOT EXISTS b24_budget_bucket (
    key TEXT PRIMARY KEY,
    level DOUBLE PRECISION NOT NULL,
    at DOUBLE PRECISION NOT NULL,
    seen DOUBLE PRECISION NOT NULL,
    expires_at DOUBLE PRECISION NOT NULL
);
CREATE UNLOGGED TABLE IF NOT EXISTS b24_budget_operating (
    key TEXT PRIMARY KEY,
    seconds DOUBLE PRECISION NOT NULL,
    reset_at DOUBLE PRECISION,
    blocked_until DOUBLE PRECISION,
    seen DOUBLE PRECISION NOT NULL,
    expires_at DOUBLE PRECISION NOT NULL
);";

/// The database's time, seconds since the Unix epoch.
const NOW: &str = "(SELECT CAST(extract(epoch FROM clock_timestamp()) AS DOUBLE PRECISION) AS t)";

/// The statements, prepared on each connection.
struct Statements {
    book: Statement,
    fill: Statement,
    operating_get: Statement,
    operating_record: Statement,
    operating_block: Statement,
}

/// The level of the existing row `b` at `EXCLUDED.seen` (the statement's time), every booking
/// counted, clamped as `BucketState::level_at` does: `drain` and `ceiling` name parameters.
/// PostgreSQL orders NaN above every number, so a NaN level reads as a full bucket and a NaN
/// time as bookings `MAX_AHEAD` ahead: a corrupted row slows down, never opens the gate.
fn level_at(drain: &str, ceiling: &str) -> String {
    format!(
        "least({ceiling}, greatest(0.0, least({ceiling}, greatest(0.0, b.level)) \
         - {drain} * (EXCLUDED.seen - least(b.at, EXCLUDED.seen + {MAX_AHEAD:.1}))))"
    )
}

impl Statements {
    async fn prepare(client: &Client) -> Result<Statements, tokio_postgres::Error> {
        // $1 key, $2 drain, $3 room, $4 ceiling.
        let book = format!(
            "INSERT INTO b24_budget_bucket AS b (key, level, at, seen, expires_at)
             SELECT $1, 1.0, n.t, n.t, n.t + 1.0 / CAST($2 AS DOUBLE PRECISION) + 60.0 FROM {NOW} n
             ON CONFLICT (key) DO UPDATE SET (level, at, seen, expires_at) = (
                 SELECT s.level - $2 * s.wait + 1.0, s.now + s.wait, s.now,
                        s.now + s.wait + (s.level - $2 * s.wait + 1.0) / $2 + 60.0
                 FROM (SELECT l.now, l.level,
                              greatest((l.level + 1.0 - CAST($3 AS DOUBLE PRECISION)) / $2, 0.0) AS wait
                       FROM (SELECT EXCLUDED.seen AS now, {level} AS level) l) s)
             RETURNING at - seen",
            level = level_at("$2", "CAST($4 AS DOUBLE PRECISION)"),
        );
        // $1 key, $2 drain, $3 the level of a full bucket (beyond the burst: full for longer),
        // $4 ceiling.
        let fill = format!(
            "INSERT INTO b24_budget_bucket AS b (key, level, at, seen, expires_at)
             SELECT $1, CAST($3 AS DOUBLE PRECISION), n.t, n.t, n.t + $3 / CAST($2 AS DOUBLE PRECISION) + 60.0
             FROM {NOW} n
             ON CONFLICT (key) DO UPDATE SET (level, at, seen, expires_at) = (
                 SELECT greatest(l.level, $3), l.now, l.now, l.now + greatest(l.level, $3) / $2 + 60.0
                 FROM (SELECT EXCLUDED.seen AS now, {level} AS level) l)",
            level = level_at("$2", "CAST($4 AS DOUBLE PRECISION)"),
        );
        let operating_get = format!(
            "SELECT n.t, o.seconds, o.reset_at, o.blocked_until
             FROM {NOW} n LEFT JOIN b24_budget_operating o ON o.key = $1"
        );
        // $1 key, $2 seconds (NULL: not reported), $3 reset_at (NULL: not reported).
        let operating_record = format!(
            "INSERT INTO b24_budget_operating AS o (key, seconds, reset_at, blocked_until, seen, expires_at)
             SELECT $1, coalesce(CAST($2 AS DOUBLE PRECISION), 0.0),
                    least(CAST($3 AS DOUBLE PRECISION), n.t + {WINDOW:.1}), NULL, n.t,
                    greatest(least($3, n.t + {WINDOW:.1}), n.t) + {WINDOW:.1} + 60.0
             FROM {NOW} n
             ON CONFLICT (key) DO UPDATE SET
                 seconds = coalesce($2, o.seconds),
                 reset_at = coalesce(EXCLUDED.reset_at, o.reset_at),
                 blocked_until = CASE WHEN o.blocked_until > EXCLUDED.seen
                                      AND o.blocked_until <= EXCLUDED.seen + {WINDOW:.1}
                                 THEN o.blocked_until END,
                 seen = EXCLUDED.seen,
                 expires_at = least(greatest(EXCLUDED.reset_at, o.reset_at, o.blocked_until, EXCLUDED.seen),
                                    EXCLUDED.seen + {WINDOW:.1}) + {WINDOW:.1} + 60.0"
        );
        let operating_block = format!(
            "INSERT INTO b24_budget_operating AS o (key, seconds, reset_at, blocked_until, seen, expires_at)
             SELECT $1, 0.0, NULL, n.t + {BLOCK_WITHOUT_RESET:.1}, n.t, n.t + {WINDOW:.1} + 60.0
             FROM {NOW} n
             ON CONFLICT (key) DO UPDATE SET
                 blocked_until = CASE WHEN o.reset_at > EXCLUDED.seen
                                      AND o.reset_at <= EXCLUDED.seen + {WINDOW:.1}
                                 THEN o.reset_at ELSE EXCLUDED.seen + {BLOCK_WITHOUT_RESET:.1} END,
                 seen = EXCLUDED.seen,
                 expires_at = EXCLUDED.seen + 2 * {WINDOW:.1}
             RETURNING blocked_until - seen"
        );
        Ok(Statements {
            book: client.prepare(&book).await?,
            fill: client.prepare(&fill).await?,
            operating_get: client.prepare(&operating_get).await?,
            operating_record: client.prepare(&operating_record).await?,
            operating_block: client.prepare(&operating_block).await?,
        })
    }
}

/// One open connection and its statements.
struct Connection {
    client: Client,
    sql: Statements,
}

/// Budgets in a PostgreSQL database (`postgres://user@host:port/db`, no TLS: loopback or a
/// private network). Connects at the first operation and again after the connection broke.
pub struct PostgresStore {
    config: tokio_postgres::Config,
    connection: std::sync::Mutex<Option<Arc<Connection>>>,
    connecting: AsyncMutex<()>,
    statements: AtomicU64,
}

fn fail(error: tokio_postgres::Error) -> StoreError {
    // The driver's message names the failure, never the statement's parameters.
    StoreError(format!("postgres: {error}"))
}

impl PostgresStore {
    /// A store for the database at `url`; nothing connects yet.
    pub fn new(url: &str) -> Result<Self, StoreError> {
        let mut config: tokio_postgres::Config = url
            .parse()
            .map_err(|error| StoreError(format!("postgres URL {}: {error}", redacted(url))))?;
        config.connect_timeout(CONNECT_TIMEOUT);
        Ok(PostgresStore {
            config,
            connection: std::sync::Mutex::new(None),
            connecting: AsyncMutex::new(()),
            statements: AtomicU64::new(0),
        })
    }

    /// The open connection, opening one (and the tables) when there is none.
    async fn connection(&self) -> Result<Arc<Connection>, StoreError> {
        if let Some(open) = self.open_connection() {
            return Ok(open);
        }
        let _single = self.connecting.lock().await;
        if let Some(open) = self.open_connection() {
            return Ok(open);
        }
        let (client, connection) = self.config.connect(NoTls).await.map_err(fail)?;
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::debug!(%error, "budget store: PostgreSQL connection closed");
            }
        });
        client
            .execute("SELECT pg_advisory_lock($1)", &[&SCHEMA_LOCK])
            .await
            .map_err(fail)?;
        let created = client.batch_execute(SCHEMA).await;
        client
            .execute("SELECT pg_advisory_unlock($1)", &[&SCHEMA_LOCK])
            .await
            .map_err(fail)?;
        created.map_err(fail)?;
        let sql = Statements::prepare(&client).await.map_err(fail)?;
        let open = Arc::new(Connection { client, sql });
        *lock(&self.connection) = Some(Arc::clone(&open));
        Ok(open)
    }

    fn open_connection(&self) -> Option<Arc<Connection>> {
        let mut slot = lock(&self.connection);
        if slot.as_ref().is_some_and(|open| open.client.is_closed()) {
            *slot = None;
        }
        slot.clone()
    }

    /// Runs the statement `pick` chooses with `params` on the open connection.
    async fn rows(
        &self,
        pick: fn(&Statements) -> &Statement,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Vec<Row>, StoreError> {
        let connection = self.connection().await?;
        let rows = connection
            .client
            .query(pick(&connection.sql), params)
            .await
            .map_err(fail)?;
        self.sweep(&connection).await?;
        Ok(rows)
    }

    /// Runs a statement that returns one row.
    async fn row(
        &self,
        pick: fn(&Statements) -> &Statement,
        params: &[&(dyn ToSql + Sync)],
    ) -> Result<Row, StoreError> {
        self.rows(pick, params)
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| StoreError(String::from("postgres: the statement returned no row")))
    }

    /// Deletes the idle rows now and then.
    async fn sweep(&self, connection: &Connection) -> Result<(), StoreError> {
        if self.statements.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY != SWEEP_EVERY - 1 {
            return Ok(());
        }
        connection
            .client
            .batch_execute(
                "DELETE FROM b24_budget_bucket WHERE expires_at < extract(epoch FROM clock_timestamp());
                 DELETE FROM b24_budget_operating WHERE expires_at < extract(epoch FROM clock_timestamp());",
            )
            .await
            .map_err(fail)
    }
}

/// Seconds from a statement as a wait, clamped to `most`.
fn wait(seconds: f64, most: f64) -> Duration {
    sane::seconds(seconds, 0.0..=most, "budget store wait")
}

impl BudgetStore for PostgresStore {
    fn book(&self, bucket: &str, limit: RateLimit) -> StoreFuture<'_, Duration> {
        let bucket = bucket.to_owned();
        Box::pin(async move {
            let Pacing {
                drain,
                room,
                ceiling,
                ..
            } = limit.pacing();
            let params: [&(dyn ToSql + Sync); 4] = [&bucket, &drain, &room, &ceiling];
            let row = self.row(|sql| &sql.book, &params).await?;
            Ok(wait(row.try_get(0).map_err(fail)?, MAX_AHEAD))
        })
    }

    fn fill(&self, bucket: &str, limit: RateLimit, ahead: Duration) -> StoreFuture<'_, ()> {
        let bucket = bucket.to_owned();
        Box::pin(async move {
            let pacing = limit.pacing();
            let full = pacing.full_ahead(ahead.as_secs_f64());
            let Pacing { drain, ceiling, .. } = pacing;
            let params: [&(dyn ToSql + Sync); 4] = [&bucket, &drain, &full, &ceiling];
            self.rows(|sql| &sql.fill, &params).await.map(drop)
        })
    }

    fn operating_wait(&self, account: &str, limit: f64) -> StoreFuture<'_, Duration> {
        let account = account.to_owned();
        Box::pin(async move {
            let row = self.row(|sql| &sql.operating_get, &[&account]).await?;
            let now: f64 = row.try_get(0).map_err(fail)?;
            let found = OperatingAccount {
                seconds: row
                    .try_get::<_, Option<f64>>(1)
                    .map_err(fail)?
                    .unwrap_or(0.0),
                reset_at: row.try_get(2).map_err(fail)?,
                blocked_until: row.try_get(3).map_err(fail)?,
            };
            Ok(found.wait(limit, now))
        })
    }

    fn operating_record(&self, account: &str, report: OperatingReport) -> StoreFuture<'_, ()> {
        let account = account.to_owned();
        Box::pin(async move {
            let seconds = report.sane_operating();
            let reset_at = report.reset_at.map(|at| (at as f64).max(0.0));
            let params: [&(dyn ToSql + Sync); 3] = [&account, &seconds, &reset_at];
            self.rows(|sql| &sql.operating_record, &params)
                .await
                .map(drop)
        })
    }

    fn operating_block(&self, account: &str) -> StoreFuture<'_, Duration> {
        let account = account.to_owned();
        Box::pin(async move {
            let row = self.row(|sql| &sql.operating_block, &[&account]).await?;
            Ok(wait(row.try_get(0).map_err(fail)?, WINDOW))
        })
    }

    fn kind(&self) -> &'static str {
        "postgres"
    }
}
