//! `b24-emulator`: a local Bitrix24 portal for tests and demos.
//!
//! The emulator is an HTTP server on `127.0.0.1` with in-memory state that speaks the classic
//! Bitrix24 REST wire protocol (`/rest/{method}` with OAuth tokens and
//! `/rest/{user_id}/{code}/{method}` for incoming webhooks): PHP-style parameter decoding,
//! the `{"result", "next", "total", "time"}` envelope, the portal's error codes, scopes and
//! method confirmation. It is an independent implementation of the protocol, so that SDK bugs
//! are not mirrored by the test server.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let emulator = b24_emulator::Emulator::builder()
//!     .automated_solution_limit(3)
//!     .start()
//!     .await?;
//! println!("call {}crm.automatedsolution.list", emulator.webhook_url());
//! emulator.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! Other processes can drive a running emulator through the control API on the same port:
//! `POST /_emulator/reset`, `POST /_emulator/confirm` and `POST /_emulator/deny` with
//! `{"method": "..."}`, `GET /_emulator/counters`, `POST /_emulator/webhook` and
//! `POST /_emulator/token` with `{"user_id": 1, "scopes": ["crm"]}`, and
//! `POST /_emulator/expire` with `{"token": "..."}`.
//!
//! # Seeded data
//!
//! * Default webhook: user 1 (`admin`, Vadim Valeev, administrator), random 16-character code,
//!   all scopes of [`state::ALL_SCOPES`] unless [`EmulatorBuilder::scopes`] says otherwise.
//! * Users: 1 `admin` Vadim Valeev, 11 `anna` Anna Petrova, 13 `boris` Boris Ivanov,
//!   103 `maria` Maria Sokolova, 105 `ivan` Ivan Kuznetsov (a login works in place of the
//!   user ID in a webhook URL).
//! * Departments (`im.department.get`): 1 `mysite.com` (head 1), 3 `Finance Department`
//!   (head 13), 5 `Sales Department` (head 11), 7 `Development Department` (head 103),
//!   9 `QA Group` under 7 (no head, `manager_user_id` 0).
//! * No automated solutions; IDs start at 1.
//!
//! # Protocol notes
//!
//! * Method lookup happens before authentication (`ERROR_METHOD_NOT_FOUND`, 404).
//! * The body is only read for `POST` (like the portal); the query string always is.
//! * HTTPS is detected through `X-Forwarded-Proto: https` (the listener is plain HTTP).
//! * Request counters count every request that reached the dispatcher (unknown methods and
//!   auth failures included), keyed by the lower-cased method name without `.json`/`.xml`;
//!   a body over the size limit is refused before that (413) and not counted.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::oneshot;
use tokio::task::JoinHandle;

pub mod auth;
pub mod envelope;
pub mod methods;
pub mod params;
pub mod router;
pub mod state;
pub mod value;

pub use value::Value;

use state::{Config, Decision, Shared};

/// Default maximum request body: 16 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// Default maximum number of automated solutions.
pub const DEFAULT_AUTOMATED_SOLUTION_LIMIT: usize = 50;

/// Which HTTP statuses auth-stage errors carry (PROTOCOL §10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AuthStatusMode {
    /// The documentation's table: `NO_AUTH_FOUND` 401, `INVALID_CREDENTIALS` 403,
    /// `insufficient_scope` 403, `expired_token` 401, `INVALID_REQUEST` 400.
    #[default]
    Docs,
    /// The server source and observed cloud behaviour: every auth-stage error is 401.
    Source,
}

/// Configures and starts an [`Emulator`].
#[derive(Debug, Clone)]
pub struct EmulatorBuilder {
    port: u16,
    scopes: Vec<String>,
    automated_solution_limit: usize,
    require_https_for_webhooks: bool,
    auth_status_mode: AuthStatusMode,
    max_body_bytes: usize,
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        EmulatorBuilder {
            port: 0,
            scopes: state::ALL_SCOPES.iter().map(|s| (*s).to_owned()).collect(),
            automated_solution_limit: DEFAULT_AUTOMATED_SOLUTION_LIMIT,
            require_https_for_webhooks: false,
            auth_status_mode: AuthStatusMode::Docs,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
        }
    }
}

fn scope_list<I, S>(scopes: I) -> Vec<String>
where
    I: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    scopes.into_iter().map(|s| s.as_ref().to_owned()).collect()
}

fn user_id_i64(user_id: u64) -> i64 {
    i64::try_from(user_id).unwrap_or(i64::MAX)
}

impl EmulatorBuilder {
    /// TCP port on 127.0.0.1; `0` (default) picks a free one.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// Scopes of the default webhook (default: every scope of the portal, see
    /// [`state::ALL_SCOPES`]).
    pub fn scopes<I, S>(mut self, scopes: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.scopes = scope_list(scopes);
        self
    }

    /// Maximum number of automated solutions; `crm.automatedsolution.add` beyond it answers
    /// `LIMIT_EXCEEDED` (default 50).
    pub fn automated_solution_limit(mut self, limit: usize) -> Self {
        self.automated_solution_limit = limit;
        self
    }

    /// Reject webhook calls over plain HTTP with `INVALID_REQUEST` "Https required." (default
    /// `false`, like a self-hosted portal with `REST_APAUTH_ALLOW_HTTP`). A request carrying
    /// `X-Forwarded-Proto: https` counts as HTTPS.
    pub fn require_https_for_webhooks(mut self, require: bool) -> Self {
        self.require_https_for_webhooks = require;
        self
    }

    /// HTTP statuses of auth-stage errors (default [`AuthStatusMode::Docs`]).
    pub fn auth_status_mode(mut self, mode: AuthStatusMode) -> Self {
        self.auth_status_mode = mode;
        self
    }

    /// Maximum request body in bytes (default 16 MiB); larger bodies get a 413 error envelope.
    pub fn max_body_bytes(mut self, limit: usize) -> Self {
        self.max_body_bytes = limit;
        self
    }

    /// Binds 127.0.0.1 and starts serving on the current Tokio runtime.
    pub async fn start(self) -> Result<Emulator, std::io::Error> {
        let config = Config {
            scopes: self.scopes,
            automated_solution_limit: self.automated_solution_limit,
            require_https_for_webhooks: self.require_https_for_webhooks,
            auth_status_mode: self.auth_status_mode,
            max_body_bytes: self.max_body_bytes,
        };
        let shared = Arc::new(Shared::new(config));
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, self.port)).await?;
        let addr = listener.local_addr()?;
        let app = router::build(Arc::clone(&shared));
        let (tx, rx) = oneshot::channel::<()>();
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app)
                .with_graceful_shutdown(async {
                    let _ = rx.await;
                })
                .await;
        });
        Ok(Emulator {
            inner: Arc::new(Inner {
                shared,
                addr,
                shutdown: Mutex::new(Some(tx)),
                task: Mutex::new(Some(task)),
            }),
        })
    }
}

#[derive(Debug)]
struct Inner {
    shared: Arc<Shared>,
    addr: SocketAddr,
    shutdown: Mutex<Option<oneshot::Sender<()>>>,
    task: Mutex<Option<JoinHandle<()>>>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        let task = self
            .task
            .get_mut()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(task) = task {
            task.abort();
        }
    }
}

/// A running emulated portal. Cheap to clone; the server stops when the last clone is dropped
/// (or on [`Emulator::shutdown`]).
#[derive(Debug, Clone)]
pub struct Emulator {
    inner: Arc<Inner>,
}

impl Emulator {
    /// A builder with default settings.
    pub fn builder() -> EmulatorBuilder {
        EmulatorBuilder::default()
    }

    /// Starts an emulator with default settings.
    pub async fn start() -> Result<Emulator, std::io::Error> {
        EmulatorBuilder::default().start().await
    }

    fn shared(&self) -> &Shared {
        &self.inner.shared
    }

    /// The bound socket address.
    pub fn addr(&self) -> SocketAddr {
        self.inner.addr
    }

    /// `http://127.0.0.1:PORT` (no trailing slash).
    pub fn base_url(&self) -> String {
        format!("http://{}", self.inner.addr)
    }

    /// The portal address; same as [`Emulator::base_url`].
    pub fn portal_url(&self) -> String {
        self.base_url()
    }

    /// The REST endpoint for OAuth calls, `http://127.0.0.1:PORT/rest/` (an OAuth
    /// `client_endpoint`).
    pub fn client_endpoint(&self) -> String {
        format!("{}/rest/", self.base_url())
    }

    /// The default webhook, `http://127.0.0.1:PORT/rest/<user_id>/<code>/`.
    pub fn webhook_url(&self) -> String {
        let hook = &self.shared().default_webhook;
        format!("{}/rest/{}/{}/", self.base_url(), hook.user_id, hook.code)
    }

    /// User ID of the default webhook (1, the portal administrator).
    pub fn webhook_user_id(&self) -> u64 {
        u64::try_from(self.shared().default_webhook.user_id).unwrap_or(0)
    }

    /// Secret code of the default webhook.
    pub fn webhook_code(&self) -> String {
        self.shared().default_webhook.code.clone()
    }

    /// Creates another webhook for `user_id` with the given scopes; returns its code (the URL
    /// is `http://127.0.0.1:PORT/rest/<user_id>/<code>/`).
    pub fn add_webhook<I, S>(&self, user_id: u64, scopes: I) -> String
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.shared()
            .add_webhook(user_id_i64(user_id), scope_list(scopes))
    }

    /// Issues an OAuth access token (valid one hour) for `user_id` with the given scopes. It is
    /// accepted in the `auth` / `access_token` parameter or an `Authorization: Bearer` header.
    pub fn issue_oauth_token<I, S>(&self, user_id: u64, scopes: I) -> String
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.shared()
            .issue_token(user_id_i64(user_id), scope_list(scopes))
    }

    /// Expires a token: later calls with it answer `expired_token`. Returns whether it existed.
    pub fn expire_oauth_token(&self, token: &str) -> bool {
        self.shared().expire_token(token)
    }

    /// Administrator approval of a confirmation-gated method (e.g. `voximplant.user.get`) for
    /// every credential whose request is pending. Returns how many were decided.
    pub fn confirm_method(&self, method: &str) -> usize {
        self.shared().lock().decide(method, Decision::Confirmed)
    }

    /// Administrator denial, like [`Emulator::confirm_method`].
    pub fn deny_method(&self, method: &str) -> usize {
        self.shared().lock().decide(method, Decision::Denied)
    }

    /// Requests that reached the dispatcher for `method` (case-insensitive, suffix-free name),
    /// failed ones included.
    pub fn request_count(&self, method: &str) -> u64 {
        let name = method.to_lowercase();
        self.shared()
            .lock()
            .counters
            .get(&name)
            .copied()
            .unwrap_or(0)
    }

    /// All requests that reached the dispatcher.
    pub fn total_requests(&self) -> u64 {
        self.shared().lock().total
    }

    /// Back to the seeded state: records, added webhooks and tokens, confirmation decisions
    /// and counters are dropped; the default webhook stays valid.
    pub fn reset(&self) {
        self.shared().reset();
    }

    /// Stops accepting connections, lets in-flight requests finish (at most 5 s) and waits for
    /// the server task.
    pub async fn shutdown(&self) {
        let tx = self
            .inner
            .shutdown
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(tx) = tx {
            let _ = tx.send(());
        }
        let task = self
            .inner
            .task
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .take();
        if let Some(mut task) = task
            && tokio::time::timeout(Duration::from_secs(5), &mut task)
                .await
                .is_err()
        {
            task.abort();
        }
    }
}
