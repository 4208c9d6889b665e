//! `b24-app`: Bitrix24 *applications* on b24 — accounts per portal, token stores, one token
//! refresh across every task and process, and verified inbound requests.
//!
//! * [`Account`]: one portal (keyed by `member_id`) with its token pair, `client_endpoint`,
//!   `application_token`, scopes and status.
//! * [`store`]: the [`TokenStore`] trait and three backends — [`MemoryStore`],
//!   [`SqliteStore`] (the embedded default, one 0600 file) and [`PostgresStore`] (many hosts)
//!   — with a conformance suite every backend passes.
//! * [`AccountTokens`]: the `b24_core::TokenSource` that refreshes once per account across
//!   processes (a lease in the store), and [`Accounts`], which shares it between tasks.
//! * [`OAuthClient`]: the OAuth server (code exchange, refresh, authorize URL, `app.info`).
//! * [`form`]: the PHP-bracket form decoder; [`inbound`]: typed install, event, placement,
//!   uninstall and method-confirmation requests, verified ([`verify`]); [`server`]: the axum
//!   integration; [`confirm`]: waiting for an administrator's method confirmation.
//! * [`OfflineQueue`]: the offline-event consumer (get with `clear=0`, handle, clear; at least
//!   once when a consumer dies between get and clear; `auth_connector` keeps the
//!   application's own writes out of its queue).

pub mod account;
pub mod accounts;
pub mod confirm;
pub mod error;
pub mod form;
pub mod inbound;
pub mod oauth;
pub mod offline;
pub mod refresh;
pub mod server;
pub mod store;
pub mod verify;

pub use account::{Account, AccountStatus, TokenPair};
pub use accounts::Accounts;
pub use confirm::Confirmations;
pub use error::Error;
pub use oauth::{AppCredentials, OAuthClient, TokenAnswer};
pub use offline::{OfflineEvent, OfflineQueue, Polled};
pub use refresh::{AccountTokens, RefreshSettings};
pub use store::{MemoryStore, PostgresStore, SqliteStore, StoreError, TokenStore};
