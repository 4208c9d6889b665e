//! HTTP plumbing shared by the Bitrix24 and the R7 clients: client construction (TLS,
//! timeouts, no automatic redirects), the capped body reader, the https-or-loopback rule for
//! portal addresses, and excerpts of bodies for error reports.
//!
//! Nothing here knows an API: each client maps a [`Failure`] into its own error type, naming
//! the method or route it was calling.

mod body;
mod error;
mod redirect;
mod scrub;
mod secure;
mod tls;

use std::time::{Duration, Instant};

use reqwest::header::HeaderValue;
use url::Url;

pub(crate) use body::excerpt;
pub use error::{TransportError, TransportKind};
pub use redirect::RedirectProblem;
pub(crate) use scrub::Secrets;
pub(crate) use secure::{portal_root, require_secure};
pub use tls::install_crypto_provider;

/// Largest answer accepted unless the client is configured otherwise.
const DEFAULT_MAX_RESPONSE: usize = 256 * 1024 * 1024;
/// Time allowed for opening a connection.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(15);

/// The HTTP settings a client builder collects; see [`http_settings!`].
#[derive(Clone, Debug, Default)]
pub(crate) struct Options {
    /// Total time allowed for one exchange, reading the answer included.
    pub timeout: Option<Duration>,
    /// Largest answer body accepted, in bytes.
    pub max_response: Option<usize>,
    /// Extra trusted root certificates, PEM.
    pub root_certificates: Vec<Vec<u8>>,
    /// The local address connections leave from, when set.
    pub local_address: Option<std::net::IpAddr>,
}

impl Options {
    /// Builds the client, sending `user_agent`, with `default_timeout` unless one was set; the
    /// error describes a configuration that cannot work.
    pub fn build(
        &self,
        user_agent: &'static str,
        default_timeout: Duration,
    ) -> Result<Http, String> {
        if self.timeout.is_some_and(|timeout| timeout.is_zero()) {
            return Err(String::from(
                "the timeout must be longer than zero (a zero timeout fails every request)",
            ));
        }
        let tls = tls::client_config(&self.root_certificates)?;
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(CONNECT_TIMEOUT)
            .user_agent(user_agent)
            .local_address(self.local_address)
            .build()
            .map_err(|error| error.without_url().to_string())?;
        Ok(Http {
            client,
            timeout: self.timeout.unwrap_or(default_timeout),
            max_response: self.max_response.unwrap_or(DEFAULT_MAX_RESPONSE),
        })
    }
}

/// The builder methods for [`Options`], in a builder with an `http: Options` field; the
/// argument documents the timeout's default.
macro_rules! http_settings {
    ($timeout_doc:literal) => {
        #[doc = $timeout_doc]
        ///
        /// A zero timeout is refused by `build` with a configuration error.
        pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
            self.http.timeout = Some(timeout);
            self
        }

        /// Largest response body accepted, in bytes (default 256 MiB).
        pub fn max_response_bytes(mut self, limit: usize) -> Self {
            self.http.max_response = Some(limit);
            self
        }

        /// Trusts an extra root certificate (PEM), e.g. a self-hosted or local test portal's
        /// own CA.
        pub fn add_root_certificate_pem(mut self, pem: &[u8]) -> Self {
            self.http.root_certificates.push(pem.to_vec());
            self
        }

        /// Sends every request from this local address (a host with several addresses; the
        /// portal keeps one request bucket per source address).
        pub fn local_address(mut self, address: std::net::IpAddr) -> Self {
            self.http.local_address = Some(address);
            self
        }
    };
}

pub(crate) use http_settings;

/// Gives an API's error type `exchange(subject, failure)`, the error for an exchange that
/// produced no answer; its `Transport`, `ResponseTooLarge`, `Redirect` and `PortalMoved`
/// variants name the call in the field `$subject`.
macro_rules! failure_into {
    ($error:ident, $subject:ident) => {
        impl $error {
            /// The error for an exchange that produced no answer.
            pub(crate) fn exchange($subject: &str, failure: $crate::transport::Failure) -> Self {
                use $crate::transport::Failure;
                let $subject = $subject.to_owned();
                match failure {
                    Failure::Transport(source) => $error::Transport { $subject, source },
                    Failure::TooLarge { limit } => $error::ResponseTooLarge { $subject, limit },
                    Failure::Redirect(problem) => $error::Redirect { $subject, problem },
                    Failure::Moved { location } => $error::PortalMoved {
                        $subject,
                        location: location.into(),
                    },
                }
            }
        }
    };
}

pub(crate) use failure_into;

/// An HTTP client with b24's TLS setup, timeouts and body limit. Redirects within the same
/// origin are followed with the same request; a move to another origin is returned as
/// [`Failure::Moved`], never followed: the request carries credentials.
#[derive(Clone)]
pub(crate) struct Http {
    client: reqwest::Client,
    timeout: Duration,
    max_response: usize,
}

/// An answer read to its end.
pub(crate) struct Received {
    /// The HTTP status.
    pub status: u16,
    /// The response headers.
    pub headers: reqwest::header::HeaderMap,
    /// The whole body.
    pub body: Vec<u8>,
}

impl Received {
    /// A header as text, when present and visible ASCII.
    pub fn header(&self, name: reqwest::header::HeaderName) -> Option<&str> {
        self.headers.get(name).and_then(|value| value.to_str().ok())
    }
}

/// Why an exchange produced no answer.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The request could not be sent or the answer not be read.
    Transport(TransportError),
    /// The answer is larger than the configured limit.
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// A redirect that cannot be followed.
    Redirect(RedirectProblem),
    /// The portal moved to another origin; the request was not repeated there.
    Moved {
        /// The new address.
        location: Url,
    },
}

impl From<reqwest::Error> for Failure {
    fn from(error: reqwest::Error) -> Self {
        Failure::Transport(TransportError::from_reqwest(error))
    }
}

impl Http {
    /// Starts a request.
    pub fn request(&self, method: reqwest::Method, url: Url) -> reqwest::RequestBuilder {
        self.client.request(method, url)
    }

    /// The largest answer accepted, in bytes; decoders hold answers' JSON trees to it too.
    pub fn max_response(&self) -> usize {
        self.max_response
    }

    /// Sends the request `build` makes for `url` and reads the whole answer, refusing bodies
    /// above the limit and following redirects within the same origin (with a request built
    /// anew for the new address). Each exchange gets the client's timeout, cut to what is
    /// left before `deadline`.
    pub async fn send(
        &self,
        mut url: Url,
        deadline: Option<Instant>,
        build: impl Fn(Url) -> reqwest::RequestBuilder,
    ) -> Result<Received, Failure> {
        for _ in 0..=redirect::MAX_REDIRECTS {
            let timeout = match deadline {
                Some(deadline) => deadline.saturating_duration_since(Instant::now()),
                None => self.timeout,
            }
            .min(self.timeout);
            if timeout.is_zero() {
                return Err(Failure::Transport(TransportError::deadline_passed()));
            }
            let response = build(url.clone()).timeout(timeout).send().await?;
            let status = response.status().as_u16();
            if redirect::is_redirect(status) {
                let location = response
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|value| value.to_str().ok());
                match redirect::target(&url, location).map_err(Failure::Redirect)? {
                    redirect::Move::Follow(next) => {
                        tracing::debug!(status, "moved within the portal; repeating the request");
                        url = next;
                        continue;
                    }
                    redirect::Move::Away(location) => return Err(Failure::Moved { location }),
                }
            }
            let headers = response.headers().clone();
            let body = body::read_capped(response, self.max_response).await?;
            tracing::debug!(status, bytes = body.len(), "answer received");
            return Ok(Received {
                status,
                headers,
                body,
            });
        }
        Err(Failure::Redirect(RedirectProblem::TooMany {
            limit: redirect::MAX_REDIRECTS,
        }))
    }
}

/// `text` as a sensitive header value (kept out of the HTTP layer's debug output); `None`
/// when it cannot be one (a line break or another control character).
pub(crate) fn secret_header(text: &str) -> Option<HeaderValue> {
    let mut value = HeaderValue::from_str(text).ok()?;
    value.set_sensitive(true);
    Some(value)
}
