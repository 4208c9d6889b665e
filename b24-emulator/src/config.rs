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
}
