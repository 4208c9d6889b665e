//! The session: logging in with a login and password, the cached token (kept as a ready,
//! sensitive `Authorization` value), and one re-login when a call answers 401.

use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

use super::client::{AuthScheme, Client, LoginInfo};
use super::envelope::{self, Answer, Envelope};
use super::error::{Error, SecondFactor};
use super::method::Format;
use super::types::ApiDateTime;
use crate::{sync, transport};

pub(super) const LOGIN_ROUTE: &str = "POST api/2.0/authentication";

/// The login and password a client logs in with.
pub(super) struct Credentials {
    pub(super) user: String,
    pub(super) password: SecretString,
}

/// The current token, if any.
#[derive(Default)]
pub(super) struct Session {
    authorization: Option<HeaderValue>,
    /// Bumped by every login, so concurrent 401s cause one re-login.
    generation: u64,
}

impl Session {
    /// A session that starts with a token from an earlier login.
    pub(super) fn with_token(
        scheme: AuthScheme,
        token: Option<&SecretString>,
    ) -> Result<Self, Error> {
        let Some(token) = token else {
            return Ok(Session::default());
        };
        let authorization = authorization(scheme, token.expose_secret()).ok_or_else(|| {
            Error::Config(String::from(
                "the token is not a valid HTTP header value: it holds a control character \
                 (such as CR or LF)",
            ))
        })?;
        Ok(Session {
            authorization: Some(authorization),
            generation: 1,
        })
    }
}

/// The `Authorization` value of a session, and the login that produced it.
#[derive(Clone)]
pub(super) struct Authorization {
    pub(super) header: HeaderValue,
    generation: u64,
}

/// The header value carrying `token` under `scheme`; `None` when it cannot be a header.
fn authorization(scheme: AuthScheme, token: &str) -> Option<HeaderValue> {
    match scheme {
        AuthScheme::Raw => transport::secret_header(token),
        AuthScheme::Bearer => transport::secret_header(&format!("Bearer {token}")),
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LoginAnswer {
    #[serde(default)]
    token: Option<String>,
    #[serde(default)]
    expires: Option<ApiDateTime>,
    #[serde(default)]
    sms: bool,
    #[serde(default)]
    phone_noise: Option<String>,
    #[serde(default)]
    tfa: bool,
    #[serde(default)]
    tfa_key: Option<IgnoredSecret>,
}

/// A field read and dropped at once (the TOTP setup key).
struct IgnoredSecret;

impl<'de> Deserialize<'de> for IgnoredSecret {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(deserializer).map(|_| IgnoredSecret)
    }
}

/// A decode error about the login answer, whose body may hold the token: never kept.
fn login_decode_error(path: String, message: String) -> Error {
    Error::Decode {
        route: LOGIN_ROUTE.to_owned(),
        path,
        message,
        body: String::from("[redacted: login answer]"),
    }
}

impl Client {
    /// Logs in now (otherwise the first call does), replacing any cached token.
    ///
    /// A refused login is [`ErrorKind::LoginFailed`](super::ErrorKind::LoginFailed); a user
    /// with two-factor authentication gets [`Error::SecondFactor`]. Never retry a login in a
    /// loop: the server blocks a login after 5 failures a minute.
    pub async fn login(&self) -> Result<LoginInfo, Error> {
        let _guard = self.inner.login_lock.lock().await;
        self.login_locked()
            .await
            .map(|(info, _)| info)
            .map_err(|error| error.scrubbed(&self.secrets()))
    }

    /// The session token as sent, if any.
    pub(super) fn current_token(&self) -> Option<String> {
        let header = self.current()?.header;
        let value = header.to_str().ok()?;
        Some(value.strip_prefix("Bearer ").unwrap_or(value).to_owned())
    }

    /// Whether the client holds a token.
    pub(super) fn logged_in(&self) -> bool {
        self.current().is_some()
    }

    fn current(&self) -> Option<Authorization> {
        let session = sync::read(&self.inner.session);
        session.authorization.clone().map(|header| Authorization {
            header,
            generation: session.generation,
        })
    }

    /// The token to send, logging in first when there is none.
    pub(super) async fn authorization(&self) -> Result<Authorization, Error> {
        if let Some(current) = self.current() {
            return Ok(current);
        }
        let _guard = self.inner.login_lock.lock().await;
        if let Some(current) = self.current() {
            return Ok(current);
        }
        self.login_locked()
            .await
            .map(|(_, authorization)| authorization)
    }

    /// A new token after `failed` was refused, logging in again unless another call did so
    /// meanwhile.
    pub(super) async fn relogin(&self, failed: &Authorization) -> Result<Authorization, Error> {
        let _guard = self.inner.login_lock.lock().await;
        if let Some(current) = self.current()
            && current.generation != failed.generation
        {
            return Ok(current);
        }
        self.login_locked()
            .await
            .map(|(_, authorization)| authorization)
    }

    /// Logs in; the caller holds `login_lock`.
    async fn login_locked(&self) -> Result<(LoginInfo, Authorization), Error> {
        let Some(credentials) = &self.inner.credentials else {
            return Err(Error::Config(String::from(
                "no credentials to log in with: give a login and password, or a valid token",
            )));
        };
        let url = self
            .inner
            .base
            .join("api/2.0/authentication.json")
            .map_err(|error| Error::Config(error.to_string()))?;
        let body = serde_json::json!({
            "userName": credentials.user,
            "password": credentials.password.expose_secret(),
        });
        let body = serde_json::to_vec(&body).map_err(|error| Error::Encode {
            route: LOGIN_ROUTE.to_owned(),
            message: error.to_string(),
        })?;
        let received = self
            .receive(LOGIN_ROUTE, url, |url| {
                self.inner
                    .http
                    .request(reqwest::Method::POST, url)
                    .header(reqwest::header::CONTENT_TYPE, "application/json")
                    .header(reqwest::header::ACCEPT, "application/json")
                    .body(body.clone())
            })
            .await?;
        let envelope: Envelope<LoginAnswer> =
            envelope::decode(&Answer::of(LOGIN_ROUTE, &received, true), Format::Json).map_err(
                |error| match error {
                    Error::Decode { path, message, .. } => login_decode_error(path, message),
                    other => other,
                },
            )?;
        let answer = envelope.response;
        match answer.token {
            Some(token) if !token.is_empty() => {
                let header = authorization(self.inner.scheme, &token).ok_or_else(|| {
                    login_decode_error(
                        String::from("response.token"),
                        String::from("the token is not a valid header value"),
                    )
                })?;
                let mut session = sync::write(&self.inner.session);
                session.authorization = Some(header.clone());
                session.generation += 1;
                tracing::debug!("logged in");
                let info = LoginInfo {
                    expires: answer.expires,
                };
                Ok((
                    info,
                    Authorization {
                        header,
                        generation: session.generation,
                    },
                ))
            }
            _ if answer.sms && answer.phone_noise.is_none() => {
                Err(Error::SecondFactor(SecondFactor::NeedsPhone))
            }
            _ if answer.sms => Err(Error::SecondFactor(SecondFactor::Sms {
                phone_noise: answer.phone_noise,
            })),
            _ if answer.tfa => Err(Error::SecondFactor(SecondFactor::Totp {
                setup: answer.tfa_key.is_some(),
            })),
            _ => Err(login_decode_error(
                String::from("response.token"),
                String::from("the login answer has no token"),
            )),
        }
    }
}
