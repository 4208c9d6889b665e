//! Credentials: incoming webhooks and OAuth access tokens.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use secrecy::{ExposeSecret, SecretString};
use url::Url;

use crate::error::Error;
use crate::transport;

/// An incoming webhook: `https://{portal}/rest/{user_id}/{code}/`.
///
/// The code is a password: it is kept in a [`SecretString`] and never shown by `Debug`,
/// `Display`, errors or logs.
#[derive(Clone)]
pub struct Webhook {
    base: Url,
    user: String,
    code: SecretString,
}

impl Webhook {
    /// A webhook of `user` (a user ID, or a login) with `code` on the portal at `portal`
    /// (e.g. `https://example.bitrix24.com`).
    ///
    /// Plain `http` is accepted only for loopback addresses.
    pub fn new(
        portal: &str,
        user: impl fmt::Display,
        code: impl Into<String>,
    ) -> Result<Self, Error> {
        let base = rest_base(portal)?;
        let user = user.to_string();
        let code = code.into();
        if user.is_empty()
            || !user
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-.@".contains(c))
        {
            return Err(Error::Config(String::from(
                "the webhook user must be a user ID or a login",
            )));
        }
        if code.is_empty() || !code.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(Error::Config(String::from(
                "the webhook code must be non-empty and alphanumeric",
            )));
        }
        Ok(Webhook {
            base,
            user,
            code: SecretString::from(code),
        })
    }

    /// Parses the URL Bitrix24 shows for a webhook, `https://{portal}/rest/{user_id}/{code}/`.
    pub fn from_url(url: &str) -> Result<Self, Error> {
        // The message must not repeat the URL: it holds the code.
        let malformed = || {
            Error::Config(String::from(
                "a webhook URL has the form https://{portal}/rest/{user_id}/{code}/",
            ))
        };
        let parsed = Url::parse(url).map_err(|_| malformed())?;
        let segments: Vec<&str> = parsed
            .path_segments()
            .ok_or_else(malformed)?
            .filter(|s| !s.is_empty())
            .collect();
        let [rest, user, code] = segments.as_slice() else {
            return Err(malformed());
        };
        if *rest != "rest" {
            return Err(malformed());
        }
        let portal = format!(
            "{}://{}",
            parsed.scheme(),
            parsed.host_str().ok_or_else(malformed)?
        );
        let portal = match parsed.port() {
            Some(port) => format!("{portal}:{port}"),
            None => portal,
        };
        Webhook::new(&portal, user, *code)
    }

    /// The portal's REST base, `https://{portal}/rest/`.
    pub fn rest_base(&self) -> &Url {
        &self.base
    }

    /// The user the webhook acts as.
    pub fn user(&self) -> &str {
        &self.user
    }

    pub(crate) fn method_url(&self, method: &str) -> String {
        format!(
            "{}{}/{}/{}",
            self.base,
            self.user,
            self.code.expose_secret(),
            method
        )
    }
}

impl fmt::Debug for Webhook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Webhook")
            .field("rest_base", &self.base.as_str())
            .field("user", &self.user)
            .field("code", &"[redacted]")
            .finish()
    }
}

/// A boxed future returned by [`TokenSource::refresh`].
pub type RefreshFuture<'a> = Pin<Box<dyn Future<Output = Result<bool, Error>> + Send + 'a>>;

/// Where an OAuth client gets its access token, and how it renews it.
///
/// This is the seam for token refresh: the client asks for the current token before each call
/// and, when the server answers `expired_token`, calls [`refresh`](TokenSource::refresh) once
/// and repeats the call if it returned `true`.
pub trait TokenSource: Send + Sync + 'static {
    /// The access token to send now.
    fn access_token(&self) -> SecretString;

    /// Obtains a new access token; `Ok(false)` means this source cannot refresh.
    fn refresh(&self) -> RefreshFuture<'_> {
        Box::pin(async { Ok(false) })
    }
}

/// A fixed access token that cannot be refreshed.
pub struct StaticToken(SecretString);

impl StaticToken {
    /// Wraps an access token.
    pub fn new(token: impl Into<String>) -> Self {
        StaticToken(SecretString::from(token.into()))
    }
}

impl TokenSource for StaticToken {
    fn access_token(&self) -> SecretString {
        self.0.clone()
    }
}

impl fmt::Debug for StaticToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StaticToken([redacted])")
    }
}

/// OAuth credentials: the portal's REST endpoint and a source of access tokens.
#[derive(Clone)]
pub struct OAuth {
    endpoint: Url,
    pub(crate) tokens: Arc<dyn TokenSource>,
}

impl OAuth {
    /// OAuth access to the portal at `portal` (e.g. `https://example.bitrix24.com`, or the
    /// `client_endpoint` of a token answer) with tokens from `tokens`.
    pub fn new(portal: &str, tokens: impl TokenSource) -> Result<Self, Error> {
        Ok(OAuth {
            endpoint: rest_base(portal)?,
            tokens: Arc::new(tokens),
        })
    }

    /// OAuth access with a fixed access token.
    pub fn with_token(portal: &str, access_token: impl Into<String>) -> Result<Self, Error> {
        OAuth::new(portal, StaticToken::new(access_token))
    }

    /// The portal's REST base, `https://{portal}/rest/`.
    pub fn rest_base(&self) -> &Url {
        &self.endpoint
    }

    pub(crate) fn method_url(&self, method: &str) -> String {
        format!("{}{}", self.endpoint, method)
    }
}

impl fmt::Debug for OAuth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuth")
            .field("rest_base", &self.endpoint.as_str())
            .field("access_token", &"[redacted]")
            .finish()
    }
}

/// `https://{host}/rest/` from a portal address, refusing plain http to a non-loopback host.
fn rest_base(portal: &str) -> Result<Url, Error> {
    let root = transport::portal_root(portal).map_err(Error::Config)?;
    if root.path().ends_with("/rest/") {
        return Ok(root);
    }
    root.join("rest/")
        .map_err(|error| Error::Config(format!("invalid portal address: {error}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_webhook_urls() {
        let hook = Webhook::from_url("https://example.bitrix24.com/rest/1/abc123def/").unwrap();
        assert_eq!(hook.user(), "1");
        assert_eq!(
            hook.rest_base().as_str(),
            "https://example.bitrix24.com/rest/"
        );
        assert_eq!(
            hook.method_url("profile"),
            "https://example.bitrix24.com/rest/1/abc123def/profile"
        );
        let local = Webhook::from_url("http://127.0.0.1:8080/rest/7/xyz").unwrap();
        assert_eq!(
            local.method_url("scope"),
            "http://127.0.0.1:8080/rest/7/xyz/scope"
        );
    }

    #[test]
    fn https_is_required_off_loopback() {
        let error = Webhook::from_url("http://example.bitrix24.com/rest/1/abc/").unwrap_err();
        assert!(error.to_string().contains("https"));
        assert!(Webhook::from_url("http://localhost:1/rest/1/abc/").is_ok());
        assert!(Webhook::from_url("http://[::1]:1/rest/1/abc/").is_ok());
        assert!(OAuth::with_token("http://10.0.0.1", "t").is_err());
        assert!(OAuth::with_token("example.bitrix24.com", "t").is_ok());
    }

    #[test]
    fn malformed_urls_do_not_echo_the_code() {
        let error =
            Webhook::from_url("https://example.bitrix24.com/rest/1/s3cr3t/extra/").unwrap_err();
        assert!(!error.to_string().contains("s3cr3t"));
        let error = Webhook::from_url("https://example.bitrix24.com/rest/1/s3cr3t!/").unwrap_err();
        assert!(!error.to_string().contains("s3cr3t"));
    }
}
