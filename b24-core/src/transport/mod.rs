//! HTTP plumbing shared by the Bitrix24 and the R7 clients: client construction (TLS,
//! timeouts, no automatic redirects), the capped body reader, the https-or-loopback rule for
//! portal addresses, and excerpts of bodies for error reports.
//!
//! Nothing here knows an API: each client maps a [`Failure`] into its own error type, naming
//! the method or route it was calling.

mod body;
mod secure;
mod tls;

use std::time::Duration;

pub(crate) use body::excerpt;
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
}

impl Options {
    /// Builds the client, sending `user_agent`, with `default_timeout` unless one was set; the
    /// error describes a configuration that cannot work.
    pub fn build(
        &self,
        user_agent: &'static str,
        default_timeout: Duration,
    ) -> Result<Http, String> {
        let tls = tls::client_config(&self.root_certificates)?;
        let client = reqwest::Client::builder()
            .tls_backend_preconfigured(tls)
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(CONNECT_TIMEOUT)
            .timeout(self.timeout.unwrap_or(default_timeout))
            .user_agent(user_agent)
            .build()
            .map_err(|error| error.without_url().to_string())?;
        Ok(Http {
            client,
            max_response: self.max_response.unwrap_or(DEFAULT_MAX_RESPONSE),
        })
    }
}

/// The builder methods for [`Options`], in a builder with an `http: Options` field; the
/// argument documents the timeout's default.
macro_rules! http_settings {
    ($timeout_doc:literal) => {
        #[doc = $timeout_doc]
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
    };
}

pub(crate) use http_settings;

/// Gives an API's error type `exchange(subject, failure)`, the error for an exchange that
/// produced no answer; its `Transport` and `ResponseTooLarge` variants name the call in the
/// field `$subject`.
macro_rules! failure_into {
    ($error:ident, $subject:ident) => {
        impl $error {
            /// The error for an exchange that produced no answer.
            pub(crate) fn exchange($subject: &str, failure: $crate::transport::Failure) -> Self {
                let $subject = $subject.to_owned();
                match failure {
                    $crate::transport::Failure::Transport(source) => {
                        $error::Transport { $subject, source }
                    }
                    $crate::transport::Failure::TooLarge { limit } => {
                        $error::ResponseTooLarge { $subject, limit }
                    }
                }
            }
        }
    };
}

pub(crate) use failure_into;

/// An HTTP client with b24's TLS setup, timeouts and body limit. Redirects are returned, not
/// followed: whether a move is followed, and with which credentials, is the caller's decision.
#[derive(Clone)]
pub(crate) struct Http {
    client: reqwest::Client,
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
    /// The request could not be sent or the answer not be read; the URL is removed from the
    /// error, as it may hold a webhook code.
    Transport(reqwest::Error),
    /// The answer is larger than the configured limit.
    TooLarge {
        /// The limit in bytes.
        limit: usize,
    },
}

impl Http {
    /// Starts a request.
    pub fn request(
        &self,
        method: reqwest::Method,
        url: impl reqwest::IntoUrl,
    ) -> reqwest::RequestBuilder {
        self.client.request(method, url)
    }

    /// The largest answer accepted, in bytes; decoders hold answers' JSON trees to it too.
    pub fn max_response(&self) -> usize {
        self.max_response
    }

    /// Sends a request and reads the whole answer, refusing bodies above the limit.
    pub async fn send(&self, request: reqwest::RequestBuilder) -> Result<Received, Failure> {
        let response = request.send().await.map_err(Failure::transport)?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = body::read_capped(response, self.max_response).await?;
        tracing::debug!(status, bytes = body.len(), "answer received");
        Ok(Received {
            status,
            headers,
            body,
        })
    }
}

impl Failure {
    fn transport(error: reqwest::Error) -> Failure {
        Failure::Transport(error.without_url())
    }
}

/// Whether a transport error may pass when the request is repeated later: the connection
/// could not be opened, or the exchange timed out.
pub(crate) fn is_transient(error: &reqwest::Error) -> bool {
    error.is_timeout() || error.is_connect()
}
