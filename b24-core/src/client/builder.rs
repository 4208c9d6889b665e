//! [`ClientBuilder`]: credentials, scopes, pacing, retries and HTTP settings of a [`Client`].

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::OnceCell;

use super::observe::{Exchange, Observer};
use super::{Client, Credentials, Inner, ScopeCheck};
use crate::auth::{OAuth, Webhook};
use crate::error::Error;
use crate::retry::Concurrency;
use crate::schedule::store::keys::BudgetKeys;
use crate::schedule::store::shared::Budget;
use crate::schedule::{
    BUDGET_ENV, BudgetConfig, BudgetOptions, BudgetStore, MemoryStore, RateLimit, RetryPolicy,
};
use crate::scope::Scope;
use crate::transport;

/// Total time of one exchange unless configured: a little above the cloud's own 60 s.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(75);
/// Total time of one call, retries and waits included, unless configured.
const DEFAULT_DEADLINE: Duration = Duration::from_secs(5 * 60);

/// Configures a [`Client`].
pub struct ClientBuilder {
    rate_limit: Option<RateLimit>,
    budget: Option<BudgetConfig>,
    budget_credential: Option<String>,
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
            budget: None,
            budget_credential: None,
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

    /// Keeps the portal's budgets — the request bucket and the operating-time accounts — in
    /// the store `url` names (see [`schedule::open`](crate::schedule::open)): `memory`, a file
    /// path (the processes of one host), `postgres://…` or `redis://…` (workers on many
    /// hosts), with `?workers=N&egress=NAME` if needed.
    ///
    /// Without this (or [`budget_store`](Self::budget_store)), [`build`](Self::build) reads the
    /// URL from the environment variable `B24_BUDGET`, and keeps the budgets in memory when it
    /// is not set.
    pub fn budget(mut self, url: &str) -> Result<Self, Error> {
        let config = crate::schedule::open(url)
            .map_err(|error| Error::Config(format!("budget: {}", error.0)))?;
        self.budget = Some(config);
        Ok(self)
    }

    /// Keeps the portal's budgets in `store` with `options` (a store of your own, or one
    /// shared by several clients of this process).
    pub fn budget_store(mut self, store: Arc<dyn BudgetStore>, options: BudgetOptions) -> Self {
        self.budget = Some(BudgetConfig { store, options });
        self
    }

    /// Names the credential's operating-time accounts in the budget store. The portal keeps
    /// them per webhook or per OAuth application: a webhook is named by itself (its user and a
    /// fingerprint of its code); OAuth clients are `oauth` unless named here (give the
    /// application's `client_id` when several applications call one portal).
    pub fn budget_credential(mut self, name: impl Into<String>) -> Self {
        self.budget_credential = Some(name.into());
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
        let budget = match self.budget {
            Some(config) => config,
            None => match std::env::var(BUDGET_ENV) {
                Ok(url) if !url.trim().is_empty() => crate::schedule::open(&url)
                    .map_err(|error| Error::Config(format!("{BUDGET_ENV}: {}", error.0)))?,
                _ => BudgetConfig {
                    store: Arc::new(MemoryStore::new()),
                    options: BudgetOptions::default(),
                },
            },
        };
        let egress = budget
            .options
            .egress
            .clone()
            .or_else(|| self.http.local_address.map(|address| address.to_string()));
        let budget_keys = BudgetKeys::new(
            credentials.rest_base(),
            self.budget_credential
                .unwrap_or_else(|| credentials.budget_label()),
            egress,
        );
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
                budget: Budget::new(
                    budget.store,
                    budget.options.workers,
                    budget.options.clock_offset,
                ),
                budget_keys,
                operating_limit: self.operating_limit,
                retry: self.retry,
                deadline: self.deadline,
                in_flight: Concurrency::new(self.max_in_flight),
                observer: self.observer,
            }),
        })
    }
}
