//! The OAuth server of Bitrix24 (`https://oauth.bitrix.info/` on the cloud; the emulator is
//! its own): the code exchange, the refresh, the authorize URL, and `app.info`, which tells
//! which application and portal an access token belongs to.
//!
//! `client_secret`, codes and tokens travel only in POST bodies, never in a URL, and no error
//! or log repeats them.

use std::fmt;
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde_json::Value;
use url::Url;

use crate::account::TokenPair;
use crate::error::Error;

/// The application's credentials at the OAuth server.
#[derive(Clone)]
pub struct AppCredentials {
    /// `client_id` (the application's code).
    pub client_id: String,
    client_secret: SecretString,
}

impl AppCredentials {
    /// Credentials from the application's settings.
    pub fn new(client_id: impl Into<String>, client_secret: impl Into<String>) -> AppCredentials {
        AppCredentials {
            client_id: client_id.into(),
            client_secret: SecretString::from(client_secret.into()),
        }
    }
}

impl fmt::Debug for AppCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AppCredentials")
            .field("client_id", &self.client_id)
            .field("client_secret", &"[redacted]")
            .finish()
    }
}

/// A successful token answer.
#[derive(Clone)]
pub struct TokenAnswer {
    /// The new pair; its expiry is this host's clock plus `expires_in`.
    pub tokens: TokenPair,
    /// The portal.
    pub member_id: String,
    /// The REST base for calls.
    pub client_endpoint: String,
    /// Granted scopes.
    pub scopes: Vec<String>,
    /// The user the tokens act for.
    pub user_id: Option<i64>,
}

impl fmt::Debug for TokenAnswer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TokenAnswer")
            .field("tokens", &self.tokens)
            .field("member_id", &self.member_id)
            .field("client_endpoint", &self.client_endpoint)
            .finish_non_exhaustive()
    }
}

/// A text or number field as text.
pub(crate) fn field_text(value: &Value, key: &str) -> Option<String> {
    match value.get(key)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The configured OAuth server and the application's credentials.
#[derive(Clone)]
pub struct OAuthClient {
    base: Url,
    credentials: AppCredentials,
    http: reqwest::Client,
}

impl fmt::Debug for OAuthClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OAuthClient")
            .field("server", &self.base.as_str())
            .field("credentials", &self.credentials)
            .finish()
    }
}

/// The cloud's OAuth server.
pub const BITRIX_OAUTH: &str = "https://oauth.bitrix.info/";

impl OAuthClient {
    /// A client of the OAuth server at `server` (e.g. [`BITRIX_OAUTH`], or the emulator's base
    /// URL). Plain `http` only to loopback.
    pub fn new(server: &str, credentials: AppCredentials) -> Result<OAuthClient, Error> {
        let mut base = Url::parse(server)
            .map_err(|e| Error::Config(format!("invalid OAuth server address: {e}")))?;
        let loopback = matches!(base.host_str(), Some("127.0.0.1" | "localhost" | "[::1]"));
        if base.scheme() != "https" && !(base.scheme() == "http" && loopback) {
            return Err(Error::Config(
                "the OAuth server must be https (plain http only on loopback)".to_owned(),
            ));
        }
        if !base.path().ends_with('/') {
            base.set_path(&format!("{}/", base.path()));
        }
        b24_core::install_crypto_provider();
        let http = reqwest::Client::builder()
            .timeout(Duration::from_secs(8))
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|e| Error::Config(format!("cannot build the HTTP client: {e}")))?;
        Ok(OAuthClient {
            base,
            credentials,
            http,
        })
    }

    /// The application's `client_id`.
    pub fn client_id(&self) -> &str {
        &self.credentials.client_id
    }

    /// The OAuth server's base URL.
    pub fn server(&self) -> &Url {
        &self.base
    }

    /// Where to send the user to authorise the application on `portal`
    /// (`https://{portal}/oauth/authorize/?client_id=…&state=…`).
    pub fn authorize_url(&self, portal: &str, state: &str) -> Result<Url, Error> {
        let portal = if portal.contains("://") {
            portal.to_owned()
        } else {
            format!("https://{portal}")
        };
        let mut url = Url::parse(&portal)
            .and_then(|u| u.join("/oauth/authorize/"))
            .map_err(|e| Error::Config(format!("invalid portal address: {e}")))?;
        url.query_pairs_mut()
            .append_pair("client_id", &self.credentials.client_id)
            .append_pair("state", state);
        Ok(url)
    }

    /// Exchanges an authorization code (valid 30 s) for a pair.
    pub async fn exchange_code(&self, code: &SecretString) -> Result<TokenAnswer, Error> {
        self.grant("authorization_code", "code", code).await
    }

    /// Exchanges a refresh token (single-use) for a new pair.
    pub async fn refresh(&self, refresh_token: &SecretString) -> Result<TokenAnswer, Error> {
        self.grant("refresh_token", "refresh_token", refresh_token)
            .await
    }

    async fn grant(
        &self,
        grant_type: &str,
        key: &str,
        secret: &SecretString,
    ) -> Result<TokenAnswer, Error> {
        let body = form_urlencoded::Serializer::new(String::new())
            .append_pair("grant_type", grant_type)
            .append_pair("client_id", &self.credentials.client_id)
            .append_pair(
                "client_secret",
                self.credentials.client_secret.expose_secret(),
            )
            .append_pair(key, secret.expose_secret())
            .finish();
        let url = self
            .base
            .join("oauth/token/")
            .map_err(|e| Error::Config(e.to_string()))?;
        let answer = self.post(url, body).await?;
        let received = crate::account::unix_now() as i64;
        let text = |k: &str| field_text(&answer, k).unwrap_or_default();
        let (access, refresh) = (text("access_token"), text("refresh_token"));
        if access.is_empty() || refresh.is_empty() {
            return Err(Error::OAuthTransport(
                "the token answer has no access_token or refresh_token".to_owned(),
            ));
        }
        let expires_in = text("expires_in").parse::<i64>().unwrap_or(3600);
        Ok(TokenAnswer {
            tokens: TokenPair::new(&access, &refresh, received + expires_in),
            member_id: text("member_id"),
            client_endpoint: text("client_endpoint"),
            scopes: text("scope")
                .split(',')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            user_id: text("user_id").parse().ok(),
        })
    }

    /// `app.info` on the configured OAuth server with `access_token`: the `result` object,
    /// telling the application (`CODE`/`client_id`) and the portal (`member_id`) the token
    /// belongs to.
    pub async fn app_info(&self, access_token: &SecretString) -> Result<Value, Error> {
        let body = form_urlencoded::Serializer::new(String::new())
            .append_pair("auth", access_token.expose_secret())
            .finish();
        let url = self
            .base
            .join("rest/app.info")
            .map_err(|e| Error::Config(e.to_string()))?;
        let mut answer = self.post(url, body).await?;
        Ok(answer
            .get_mut("result")
            .map(Value::take)
            .unwrap_or(Value::Null))
    }

    /// POSTs a form body; an answer carrying `error` becomes [`Error::OAuth`].
    async fn post(&self, url: Url, body: String) -> Result<Value, Error> {
        let response = self
            .http
            .post(url)
            .header(
                reqwest::header::CONTENT_TYPE,
                "application/x-www-form-urlencoded",
            )
            .header(reqwest::header::ACCEPT, "application/json")
            .body(body)
            .send()
            .await
            .map_err(|e| Error::OAuthTransport(e.without_url().to_string()))?;
        let status = response.status().as_u16();
        let bytes = response
            .bytes()
            .await
            .map_err(|e| Error::OAuthTransport(e.without_url().to_string()))?;
        let value: Value = serde_json::from_slice(&bytes)
            .map_err(|_| Error::OAuthTransport(format!("the answer ({status}) is not JSON")))?;
        if let Some(code) = field_text(&value, "error").filter(|c| !c.is_empty()) {
            return Err(Error::OAuth {
                status,
                code,
                description: field_text(&value, "error_description").unwrap_or_default(),
            });
        }
        if !(200..300).contains(&status) {
            return Err(Error::OAuthTransport(format!(
                "HTTP {status} without an error code"
            )));
        }
        Ok(value)
    }
}
