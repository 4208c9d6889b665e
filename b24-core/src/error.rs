//! Errors of the runtime: what the server said, what the transport did, what did not decode.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Deserializer};

use crate::retry;
pub use crate::transport::RedirectProblem;
use crate::transport::{self, Secrets, TransportError};

/// Everything that can go wrong when calling a Bitrix24 method.
///
/// # Did it run?
///
/// One rule holds for single calls and for the commands of a batch alike:
///
/// * a write that failed after its request left (the answer was too large, could not be
///   decoded or was cut, the connection broke, the exchange timed out, the server failed
///   without saying why) is reported as [`Error::UnknownOutcome`]: it may have run, and the
///   client does not repeat it;
/// * a call is reported as not run ([`Error::NotExecuted`] in a batch) only when the server
///   said so or nothing was sent;
/// * an error answer with a code ([`Error::Api`]) is the server's own verdict.
///
/// Read-only calls are repeated after such failures instead, within the retry policy and the
/// call's deadline. Texts inside these errors never hold the client's webhook code or access
/// token: answers that echo them are scrubbed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with an error envelope, or with an error status and a body that is
    /// not JSON (an HTML error page).
    #[error(transparent)]
    Api(#[from] Box<ApiError>),
    /// A REST 3.0 method's error answer (`{"error": {"code", "message", "validation"}}`),
    /// or an answer of another shape from `/rest/api/` (an HTML page).
    #[error(transparent)]
    V3(#[from] Box<crate::v3::V3Error>),
    /// The request could not be sent or the answer could not be read; see
    /// [`TransportError::kind`] for what happened.
    #[error("transport error calling `{method}`: {source}")]
    Transport {
        /// The method being called.
        method: String,
        /// The cause; it never contains the request URL, which may hold a webhook code.
        #[source]
        source: TransportError,
    },
    /// A successful answer is not JSON at all: it was cut short (a dropped connection, a
    /// proxy's limit) or garbled. The call ran and its answer is lost; read-only calls are
    /// retried, writes become [`Error::UnknownOutcome`].
    #[error("the answer of `{method}` is not JSON (cut short or garbled): {message}")]
    MalformedAnswer {
        /// The method whose answer was lost.
        method: String,
        /// What the JSON reader said.
        message: String,
        /// The start of the body, for diagnosis (at most 4 KiB).
        body: String,
    },
    /// The answer is JSON but does not have the shape the method's types expect. For a write
    /// this is the reason of an [`Error::UnknownOutcome`].
    #[error("cannot decode the response of `{method}` at `{path}`: {message}")]
    Decode {
        /// The method whose response failed to decode.
        method: String,
        /// The JSON path that failed, from the envelope root (e.g. `result.automatedSolution.id`).
        path: String,
        /// What the decoder said.
        message: String,
        /// The start of the body, for diagnosis (at most 4 KiB).
        body: String,
    },
    /// The request could not be serialised.
    #[error("cannot encode the parameters of `{method}`: {source}")]
    Encode {
        /// The method being called.
        method: String,
        /// The serialiser's error.
        #[source]
        source: serde_json::Error,
    },
    /// The client knows its granted scopes and the method needs another one; nothing was sent.
    #[error(
        "`{method}` needs scope `{required}`, which this client was not granted; no request was sent"
    )]
    ScopeNotGranted {
        /// The refused method.
        method: String,
        /// The scope it needs.
        required: crate::Scope,
    },
    /// The answer of a read was larger than the client's configured limit. For a write this
    /// is the reason of an [`Error::UnknownOutcome`]: the write ran, or may have.
    #[error("the response of `{method}` exceeds the {limit}-byte limit")]
    ResponseTooLarge {
        /// The method being called.
        method: String,
        /// The configured limit in bytes.
        limit: usize,
    },
    /// The portal answered with a redirect the client does not follow.
    #[error("`{method}`: {problem}")]
    Redirect {
        /// The method being called.
        method: String,
        /// What is wrong with the redirect.
        problem: RedirectProblem,
    },
    /// The portal redirected to another origin (host, port or scheme). The client does not
    /// follow: the request carries the webhook code or the access token. Nothing ran at the
    /// new address; build a client for it if you trust it.
    #[error(
        "`{method}`: the portal moved to {location}; the request was not repeated there, as it \
         carries credentials"
    )]
    PortalMoved {
        /// The method being called.
        method: String,
        /// The new address, with the client's secrets replaced by `[redacted]`.
        location: String,
    },
    /// The client was configured in a way that cannot work (plain http to a remote portal, a
    /// malformed webhook URL, no credentials, an unreadable root certificate, ...).
    #[error("invalid configuration: {0}")]
    Config(String),
    /// The call did not complete within its deadline
    /// ([`ClientBuilder::deadline`](crate::ClientBuilder::deadline)), retries and waits
    /// included. A write whose request had left becomes an [`Error::UnknownOutcome`] with
    /// this as its reason instead.
    #[error("`{method}` did not complete within its deadline of {} s", .limit.as_secs_f64())]
    Deadline {
        /// The method called.
        method: String,
        /// The deadline.
        limit: Duration,
        /// The failure of the last attempt, if one was made.
        #[source]
        last: Option<Cause>,
    },
    /// The access token expired and the token source could not renew it.
    #[error("`{method}`: the access token expired and refreshing it failed: {source}")]
    TokenRefresh {
        /// The method whose call needed the new token.
        method: String,
        /// What the token source reported.
        #[source]
        source: Cause,
    },
    /// A write failed after its request left (see "Did it run?" above): it may or may not
    /// have run, so it was not repeated. The reason keeps the cause.
    #[error("`{method}` may or may not have run: {reason}")]
    UnknownOutcome {
        /// The method called.
        method: String,
        /// What went wrong, with its own source chain.
        #[source]
        reason: Cause,
    },
    /// A batch command was not executed: the server said so (an earlier command failed with
    /// `halt`, the whole batch was refused) or its request was never sent.
    #[error("`{method}` was not executed{}", Cause::suffix(.cause))]
    NotExecuted {
        /// The method of the command.
        method: String,
        /// Why, when known: the refusal of the batch, the failure that kept its request from
        /// being sent, or the command that stopped a halting batch.
        #[source]
        cause: Option<Cause>,
    },
    /// A batch command's reference cannot be used: it points at a command that is not an
    /// earlier one of the same batch, or it cannot be placed at the given parameter path.
    #[error("`{method}`: {reason}")]
    BatchReference {
        /// The method of the command that holds the reference.
        method: String,
        /// What is wrong with the reference.
        reason: String,
    },
    /// A method given by name ([`Client::stream_raw`](crate::Client::stream_raw),
    /// [`ListSpec::from_registry`](crate::ListSpec::from_registry)) is not declared as a list
    /// method; a typed request that is not one does not compile with
    /// [`Client::stream`](crate::Client::stream).
    #[error("`{method}` is not a list method (declare it with `list` to stream it)")]
    NotAListMethod {
        /// The method given.
        method: String,
    },
    /// The method name is not in the [registry](crate::registry): no type linked into the
    /// program declares it.
    #[error(
        "unknown method `{0}`: no type linked into this program declares it; a crate of methods \
         that the program never names is not linked: add `use b24_methods as _;`"
    )]
    UnknownMethod(String),
    /// A [`TokenSource`](crate::TokenSource)'s own failure while renewing the access token
    /// (the OAuth server refused the refresh and the account needs re-authorisation, or the
    /// place the tokens are kept failed); the client reports it inside
    /// [`Error::TokenRefresh`]. The source's typed error is the
    /// [`source`](std::error::Error::source), for the token source's crate to downcast.
    #[error("the token source failed: {0}")]
    TokenSource(#[source] Box<dyn std::error::Error + Send + Sync + 'static>),
    /// A method name given at run time is not a method name (dot-separated ASCII letters,
    /// digits and `_`): placed in a `batch` command it would change the command.
    #[error("`{method}` is not a method name (ASCII letters, digits, `_` and `.`)")]
    InvalidMethodName {
        /// The name given.
        method: String,
    },
}

/// The error behind another one (the reason of an unknown outcome, the cause of a command
/// that was not executed): shared, so that batch results stay cheap to clone.
///
/// It displays as the error it holds and continues that error's source chain.
#[derive(Clone, Debug)]
pub struct Cause(Arc<Error>);

impl Cause {
    /// Wraps an error.
    pub fn new(error: Error) -> Self {
        Cause(Arc::new(error))
    }

    /// The error itself.
    pub fn error(&self) -> &Error {
        &self.0
    }

    /// `": cause"`, or nothing.
    fn suffix(cause: &Option<Cause>) -> String {
        cause
            .as_ref()
            .map(|cause| format!(": {cause}"))
            .unwrap_or_default()
    }
}

impl fmt::Display for Cause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for Cause {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

impl From<Error> for Cause {
    fn from(error: Error) -> Self {
        Cause::new(error)
    }
}

transport::failure_into!(Error, method);

impl Error {
    /// Whether repeating the same request later may succeed: rate limits, operating-time limits,
    /// server-side failures, lost answers and transport failures. The client's own retries
    /// follow the same rule.
    ///
    /// Whether it is *safe* to repeat is a separate question for writes: see
    /// [`MethodMeta::read_only`](crate::MethodMeta::read_only).
    pub fn is_retryable(&self) -> bool {
        retry::classify(self).may_heal()
    }

    /// The error code the server sent, if this is an API error.
    pub fn code(&self) -> Option<&ErrorCode> {
        match self {
            Error::Api(api) => Some(&api.code),
            _ => None,
        }
    }

    /// The HTTP status of the answer, if one was received.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(api) => Some(api.status),
            Error::V3(api) => Some(api.status),
            _ => None,
        }
    }

    /// The error this one wraps: the reason of an unknown outcome, the cause of a command
    /// that was not executed, the last attempt before a deadline, a failed token refresh.
    pub fn cause(&self) -> Option<&Error> {
        self.wrapped().map(Cause::error)
    }

    /// The transport failure behind this error, looking through wrapped errors.
    pub fn transport(&self) -> Option<&TransportError> {
        match self {
            Error::Transport { source, .. } => Some(source),
            _ => self.cause().and_then(Error::transport),
        }
    }

    /// Whether the call ran out of time: its deadline passed, or an exchange timed out (also
    /// behind an unknown outcome or a command that was not executed).
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Deadline { .. })
            || self.transport().is_some_and(TransportError::is_timeout)
            || self.cause().is_some_and(Error::is_timeout)
    }

    /// Whether the connection to the portal could not be opened: nothing was sent.
    pub fn is_connect(&self) -> bool {
        self.transport().is_some_and(TransportError::is_connect)
    }

    fn wrapped(&self) -> Option<&Cause> {
        match self {
            Error::UnknownOutcome { reason: cause, .. }
            | Error::TokenRefresh { source: cause, .. }
            | Error::NotExecuted {
                cause: Some(cause), ..
            }
            | Error::Deadline {
                last: Some(cause), ..
            } => Some(cause),
            _ => None,
        }
    }

    /// Removes `secrets` from every text the error holds that came from the server or quotes
    /// its answer. Wrapped errors are left as they are: the client scrubs each error before
    /// it wraps it.
    pub(crate) fn scrubbed(mut self, secrets: &Secrets) -> Self {
        match &mut self {
            Error::Api(api) => api.scrub(secrets),
            Error::V3(api) => api.scrub(secrets),
            Error::MalformedAnswer { message, body, .. } => secrets.scrub_all([message, body]),
            Error::Decode {
                path,
                message,
                body,
                ..
            } => secrets.scrub_all([path, message, body]),
            Error::PortalMoved { location: text, .. } | Error::Config(text) => secrets.scrub(text),
            _ => {}
        }
        self
    }
}

/// An error answer from the server.
///
/// Classify it by [`code`](ApiError::code), never by [`status`](ApiError::status): the same code
/// comes with different statuses across server versions.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiError {
    /// The method that failed.
    pub method: String,
    /// The `error` code of the envelope.
    pub code: ErrorCode,
    /// The HTTP status, kept apart from the code.
    pub status: u16,
    /// The `error_description` text (empty when the server sent none).
    pub description: String,
    /// The body, when it was not a JSON error envelope (an HTML error page), at most 4 KiB.
    pub raw_body: Option<String>,
}

impl ApiError {
    /// Whether repeating the request later may succeed.
    pub fn is_retryable(&self) -> bool {
        retry::classify_api(self).may_heal()
    }

    /// Removes `secrets` from the server's texts.
    pub(crate) fn scrub(&mut self, secrets: &Secrets) {
        secrets.scrub_all(self.raw_body.iter_mut().chain([&mut self.description]));
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        FailureLine {
            subject: &self.method,
            reason: &self.code,
            status: self.status,
            detail: &self.description,
        }
        .fmt(f)
    }
}

/// The one-line report of an error answer, alike for both APIs:
/// ``"`subject` failed with reason (HTTP status): detail"``.
pub(crate) struct FailureLine<'a> {
    /// The method or route that failed.
    pub subject: &'a str,
    /// How the answer was classified.
    pub reason: &'a dyn fmt::Display,
    /// The HTTP status.
    pub status: u16,
    /// The server's text; left out when empty.
    pub detail: &'a str,
}

impl fmt::Display for FailureLine<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` failed with {} (HTTP {})",
            self.subject, self.reason, self.status
        )?;
        if !self.detail.is_empty() {
            write!(f, ": {}", self.detail)?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// An `error` code exactly as the server sent it, when it is not one of the known codes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum RawCode {
    /// A string code; empty when the server sent `"error": ""` (`crm.deal.list` does).
    Text(String),
    /// An integer code (D7 controllers send `0`, `100`, `200040300010`, ...).
    Number(i64),
    /// The answer carried no code at all: its body was not a JSON error envelope.
    Absent,
}

impl fmt::Display for RawCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RawCode::Text(text) if text.is_empty() => f.write_str("an empty error code"),
            RawCode::Text(text) => f.write_str(text),
            RawCode::Number(number) => write!(f, "{number}"),
            RawCode::Absent => f.write_str("a response without an error code"),
        }
    }
}

macro_rules! error_codes {
    ($($(#[$doc:meta])* $variant:ident = $wire:literal,)*) => {
        /// The `error` code of a Bitrix24 error answer.
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $($(#[$doc])* $variant,)*
            /// A code this SDK does not list, kept as sent.
            Other(RawCode),
        }

        impl ErrorCode {
            /// The code's wire string, or `None` for an integer or absent code.
            pub fn as_str(&self) -> Option<&str> {
                match self {
                    $(ErrorCode::$variant => Some($wire),)*
                    ErrorCode::Other(RawCode::Text(text)) => Some(text),
                    ErrorCode::Other(_) => None,
                }
            }
        }

        impl From<&str> for ErrorCode {
            fn from(code: &str) -> Self {
                match code {
                    $($wire => ErrorCode::$variant,)*
                    other => ErrorCode::Other(RawCode::Text(other.to_owned())),
                }
            }
        }
    };
}

error_codes! {
    /// The method waits for an administrator's confirmation (401).
    MethodConfirmWaiting = "METHOD_CONFIRM_WAITING",
    /// An administrator denied the method for this token (403).
    MethodConfirmDenied = "METHOD_CONFIRM_DENIED",
    /// A parameter has the wrong format.
    InvalidFormat = "INVALID_FORMAT",
    /// Not enough rights, or REST is not available on the plan.
    AccessDenied = "ACCESS_DENIED",
    /// A quantity limit of the plan was reached.
    LimitExceeded = "LIMIT_EXCEEDED",
    /// A required field is empty.
    BxEmptyRequired = "BX_EMPTY_REQUIRED",
    /// Internal server error.
    InternalServerError = "INTERNAL_SERVER_ERROR",
    /// The server returned an unexpected response.
    ErrorUnexpectedAnswer = "ERROR_UNEXPECTED_ANSWER",
    /// Too many requests: the portal's leaky bucket is full (503).
    QueryLimitExceeded = "QUERY_LIMIT_EXCEEDED",
    /// The method used up its operating-time budget (429).
    OperationTimeLimit = "OPERATION_TIME_LIMIT",
    /// The method may not run inside `batch`.
    ErrorBatchMethodNotAllowed = "ERROR_BATCH_METHOD_NOT_ALLOWED",
    /// More than 50 commands in one `batch`.
    ErrorBatchLengthExceeded = "ERROR_BATCH_LENGTH_EXCEEDED",
    /// Wrong or missing access token or webhook code.
    NoAuthFound = "NO_AUTH_FOUND",
    /// The request is malformed (a webhook over plain http: "Https required").
    InvalidRequest = "INVALID_REQUEST",
    /// REST is manually blocked for this webhook or app.
    OverloadLimit = "OVERLOAD_LIMIT",
    /// The webhook's user or code is wrong.
    InvalidCredentials = "INVALID_CREDENTIALS",
    /// The configuration manifest is not available.
    ErrorManifestIsNotAvailable = "ERROR_MANIFEST_IS_NOT_AVAILABLE",
    /// The credential lacks the method's scope.
    InsufficientScope = "insufficient_scope",
    /// The OAuth access token expired; refresh it.
    ExpiredToken = "expired_token",
    /// The user has no access to the application.
    UserAccessError = "user_access_error",
    /// The portal was deleted or its public part is closed.
    PortalDeleted = "PORTAL_DELETED",
    /// No method with this name exists (checked before authentication).
    ErrorMethodNotFound = "ERROR_METHOD_NOT_FOUND",
    /// The method refuses this kind of credential (e.g. `event.*` with a webhook).
    WrongAuthType = "WRONG_AUTH_TYPE",
    /// The OAuth server rejected the token.
    InvalidToken = "invalid_token",
    /// The user could not be authorised.
    AuthorizationError = "authorization_error",
    /// The application is not installed or inactive.
    ApplicationNotFound = "APPLICATION_NOT_FOUND",
    /// The feature is not enabled on the portal's plan.
    WrongLicense = "WRONG_LICENSE",
    /// A bad argument; the server names it.
    ErrorArgument = "ERROR_ARGUMENT",
    /// A generic module error.
    ErrorCore = "ERROR_CORE",
    /// The requested object does not exist.
    NotFound = "NOT_FOUND",
    /// The server could not encode its answer.
    WrongEncoding = "WRONG_ENCODING",
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ErrorCode::Other(raw) => raw.fmt(f),
            known => f.write_str(known.as_str().unwrap_or_default()),
        }
    }
}

impl<'de> Deserialize<'de> for ErrorCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Wire {
            Text(String),
            Number(i64),
        }
        Ok(match Wire::deserialize(deserializer)? {
            Wire::Text(text) => ErrorCode::from(text.as_str()),
            Wire::Number(number) => ErrorCode::Other(RawCode::Number(number)),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_keep_their_wire_form() {
        let code: ErrorCode = serde_json::from_str("\"QUERY_LIMIT_EXCEEDED\"").unwrap();
        assert_eq!(code, ErrorCode::QueryLimitExceeded);
        let code: ErrorCode = serde_json::from_str("\"expired_token\"").unwrap();
        assert_eq!(code, ErrorCode::ExpiredToken);
        let code: ErrorCode = serde_json::from_str("200040300010").unwrap();
        assert_eq!(code, ErrorCode::Other(RawCode::Number(200040300010)));
        let code: ErrorCode = serde_json::from_str("\"\"").unwrap();
        assert_eq!(code, ErrorCode::Other(RawCode::Text(String::new())));
        let code: ErrorCode = serde_json::from_str("\"SOMETHING_NEW\"").unwrap();
        assert_eq!(code.as_str(), Some("SOMETHING_NEW"));
    }

    #[test]
    fn unknown_methods_hint_at_linking_the_crate_of_methods() {
        let shown = Error::UnknownMethod(String::from("crm.deal.add")).to_string();
        assert!(
            shown.starts_with("unknown method `crm.deal.add`: "),
            "{shown}"
        );
        assert!(shown.contains("add `use b24_methods as _;`"), "{shown}");
        assert!(!shown.contains("  "), "one line without gaps: {shown}");
    }

    #[test]
    fn retryable_by_code_not_status() {
        let error = |code: ErrorCode, status| ApiError {
            method: "x".into(),
            code,
            status,
            description: String::new(),
            raw_body: None,
        };
        assert!(error(ErrorCode::QueryLimitExceeded, 503).is_retryable());
        assert!(error(ErrorCode::OperationTimeLimit, 429).is_retryable());
        assert!(!error(ErrorCode::AccessDenied, 503).is_retryable());
        assert!(error(ErrorCode::Other(RawCode::Absent), 502).is_retryable());
        assert!(!error(ErrorCode::Other(RawCode::Absent), 404).is_retryable());
    }
}
