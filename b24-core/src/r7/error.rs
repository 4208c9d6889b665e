//! Errors of the R7 client, shaped like the R7 wire: HTTP status plus a free-text message.

use std::fmt;
use std::time::Duration;

use crate::error::FailureLine;
use crate::transport::{self, RedirectProblem, Secrets, TransportError};

/// Everything that can go wrong when calling an R7-Office route.
///
/// No variant ever holds the password or the session token: texts that come from the server
/// (error pages, messages, decode errors, a new address) are scrubbed of them.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server answered with an error: an error envelope, or an error status with a body
    /// that is not one (plain-text 401, HTML 404/502 pages).
    #[error(transparent)]
    Api(#[from] Box<ApiError>),
    /// Logging in needs a second factor this client cannot supply.
    #[error("login needs a second factor ({0}); log in with a token instead")]
    SecondFactor(SecondFactor),
    /// The request could not be sent or the answer could not be read; see
    /// [`TransportError::kind`] for what happened.
    #[error("transport error calling `{route}`: {source}")]
    Transport {
        /// The route being called, as `VERB template`.
        route: String,
        /// The cause, without the URL.
        #[source]
        source: TransportError,
    },
    /// The answer was received but does not have the shape the route's types expect.
    #[error("cannot decode the response of `{route}` at `{path}`: {message}")]
    Decode {
        /// The route whose response failed to decode.
        route: String,
        /// Where decoding failed, from the envelope root (e.g. `response.createBy.id`).
        path: String,
        /// What the decoder said.
        message: String,
        /// The start of the body, for diagnosis (at most 4 KiB).
        body: String,
    },
    /// The request could not be laid out (a path parameter missing or not a scalar, a
    /// request that does not serialise to a struct).
    #[error("cannot encode the parameters of `{route}`: {message}")]
    Encode {
        /// The route being called.
        route: String,
        /// What went wrong.
        message: String,
    },
    /// The answer was larger than the client's configured limit.
    #[error("the response of `{route}` exceeds the {limit}-byte limit")]
    ResponseTooLarge {
        /// The route being called.
        route: String,
        /// The configured limit in bytes.
        limit: usize,
    },
    /// The portal answered with a redirect the client does not follow.
    #[error("`{route}`: {problem}")]
    Redirect {
        /// The route being called.
        route: String,
        /// What is wrong with the redirect.
        problem: RedirectProblem,
    },
    /// The portal redirected to another origin (host, port or scheme). The client does not
    /// follow: the request carries the session token or the password. Nothing ran at the new
    /// address; build a client for it if you trust it.
    #[error(
        "`{route}`: the portal moved to {location}; the request was not repeated there, as it \
         carries credentials"
    )]
    PortalMoved {
        /// The route being called.
        route: String,
        /// The new address, with the client's secrets replaced by `[redacted]`.
        location: String,
    },
    /// The client was configured in a way that cannot work (plain http to a remote portal,
    /// no credentials, a token that is not a valid header value, ...).
    #[error("invalid configuration: {0}")]
    Config(String),
}

transport::failure_into!(Error, route);

impl Error {
    /// The kind of server error, if this is one.
    pub fn kind(&self) -> Option<ErrorKind> {
        match self {
            Error::Api(api) => Some(api.kind),
            _ => None,
        }
    }

    /// The HTTP status of the answer, if one was received.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(api) => Some(api.status),
            _ => None,
        }
    }

    /// Whether repeating the request later may succeed: rate limits, unavailable or failing
    /// servers, and transport timeouts. Never true for a failed login.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(api) => api.is_retryable(),
            Error::Transport { source, .. } => source.is_transient(),
            _ => false,
        }
    }

    /// The transport failure behind this error, if any.
    pub fn transport(&self) -> Option<&TransportError> {
        match self {
            Error::Transport { source, .. } => Some(source),
            _ => None,
        }
    }

    /// Whether the exchange timed out.
    pub fn is_timeout(&self) -> bool {
        self.transport().is_some_and(TransportError::is_timeout)
    }

    /// Removes `secrets` from every text that came from the server or quotes its answer.
    pub(crate) fn scrubbed(mut self, secrets: &Secrets) -> Self {
        let texts: Vec<&mut String> = match &mut self {
            Error::Api(api) => api.raw_body.iter_mut().chain([&mut api.message]).collect(),
            Error::Decode {
                path,
                message,
                body,
                ..
            } => vec![path, message, body],
            Error::PortalMoved { location: text, .. }
            | Error::Config(text)
            | Error::Encode { message: text, .. } => vec![text],
            _ => Vec::new(),
        };
        secrets.scrub_all(texts);
        self
    }
}

/// How an error answer is classified: by HTTP status, as the server has no stable error codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// 400: a bad or missing parameter (`ArgumentException`, often "Value does not fall within
    /// the expected range.").
    BadRequest,
    /// 401: missing, invalid or expired token, after the one re-login.
    Unauthorized,
    /// The login itself failed: wrong credentials, too many attempts, IP restrictions
    /// (the server answers these with 500 or another status).
    LoginFailed,
    /// 402: the portal is not paid for or not active.
    PaymentRequired,
    /// 403: access denied (also `InvalidOperationException` on the server).
    Forbidden,
    /// 404: not found, or not readable by this user: CRM reads answer 404 for both. An HTML
    /// 404 page means no route matched (wrong verb or path).
    NotFound,
    /// 405: no route for this verb.
    MethodNotAllowed,
    /// 429 or 503 with `Retry-After`: too many requests.
    RateLimited,
    /// 502/503/504: the backend is down or the portal is being moved.
    Unavailable,
    /// 500 and other server failures.
    Server,
    /// Any other status, or `status: 1` on a 2xx answer.
    Other,
}

impl ErrorKind {
    /// The kind of an error answer with this HTTP status.
    pub fn from_status(status: u16) -> ErrorKind {
        match status {
            400 => ErrorKind::BadRequest,
            401 => ErrorKind::Unauthorized,
            402 => ErrorKind::PaymentRequired,
            403 => ErrorKind::Forbidden,
            404 => ErrorKind::NotFound,
            405 => ErrorKind::MethodNotAllowed,
            429 => ErrorKind::RateLimited,
            502..=504 => ErrorKind::Unavailable,
            500..=599 => ErrorKind::Server,
            _ => ErrorKind::Other,
        }
    }
}

/// An error answer from the server.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiError {
    /// The route that failed, as `VERB template` (`PUT api/2.0/crm/case/{caseid}/access`).
    pub route: String,
    /// The classification.
    pub kind: ErrorKind,
    /// The HTTP status.
    pub status: u16,
    /// How long to wait, from `Retry-After` (429/503): with the status, what the HTTP layer
    /// said; the fields below come from the body.
    pub retry_after: Option<Duration>,
    /// `error.message` of the envelope (empty when the body was not an envelope). For humans:
    /// it is the server's exception text, not a stable code.
    pub message: String,
    /// `error.hresult`, the .NET HRESULT; a hint only.
    pub hresult: Option<i64>,
    /// The body when it was not an error envelope (plain text, an HTML page), at most 4 KiB.
    pub raw_body: Option<String>,
}

impl ApiError {
    /// Whether repeating the request later may succeed.
    pub fn is_retryable(&self) -> bool {
        matches!(
            self.kind,
            ErrorKind::RateLimited | ErrorKind::Unavailable | ErrorKind::Server
        )
    }

    /// Whether the body was an error envelope rather than plain text or an HTML page.
    pub fn is_envelope(&self) -> bool {
        self.raw_body.is_none()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        FailureLine {
            subject: &self.route,
            reason: &format_args!("{:?}", self.kind),
            status: self.status,
            detail: &self.message,
        }
        .fmt(f)
    }
}

impl std::error::Error for ApiError {}

/// The second factor a login asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SecondFactor {
    /// A code was sent by SMS to the (masked) phone.
    Sms {
        /// The masked phone number, e.g. `+7 ••• ••• ••12`.
        phone_noise: Option<String>,
    },
    /// The user must first activate a phone (`api/2.0/authentication/setphone`).
    NeedsPhone,
    /// A code from an authenticator app (TOTP) is needed.
    Totp {
        /// Whether the app is not set up yet (the server sent a setup key, not kept here).
        setup: bool,
    },
}

impl fmt::Display for SecondFactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecondFactor::Sms { .. } => f.write_str("an SMS code"),
            SecondFactor::NeedsPhone => f.write_str("a phone to be activated first"),
            SecondFactor::Totp { .. } => f.write_str("an authenticator-app code"),
        }
    }
}
