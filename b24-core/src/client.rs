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
use crate::error::{Error, ErrorCode, RawCode};
use crate::method::Method;
use crate::registry;
use crate::schedule::{BucketStore, MemoryBucket, OperatingBudget, RateLimit, RetryPolicy};
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
    rate_limit: Option<RateLimit>,
    bucket: Arc<dyn BucketStore>,
    budget: OperatingBudget,
    retry: RetryPolicy,
    in_flight: Concurrency,
}

/// How many requests may be in flight: starts at the configured maximum, halves when the
/// portal refuses a request for intensity, and grows back by one per run of successes.
struct Concurrency {
    permits: tokio::sync::Semaphore,
    max: usize,
    state: std::sync::Mutex<(usize, usize)>,
}

impl Concurrency {
    const GROW_AFTER: usize = 20;

    fn new(max: usize) -> Self {
        Concurrency {
            permits: tokio::sync::Semaphore::new(max),
            max,
            state: std::sync::Mutex::new((max, 0)),
        }
    }

    fn refused(&self) {
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let (limit, _) = *state;
        let target = (limit / 2).max(1);
        let removed = self.permits.forget_permits(limit - target);
        *state = (limit - removed, 0);
        tracing::debug!(
            in_flight = state.0,
            "the portal refused a request; sending fewer at once"
        );
    }

    fn succeeded(&self) {
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let (limit, streak) = *state;
        if limit >= self.max {
            return;
        }
        if streak + 1 >= Self::GROW_AFTER {
            self.permits.add_permits(1);
            *state = (limit + 1, 0);
        } else {
            *state = (limit, streak + 1);
        }
    }
}

/// What to do after a failed attempt.
enum Next {
    Retry(Duration),
    Fail(Error),
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
        self.call_with(request, M::META.read_only).await
    }

    /// Calls a write method that is safe to repeat (an update to fixed values, a delete):
    /// transport failures and server errors are then retried as for read-only methods.
    pub async fn call_idempotent<M: Method>(&self, request: &M) -> Result<M::Response, Error> {
        self.call_with(request, true)
            .await
            .map(|envelope| envelope.result)
    }

    async fn call_with<M: Method>(
        &self,
        request: &M,
        safe: bool,
    ) -> Result<Envelope<M::Response>, Error> {
        self.check_scope(M::NAME, &M::SCOPE).await?;
        let params = serde_json::to_value(request).map_err(|source| Error::Encode {
            method: M::NAME.to_owned(),
            source,
        })?;
        self.send(M::NAME, &params, safe).await
    }

    pub(crate) fn retry_policy(&self) -> RetryPolicy {
        self.inner.retry
    }

    /// Calls a method by name with untyped parameters; the result stays JSON.
    ///
    /// The scope pre-flight applies when the method is in the [registry](crate::registry).
    pub async fn call_raw(
        &self,
        method: &str,
        params: &serde_json::Value,
    ) -> Result<Envelope<serde_json::Value>, Error> {
        let safe = match registry::find(method) {
            Some(info) => {
                self.check_scope(info.name, &info.scope).await?;
                info.meta.read_only
            }
            None => false,
        };
        self.send(method, params, safe).await
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
        let envelope: Envelope<Vec<Scope>> =
            self.send("scope", &serde_json::json!({}), true).await?;
        Ok(envelope.result)
    }

    pub(crate) async fn check_scope(&self, method: &str, required: &Scope) -> Result<(), Error> {
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

    /// Sends one call, pacing it and retrying what is safe to retry.
    ///
    /// `safe`: repeating the call cannot do harm (a read-only method, or one the caller marked
    /// idempotent). Refusals that happen before the method runs (`QUERY_LIMIT_EXCEEDED`,
    /// `OPERATION_TIME_LIMIT`, a connection that never opened) are retried in any case.
    pub(crate) async fn send<T: DeserializeOwned>(
        &self,
        method: &str,
        params: &serde_json::Value,
        safe: bool,
    ) -> Result<Envelope<T>, Error> {
        let empty = serde_json::Value::Object(serde_json::Map::new());
        // A unit request serialises to `null`; the server expects an object.
        let params = if params.is_null() { &empty } else { params };
        let body = serde_json::to_vec(params).map_err(|source| Error::Encode {
            method: method.to_owned(),
            source,
        })?;
        let span = tracing::debug_span!(
            "b24.call",
            method,
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
            waited_ms = tracing::field::Empty,
            operating = tracing::field::Empty,
        );
        async {
            let mut refreshed = false;
            let mut waited = Duration::ZERO;
            for attempt in 1.. {
                tracing::Span::current().record("attempts", attempt);
                let error = match self.exchange(method, &body, &mut waited).await {
                    Ok((status, bytes)) => {
                        tracing::Span::current().record("status", status);
                        tracing::debug!(bytes = bytes.len(), "answer received");
                        match envelope::decode::<T>(method, status, &bytes) {
                            Ok(envelope) => {
                                self.inner.in_flight.succeeded();
                                if let Some(time) = &envelope.time {
                                    self.inner.budget.record(
                                        method,
                                        time.operating,
                                        time.operating_reset_at,
                                    );
                                    if let Some(operating) = time.operating {
                                        tracing::Span::current().record("operating", operating);
                                    }
                                }
                                tracing::Span::current()
                                    .record("waited_ms", waited.as_millis() as u64);
                                return Ok(envelope);
                            }
                            Err(error) => error,
                        }
                    }
                    Err(error) => error,
                };
                match self
                    .next_step(method, error, safe, attempt, &mut refreshed)
                    .await
                {
                    Next::Retry(delay) => {
                        tracing::debug!(attempt, delay_ms = delay.as_millis() as u64, "retrying");
                        waited += delay;
                        tokio::time::sleep(delay).await;
                    }
                    Next::Fail(error) => return Err(error),
                }
            }
            unreachable!("the retry loop only ends by returning")
        }
        .instrument(span)
        .await
    }

    /// Waits for the portal's budgets, then POSTs.
    async fn exchange(
        &self,
        method: &str,
        body: &[u8],
        waited: &mut Duration,
    ) -> Result<(u16, Vec<u8>), Error> {
        let blocked = self.inner.budget.wait(method);
        if !blocked.is_zero() {
            if blocked > self.inner.retry.max_wait {
                return Err(Error::Api(Box::new(crate::ApiError {
                    method: method.to_owned(),
                    code: ErrorCode::OperationTimeLimit,
                    status: 429,
                    description: format!(
                        "blocked for another {} s by the operating-time limit",
                        blocked.as_secs()
                    ),
                    raw_body: None,
                })));
            }
            *waited += blocked;
            tokio::time::sleep(blocked).await;
        }
        let _permit = self.inner.in_flight.permits.acquire().await.ok();
        if let Some(limit) = self.inner.rate_limit {
            let delay = self.inner.bucket.book(limit);
            if !delay.is_zero() {
                *waited += delay;
                tokio::time::sleep(delay).await;
            }
        }
        self.post(method, body).await
    }

    async fn next_step(
        &self,
        method: &str,
        error: Error,
        safe: bool,
        attempt: u32,
        refreshed: &mut bool,
    ) -> Next {
        let policy = self.inner.retry;
        let exhausted = attempt >= policy.max_attempts;
        let unknown = |error: Error| Error::UnknownOutcome {
            method: method.to_owned(),
            reason: error.to_string(),
        };
        match &error {
            Error::Api(api) => match &api.code {
                ErrorCode::QueryLimitExceeded => {
                    if let Some(limit) = self.inner.rate_limit {
                        self.inner.bucket.fill(limit);
                    }
                    self.inner.in_flight.refused();
                    if exhausted {
                        Next::Fail(error)
                    } else {
                        Next::Retry(policy.backoff(attempt))
                    }
                }
                ErrorCode::OperationTimeLimit => {
                    let wait = self.inner.budget.block(method);
                    if exhausted || wait > policy.max_wait {
                        Next::Fail(error)
                    } else {
                        Next::Retry(Duration::ZERO)
                    }
                }
                ErrorCode::ExpiredToken if !*refreshed => {
                    let Credentials::OAuth(oauth) = &self.inner.credentials else {
                        return Next::Fail(error);
                    };
                    *refreshed = true;
                    match oauth.tokens.refresh().await {
                        Ok(true) => {
                            tracing::debug!("access token refreshed; repeating the call once");
                            Next::Retry(Duration::ZERO)
                        }
                        Ok(false) => Next::Fail(error),
                        Err(refresh_error) => Next::Fail(refresh_error),
                    }
                }
                ErrorCode::InternalServerError | ErrorCode::ErrorUnexpectedAnswer => {
                    server_failure(error, safe, exhausted, policy.backoff(attempt), unknown)
                }
                ErrorCode::Other(RawCode::Absent) if api.status >= 500 => {
                    server_failure(error, safe, exhausted, policy.backoff(attempt), unknown)
                }
                _ => Next::Fail(error),
            },
            // The connection never opened: the request did not reach the portal.
            Error::Transport { source, .. } if source.is_connect() => {
                if exhausted {
                    Next::Fail(error)
                } else {
                    Next::Retry(policy.backoff(attempt))
                }
            }
            Error::Transport { .. } => {
                server_failure(error, safe, exhausted, policy.backoff(attempt), unknown)
            }
            // The body was cut or garbled: the call ran, its answer is lost.
            Error::Decode { path, .. } if path == "." => {
                server_failure(error, safe, exhausted, policy.backoff(attempt), unknown)
            }
            _ => Next::Fail(error),
        }
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

/// A server-side failure or a lost answer: retried when safe, otherwise the outcome is unknown.
fn server_failure(
    error: Error,
    safe: bool,
    exhausted: bool,
    backoff: Duration,
    unknown: impl FnOnce(Error) -> Error,
) -> Next {
    match (safe, exhausted) {
        (true, false) => Next::Retry(backoff),
        (true, true) => Next::Fail(error),
        (false, _) => Next::Fail(unknown(error)),
    }
}

/// Configures a [`Client`].
pub struct ClientBuilder {
    rate_limit: Option<RateLimit>,
    bucket: Option<Arc<dyn BucketStore>>,
    retry: RetryPolicy,
    max_in_flight: usize,
    operating_limit: f64,
    credentials: Option<Credentials>,
    granted: Option<Vec<Scope>>,
    scopes_from_server: bool,
    timeout: Option<Duration>,
    max_response: Option<usize>,
    root_certificates: Vec<Vec<u8>>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        ClientBuilder {
            rate_limit: Some(RateLimit::STANDARD),
            bucket: None,
            retry: RetryPolicy::default(),
            max_in_flight: 6,
            operating_limit: 480.0,
            credentials: None,
            granted: None,
            scopes_from_server: false,
            timeout: None,
            max_response: None,
            root_certificates: Vec::new(),
        }
    }
}

impl ClientBuilder {
    /// Paces requests to stay within the portal's request-intensity limit (default:
    /// [`RateLimit::STANDARD`]; `None` sends as fast as it can, for self-hosted portals
    /// without the limit).
    pub fn rate_limit(mut self, limit: Option<RateLimit>) -> Self {
        self.rate_limit = limit;
        self
    }

    /// Keeps the rate-limit bucket in `store`, e.g. a [`FileBucket`](crate::schedule::FileBucket)
    /// shared with other processes that call the same portal from the same address.
    pub fn bucket_store(mut self, store: Arc<dyn BucketStore>) -> Self {
        self.bucket = Some(store);
        self
    }

    /// How calls are retried (default: [`RetryPolicy::default`]).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Most HTTP requests in flight at once (default 6).
    pub fn max_in_flight(mut self, requests: usize) -> Self {
        self.max_in_flight = requests.max(1);
        self
    }

    /// Operating seconds a method may use per ten minutes before the client waits for the
    /// window to move (default 480, the cloud's figure).
    pub fn operating_limit(mut self, seconds: f64) -> Self {
        self.operating_limit = seconds;
        self
    }

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
                rate_limit: self.rate_limit,
                bucket: self
                    .bucket
                    .unwrap_or_else(|| Arc::new(MemoryBucket::default())),
                budget: OperatingBudget::new(self.operating_limit),
                retry: self.retry,
                in_flight: Concurrency::new(self.max_in_flight),
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
