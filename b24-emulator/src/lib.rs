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
//! Other processes can drive a running emulator through the control API on the same port
//! (see [`control`]): reset, seed records, confirm/deny a method, inject faults, change limits,
//! advance the clock, and read counters per method and per HTTP status.
//!
//! # What it serves
//!
//! * Service methods, `batch` (PROTOCOL §5: `$result`/`$next`/`$total`/`$time`/`$error`
//!   references, `halt`, the 50-command limit, scope re-check per command), `crm.type.*`,
//!   `crm.item.*`, legacy `crm.deal/contact/lead/company.*` with the list semantics of §7
//!   ([`store::crm`]), `user.get`, `user.current`, `department.get`,
//!   `crm.automatedsolution.*`, `im.department.get`, `im.revision.get`, `voximplant.user.get`
//!   (confirmation-gated), and the event methods with delivery to loopback handlers
//!   ([`methods::events`], [`delivery`]).
//! * Stateful families beyond CRM: tasks ([`store::tasks`]), application storage
//!   ([`store::entity`]), universal lists ([`store::lists`]), chats ([`store::im`]), disk
//!   ([`store::disk`]; files kept in memory and served at their `DOWNLOAD_URL`) and calendars
//!   ([`store::calendar`]); every other documented method answers from the compiled catalog.
//! * Limits (§6, [`limits`]): the leaky bucket per source address (off by default; presets
//!   [`RateLimit::Standard`], [`RateLimit::Enterprise`]) and operating-time accounting with
//!   a documented cost model (budget 480 s by default). Every loopback address counts as a
//!   host of its own: clients bound to 127.0.0.2 and 127.0.0.3 reach the emulator on
//!   127.0.0.1 and get a bucket each, while operating time stays per credential and method.
//! * A portal page for people at `/` ([`page`], [`Emulator::page_url`], `b24-emulator --open`):
//!   pending confirmations with Approve / Deny, the request log, limits with preset and fault
//!   forms, and the data; secrets masked.
//! * Faults on demand ([`faults`]), a scaled or manual clock ([`clock`]), HTTPS with a CA
//!   generated at start ([`tls`], [`Emulator::ca_cert_path`]), and a fast seeding API
//!   ([`Emulator::seed`]: a million records in well under a second).
//!
//! # Layout
//!
//! A request goes [`router`] → [`auth`] → [`call::invoke`] (scope, confirmation, operating
//! time) → a handler of the method table [`methods`] (one line per method, handlers by area).
//! Handlers read and change [`state`] (credentials, users, counters) and [`store`] (CRM records,
//! event bindings), which import nothing from handlers; settings are [`config`], list semantics
//! [`list`]. The R7-Office emulator is [`r7`], with its own route table. Both are served by
//! [`server`]'s accept loop, every connection behind a [`guard`].
//!
//! # Hostile clients
//!
//! Every request costs work bounded by its size, and every error is JSON:
//!
//! * Form decoding is linear in the body; more than PHP's `max_input_vars` variables
//!   ([`EmulatorBuilder::max_input_vars`], default 10,000) in a query string, form body or
//!   `batch` command is refused with 400 `INVALID_REQUEST` and PHP's warning as the
//!   description (PHP would keep the first 10,000 silently; PROTOCOL.md documents no limit), as
//!   soon as the 10,001st is seen. A JSON body may hold [`params::MAX_JSON_VALUES`] values.
//! * `batch` references copy the values they name; all the copies of one batch may add up to
//!   the body limit (16 MiB), after which a command gets `ERROR_BATCH_LENGTH_EXCEEDED` in
//!   `result_error` and does not run.
//! * A request head must arrive within 10 s of its first byte (and a fresh connection must
//!   start one within 10 s; a body may pause 10 s), else `408`; idle connections close after
//!   120 s; beyond 4,096 open connections per listener the oldest idle or half-sent one is
//!   closed for each new one ([`ConnLimits`]).
//! * Requests the HTTP layer refuses (malformed 400, URI too long 414, headers too large 431)
//!   are answered in the Bitrix24 envelope (`{"error", "error_description"}`, see
//!   [`envelope::http_error`]) on the portal's listeners and in the R7 error envelope on the R7
//!   one. Not JSON, on purpose: the injected faults ([`faults`]) and what the real R7 server
//!   answers in plain text or HTML (its 401, pages outside the API; see [`r7`]).
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
//! * A request counts as HTTPS when it arrived on the TLS listener
//!   ([`Emulator::https_base_url`]) or carries `X-Forwarded-Proto: https`.
//! * `batch` is one request for the request-intensity limit; its sub-calls are counted per
//!   method in the counters (not in the total) and accounted for operating time.
//! * Request counters count every request that reached the dispatcher (unknown methods and
//!   auth failures included), keyed by the lower-cased method name without `.json`/`.xml`;
//!   a body over the size limit is refused before that (413) and not counted.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

pub mod app_host;
pub mod auth;
pub mod call;
pub mod catalog;
pub mod clock;
pub mod config;
pub mod control;
pub mod delivery;
pub mod envelope;
pub mod faults;
pub mod guard;
pub mod limits;
pub mod list;
pub mod methods;
pub mod oauth;
pub mod page;
pub mod params;
pub mod r7;
pub mod router;
pub mod server;
pub mod session;
mod setters;
pub mod state;
pub mod store;
pub mod tls;
pub mod v3;
pub mod value;

pub use config::{AppSettings, AuthStatusMode};
pub use faults::FaultConfig;
pub use guard::ConnLimits;
pub use limits::RateLimit;
pub use session::SessionMode;
pub use value::Value;

use config::Config;
use server::{Listener, ListenerKind, ServerTask};
use session::Session;
use setters::setters;
use state::{Decision, Shared, Urls};

/// Default maximum request body: 16 MiB.
pub const DEFAULT_MAX_BODY_BYTES: usize = 16 * 1024 * 1024;

/// Default maximum number of automated solutions.
pub const DEFAULT_AUTOMATED_SOLUTION_LIMIT: usize = 50;

/// Configures and starts an [`Emulator`].
#[derive(Debug, Clone)]
pub struct EmulatorBuilder {
    port: u16,
    https_port: u16,
    ca_cert_out: Option<PathBuf>,
    conn_limits: ConnLimits,
    session: SessionMode,
    config: Config,
}

impl Default for EmulatorBuilder {
    fn default() -> Self {
        EmulatorBuilder {
            port: 0,
            https_port: 0,
            ca_cert_out: None,
            conn_limits: ConnLimits::default(),
            session: SessionMode::Off,
            config: Config {
                scopes: state::ALL_SCOPES.iter().map(|s| (*s).to_owned()).collect(),
                automated_solution_limit: DEFAULT_AUTOMATED_SOLUTION_LIMIT,
                require_https_for_webhooks: false,
                auth_status_mode: AuthStatusMode::Docs,
                max_body_bytes: DEFAULT_MAX_BODY_BYTES,
                max_input_vars: params::DEFAULT_MAX_INPUT_VARS,
                clock_scale: 1.0,
                rate_limit: RateLimit::Off,
                operating_limit: Some(limits::DEFAULT_OPERATING_LIMIT),
                faults: FaultConfig::default(),
                apps: Vec::new(),
            },
        }
    }
}

fn scope_list(scopes: impl IntoIterator<Item = impl AsRef<str>>) -> Vec<String> {
    scopes.into_iter().map(|s| s.as_ref().to_owned()).collect()
}

fn user_id_i64(user_id: u64) -> i64 {
    i64::try_from(user_id).unwrap_or(i64::MAX)
}

impl EmulatorBuilder {
    setters! {
        /// TCP port on 127.0.0.1; `0` (default) picks a free one.
        port: u16 => port;
        /// Maximum number of automated solutions; `crm.automatedsolution.add` beyond it
        /// answers `LIMIT_EXCEEDED` (default 50).
        automated_solution_limit: usize => config.automated_solution_limit;
        /// Reject webhook calls over plain HTTP with `INVALID_REQUEST` "Https required."
        /// (default `false`, like a self-hosted portal with `REST_APAUTH_ALLOW_HTTP`). A request
        /// carrying `X-Forwarded-Proto: https` counts as HTTPS.
        require_https_for_webhooks: bool => config.require_https_for_webhooks;
        /// HTTP statuses of auth-stage errors (default [`AuthStatusMode::Docs`]).
        auth_status_mode: AuthStatusMode => config.auth_status_mode;
        /// Maximum request body in bytes (default 16 MiB); larger bodies get a 413 error
        /// envelope.
        max_body_bytes: usize => config.max_body_bytes;
        /// PHP's `max_input_vars` (default [`params::DEFAULT_MAX_INPUT_VARS`], 10,000): a query
        /// string, form body or `batch` command with more variables is refused with 400
        /// `INVALID_REQUEST` and PHP's warning as the description (PHP itself would drop the
        /// rest silently).
        max_input_vars: usize => config.max_input_vars;
        /// TCP port of the HTTPS listener on 127.0.0.1; `0` (default) picks a free one.
        https_port: u16 => https_port;
        /// Speed of the portal clock: `1.0` real time (default), `60.0` one real second per
        /// portal minute, `0.0` a manual clock that only moves with [`Emulator::advance_clock`].
        clock_scale: f64 => config.clock_scale;
        /// Request-intensity limit (default [`RateLimit::Off`]).
        rate_limit: RateLimit => config.rate_limit;
        /// Operating-time budget per method and credential over 10 minutes, seconds (default
        /// 480); `None` disables `OPERATION_TIME_LIMIT` (accounting is still reported in
        /// `time`).
        operating_limit: Option<f64> => config.operating_limit;
        /// Faults to inject from the start (default none).
        faults: FaultConfig => config.faults;
        /// Time for a request head to arrive from its first byte (and for a fresh connection
        /// to start its first request, and the longest pause inside a body); the client gets
        /// `408` after it (default 10 s, see [`ConnLimits`]).
        header_read_timeout: Duration => conn_limits.header_read;
        /// Time a used connection may stay idle between requests (default 120 s).
        idle_timeout: Duration => conn_limits.idle;
        /// Open connections per listener beyond which the oldest idle or half-sent one is
        /// closed for each new one (default 4,096).
        max_connections: usize => conn_limits.max_connections;
    }

    /// Scopes of the default webhook (default: every scope of the portal, see
    /// [`state::ALL_SCOPES`]).
    pub fn scopes(mut self, scopes: impl IntoIterator<Item = impl AsRef<str>>) -> Self {
        self.config.scopes = scope_list(scopes);
        self
    }

    /// Where to write the PEM of the generated CA certificate (default: a file in the system
    /// temporary directory, removed when the emulator is dropped).
    pub fn ca_cert_out(mut self, path: impl Into<PathBuf>) -> Self {
        self.ca_cert_out = Some(path.into());
        self
    }

    /// Registers an application with the portal's OAuth server from the start (kept across
    /// resets); the first one gets [`Emulator::application_token`].
    pub fn app(mut self, app: AppSettings) -> Self {
        self.config.apps.push(app);
        self
    }

    /// Records every REST call (method, parameters without credentials, answer) to `path`,
    /// one JSON line per call (see [`session`]); the file is created or truncated at start.
    pub fn record_to(mut self, path: impl Into<PathBuf>) -> Self {
        self.session = SessionMode::Record(path.into());
        self
    }

    /// Answers REST calls from a recording written by [`EmulatorBuilder::record_to`] (see
    /// [`session`]); [`EmulatorBuilder::start`] fails when the file is unreadable or is not
    /// a recording.
    pub fn replay_from(mut self, path: impl Into<PathBuf>) -> Self {
        self.session = SessionMode::Replay(path.into());
        self
    }

    /// A manual clock (same as `clock_scale(0.0)`).
    pub fn manual_clock(self) -> Self {
        self.clock_scale(0.0)
    }

    /// Binds 127.0.0.1 (plain HTTP, HTTPS and the "moved portal" listener) and starts serving
    /// on the current Tokio runtime.
    pub async fn start(self) -> Result<Emulator, std::io::Error> {
        let session = Session::open(&self.session)?;
        let shared = Arc::new(Shared::new(self.config));
        *shared.session() = session;
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, self.port)).await?;
        let addr = listener.local_addr()?;
        let tls_listener =
            tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, self.https_port)).await?;
        let https_addr = tls_listener.local_addr()?;
        let moved_listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let moved_addr = moved_listener.local_addr()?;
        let material = tls::generate()?;
        let (ca_path, remove_ca) = match self.ca_cert_out {
            Some(path) => (path, false),
            None => (
                std::env::temp_dir().join(format!(
                    "b24-emulator-{}-{}-ca.pem",
                    std::process::id(),
                    addr.port()
                )),
                true,
            ),
        };
        std::fs::write(&ca_path, material.ca_pem.as_bytes())?;
        let _ = shared.urls.set(Urls {
            http: format!("http://{addr}"),
            https: format!("https://{https_addr}"),
            moved: format!("http://{moved_addr}"),
        });
        let app = router::build(Arc::clone(&shared));
        let listener_of = |kind, tls| Listener {
            kind,
            tls,
            limits: self.conn_limits,
            error_body: envelope::http_error_body,
        };
        let primary = listener_of(ListenerKind::Primary, None);
        let secure = listener_of(
            ListenerKind::Tls,
            Some(server::acceptor(material.server_config)),
        );
        let moved = listener_of(ListenerKind::Moved, None);
        let server = ServerTask::spawn(|rx| async move {
            tokio::join!(
                server::serve(listener, primary, app.clone(), rx.clone()),
                server::serve(tls_listener, secure, app.clone(), rx.clone()),
                server::serve(moved_listener, moved, app, rx),
            );
        });
        Ok(Emulator {
            inner: Arc::new(Inner {
                shared,
                addr,
                https_addr,
                moved_addr,
                ca_path,
                ca_pem: material.ca_pem,
                remove_ca,
                server,
            }),
        })
    }
}

#[derive(Debug)]
struct Inner {
    shared: Arc<Shared>,
    addr: SocketAddr,
    https_addr: SocketAddr,
    moved_addr: SocketAddr,
    ca_path: PathBuf,
    ca_pem: String,
    remove_ca: bool,
    server: ServerTask,
}

impl Drop for Inner {
    fn drop(&mut self) {
        if self.remove_ca {
            let _ = std::fs::remove_file(&self.ca_path);
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

    /// The portal page for people ([`page`]): pending confirmations, the request log, limits
    /// and data, `http://127.0.0.1:PORT/`.
    pub fn page_url(&self) -> String {
        format!("{}/", self.base_url())
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
    pub fn add_webhook(
        &self,
        user_id: u64,
        scopes: impl IntoIterator<Item = impl AsRef<str>>,
    ) -> String {
        let scopes = scope_list(scopes);
        self.shared().add_webhook(user_id_i64(user_id), scopes)
    }

    /// Issues an OAuth access token (valid one hour) for `user_id` with the given scopes. It is
    /// accepted in the `auth` / `access_token` parameter or an `Authorization: Bearer` header.
    pub fn issue_oauth_token(
        &self,
        user_id: u64,
        scopes: impl IntoIterator<Item = impl AsRef<str>>,
    ) -> String {
        let scopes = scope_list(scopes);
        self.shared().issue_token(user_id_i64(user_id), scopes)
    }

    /// Expires a token: later calls with it answer `expired_token`. Returns whether it existed.
    pub fn expire_oauth_token(&self, token: &str) -> bool {
        self.shared().expire_token(token)
    }

    /// Administrator approval of a confirmation-gated method (e.g. `voximplant.user.get`) for
    /// every credential whose request is pending. Returns how many were decided. OAuth
    /// credentials with an `ONAPPMETHODCONFIRM` binding get the event (when called inside a
    /// Tokio runtime).
    pub fn confirm_method(&self, method: &str) -> usize {
        control::decide(&self.inner.shared, method, Decision::Confirmed)
    }

    /// Administrator denial, like [`Emulator::confirm_method`].
    pub fn deny_method(&self, method: &str) -> usize {
        control::decide(&self.inner.shared, method, Decision::Denied)
    }

    /// `https://127.0.0.1:PORT` of the TLS listener (no trailing slash).
    pub fn https_base_url(&self) -> String {
        format!("https://{}", self.inner.https_addr)
    }

    /// The default webhook on the TLS listener, `https://127.0.0.1:PORT/rest/<user_id>/<code>/`.
    pub fn https_webhook_url(&self) -> String {
        let hook = &self.shared().default_webhook;
        format!(
            "{}/rest/{}/{}/",
            self.https_base_url(),
            hook.user_id,
            hook.code
        )
    }

    /// Path of the PEM file holding the CA certificate that signed the TLS certificate.
    pub fn ca_cert_path(&self) -> &Path {
        &self.inner.ca_path
    }

    /// PEM of the CA certificate.
    pub fn ca_cert_pem(&self) -> &str {
        &self.inner.ca_pem
    }

    /// `http://127.0.0.1:PORT` of the listener that a "moved" portal redirects to (see
    /// [`FaultConfig::moved`]); it serves the same portal.
    pub fn moved_base_url(&self) -> String {
        format!("http://{}", self.inner.moved_addr)
    }

    /// The `application_token` sent with every event of the local application.
    pub fn application_token(&self) -> String {
        self.shared().application_token.clone()
    }

    /// Current portal time, Unix seconds.
    pub fn now(&self) -> f64 {
        self.shared().clock.now()
    }

    /// Moves the portal clock forward (token expiry, limits, timestamps).
    pub fn advance_clock(&self, by: Duration) {
        self.shared().clock.advance(by);
    }

    /// Changes the request-intensity limit at run time (buckets are emptied).
    pub fn set_rate_limit(&self, limit: RateLimit) {
        self.shared().limiter().set(limit);
    }

    /// Changes the operating-time budget at run time (`None` = not enforced).
    pub fn set_operating_limit(&self, seconds: Option<f64>) {
        self.shared().lock().operating_limit = seconds;
    }

    /// Replaces the fault settings (the RNG is re-seeded from `faults.seed`).
    pub fn set_faults(&self, faults: FaultConfig) {
        self.shared().faults().set(faults);
    }

    /// Answers sent with HTTP status `status` (REST requests only).
    pub fn status_count(&self, status: u16) -> u64 {
        self.answers(&status.to_string())
    }

    /// Connections closed without an answer by the `reset` fault.
    pub fn reset_count(&self) -> u64 {
        self.answers("reset")
    }

    /// Answers counted under `key` (a status or `reset`).
    fn answers(&self, key: &str) -> u64 {
        self.shared().lock().statuses.get(key).copied().unwrap_or(0)
    }

    /// Appends `count` generated records of `entity` (`"deal"`, `"contact"`, `"lead"`,
    /// `"company"`) and returns the `(first, last)` IDs; `None` for an unknown entity.
    pub fn seed(&self, entity: &str, count: u64) -> Option<(i64, i64)> {
        let eid = store::crm::schema::entity_by_name(entity)?;
        self.seed_items(eid, count)
    }

    /// Appends `count` generated records of an entity type (1–4 or a smart process ≥ 128,
    /// which is created when missing) and returns the `(first, last)` IDs.
    pub fn seed_items(&self, entity_type_id: i64, count: u64) -> Option<(i64, i64)> {
        let now = self.shared().clock.now_secs();
        self.shared().lock().crm.seed(entity_type_id, count, now)
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

    /// The REST 3.0 side of the portal: its records, page cap and fault switch.
    pub fn v3(&self) -> &v3::Portal {
        &self.shared().v3
    }

    /// Stops accepting connections, lets in-flight requests finish (at most 5 s) and waits for
    /// the server task.
    pub async fn shutdown(&self) {
        self.inner.server.stop().await;
    }
}
