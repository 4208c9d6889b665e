//! The [`Client`]: sends typed method calls to a portal and decodes the answers.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use secrecy::ExposeSecret;
use serde::de::DeserializeOwned;
use tokio::sync::OnceCell;
use tracing::Instrument;

use crate::auth::{OAuth, Webhook, require_secure};
use crate::envelope::{self, Envelope};
use crate::error::{Error, ErrorCode};
use crate::method::Method;
use crate::registry;
use crate::scope::Scope;

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(75);
const DEFAULT_MAX_RESPONSE: usize = 256 * 1024 * 1024;
const MAX_REDIRECTS: usize = 3;

/// A Bitrix24 client: one portal, one credential, cheap to clone.
///
/// ```no_run
/// # async fn demo() -> Result<(), b24_core::Error> {
/// use b24_core::{Client, Scope};
///
/// let client = Client::builder()
///     .webhook_url("https://example.bitrix24.com/rest/1/your-webhook-code/")?
///     .granted_scopes([Scope::Crm, Scope::Im])
///     .build()?;
/// let scopes: Vec<String> = client.call_raw("scope", &serde_json::json!({})).await?.result
///     .as_array().into_iter().flatten().filter_map(|s| s.as_str().map(String::from)).collect();
/// println!("{scopes:?}");
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    http: reqwest::Client,
    credentials: Credentials,
    scopes: ScopeCheck,
    max_response: usize,
}

#[derive(Clone, Debug)]
enum Credentials {
    Webhook(Webhook),
    OAuth(OAuth),
}

enum ScopeCheck {
    Off,
    Known(Vec<Scope>),
    FromServer(OnceCell<Vec<Scope>>),
}

impl Client {
    /// A client for an incoming webhook URL with default settings.
    pub fn webhook(url: &str) -> Result<Client, Error> {
        Client::builder().webhook_url(url)?.build()
    }

    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// Calls a method and returns its typed `result`.
    pub async fn call<M: Method>(&self, request: &M) -> Result<M::Response, Error> {
        self.call_envelope(request)
            .await
            .map(|envelope| envelope.result)
    }

    /// Calls a method and returns the whole envelope: `result`, `next`, `total` and `time`.
    pub async fn call_envelope<M: Method>(
        &self,
        request: &M,
    ) -> Result<Envelope<M::Response>, Error> {
        self.check_scope(M::NAME, &M::SCOPE).await?;
        let params = serde_json::to_value(request).map_err(|source| Error::Encode {
            method: M::NAME.to_owned(),
            source,
        })?;
        self.send(M::NAME, &params).await
    }

    /// Calls a method by name with untyped parameters; the result stays JSON.
    ///
    /// The scope pre-flight applies when the method is in the [registry](crate::registry).
    pub async fn call_raw(
        &self,
        method: &str,
        params: &serde_json::Value,
    ) -> Result<Envelope<serde_json::Value>, Error> {
        if let Some(info) = registry::find(method) {
            self.check_scope(info.name, &info.scope).await?;
        }
        self.send(method, params).await
    }

    /// The scopes this client knows it was granted: given to the builder, or read from the
    /// portal with the `scope` method (once) when the builder asked for that.
    pub async fn granted_scopes(&self) -> Result<Option<Vec<Scope>>, Error> {
        match &self.inner.scopes {
            ScopeCheck::Off => Ok(None),
            ScopeCheck::Known(scopes) => Ok(Some(scopes.clone())),
            ScopeCheck::FromServer(cell) => cell
                .get_or_try_init(|| self.fetch_scopes())
                .await
                .cloned()
                .map(Some),
        }
    }

    async fn fetch_scopes(&self) -> Result<Vec<Scope>, Error> {
        let envelope: Envelope<Vec<Scope>> = self.send("scope", &serde_json::json!({})).await?;
        Ok(envelope.result)
    }

    async fn check_scope(&self, method: &str, required: &Scope) -> Result<(), Error> {
        if required.is_global() {
            return Ok(());
        }
        let Some(granted) = self.granted_scopes().await? else {
            return Ok(());
        };
        if required.is_satisfied_by(&granted) {
            Ok(())
        } else {
            Err(Error::ScopeNotGranted {
                method: method.to_owned(),
                required: required.clone(),
            })
        }
    }

    async fn send<T: DeserializeOwned>(
        &self,
        method: &str,
        params: &serde_json::Value,
    ) -> Result<Envelope<T>, Error> {
        let empty = serde_json::Value::Object(serde_json::Map::new());
        // A unit request serialises to `null`; the server expects an object.
        let params = if params.is_null() { &empty } else { params };
        let body = serde_json::to_vec(params).map_err(|source| Error::Encode {
            method: method.to_owned(),
            source,
        })?;
        let span = tracing::debug_span!("b24.call", method, status = tracing::field::Empty);
        async {
            let (status, bytes) = self.post(method, &body).await?;
            tracing::Span::current().record("status", status);
            tracing::debug!(bytes = bytes.len(), "answer received");
            match envelope::decode(method, status, &bytes) {
                Err(Error::Api(api)) if api.code == ErrorCode::ExpiredToken => {
                    let Credentials::OAuth(oauth) = &self.inner.credentials else {
                        return Err(Error::Api(api));
                    };
                    if !oauth.tokens.refresh().await? {
                        return Err(Error::Api(api));
                    }
                    tracing::debug!("access token refreshed; repeating the call once");
                    let (status, bytes) = self.post(method, &body).await?;
                    envelope::decode(method, status, &bytes)
                }
                other => other,
            }
        }
        .instrument(span)
        .await
    }

    /// POSTs a JSON body, following a moved portal's redirects with the same POST.
    async fn post(&self, method: &str, body: &[u8]) -> Result<(u16, Vec<u8>), Error> {
        let mut url = match &self.inner.credentials {
            Credentials::Webhook(webhook) => webhook.method_url(method),
            Credentials::OAuth(oauth) => oauth.method_url(method),
        };
        for _ in 0..=MAX_REDIRECTS {
            let mut request = self
                .inner
                .http
                .post(url.as_str())
                .header(reqwest::header::CONTENT_TYPE, "application/json")
                .header(reqwest::header::ACCEPT, "application/json")
                .body(body.to_vec());
            if let Credentials::OAuth(oauth) = &self.inner.credentials {
                let token = oauth.tokens.access_token();
                request = request.bearer_auth(token.expose_secret());
            }
            let response = request
                .send()
                .await
                .map_err(|error| Error::transport(method, error))?;
            let status = response.status();
            if status.is_redirection() {
                url = self.redirect_target(method, &url, &response)?;
                tracing::debug!(status = status.as_u16(), "portal moved; repeating the POST");
                continue;
            }
            let bytes = self.read_body(method, response).await?;
            return Ok((status.as_u16(), bytes));
        }
        Err(Error::Config(format!(
            "`{method}`: more than {MAX_REDIRECTS} redirects"
        )))
    }

    fn redirect_target(
        &self,
        method: &str,
        current: &str,
        response: &reqwest::Response,
    ) -> Result<String, Error> {
        let location = response
            .headers()
            .get(reqwest::header::LOCATION)
            .and_then(|value| value.to_str().ok())
            .ok_or_else(|| Error::Config(format!("`{method}`: a redirect without a Location")))?;
        let base = url::Url::parse(current).map_err(|error| Error::Config(error.to_string()))?;
        let target = base.join(location).map_err(|_| {
            Error::Config(format!(
                "`{method}`: the portal redirected to an invalid address"
            ))
        })?;
        require_secure(&target)?;
        Ok(target.into())
    }

    async fn read_body(
        &self,
        method: &str,
        mut response: reqwest::Response,
    ) -> Result<Vec<u8>, Error> {
        let limit = self.inner.max_response;
        if response
            .content_length()
            .is_some_and(|length| length > limit as u64)
        {
            return Err(Error::ResponseTooLarge {
                method: method.to_owned(),
                limit,
            });
        }
        let mut bytes = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|error| Error::transport(method, error))?
        {
            if bytes.len() + chunk.len() > limit {
                return Err(Error::ResponseTooLarge {
                    method: method.to_owned(),
                    limit,
                });
            }
            bytes.extend_from_slice(&chunk);
        }
        Ok(bytes)
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut debug = f.debug_struct("Client");
        match &self.inner.credentials {
            Credentials::Webhook(webhook) => debug.field("webhook", webhook),
            Credentials::OAuth(oauth) => debug.field("oauth", oauth),
        };
        let scopes = match &self.inner.scopes {
            ScopeCheck::Off => String::from("unchecked"),
            ScopeCheck::Known(scopes) => format!("{scopes:?}"),
            ScopeCheck::FromServer(_) => String::from("read from the portal"),
        };
        debug.field("granted_scopes", &scopes).finish()
    }
}

/// Configures a [`Client`].
#[derive(Default)]
pub struct ClientBuilder {
    credentials: Option<Credentials>,
    granted: Option<Vec<Scope>>,
    scopes_from_server: bool,
    timeout: Option<Duration>,
    max_response: Option<usize>,
    root_certificates: Vec<Vec<u8>>,
}

impl ClientBuilder {
    /// Uses an incoming webhook.
    pub fn webhook(mut self, webhook: Webhook) -> Self {
        self.credentials = Some(Credentials::Webhook(webhook));
        self
    }

    /// Uses an incoming webhook given as its URL, `https://{portal}/rest/{user_id}/{code}/`.
    pub fn webhook_url(self, url: &str) -> Result<Self, Error> {
        Ok(self.webhook(Webhook::from_url(url)?))
    }

    /// Uses OAuth access tokens.
    pub fn oauth(mut self, oauth: OAuth) -> Self {
        self.credentials = Some(Credentials::OAuth(oauth));
        self
    }

    /// Declares the scopes the credential was granted: calls of methods outside them fail with
    /// [`Error::ScopeNotGranted`] before anything is sent.
    pub fn granted_scopes(mut self, scopes: impl IntoIterator<Item = Scope>) -> Self {
        self.granted = Some(scopes.into_iter().collect());
        self
    }

    /// Reads the granted scopes from the portal with the `scope` method before the first
    /// call that needs a scope, then checks every call against them as
    /// [`granted_scopes`](Self::granted_scopes) does.
    pub fn scopes_from_portal(mut self) -> Self {
        self.scopes_from_server = true;
        self
    }

    /// Total time allowed for one HTTP exchange (default 75 s; the cloud stops a request at 60 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Largest response body accepted, in bytes (default 256 MiB).
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response = Some(limit);
        self
    }

    /// Trusts an extra root certificate (PEM), e.g. a local test portal's own CA.
    pub fn add_root_certificate_pem(mut self, pem: &[u8]) -> Self {
        self.root_certificates.push(pem.to_vec());
        self
    }

    /// Builds the client.
    pub fn build(self) -> Result<Client, Error> {
        let credentials = self.credentials.ok_or_else(|| {
            Error::Config(String::from(
                "no credentials: give a webhook or OAuth tokens",
            ))
        })?;
        let http = reqwest::Client::builder()
            .tls_backend_preconfigured(tls_config(&self.root_certificates)?)
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(Duration::from_secs(15))
            .timeout(self.timeout.unwrap_or(DEFAULT_TIMEOUT))
            .user_agent(concat!("b24/", env!("CARGO_PKG_VERSION")));
        let http = http
            .build()
            .map_err(|error| Error::Config(error.without_url().to_string()))?;
        let scopes = match (self.granted, self.scopes_from_server) {
            (Some(scopes), _) => ScopeCheck::Known(scopes),
            (None, true) => ScopeCheck::FromServer(OnceCell::new()),
            (None, false) => ScopeCheck::Off,
        };
        Ok(Client {
            inner: Arc::new(Inner {
                http,
                credentials,
                scopes,
                max_response: self.max_response.unwrap_or(DEFAULT_MAX_RESPONSE),
            }),
        })
    }
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
