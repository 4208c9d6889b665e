//! Credentials: incoming webhooks and OAuth access tokens.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};
use url::Url;

use crate::error::Error;
use crate::transport::{self, Secrets};

/// Longest webhook user or code accepted: real codes have 16 characters and user IDs a few
/// digits; anything near this length is a mistake that would only fail later, on the wire.
const MAX_WEBHOOK_PART: usize = 256;

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
            || user.len() > MAX_WEBHOOK_PART
            || !user
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-.@".contains(c))
        {
            return Err(Error::Config(format!(
                "the webhook user must be a user ID or a login of at most {MAX_WEBHOOK_PART} \
                 characters",
            )));
        }
        if code.len() > MAX_WEBHOOK_PART {
            return Err(Error::Config(format!(
                "the webhook code is {} characters long; codes have 16 (at most {MAX_WEBHOOK_PART} \
                 are accepted): check what was pasted",
                code.len()
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

    /// How a call of `method` authenticates: the code in the path
    /// (`/rest/{user}/{code}/{method}`, or `/rest/api/{user}/{code}/{method}` for REST 3.0).
    pub(crate) fn present(&self, api: Api, method: &str) -> Result<Presented, Error> {
        let address = format!(
            "{}{}{}/{}/{}",
            self.base,
            api.prefix(),
            self.user,
            self.code.expose_secret(),
            method
        );
        Ok(Presented {
            url: method_url(&address, method)?,
            authorization: None,
            secret: self.code.clone(),
        })
    }

    /// The code, to scrub from what the server echoes.
    pub(crate) fn secrets(&self) -> Secrets {
        Secrets::new([self.code.expose_secret()])
    }

    /// The name of the webhook's operating-time accounts in a budget store: the user and a
    /// fingerprint of the code, never the code.
    pub(crate) fn budget_label(&self) -> String {
        crate::schedule::store::keys::webhook_label(&self.user, self.code.expose_secret())
    }
}

/// Which REST API a call goes to: the classic one at `/rest/` or REST 3.0 at `/rest/api/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Api {
    /// `/rest/{method}`.
    Classic,
    /// `/rest/api/{method}` (PROTOCOL §1.2).
    V3,
}

impl Api {
    /// The path between the REST base and the credentials or method.
    fn prefix(self) -> &'static str {
        match self {
            Api::Classic => "",
            Api::V3 => "api/",
        }
    }
}

/// How one request authenticates: the method's address, the `Authorization` header if any,
/// and the secret it carries, to scrub from whatever the server echoes.
pub(crate) struct Presented {
    /// The method's address.
    pub url: Url,
    /// The `Authorization` header (sensitive), for OAuth.
    pub authorization: Option<HeaderValue>,
    /// The secret in `url` or `authorization`.
    pub secret: SecretString,
}

/// The parsed address of a method; a method name that does not fit in a URL path is refused.
fn method_url(address: &str, method: &str) -> Result<Url, Error> {
    Url::parse(address).map_err(|_| Error::InvalidMethodName {
        method: method.to_owned(),
    })
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

    /// How a call of `method` authenticates now: the current token as a bearer header.
    pub(crate) fn present(&self, api: Api, method: &str) -> Result<Presented, Error> {
        let token = self.tokens.access_token();
        let address = format!("{}{}{}", self.endpoint, api.prefix(), method);
        Ok(Presented {
            url: method_url(&address, method)?,
            authorization: Some(bearer(&token)?),
            secret: token,
        })
    }

    /// The current token, to scrub from what the server echoes.
    pub(crate) fn secrets(&self) -> Secrets {
        Secrets::new([self.tokens.access_token().expose_secret()])
    }

    /// Fails when the current token cannot be sent (checked when the client is built).
    pub(crate) fn check_token(&self) -> Result<(), Error> {
        bearer(&self.tokens.access_token()).map(drop)
    }
}

/// `Bearer <token>` as a sensitive header value.
fn bearer(token: &SecretString) -> Result<HeaderValue, Error> {
    transport::secret_header(&format!("Bearer {}", token.expose_secret())).ok_or_else(|| {
        Error::Config(String::from(
            "the OAuth access token is not a valid HTTP header value: it holds a control \
             character (such as CR or LF)",
        ))
    })
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
            hook.present(Api::Classic, "profile").unwrap().url.as_str(),
            "https://example.bitrix24.com/rest/1/abc123def/profile"
        );
        let local = Webhook::from_url("http://127.0.0.1:8080/rest/7/xyz").unwrap();
        assert_eq!(
            local.present(Api::Classic, "scope").unwrap().url.as_str(),
            "http://127.0.0.1:8080/rest/7/xyz/scope"
        );
        assert_eq!(
            hook.present(Api::V3, "tasks.task.get")
                .unwrap()
                .url
                .as_str(),
            "https://example.bitrix24.com/rest/api/1/abc123def/tasks.task.get"
        );
        let oauth = OAuth::with_token("https://example.bitrix24.com", "token").unwrap();
        assert_eq!(
            oauth
                .present(Api::V3, "tasks.task.get")
                .unwrap()
                .url
                .as_str(),
            "https://example.bitrix24.com/rest/api/tasks.task.get"
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

    #[test]
    fn overlong_webhook_codes_are_refused_without_echoing_them() {
        let code = "a".repeat(64 * 1024);
        let error = Webhook::new("https://example.bitrix24.com", 1, code.as_str()).unwrap_err();
        let shown = error.to_string();
        assert!(matches!(error, Error::Config(_)), "{shown}");
        assert!(
            shown.contains("65536 characters") && !shown.contains("aaaa"),
            "{shown}"
        );
        assert!(Webhook::new("https://example.bitrix24.com", 1, "a".repeat(256)).is_ok());
        assert!(Webhook::new("https://example.bitrix24.com", "u".repeat(257), "abc").is_err());
    }

    #[test]
    fn tokens_with_line_breaks_are_a_configuration_error() {
        let oauth = OAuth::with_token("https://example.bitrix24.com", "tok\r\nX-Evil: 1").unwrap();
        let error = oauth.check_token().unwrap_err();
        assert!(matches!(&error, Error::Config(message) if message.contains("control character")));
        assert!(!error.to_string().contains("Evil"), "{error}");
        let fine = OAuth::with_token("https://example.bitrix24.com", "abc.def-123").unwrap();
        assert!(fine.check_token().is_ok());
        assert!(
            fine.present(Api::Classic, "profile")
                .unwrap()
                .authorization
                .unwrap()
                .is_sensitive()
        );
    }
}
