//! The R7 [`Client`]: typed calls and the HTTP exchange; `session` logs in, `pages` pages
//! lists and `builder` configures.

use std::fmt;
use std::sync::{Arc, RwLock};

use serde::de::DeserializeOwned;
use tracing::Instrument;
use url::Url;

use super::builder::ClientBuilder;
use super::envelope::{self, Answer, Envelope};
use super::error::Error;
use super::method::{self, Encoded, Format, ListRoute, Route, Verb};
use super::pages::Pages;
use super::session::{Authorization, Credentials, Session};
use super::types::ApiDateTime;
use secrecy::ExposeSecret;

use crate::transport::{Http, Received, Secrets};

/// The server's `maxPage`: the largest `count` it honours.
pub const MAX_PAGE_SIZE: u32 = 1000;

/// An R7-Office (ONLYOFFICE Community Server) client: one portal, one user, cheap to clone.
///
/// It logs in with `POST api/2.0/authentication.json` on the first call, caches the session
/// token, sends it as `Authorization: <token>` and, when a call answers 401 (the token was
/// revoked or expired), logs in once more and repeats the call once. The password and the
/// token are kept in [`SecretString`](secrecy::SecretString)s or sensitive header values and
/// never appear in `Debug`, errors or logs.
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
    pub(super) inner: Arc<Inner>,
}

pub(super) struct Inner {
    pub(super) http: Http,
    pub(super) base: Url,
    pub(super) credentials: Option<Credentials>,
    pub(super) session: RwLock<Session>,
    pub(super) login_lock: tokio::sync::Mutex<()>,
    pub(super) scheme: AuthScheme,
    pub(super) page_size: u32,
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

    /// Calls a route and returns its typed `response`, in the route's format (JSON unless the
    /// method says `format = xml`).
    pub async fn call<M: Route>(&self, request: &M) -> Result<M::Response, Error> {
        self.call_as(request, M::FORMAT).await
    }

    /// Calls a route asking for the XML rendering (`….xml`) and decodes it into the same
    /// types. XML cannot tell a one-element list from an object and drops empty lists, so
    /// prefer JSON; this exists for portals and proxies that only pass XML.
    pub async fn call_xml<M: Route>(&self, request: &M) -> Result<M::Response, Error> {
        self.call_as(request, Format::Xml).await
    }

    async fn call_as<M: Route>(&self, request: &M, format: Format) -> Result<M::Response, Error> {
        let envelope = self.call_envelope_as(request, format).await?;
        Ok(envelope.response)
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
        let (route, encoded) = encode(request)?;
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
        let (route, encoded) = encode(request)?;
        Ok(Pages::new(self, route, encoded, page_size))
    }

    /// Sends a route's request with the session token, logging in again once on a 401.
    pub(super) async fn execute<T: DeserializeOwned>(
        &self,
        route: &str,
        verb: Verb,
        encoded: &Encoded,
        format: Format,
    ) -> Result<Envelope<T>, Error> {
        let span = tracing::debug_span!("r7.call", route, status = tracing::field::Empty);
        let answer = async {
            let authorization = self.authorization().await?;
            let mut received = self
                .exchange(route, verb, encoded, format, &authorization)
                .await?;
            if received.status == 401 && self.inner.credentials.is_some() {
                tracing::debug!("401: logging in again and repeating the call once");
                let authorization = self.relogin(&authorization).await?;
                received = self
                    .exchange(route, verb, encoded, format, &authorization)
                    .await?;
            }
            tracing::Span::current().record("status", received.status);
            envelope::decode(&Answer::of(route, &received, false), format)
        }
        .instrument(span)
        .await;
        answer.map_err(|error| error.scrubbed(&self.secrets()))
    }

    /// The password and the session token, to scrub from the texts the client returns.
    pub(super) fn secrets(&self) -> Secrets {
        let token = self.current_token();
        let password = self
            .inner
            .credentials
            .as_ref()
            .map(|credentials| credentials.password.expose_secret());
        Secrets::new(password.into_iter().chain(token.as_deref()))
    }

    async fn exchange(
        &self,
        route: &str,
        verb: Verb,
        encoded: &Encoded,
        format: Format,
        authorization: &Authorization,
    ) -> Result<Received, Error> {
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
        let has_body = !encoded.body.is_empty() || matches!(verb, Verb::Post | Verb::Put);
        let (accept, body) = match format {
            Format::Json => {
                let body = has_body
                    .then(|| serde_json::to_vec(&encoded.body))
                    .transpose()
                    .map_err(|error| Error::Encode {
                        route: route.to_owned(),
                        message: error.to_string(),
                    })?;
                (
                    "application/json",
                    body.map(|body| ("application/json", body)),
                )
            }
            Format::Xml => {
                let body = has_body.then(|| {
                    let mut pairs = Vec::new();
                    for (name, value) in &encoded.body {
                        method::flatten(name, value, &mut pairs);
                    }
                    let body = url::form_urlencoded::Serializer::new(String::new())
                        .extend_pairs(&pairs)
                        .finish();
                    ("application/x-www-form-urlencoded", body.into_bytes())
                });
                ("text/xml", body)
            }
        };
        self.receive(route, url, |url| {
            let request = self
                .inner
                .http
                .request(method.clone(), url)
                .header(reqwest::header::AUTHORIZATION, authorization.header.clone())
                .header(reqwest::header::ACCEPT, accept);
            match &body {
                Some((content_type, body)) => request
                    .header(reqwest::header::CONTENT_TYPE, *content_type)
                    .body(body.clone()),
                None => request,
            }
        })
        .await
    }

    /// Sends the request `build` makes for `url` (again for a move within the portal) and
    /// reads its whole answer.
    pub(super) async fn receive(
        &self,
        route: &str,
        url: Url,
        build: impl Fn(Url) -> reqwest::RequestBuilder,
    ) -> Result<Received, Error> {
        self.inner
            .http
            .send(url, None, build)
            .await
            .map_err(|failure| Error::exchange(route, failure))
    }
}

/// The route's name (`VERB template`) and its request laid out on the wire.
fn encode<M: Route>(request: &M) -> Result<(String, Encoded), Error> {
    let route = format!("{} {}", M::VERB, M::TEMPLATE);
    match method::encode(request) {
        Ok(encoded) => Ok((route, encoded)),
        Err(message) => Err(Error::Encode { route, message }),
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("portal", &self.inner.base.as_str())
            .field(
                "user",
                &self.inner.credentials.as_ref().map(|c| c.user.as_str()),
            )
            .field("password", &"[redacted]")
            .field("logged_in", &self.logged_in())
            .finish()
    }
}
