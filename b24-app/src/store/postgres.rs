//! PostgreSQL, for applications served by many hosts: the lease and delivery times come from
//! the database server's clock, so the hosts' clocks need not agree.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use tokio_postgres::{Client, NoTls};

use super::sql::{FORGET_EVERY, Statements};
use super::{Row, SCHEMA, StoreError, StoreFuture, TokenStore};
use crate::account::{Account, AccountStatus, TokenPair};

/// Accounts in a PostgreSQL database.
#[derive(Clone)]
pub struct PostgresStore {
    inner: Arc<Inner>,
}

struct Inner {
    client: Client,
    sql: Statements,
    calls: AtomicU64,
}

impl std::fmt::Debug for PostgresStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PostgresStore")
    }
}

fn fail(error: tokio_postgres::Error) -> StoreError {
    // The driver's message names the statement's failure, never its parameters.
    StoreError(format!("postgres: {error}"))
}

/// Serialises schema creation between processes starting at once.
const SCHEMA_LOCK: i64 = 0x6232_3461_7070;

impl PostgresStore {
    /// Connects to `url` (`postgres://user@host:port/db`, no TLS: loopback or a private
    /// network) and creates the tables if needed. Needs a Tokio runtime: the connection runs
    /// on a task of its own.
    pub async fn connect(url: &str) -> Result<PostgresStore, StoreError> {
        let (client, connection) = tokio_postgres::connect(url, NoTls).await.map_err(fail)?;
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::warn!(%error, "PostgreSQL connection closed");
            }
        });
        client
            .execute("SELECT pg_advisory_lock($1)", &[&SCHEMA_LOCK])
            .await
            .map_err(fail)?;
        for statement in SCHEMA {
            client.batch_execute(statement).await.map_err(fail)?;
        }
        client
            .execute("SELECT pg_advisory_unlock($1)", &[&SCHEMA_LOCK])
            .await
            .map_err(fail)?;
        Ok(PostgresStore {
            inner: Arc::new(Inner {
                client,
                sql: Statements::new(
                    "CAST(extract(epoch from clock_timestamp()) AS DOUBLE PRECISION)",
                ),
                calls: AtomicU64::new(0),
            }),
        })
    }

    fn client(&self) -> &Client {
        &self.inner.client
    }
}

fn read_row(row: &tokio_postgres::Row) -> Result<Row, StoreError> {
    Ok(Row {
        member_id: row.try_get(0).map_err(fail)?,
        domain: row.try_get(1).map_err(fail)?,
        client_endpoint: row.try_get(2).map_err(fail)?,
        user_id: row.try_get(3).map_err(fail)?,
        scopes: row.try_get(4).map_err(fail)?,
        access_token: row.try_get(5).map_err(fail)?,
        refresh_token: row.try_get(6).map_err(fail)?,
        expires_at: row.try_get(7).map_err(fail)?,
        application_token: row.try_get(8).map_err(fail)?,
        status: row.try_get(9).map_err(fail)?,
    })
}

impl TokenStore for PostgresStore {
    fn load<'a>(&'a self, member_id: &'a str) -> StoreFuture<'a, Option<Account>> {
        Box::pin(async move {
            let row = self
                .client()
                .query_opt(&self.inner.sql.load, &[&member_id])
                .await
                .map_err(fail)?;
            row.as_ref()
                .map(read_row)
                .transpose()?
                .map(Row::into_account)
                .transpose()
        })
    }

    fn save<'a>(&'a self, account: &'a Account) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            let r = Row::from_account(account);
            self.client()
                .execute(
                    &self.inner.sql.save,
                    &[
                        &r.member_id,
                        &r.domain,
                        &r.client_endpoint,
                        &r.user_id,
                        &r.scopes,
                        &r.access_token,
                        &r.refresh_token,
                        &r.expires_at,
                        &r.application_token,
                        &r.status,
                    ],
                )
                .await
                .map_err(fail)
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
        Box::pin(async move {
            let access = tokens.access_token.expose_secret();
            let refresh = tokens.refresh_token.expose_secret();
            let n = self
                .client()
                .execute(
                    &self.inner.sql.swap,
                    &[
                        &access,
                        &refresh,
                        &tokens.expires_at,
                        &member_id,
                        &expected_refresh,
                    ],
                )
                .await
                .map_err(fail)?;
            Ok(n == 1)
        })
    }

    fn set_status<'a>(
        &'a self,
        member_id: &'a str,
        status: AccountStatus,
    ) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let n = self
                .client()
                .execute(&self.inner.sql.set_status, &[&status.as_str(), &member_id])
                .await
                .map_err(fail)?;
            Ok(n == 1)
        })
    }

    fn delete<'a>(&'a self, member_id: &'a str) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let n = self
                .client()
                .execute(&self.inner.sql.delete, &[&member_id])
                .await
                .map_err(fail)?;
            Ok(n == 1)
        })
    }

    fn try_lease<'a>(
        &'a self,
        member_id: &'a str,
        holder: &'a str,
        ttl: Duration,
    ) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            let n = self
                .client()
                .execute(
                    &self.inner.sql.lease,
                    &[&member_id, &holder, &ttl.as_secs_f64()],
                )
                .await
                .map_err(fail)?;
            Ok(n == 1)
        })
    }

    fn release_lease<'a>(&'a self, member_id: &'a str, holder: &'a str) -> StoreFuture<'a, ()> {
        Box::pin(async move {
            self.client()
                .execute(&self.inner.sql.release, &[&member_id, &holder])
                .await
                .map_err(fail)
                .map(drop)
        })
    }

    fn remember<'a>(&'a self, key: &'a str, ttl: Duration) -> StoreFuture<'a, bool> {
        Box::pin(async move {
            if self
                .inner
                .calls
                .fetch_add(1, Ordering::Relaxed)
                .is_multiple_of(FORGET_EVERY)
            {
                self.client()
                    .execute(&self.inner.sql.forget_lapsed, &[])
                    .await
                    .map_err(fail)?;
            }
            let n = self
                .client()
                .execute(&self.inner.sql.remember, &[&key, &ttl.as_secs_f64()])
                .await
                .map_err(fail)?;
            Ok(n == 1)
        })
    }
}
