//! An R7-Office (ONLYOFFICE Community Server) portal for tests and demos: the REST API 2.0
//! login and the CRM case routes, over HTTP on `127.0.0.1`, with in-memory state.
//!
//! An app of its own, independent of the Bitrix24 emulator and of the SDK:
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let portal = b24_emulator::r7::R7Emulator::start().await?;
//! println!("POST {}/api/2.0/authentication.json", portal.base_url());
//! portal.shutdown().await;
//! # Ok(())
//! # }
//! ```
//!
//! # What it speaks
//!
//! * `POST api/2.0/authentication[.json]` with `userName` / `password` (JSON or form): 201 and
//!   `{token, expires}`; a wrong password is a 500 envelope "User authentication failed", five
//!   failures block the login ("Login Fail. Too many attempts"); [`TFA_USER`] gets `{tfa: true}`
//!   and no token.
//! * The token in `Authorization: <token>`, `Authorization: Bearer <token>` or the
//!   `asc_auth_key` cookie. A missing or revoked token is a **plain-text** `401 Unauthorized`.
//! * The envelope `{count, startIndex, nextIndex, total, status, statusCode, response}`
//!   (`count` and `startIndex` omitted when 0, `nextIndex` off by one as on the server, `/`
//!   escaped as `\/`), errors as `{status: 1, statusCode, error: {message, hresult, data}}`,
//!   201 on every successful POST.
//! * `.json` (default), `.xml` / `.tml` suffixes: XML (`<result>…</result>`, arrays as repeated
//!   elements) unless the request's `Content-Type` is `application/json`.
//! * Parameters from the route, the query string and the body (JSON or form), by name,
//!   case-insensitively; paging and filter ("context") parameters from the query string only,
//!   cut at the first comma.
//! * The routes of [`ROUTES`], one table of verb + path template + handler: the 16 of
//!   `CRMApi.Cases.cs`, case members, custom fields, tags and history.
//! * A route the API does not have under `api/2.0/` (a wrong path, verb or format suffix) is
//!   the error envelope `404 "Method not found"`, the server's answer for a route without a
//!   method; a path outside the API is the web application's HTML 404 page
//!   ([`CannedAnswer::not_found_page`] serves that page on an API call, for clients that must
//!   cope with it).
//! * Access rules: a private case is visible to administrators, its creator and its access
//!   list; reading one you may not see is a 404; changing access or deleting needs an
//!   administrator or the creator (403). `isPrivate` with an empty access list makes a case
//!   public, a non-empty one adds the caller; **`PUT crm/case/{caseid}` without
//!   `isPrivate` / `accessList` makes the case public** (the pitfall of the real server).
//! * Dates in the portal's zone (default +03:00) with seven fractional digits.
//!
//! # Seeded data
//!
//! * Users [`ADMIN`] (Mike Zanyatski, administrator), [`ANNA`], [`BORIS`] and [`TFA_USER`].
//! * Contacts 1 Ivan Kuznetsov, 2 Romashka LLC (a company), 3 Maria Sokolova.
//! * Cases 1 "Contract renewal" (private to the admin), 2 "Support escalation" (closed, by
//!   Anna, member 3) and [`SEED_CASE`] 1234 "Exhibition organization" (the documentation's
//!   example: public, by the admin, members 1 and 2, tag `expo`, custom field 1 set). New
//!   cases get IDs from 1235.
//! * Custom field 1 "Birthdate" (a date); history event 1 on case 1234; categories -1 Note,
//!   -2 Email, -3 Call, -4 Meeting.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

use crate::guard::ConnLimits;
use crate::server::{self, Listener, ListenerKind, ServerTask};
use crate::setters::setters;

pub(crate) mod dates;
mod entry;
mod login;
mod render;
mod routes;
mod state;
mod wire;

pub use routes::{ROUTES, Route};
pub use state::{ADMIN, ANNA, BORIS, EMPTY_GUID, SEED_CASE, TFA_USER, USERS, User};

/// Configures and starts an [`R7Emulator`].
#[derive(Debug, Clone)]
pub struct R7EmulatorBuilder {
    port: u16,
    offset_minutes: i32,
    max_page: usize,
}

impl Default for R7EmulatorBuilder {
    fn default() -> Self {
        R7EmulatorBuilder {
            port: 0,
            offset_minutes: 180,
            max_page: 1000,
        }
    }
}

impl R7EmulatorBuilder {
    setters! {
        /// TCP port on 127.0.0.1; `0` (default) picks a free one.
        port: u16 => port;
        /// The portal's time-zone offset in minutes (default 180, +03:00); dates are written
        /// in it and dates without an offset are read in it.
        utc_offset_minutes: i32 => offset_minutes;
    }

    /// The server's `maxPage`: the largest and the default `count` (default 1000).
    pub fn max_page(mut self, max_page: usize) -> Self {
        self.max_page = max_page.max(1);
        self
    }

    /// Binds 127.0.0.1 and starts serving on the current Tokio runtime.
    pub async fn start(self) -> Result<R7Emulator, std::io::Error> {
        let shared = Arc::new(state::Shared::new(self.offset_minutes, self.max_page));
        let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, self.port)).await?;
        let addr = listener.local_addr()?;
        let app = axum::Router::new()
            .fallback(entry::entry)
            .with_state(Arc::clone(&shared));
        let how = Listener {
            kind: ListenerKind::Primary,
            tls: None,
            limits: ConnLimits::default(),
            error_body: render::http_error_body,
        };
        let server = ServerTask::spawn(|stop| server::serve(listener, how, app, stop));
        Ok(R7Emulator {
            inner: Arc::new(Inner {
                shared,
                addr,
                server,
            }),
        })
    }
}

#[derive(Debug)]
struct Inner {
    shared: Arc<state::Shared>,
    addr: SocketAddr,
    server: ServerTask,
}

/// A running emulated R7 portal. Cheap to clone; the server stops when the last clone is
/// dropped (or on [`R7Emulator::shutdown`]).
#[derive(Debug, Clone)]
pub struct R7Emulator {
    inner: Arc<Inner>,
}

/// A canned answer the emulator gives to the next API call instead of serving it (login
/// excluded): an nginx 502 page, a 503 with `Retry-After`, ...
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CannedAnswer {
    /// HTTP status.
    pub status: u16,
    /// `Content-Type`.
    pub content_type: String,
    /// Extra headers.
    pub headers: Vec<(String, String)>,
    /// Body.
    pub body: String,
}

impl CannedAnswer {
    /// nginx's `502 Bad Gateway` HTML page.
    pub fn bad_gateway() -> Self {
        CannedAnswer {
            status: 502,
            content_type: String::from("text/html"),
            headers: Vec::new(),
            body: String::from(
                "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
            ),
        }
    }

    /// The web application's `404 Not Found` HTML page (what the server answers when a
    /// request reaches no API route at all, e.g. behind an older nginx configuration).
    pub fn not_found_page() -> Self {
        CannedAnswer {
            status: 404,
            content_type: String::from("text/html; charset=utf-8"),
            headers: Vec::new(),
            body: render::web_page(404, "Not Found"),
        }
    }

    /// A rate-limit `503` with `Retry-After: seconds` and an HTML body.
    pub fn rate_limited(seconds: u64) -> Self {
        CannedAnswer {
            status: 503,
            content_type: String::from("text/html"),
            headers: vec![(String::from("Retry-After"), seconds.to_string())],
            body: String::from("<html><body>Too many requests</body></html>"),
        }
    }
}

impl R7Emulator {
    /// A builder with default settings.
    pub fn builder() -> R7EmulatorBuilder {
        R7EmulatorBuilder::default()
    }

    /// Starts an emulator with default settings.
    pub async fn start() -> Result<R7Emulator, std::io::Error> {
        R7EmulatorBuilder::default().start().await
    }

    /// The bound socket address.
    pub fn addr(&self) -> SocketAddr {
        self.inner.addr
    }

    /// `http://127.0.0.1:PORT` (no trailing slash): the portal root.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.inner.addr)
    }

    /// Logs `user` in without a request; returns a valid token.
    pub fn issue_token(&self, user: &User) -> String {
        self.inner.shared.lock().issue_token(user.id)
    }

    /// Invalidates every token ("log out all"); returns how many there were. The next call
    /// with an old token answers 401.
    pub fn revoke_all_tokens(&self) -> usize {
        let mut data = self.inner.shared.lock();
        let count = data.tokens.len();
        data.tokens.clear();
        count
    }

    /// Answers the next API call (login excluded) with `answer`; queued in order.
    pub fn fail_next(&self, answer: CannedAnswer) {
        self.inner.shared.lock().faults.push_back(state::Fault {
            status: answer.status,
            content_type: answer.content_type,
            headers: answer.headers,
            body: answer.body,
        });
    }

    /// Requests served for a route key of [`ROUTES`] ([`Route::key`], e.g.
    /// `PUT crm/case/{caseid}/access`), or `login` for the login route; failed ones included.
    pub fn request_count(&self, route: &str) -> u64 {
        self.inner
            .shared
            .lock()
            .counters
            .get(route)
            .copied()
            .unwrap_or(0)
    }

    /// Logins attempted.
    pub fn login_count(&self) -> u64 {
        self.request_count(entry::LOGIN)
    }

    /// Every request received under `/api/2.0/`, including unrouted ones.
    pub fn total_requests(&self) -> u64 {
        self.inner.shared.lock().total
    }

    /// Number of cases that exist.
    pub fn case_count(&self) -> usize {
        self.inner.shared.lock().cases.len()
    }

    /// Stops accepting connections, lets in-flight requests finish (at most 5 s) and waits
    /// for the server task.
    pub async fn shutdown(&self) {
        self.inner.server.stop().await;
    }
}
