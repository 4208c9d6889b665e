//! Where accounts live: the [`TokenStore`] trait and its backends — [`MemoryStore`] (one
//! process), [`SqliteStore`] (the embedded default: one file, created 0600, shared by the
//! processes of one host) and [`PostgresStore`] (many hosts).
//!
//! Besides accounts a store keeps two small things every process must agree on: the refresh
//! **lease** of an account (who may refresh it now, until when) and the keys of inbound
//! deliveries already handled (so a redelivered event is processed once). Every operation is
//! one atomic statement: nothing is half-written when a process dies.
//!
//! [`conformance::run`] checks a backend against the contract; every backend here passes it.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use crate::account::{Account, AccountStatus, TokenPair};

pub mod conformance;
mod memory;
mod postgres;
mod sql;
mod sqlite;

pub use memory::MemoryStore;
pub use postgres::PostgresStore;
pub use sqlite::SqliteStore;

/// A failure of the store itself (unreachable, locked past its timeout, corrupt). Its message
/// never contains a token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("token store: {0}")]
pub struct StoreError(pub String);

/// The future of a [`TokenStore`] operation.
pub type StoreFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// Accounts, refresh leases and handled deliveries, shared by every process of the
/// application.
pub trait TokenStore: Send + Sync + 'static {
    /// The account of `member_id`.
    fn load<'a>(&'a self, member_id: &'a str) -> StoreFuture<'a, Option<Account>>;

    /// Creates or replaces the whole account (an accepted install).
    fn save<'a>(&'a self, account: &'a Account) -> StoreFuture<'a, ()>;

    /// Replaces the token pair only if the stored refresh token is still `expected_refresh`
    /// (compare-and-swap; the status becomes active). `true` when it was replaced.
    fn swap_tokens<'a>(
        &'a self,
        member_id: &'a str,
        expected_refresh: &'a str,
        tokens: &'a TokenPair,
    ) -> StoreFuture<'a, bool>;

    /// Sets the status; `false` when there is no such account.
    fn set_status<'a>(&'a self, member_id: &'a str, status: AccountStatus)
    -> StoreFuture<'a, bool>;

    /// Removes the account; `false` when there was none.
    fn delete<'a>(&'a self, member_id: &'a str) -> StoreFuture<'a, bool>;

    /// Takes (or extends, for the same `holder`) the refresh lease of `member_id` for `ttl`;
    /// `false` while another holder's lease runs.
    fn try_lease<'a>(
        &'a self,
        member_id: &'a str,
        holder: &'a str,
        ttl: Duration,
    ) -> StoreFuture<'a, bool>;

    /// Gives the lease back if `holder` still has it.
    fn release_lease<'a>(&'a self, member_id: &'a str, holder: &'a str) -> StoreFuture<'a, ()>;

    /// Records a delivery key for `ttl`; `true` the first time (or after it lapsed), `false`
    /// for a key already recorded.
    fn remember<'a>(&'a self, key: &'a str, ttl: Duration) -> StoreFuture<'a, bool>;
}

/// The columns of an account, as plain values (backends share the mapping).
pub(crate) struct Row {
    pub member_id: String,
    pub domain: String,
    pub client_endpoint: String,
    pub user_id: Option<i64>,
    pub scopes: String,
    pub access_token: String,
    pub refresh_token: String,
    pub expires_at: i64,
    pub application_token: String,
    pub status: String,
}

impl Row {
    pub fn from_account(a: &Account) -> Row {
        use secrecy::ExposeSecret;
        Row {
            member_id: a.member_id.clone(),
            domain: a.domain.clone(),
            client_endpoint: a.client_endpoint.clone(),
            user_id: a.user_id,
            scopes: a.scopes.join(","),
            access_token: a.tokens.access_token.expose_secret().to_owned(),
            refresh_token: a.tokens.refresh_token.expose_secret().to_owned(),
            expires_at: a.tokens.expires_at,
            application_token: a.application_token.expose_secret().to_owned(),
            status: a.status.as_str().to_owned(),
        }
    }

    pub fn into_account(self) -> Result<Account, StoreError> {
        let status = AccountStatus::parse(&self.status)
            .ok_or_else(|| StoreError(format!("unknown account status `{}`", self.status)))?;
        Ok(Account {
            member_id: self.member_id,
            domain: self.domain,
            client_endpoint: self.client_endpoint,
            user_id: self.user_id,
            scopes: self
                .scopes
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            tokens: TokenPair::new(&self.access_token, &self.refresh_token, self.expires_at),
            application_token: secrecy::SecretString::from(self.application_token),
            status,
        })
    }
}

/// The schema both SQL backends create (SQLite and PostgreSQL read it the same way).
pub(crate) const SCHEMA: &[&str] = &[
    "CREATE TABLE IF NOT EXISTS b24_accounts (
        member_id TEXT PRIMARY KEY,
        domain TEXT NOT NULL,
        client_endpoint TEXT NOT NULL,
        user_id BIGINT,
        scopes TEXT NOT NULL,
        access_token TEXT NOT NULL,
        refresh_token TEXT NOT NULL,
        expires_at BIGINT NOT NULL,
        application_token TEXT NOT NULL,
        status TEXT NOT NULL
    )",
    "CREATE TABLE IF NOT EXISTS b24_leases (
        member_id TEXT PRIMARY KEY,
        holder TEXT NOT NULL,
        until DOUBLE PRECISION NOT NULL
    )",
    "CREATE TABLE IF NOT EXISTS b24_deliveries (
        key TEXT PRIMARY KEY,
        until DOUBLE PRECISION NOT NULL
    )",
];
