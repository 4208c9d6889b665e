//! Exit codes and the one error type every command returns.
//!
//! Scripts can trust the exit code: each failure is put in exactly one class, and the message
//! printed on stderr names the server's code when there is one
//! (`b24: CODE: description (HTTP n)`).

use std::fmt;
use std::process::ExitCode;

use b24_core::{Error, ErrorCode};

/// The exit-code table printed by `b24 --help`.
pub const EXIT_CODES_HELP: &str = "\
Exit codes:
  0    success (also when the reader of stdout goes away: a broken pipe ends quietly)
  1    the portal answered with an error, or the request failed
  2    usage: bad arguments, malformed -F values, unreadable input or journal, unknown method
  4    authentication: wrong or expired webhook/token, scope not granted
  5    the rate-limit or operating-time wait exceeded the retries / --max-wait
  6    a write's outcome is unknown (it may or may not have run; nothing was repeated)
  130  interrupted (Ctrl-C)";

/// The class of a failure, which decides the exit code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Class {
    /// An API error or a failed request (1).
    Api,
    /// Bad usage or local input (2).
    Usage,
    /// Authentication or authorisation (4).
    Auth,
    /// The rate-limit or operating-time wait was exceeded (5).
    RateLimit,
    /// The outcome of a write is unknown (6).
    UnknownOutcome,
    /// Interrupted by Ctrl-C (130).
    Interrupted,
    /// The reader of stdout went away: end quietly with success.
    BrokenPipe,
}

impl Class {
    /// The process exit code of this class.
    pub fn code(self) -> u8 {
        match self {
            Class::Api => 1,
            Class::Usage => 2,
            Class::Auth => 4,
            Class::RateLimit => 5,
            Class::UnknownOutcome => 6,
            Class::Interrupted => 130,
            Class::BrokenPipe => 0,
        }
    }
}

/// A failed command: its class and the message for stderr (never a secret).
#[derive(Debug)]
pub struct Failure {
    /// The class, deciding the exit code.
    pub class: Class,
    /// What to print after `b24: `.
    pub message: String,
}

impl Failure {
    /// A failure of `class` with `message`.
    pub fn new(class: Class, message: impl Into<String>) -> Self {
        Failure {
            class,
            message: message.into(),
        }
    }

    /// A usage error (exit code 2).
    pub fn usage(message: impl Into<String>) -> Self {
        Failure::new(Class::Usage, message)
    }

    /// A failed request or API error (exit code 1).
    pub fn api(message: impl Into<String>) -> Self {
        Failure::new(Class::Api, message)
    }

    /// Interrupted by Ctrl-C (exit code 130).
    pub fn interrupted() -> Self {
        Failure::new(Class::Interrupted, "interrupted")
    }

    /// Prints the message (unless the class is quiet) and returns the exit code.
    pub fn report(&self) -> ExitCode {
        if self.class != Class::BrokenPipe {
            eprintln!("b24: {}", self.message);
        }
        ExitCode::from(self.class.code())
    }
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

/// The class of an error code the portal sent.
pub fn class_of_code(code: &ErrorCode) -> Class {
    match code {
        ErrorCode::NoAuthFound
        | ErrorCode::InvalidCredentials
        | ErrorCode::InvalidRequest
        | ErrorCode::InsufficientScope
        | ErrorCode::ExpiredToken
        | ErrorCode::InvalidToken
        | ErrorCode::UserAccessError
        | ErrorCode::AuthorizationError
        | ErrorCode::ApplicationNotFound
        | ErrorCode::WrongAuthType
        | ErrorCode::MethodConfirmWaiting
        | ErrorCode::MethodConfirmDenied => Class::Auth,
        ErrorCode::QueryLimitExceeded | ErrorCode::OperationTimeLimit => Class::RateLimit,
        _ => Class::Api,
    }
}

/// `CODE: description (HTTP n)` for an API error; the error's own text otherwise.
pub fn describe(error: &Error) -> String {
    match error {
        Error::Api(api) => {
            let code = match api.code.as_str() {
                Some("") | None => api.code.to_string(),
                Some(code) => code.to_owned(),
            };
            let description = if api.description.is_empty() {
                format!("`{}` failed", api.method)
            } else {
                api.description.clone()
            };
            format!("{code}: {description} (HTTP {})", api.status)
        }
        Error::UnknownOutcome { method, reason } => {
            format!(
                "UNKNOWN_OUTCOME: `{method}` may or may not have run ({reason}); it was not repeated"
            )
        }
        other => other.to_string(),
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Self {
        let class = match &error {
            Error::Api(api) => class_of_code(&api.code),
            Error::ScopeNotGranted { .. } | Error::TokenRefresh { .. } => Class::Auth,
            Error::UnknownOutcome { .. } => Class::UnknownOutcome,
            Error::Config(_) | Error::UnknownMethod(_) | Error::Encode { .. } => Class::Usage,
            _ => Class::Api,
        };
        Failure::new(class, describe(&error))
    }
}

impl From<std::io::Error> for Failure {
    fn from(error: std::io::Error) -> Self {
        if error.kind() == std::io::ErrorKind::BrokenPipe {
            Failure::new(Class::BrokenPipe, "broken pipe")
        } else {
            Failure::api(format!("I/O error: {error}"))
        }
    }
}

/// What every command returns.
pub type Outcome = Result<(), Failure>;
