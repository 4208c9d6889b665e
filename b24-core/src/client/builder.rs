//! [`ClientBuilder`]: credentials, scopes, pacing, retries and HTTP settings of a [`Client`].

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::OnceCell;

use super::observe::{Exchange, Observer};
use super::{Client, Credentials, Inner, ScopeCheck};
use crate::auth::{OAuth, Webhook};
use crate::error::Error;
use crate::retry::Concurrency;
use crate::schedule::{BucketStore, MemoryBucket, OperatingBudget, RateLimit, RetryPolicy};
use crate::scope::Scope;
use crate::transport;

/// Total time of one exchange unless configured: a little above the cloud's own 60 s.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(75);
/// Total time of one call, retries and waits included, unless configured.
const DEFAULT_DEADLINE: Duration = Duration::from_secs(5 * 60);

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
    deadline: Duration,
    http: transport::Options,
    observer: Option<Observer>,
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
            deadline: DEFAULT_DEADLINE,
            http: transport::Options::default(),
            observer: None,
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

    /// Total time one call may take, every retry and wait included (default 5 minutes);
    /// each exchange gets at most what is left. A call that runs out of time fails with
    /// [`Error::Deadline`], or with [`Error::UnknownOutcome`] for a write whose request had
    /// left. A zero deadline is refused by [`build`](Self::build).
    pub fn deadline(mut self, deadline: Duration) -> Self {
        self.deadline = deadline;
        self
    }

    transport::http_settings!(
        "Total time allowed for one HTTP exchange (default 75 s; the cloud stops a request at 60 s)."
    );

    /// Calls `observer` after every HTTP request the client makes — each attempt of a call,
    /// each `batch` of a stream or a batch run — with the method, the number of batch commands,
    /// the time it took and its outcome: for audit logs and metrics. The callback runs on the
    /// task that made the request and should return quickly.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use std::sync::atomic::{AtomicU64, Ordering};
    ///
    /// let requests = Arc::new(AtomicU64::new(0));
    /// let counter = requests.clone();
    /// let client = b24_core::Client::builder()
    ///     .webhook_url("https://example.bitrix24.com/rest/1/0123456789abcdef/")?
    ///     .observe(move |exchange| {
    ///         counter.fetch_add(1, Ordering::Relaxed);
    ///         eprintln!("{} took {:?}", exchange.method, exchange.elapsed);
    ///     })
    ///     .build()?;
    /// # Ok::<(), b24_core::Error>(())
    /// ```
    pub fn observe(mut self, observer: impl Fn(&Exchange<'_>) + Send + Sync + 'static) -> Self {
        self.observer = Some(Observer::new(observer));
        self
    }

    /// Builds the client.
    ///
    /// Installs rustls' process-wide crypto provider when the program has none (see
    /// [`install_crypto_provider`](crate::install_crypto_provider)).
    pub fn build(self) -> Result<Client, Error> {
        let credentials = self.credentials.ok_or_else(|| {
            Error::Config(String::from(
                "no credentials: give a webhook or OAuth tokens",
            ))
        })?;
        if self.deadline.is_zero() {
            return Err(Error::Config(String::from(
                "the deadline must be longer than zero (a zero deadline fails every call)",
            )));
        }
        if let Credentials::OAuth(oauth) = &credentials {
            oauth.check_token()?;
        }
        let http = self
            .http
            .build(concat!("b24/", env!("CARGO_PKG_VERSION")), DEFAULT_TIMEOUT)
            .map_err(Error::Config)?;
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
                rate_limit: self.rate_limit,
                bucket: self
                    .bucket
                    .unwrap_or_else(|| Arc::new(MemoryBucket::default())),
                budget: OperatingBudget::new(self.operating_limit),
                retry: self.retry,
                deadline: self.deadline,
                in_flight: Concurrency::new(self.max_in_flight),
                observer: self.observer,
            }),
        })
    }
}
