//! Settings chosen with the builder, fixed for the emulator's lifetime.

use crate::faults::FaultConfig;
use crate::limits::RateLimit;

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

/// Immutable settings chosen with the builder.
#[derive(Debug, Clone)]
pub struct Config {
    /// Scopes of the default webhook.
    pub scopes: Vec<String>,
    /// Maximum number of automated solutions (`LIMIT_EXCEEDED` beyond).
    pub automated_solution_limit: usize,
    /// Whether webhooks over plain HTTP get `INVALID_REQUEST`.
    pub require_https_for_webhooks: bool,
    /// HTTP statuses of auth-stage errors.
    pub auth_status_mode: AuthStatusMode,
    /// Maximum accepted request body, bytes; also the most a `batch` may grow by its
    /// references.
    pub max_body_bytes: usize,
    /// PHP's `max_input_vars`: variables per query string, form body or `batch` command.
    pub max_input_vars: usize,
    /// Speed of the portal clock (1 = real time, 0 = manual).
    pub clock_scale: f64,
    /// Initial request-intensity limit.
    pub rate_limit: RateLimit,
    /// Initial operating-time budget per 10 minutes (`None` = not enforced).
    pub operating_limit: Option<f64>,
    /// Initial fault settings.
    pub faults: FaultConfig,
    /// Applications registered from the start (kept across resets).
    pub apps: Vec<AppSettings>,
}

/// A registered application (local or marketplace) that the portal's OAuth server knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppSettings {
    /// `client_id` (for a local application `local.…`); also the application's `CODE`.
    pub client_id: String,
    /// `client_secret`, sent only to `/oauth/token/`.
    pub client_secret: String,
    /// Scopes the application asks for.
    pub scopes: Vec<String>,
    /// Handler URL: the installation POST, `ONAPPINSTALL`/`ONAPPUNINSTALL`, the OAuth
    /// `redirect_uri`, placements (loopback only; `None` = no handler).
    pub handler: Option<String>,
    /// Whether the application has a user interface: installed only after `installFinish`.
    pub has_ui: bool,
}

impl AppSettings {
    /// An application without a user interface and without a handler.
    pub fn new(
        client_id: impl Into<String>,
        client_secret: impl Into<String>,
        scopes: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        AppSettings {
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            scopes: scopes.into_iter().map(Into::into).collect(),
            handler: None,
            has_ui: false,
        }
    }

    /// Sets the handler URL.
    pub fn handler(mut self, url: impl Into<String>) -> Self {
        self.handler = Some(url.into());
        self
    }

    /// Marks the application as one with a user interface (it needs `installFinish`).
    pub fn with_ui(mut self) -> Self {
        self.has_ui = true;
        self
    }
}
