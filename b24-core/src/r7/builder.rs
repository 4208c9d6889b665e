//! [`ClientBuilder`]: portal, credentials and HTTP settings of an R7 [`Client`].

use std::fmt;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use secrecy::SecretString;

use super::client::{AuthScheme, Client, Inner, MAX_PAGE_SIZE};
use super::error::Error;
use super::session::{Credentials, Session};
use crate::transport;

/// Total time of one exchange unless configured.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);

/// Configures a [`Client`].
#[derive(Default)]
pub struct ClientBuilder {
    portal: Option<String>,
    credentials: Option<Credentials>,
    token: Option<SecretString>,
    scheme: AuthScheme,
    page_size: Option<u32>,
    http: transport::Options,
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("portal", &self.portal)
            .field(
                "credentials",
                &self.credentials.as_ref().map(|_| "[redacted]"),
            )
            .field("token", &self.token.as_ref().map(|_| "[redacted]"))
            .field("scheme", &self.scheme)
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// The portal root, e.g. `https://portal.example.com` (or one under a virtual directory,
    /// `https://example.com/office/`). Plain `http` is accepted only for loopback addresses.
    pub fn portal(mut self, portal: &str) -> Self {
        self.portal = Some(portal.to_owned());
        self
    }

    /// Logs in as `user` (login or email) with `password`, on the first call and again once
    /// whenever a call answers 401.
    pub fn credentials(mut self, user: &str, password: impl Into<String>) -> Self {
        self.credentials = Some(Credentials {
            user: user.to_owned(),
            password: SecretString::from(password.into()),
        });
        self
    }

    /// Starts with a token from an earlier login. Without [`credentials`](Self::credentials)
    /// a 401 is final.
    pub fn token(mut self, token: impl Into<String>) -> Self {
        self.token = Some(SecretString::from(token.into()));
        self
    }

    /// How the token is sent (default [`AuthScheme::Raw`]).
    pub fn auth_scheme(mut self, scheme: AuthScheme) -> Self {
        self.scheme = scheme;
        self
    }

    transport::http_settings!("Total time allowed for one HTTP exchange (default 120 s).");

    /// Items per request of [`Client::pages`] (default and maximum 1000).
    pub fn page_size(mut self, size: u32) -> Self {
        self.page_size = Some(size.clamp(1, MAX_PAGE_SIZE));
        self
    }

    /// Builds the client; nothing is sent until the first call.
    ///
    /// Installs rustls' process-wide crypto provider when the program has none (see
    /// [`install_crypto_provider`](crate::install_crypto_provider)).
    pub fn build(self) -> Result<Client, Error> {
        let portal = self
            .portal
            .ok_or_else(|| Error::Config(String::from("no portal address")))?;
        let base = transport::portal_root(&portal).map_err(Error::Config)?;
        if self.credentials.is_none() && self.token.is_none() {
            return Err(Error::Config(String::from(
                "no credentials: give a login and password, or a token",
            )));
        }
        let session = Session::with_token(self.scheme, self.token.as_ref())?;
        let http = self
            .http
            .build(
                concat!("b24-r7/", env!("CARGO_PKG_VERSION")),
                DEFAULT_TIMEOUT,
            )
            .map_err(Error::Config)?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base,
                credentials: self.credentials,
                session: RwLock::new(session),
                login_lock: tokio::sync::Mutex::new(()),
                scheme: self.scheme,
                page_size: self.page_size.unwrap_or(MAX_PAGE_SIZE),
            }),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_secrets() {
        let client = Client::builder()
            .portal("https://portal.example.com")
            .credentials("admin", "hunter2")
            .token("tok3n")
            .build()
            .unwrap();
        let shown = format!("{client:?}");
        assert!(
            !shown.contains("hunter2") && !shown.contains("tok3n"),
            "{shown}"
        );
    }

    #[test]
    fn tokens_must_be_header_values() {
        let error = Client::builder()
            .portal("https://portal.example.com")
            .token("line\nbreak")
            .build()
            .unwrap_err();
        assert!(matches!(error, Error::Config(_)), "{error}");
        assert!(!error.to_string().contains("break"), "{error}");
    }
}
