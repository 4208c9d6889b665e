//! Transport failures with a kind: what went wrong on the wire, whether the request may have
//! reached the server, and the cause, kept as the error's source.

use std::error::Error as StdError;
use std::fmt;
use std::io;

/// What went wrong on the wire.
///
/// A redirect is not a transport failure: the clients report moves as their own `Redirect`
/// and `PortalMoved` errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TransportKind {
    /// The connection could not be opened: refused, unreachable, the name did not resolve, or
    /// connecting took too long. The request was not sent.
    Connect,
    /// The TLS handshake failed: the server's certificate was rejected, or client and server
    /// have no protocol in common. The request was not sent, and repeating it cannot help.
    Tls,
    /// The exchange took longer than the client's timeout or the call's remaining deadline.
    Timeout,
    /// The connection was closed or reset before the answer arrived, after the request left.
    Reset,
    /// The answer's body could not be read to its end (cut short, badly encoded).
    Body,
    /// The request could not be built (a header the HTTP layer refuses); nothing was sent.
    Request,
}

/// A failure of the HTTP exchange itself: the request could not be sent or the answer could
/// not be read.
///
/// [`kind`](TransportError::kind) says what happened and
/// [`request_sent`](TransportError::request_sent) whether the server may have received the
/// request; the HTTP layer's error is kept as the [source](StdError::source), without the
/// request URL (which may hold a webhook code).
#[derive(Debug)]
pub struct TransportError {
    kind: TransportKind,
    sent: bool,
    detail: String,
    source: Option<reqwest::Error>,
}

impl TransportError {
    /// The failure `error` describes; its URL is removed first.
    pub(crate) fn from_reqwest(error: reqwest::Error) -> Self {
        let error = error.without_url();
        let causes = causes(&error);
        let tls = causes
            .iter()
            .any(|cause| cause.downcast_ref::<rustls::Error>().is_some());
        let (kind, sent) = if error.is_builder() {
            (TransportKind::Request, false)
        } else if error.is_timeout() {
            // A connect timeout happened before anything was sent.
            (TransportKind::Timeout, !error.is_connect())
        } else if error.is_connect() && tls {
            (TransportKind::Tls, false)
        } else if error.is_connect() {
            (TransportKind::Connect, false)
        } else if error.is_body() || error.is_decode() {
            (TransportKind::Body, true)
        } else {
            // The connection was open and the request on its way: it broke before the answer.
            (TransportKind::Reset, true)
        };
        let detail = causes.last().map(ToString::to_string).unwrap_or_default();
        TransportError {
            kind,
            sent,
            detail,
            source: Some(error),
        }
    }

    /// A timeout before the request left: the call's deadline had passed.
    pub(crate) fn deadline_passed() -> Self {
        TransportError {
            kind: TransportKind::Timeout,
            sent: false,
            detail: String::from("no time was left before sending the request"),
            source: None,
        }
    }

    /// What went wrong.
    pub fn kind(&self) -> TransportKind {
        self.kind
    }

    /// Whether the server may have received the request: false when the connection never
    /// opened, the TLS handshake failed, or the request could not be built.
    pub fn request_sent(&self) -> bool {
        self.sent
    }

    /// Whether the connection could not be opened (TLS failures not included).
    pub fn is_connect(&self) -> bool {
        self.kind == TransportKind::Connect
    }

    /// Whether the exchange, or opening the connection, timed out.
    pub fn is_timeout(&self) -> bool {
        self.kind == TransportKind::Timeout
    }

    /// Whether the connection was closed or reset before the answer.
    pub fn is_reset(&self) -> bool {
        self.kind == TransportKind::Reset
    }

    /// Whether the TLS handshake failed.
    pub fn is_tls(&self) -> bool {
        self.kind == TransportKind::Tls
    }

    /// Whether repeating the request later may succeed: connections that did not open,
    /// timeouts, resets and cut bodies; never TLS failures or requests that cannot be built.
    pub fn is_transient(&self) -> bool {
        !matches!(self.kind, TransportKind::Tls | TransportKind::Request)
    }

    /// Whether the connection was actively refused (nothing listens on the port).
    fn is_refused(&self) -> bool {
        self.source.as_ref().is_some_and(|source| {
            causes(source).iter().any(|cause| {
                cause
                    .downcast_ref::<io::Error>()
                    .is_some_and(|io| io.kind() == io::ErrorKind::ConnectionRefused)
            })
        })
    }

    /// A short description of what happened, distinguishing the cases a user acts on.
    fn headline(&self) -> &'static str {
        match self.kind {
            TransportKind::Connect if self.is_refused() => "connection refused",
            TransportKind::Connect => "could not connect",
            TransportKind::Tls => "TLS handshake failed",
            TransportKind::Timeout if self.sent => "timed out waiting for the answer",
            TransportKind::Timeout => "timed out before the request was sent",
            TransportKind::Reset => "connection closed or reset before the answer",
            TransportKind::Body => "the answer's body could not be read",
            TransportKind::Request => "the request could not be built",
        }
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.headline())?;
        if !self.detail.is_empty() {
            write!(f, ": {}", self.detail)?;
        }
        Ok(())
    }
}

impl StdError for TransportError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        self.source
            .as_ref()
            .map(|source| source as &(dyn StdError + 'static))
    }
}

/// The error and every cause below it, looking inside I/O errors too: an `io::Error`'s own
/// `source` skips the error it wraps (where rustls puts its certificate errors).
fn causes<'a>(error: &'a (dyn StdError + 'static)) -> Vec<&'a (dyn StdError + 'static)> {
    /// Far deeper than any real chain; stops a cycle from looping.
    const MAX_DEPTH: usize = 32;
    let mut found = Vec::new();
    let mut next = Some(error);
    while let Some(cause) = next
        && found.len() < MAX_DEPTH
    {
        found.push(cause);
        next = match cause
            .downcast_ref::<io::Error>()
            .and_then(io::Error::get_ref)
        {
            Some(inner) => Some(inner as &(dyn StdError + 'static)),
            None => cause.source(),
        };
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn causes_look_inside_io_errors() {
        let tls = io::Error::other(io::Error::new(
            io::ErrorKind::InvalidData,
            rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer),
        ));
        let found = causes(&tls);
        assert_eq!(found.len(), 3);
        assert!(found[2].downcast_ref::<rustls::Error>().is_some());
    }

    #[test]
    fn a_deadline_that_passed_before_sending_is_a_timeout_that_sent_nothing() {
        let error = TransportError::deadline_passed();
        assert!(error.is_timeout() && !error.request_sent() && error.is_transient());
        assert!(error.source().is_none());
        assert_eq!(
            error.to_string(),
            "timed out before the request was sent: no time was left before sending the request"
        );
    }
}
