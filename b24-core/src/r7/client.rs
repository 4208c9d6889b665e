//! The R7 [`Client`]: token login, one re-login on 401, typed calls and paging.

use std::fmt;
use std::marker::PhantomData;
use std::net::IpAddr;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use serde::de::DeserializeOwned;
use tracing::Instrument;
use url::Url;

use super::envelope::{self, Answer, Envelope};
use super::error::{Error, SecondFactor};
use super::method::{self, Encoded, Format, ListRoute, Route, Verb};
use super::types::ApiDateTime;

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(120);
const DEFAULT_MAX_RESPONSE: usize = 256 * 1024 * 1024;
const LOGIN_ROUTE: &str = "POST api/2.0/authentication";
/// The server's `maxPage`: the largest `count` it honours.
pub const MAX_PAGE_SIZE: u32 = 1000;

/// An R7-Office (ONLYOFFICE Community Server) client: one portal, one user, cheap to clone.
///
/// It logs in with `POST api/2.0/authentication.json` on the first call, caches the session
/// token, sends it as `Authorization: <token>` and, when a call answers 401 (the token was
/// revoked or expired), logs in once more and repeats the call once. The password and the
/// token are kept in [`SecretString`]s and never appear in `Debug`, errors or logs.
///
/// ```no_run
/// # async fn demo() -> Result<(), b24_core::r7::Error> {
/// use b24_core::r7::{Client, Guid};
/// use b24_core::r7_method;
/// use serde::{Deserialize, Serialize};
///
/// #[r7_method(PUT, "api/2.0/crm/case/{caseid}/access", response = serde_json::Value)]
/// #[derive(Serialize)]
/// #[serde(rename_all = "camelCase")]
/// struct SetCaseAccess {
///     caseid: u64,
///     is_private: bool,
///     access_list: Vec<Guid>,
/// }
///
/// let client = Client::new("https://portal.example.com", "admin@example.com", "secret")?;
/// let case = client
///     .call(&SetCaseAccess { caseid: 1234, is_private: true, access_list: vec![Guid::EMPTY] })
///     .await?;
/// println!("{case}");
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    base: Url,
    credentials: Option<Credentials>,
    session: RwLock<Session>,
    login_lock: tokio::sync::Mutex<()>,
    scheme: AuthScheme,
    max_response: usize,
    page_size: u32,
}

struct Credentials {
    user: String,
    password: SecretString,
}

#[derive(Default)]
struct Session {
    token: Option<SecretString>,
    /// Bumped by every login, so concurrent 401s cause one re-login.
    generation: u64,
}

/// How the session token is sent.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub enum AuthScheme {
    /// `Authorization: <token>`, as documented and as every known client does (default).
    #[default]
    Raw,
    /// `Authorization: Bearer <token>`.
    Bearer,
}

/// What a successful login returned.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LoginInfo {
    /// When the token expires (by default a year after login); it may be revoked earlier.
    pub expires: Option<ApiDateTime>,
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

struct Raw {
    status: u16,
    content_type: Option<String>,
    retry_after: Option<Duration>,
    body: Vec<u8>,
}

impl Client {
    /// A client for `portal` (e.g. `https://portal.example.com`) that logs in as `user`
    /// (login or email) with `password` on the first call.
    pub fn new(portal: &str, user: &str, password: impl Into<String>) -> Result<Client, Error> {
        Client::builder()
            .portal(portal)
            .credentials(user, password)
            .build()
    }

    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// The portal root every route template is relative to.
    pub fn portal(&self) -> &Url {
        &self.inner.base
    }

    /// Logs in now (otherwise the first call does), replacing any cached token.
    ///
    /// A refused login is [`ErrorKind::LoginFailed`](super::ErrorKind::LoginFailed); a user
    /// with two-factor authentication gets [`Error::SecondFactor`]. Never retry a login in a
    /// loop: the server blocks a login after 5 failures a minute.
    pub async fn login(&self) -> Result<LoginInfo, Error> {
        let _guard = self.inner.login_lock.lock().await;
        self.login_locked().await
    }

    /// Calls a route and returns its typed `response`, in the route's format (JSON unless the
    /// method says `format = xml`).
    pub async fn call<M: Route>(&self, request: &M) -> Result<M::Response, Error> {
        self.call_envelope_as(request, M::FORMAT)
            .await
            .map(|envelope| envelope.response)
    }

    /// Calls a route asking for the XML rendering (`….xml`) and decodes it into the same
    /// types. XML cannot tell a one-element list from an object and drops empty lists, so
    /// prefer JSON; this exists for portals and proxies that only pass XML.
    pub async fn call_xml<M: Route>(&self, request: &M) -> Result<M::Response, Error> {
        self.call_envelope_as(request, Format::Xml)
            .await
            .map(|envelope| envelope.response)
    }

    /// Calls a route and returns the whole envelope (`count`, `startIndex`, `total`, ...).
    pub async fn call_envelope<M: Route>(
        &self,
        request: &M,
    ) -> Result<Envelope<M::Response>, Error> {
        self.call_envelope_as(request, M::FORMAT).await
    }

    /// Calls a route in the given format and returns the whole envelope.
    pub async fn call_envelope_as<M: Route>(
        &self,
        request: &M,
        format: Format,
    ) -> Result<Envelope<M::Response>, Error> {
        let route = route_name::<M>();
        let encoded = method::encode(request).map_err(|message| Error::Encode {
            route: route.clone(),
            message,
        })?;
        self.execute(&route, M::VERB, &encoded, format).await
    }

    /// Pages through a list route with `startIndex` / `count`, the client's page size (at
    /// most 1000) per request. `nextIndex` is ignored (the server computes it off by one);
    /// the pages end at a short page or at `total`.
    ///
    /// ```no_run
    /// # async fn demo<M: b24_core::r7::ListRoute<Response = Vec<serde_json::Value>>>(
    /// #     client: b24_core::r7::Client, request: M) -> Result<(), b24_core::r7::Error> {
    /// let mut pages = client.pages(&request)?;
    /// while let Some(page) = pages.next_page().await {
    ///     println!("{} items of {:?}", page?.response.len(), pages.total());
    /// }
    /// # Ok(()) }
    /// ```
    pub fn pages<M, I>(&self, request: &M) -> Result<Pages<'_, M, I>, Error>
    where
        M: ListRoute<Response = Vec<I>>,
        I: DeserializeOwned,
    {
        self.pages_sized(request, self.inner.page_size)
    }

    /// [`pages`](Client::pages) with another page size (clamped to 1..=1000).
    pub fn pages_sized<M, I>(&self, request: &M, page_size: u32) -> Result<Pages<'_, M, I>, Error>
    where
        M: ListRoute<Response = Vec<I>>,
        I: DeserializeOwned,
    {
        let route = route_name::<M>();
        let encoded = method::encode(request).map_err(|message| Error::Encode {
            route: route.clone(),
            message,
        })?;
        let start = encoded
            .query
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case("startIndex"))
            .and_then(|(_, value)| value.parse().ok())
            .unwrap_or(0);
        Ok(Pages {
            client: self,
            route,
            encoded,
            page_size: page_size.clamp(1, MAX_PAGE_SIZE),
            next_start: start,
            total: None,
            done: false,
            marker: PhantomData,
        })
    }

    async fn execute<T: DeserializeOwned>(
        &self,
        route: &str,
        verb: Verb,
        encoded: &Encoded,
        format: Format,
    ) -> Result<Envelope<T>, Error> {
        let span = tracing::debug_span!("r7.call", route, status = tracing::field::Empty);
        async {
            let (token, generation) = self.token().await?;
            let mut raw = self.exchange(route, verb, encoded, format, &token).await?;
            if raw.status == 401 && self.inner.credentials.is_some() {
                tracing::debug!("401: logging in again and repeating the call once");
                let token = self.relogin(generation).await?;
                raw = self.exchange(route, verb, encoded, format, &token).await?;
            }
            tracing::Span::current().record("status", raw.status);
            envelope::decode(
                &Answer {
                    route,
                    status: raw.status,
                    content_type: raw.content_type.as_deref(),
                    retry_after: raw.retry_after,
                    body: &raw.body,
                    login: false,
                },
                format,
            )
        }
        .instrument(span)
        .await
    }

    fn current_token(&self) -> Option<(SecretString, u64)> {
        let session = self.inner.session.read().unwrap_or_else(|e| e.into_inner());
        session
            .token
            .clone()
            .map(|token| (token, session.generation))
    }

    async fn token(&self) -> Result<(SecretString, u64), Error> {
        if let Some(current) = self.current_token() {
            return Ok(current);
        }
        let _guard = self.inner.login_lock.lock().await;
        if let Some(current) = self.current_token() {
            return Ok(current);
        }
        self.login_locked().await?;
        self.current_token()
            .ok_or_else(|| Error::Config(String::from("the login returned no token")))
    }

    async fn relogin(&self, failed: u64) -> Result<SecretString, Error> {
        let _guard = self.inner.login_lock.lock().await;
        if let Some((token, generation)) = self.current_token()
            && generation != failed
        {
            return Ok(token);
        }
        self.login_locked().await?;
        self.current_token()
            .map(|(token, _)| token)
            .ok_or_else(|| Error::Config(String::from("the login returned no token")))
    }

    /// Logs in; the caller holds `login_lock`.
    async fn login_locked(&self) -> Result<LoginInfo, Error> {
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
        let request = self
            .inner
            .http
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(reqwest::header::ACCEPT, "application/json")
            .body(body);
        let raw = self.send(LOGIN_ROUTE, request).await?;
        let answer = Answer {
            route: LOGIN_ROUTE,
            status: raw.status,
            content_type: raw.content_type.as_deref(),
            retry_after: raw.retry_after,
            body: &raw.body,
            login: true,
        };
        let envelope: Envelope<LoginAnswer> =
            envelope::decode(&answer, Format::Json).map_err(|error| match error {
                // The body of a login answer may hold the token: never keep it.
                Error::Decode {
                    route,
                    path,
                    message,
                    ..
                } => Error::Decode {
                    route,
                    path,
                    message,
                    body: String::from("[redacted: login answer]"),
                },
                other => other,
            })?;
        let answer = envelope.response;
        let _ = answer.tfa_key.is_some();
        match answer.token {
            Some(token) if !token.is_empty() => {
                let mut session = self
                    .inner
                    .session
                    .write()
                    .unwrap_or_else(|e| e.into_inner());
                session.token = Some(SecretString::from(token));
                session.generation += 1;
                tracing::debug!("logged in");
                Ok(LoginInfo {
                    expires: answer.expires,
                })
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
            _ => Err(Error::Decode {
                route: LOGIN_ROUTE.to_owned(),
                path: String::from("response.token"),
                message: String::from("the login answer has no token"),
                body: String::from("[redacted: login answer]"),
            }),
        }
    }

    async fn exchange(
        &self,
        route: &str,
        verb: Verb,
        encoded: &Encoded,
        format: Format,
        token: &SecretString,
    ) -> Result<Raw, Error> {
        let address = format!("{}{}{}", self.inner.base, encoded.path, format.suffix());
        let mut url = Url::parse(&address).map_err(|_| Error::Encode {
            route: route.to_owned(),
            message: String::from("the expanded path is not a valid URL"),
        })?;
        if !encoded.query.is_empty() {
            url.query_pairs_mut().extend_pairs(&encoded.query);
        }
        let method = match verb {
            Verb::Get => reqwest::Method::GET,
            Verb::Post => reqwest::Method::POST,
            Verb::Put => reqwest::Method::PUT,
            Verb::Delete => reqwest::Method::DELETE,
        };
        let mut request = self.inner.http.request(method, url);
        let has_body = !encoded.body.is_empty() || matches!(verb, Verb::Post | Verb::Put);
        match format {
            Format::Json => {
                request = request.header(reqwest::header::ACCEPT, "application/json");
                if has_body {
                    let body =
                        serde_json::to_vec(&encoded.body).map_err(|error| Error::Encode {
                            route: route.to_owned(),
                            message: error.to_string(),
                        })?;
                    request = request
                        .header(reqwest::header::CONTENT_TYPE, "application/json")
                        .body(body);
                }
            }
            Format::Xml => {
                request = request.header(reqwest::header::ACCEPT, "text/xml");
                if has_body {
                    let mut pairs = Vec::new();
                    for (name, value) in &encoded.body {
                        method::flatten(name, value, &mut pairs);
                    }
                    let body = url::form_urlencoded::Serializer::new(String::new())
                        .extend_pairs(&pairs)
                        .finish();
                    request = request
                        .header(
                            reqwest::header::CONTENT_TYPE,
                            "application/x-www-form-urlencoded",
                        )
                        .body(body);
                }
            }
        }
        let value = match self.inner.scheme {
            AuthScheme::Raw => token.expose_secret().to_owned(),
            AuthScheme::Bearer => format!("Bearer {}", token.expose_secret()),
        };
        let mut header = reqwest::header::HeaderValue::from_str(&value).map_err(|_| {
            Error::Config(String::from(
                "the session token is not a valid header value",
            ))
        })?;
        header.set_sensitive(true);
        request = request.header(reqwest::header::AUTHORIZATION, header);
        self.send(route, request).await
    }

    async fn send(&self, route: &str, request: reqwest::RequestBuilder) -> Result<Raw, Error> {
        let transport = |error: reqwest::Error| Error::Transport {
            route: route.to_owned(),
            source: error.without_url(),
        };
        let mut response = request.send().await.map_err(transport)?;
        let status = response.status().as_u16();
        let header = |name| {
            response
                .headers()
                .get(name)
                .and_then(|value: &reqwest::header::HeaderValue| value.to_str().ok())
                .map(str::to_owned)
        };
        let content_type = header(reqwest::header::CONTENT_TYPE);
        let retry_after = header(reqwest::header::RETRY_AFTER)
            .and_then(|value| value.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let limit = self.inner.max_response;
        let too_large = || Error::ResponseTooLarge {
            route: route.to_owned(),
            limit,
        };
        if response
            .content_length()
            .is_some_and(|length| length > limit as u64)
        {
            return Err(too_large());
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(transport)? {
            if body.len() + chunk.len() > limit {
                return Err(too_large());
            }
            body.extend_from_slice(&chunk);
        }
        tracing::debug!(status, bytes = body.len(), "answer received");
        Ok(Raw {
            status,
            content_type,
            retry_after,
            body,
        })
    }
}

fn route_name<M: Route>() -> String {
    format!("{} {}", M::VERB, M::TEMPLATE)
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let logged_in = self.current_token().is_some();
        f.debug_struct("Client")
            .field("portal", &self.inner.base.as_str())
            .field(
                "user",
                &self.inner.credentials.as_ref().map(|c| c.user.as_str()),
            )
            .field("password", &"[redacted]")
            .field("logged_in", &logged_in)
            .finish()
    }
}

/// The pages of a list route, fetched one request at a time; see [`Client::pages`].
pub struct Pages<'c, M, I> {
    client: &'c Client,
    route: String,
    encoded: Encoded,
    page_size: u32,
    next_start: u64,
    total: Option<u64>,
    done: bool,
    marker: PhantomData<fn() -> (M, I)>,
}

impl<M, I> Pages<'_, M, I>
where
    M: ListRoute<Response = Vec<I>>,
    I: DeserializeOwned,
{
    /// Fetches the next page; `None` after the last one (or after an error).
    pub async fn next_page(&mut self) -> Option<Result<Envelope<Vec<I>>, Error>> {
        if self.done {
            return None;
        }
        let mut encoded = self.encoded.clone();
        encoded.set_query("count", self.page_size.to_string());
        encoded.set_query("startIndex", self.next_start.to_string());
        let result = self
            .client
            .execute::<Vec<I>>(&self.route, M::VERB, &encoded, M::FORMAT)
            .await;
        match result {
            Ok(page) => {
                let received = page.response.len() as u64;
                if page.total.is_some() {
                    self.total = page.total;
                }
                self.next_start += received;
                self.done = received < u64::from(self.page_size)
                    || self.total.is_some_and(|total| self.next_start >= total);
                Some(Ok(page))
            }
            Err(error) => {
                self.done = true;
                Some(Err(error))
            }
        }
    }

    /// The `total` of the last page received, if the route reports one.
    pub fn total(&self) -> Option<u64> {
        self.total
    }

    /// Fetches every remaining page and returns their items in order.
    pub async fn try_collect(mut self) -> Result<Vec<I>, Error> {
        let mut items = Vec::new();
        while let Some(page) = self.next_page().await {
            items.extend(page?.response);
        }
        Ok(items)
    }
}

impl<M, I> fmt::Debug for Pages<'_, M, I> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Pages")
            .field("route", &self.route)
            .field("page_size", &self.page_size)
            .field("next_start", &self.next_start)
            .field("total", &self.total)
            .field("done", &self.done)
            .finish()
    }
}

/// Configures a [`Client`].
#[derive(Default)]
pub struct ClientBuilder {
    portal: Option<String>,
    credentials: Option<Credentials>,
    token: Option<SecretString>,
    scheme: AuthScheme,
    timeout: Option<Duration>,
    max_response: Option<usize>,
    page_size: Option<u32>,
    root_certificates: Vec<Vec<u8>>,
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

    /// Total time allowed for one HTTP exchange (default 120 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Largest response body accepted, in bytes (default 256 MiB).
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response = Some(limit);
        self
    }

    /// Items per request of [`Client::pages`] (default and maximum 1000).
    pub fn page_size(mut self, size: u32) -> Self {
        self.page_size = Some(size.clamp(1, MAX_PAGE_SIZE));
        self
    }

    /// Trusts an extra root certificate (PEM), e.g. a self-hosted portal's own CA.
    pub fn add_root_certificate_pem(mut self, pem: &[u8]) -> Self {
        self.root_certificates.push(pem.to_vec());
        self
    }

    /// Builds the client; nothing is sent until the first call.
    pub fn build(self) -> Result<Client, Error> {
        let portal = self
            .portal
            .ok_or_else(|| Error::Config(String::from("no portal address")))?;
        let base = portal_base(&portal)?;
        if self.credentials.is_none() && self.token.is_none() {
            return Err(Error::Config(String::from(
                "no credentials: give a login and password, or a token",
            )));
        }
        let http = reqwest::Client::builder()
            .tls_backend_preconfigured(tls_config(&self.root_certificates)?)
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(15))
            .timeout(self.timeout.unwrap_or(DEFAULT_TIMEOUT))
            .user_agent(concat!("b24-r7/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|error| Error::Config(error.without_url().to_string()))?;
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                base,
                credentials: self.credentials,
                session: RwLock::new(Session {
                    generation: u64::from(self.token.is_some()),
                    token: self.token,
                }),
                login_lock: tokio::sync::Mutex::new(()),
                scheme: self.scheme,
                max_response: self.max_response.unwrap_or(DEFAULT_MAX_RESPONSE),
                page_size: self.page_size.unwrap_or(MAX_PAGE_SIZE),
            }),
        })
    }
}

/// The portal root with a trailing `/`; https, or http to a loopback address.
fn portal_base(portal: &str) -> Result<Url, Error> {
    let mut url = Url::parse(portal.trim())
        .map_err(|_| Error::Config(String::from("the portal address is not a URL")))?;
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::Config(String::from(
            "the portal address must not hold credentials",
        )));
    }
    url.set_query(None);
    url.set_fragment(None);
    let loopback = match url.host() {
        Some(url::Host::Ipv4(ip)) => IpAddr::V4(ip).is_loopback(),
        Some(url::Host::Ipv6(ip)) => IpAddr::V6(ip).is_loopback(),
        Some(url::Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    };
    match url.scheme() {
        "https" => {}
        "http" if loopback => {}
        "http" => {
            return Err(Error::Config(String::from(
                "plain http is only allowed for loopback portals: the password and token would travel in clear",
            )));
        }
        _ => {
            return Err(Error::Config(String::from(
                "the portal must be an https URL",
            )));
        }
    }
    if !url.path().ends_with('/') {
        let path = format!("{}/", url.path());
        url.set_path(&path);
    }
    Ok(url)
}

/// rustls on the ring provider, verifying with the platform's roots plus `extra_roots_pem`.
fn tls_config(extra_roots_pem: &[Vec<u8>]) -> Result<rustls::ClientConfig, Error> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let tls_error = |error: rustls::Error| Error::Config(format!("TLS: {error}"));
    let mut roots = Vec::new();
    for pem in extra_roots_pem {
        for certificate in CertificateDer::pem_slice_iter(pem) {
            roots.push(
                certificate
                    .map_err(|_| Error::Config(String::from("invalid PEM root certificate")))?,
            );
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let verifier =
        rustls_platform_verifier::Verifier::new_with_extra_roots(roots, provider.clone())
            .map_err(tls_error)?;
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(tls_error)?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn portals_need_https_unless_loopback() {
        assert!(portal_base("https://portal.example.com").is_ok());
        assert!(portal_base("http://127.0.0.1:8080").is_ok());
        assert!(portal_base("http://localhost").is_ok());
        assert!(portal_base("http://portal.example.com").is_err());
        assert_eq!(
            portal_base("https://example.com/office").unwrap().as_str(),
            "https://example.com/office/"
        );
    }

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
}
