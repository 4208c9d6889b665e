//! The [`Client`]: sends typed method calls to a portal and decodes the answers.
//!
//! `builder` configures it and `send` runs one call (pacing, exchange, retries, deadline).

mod builder;
mod observe;
mod send;

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::OnceCell;

pub use builder::ClientBuilder;
pub use observe::Exchange;
pub(crate) use send::{Answer, Outgoing};

use crate::auth::{Api, OAuth, Presented, Webhook};
use crate::envelope::Envelope;
use crate::error::Error;
use crate::method::{self, Method};
use crate::registry;
use crate::retry::Concurrency;
use crate::schedule::store::keys::BudgetKeys;
use crate::schedule::store::shared::Budget;
use crate::schedule::{RateLimit, RetryPolicy};
use crate::scope::Scope;
use crate::transport::{Http, Secrets};

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
    http: Http,
    credentials: Credentials,
    scopes: ScopeCheck,
    rate_limit: Option<RateLimit>,
    budget: Budget,
    budget_keys: BudgetKeys,
    operating_limit: f64,
    retry: RetryPolicy,
    deadline: Duration,
    in_flight: Concurrency,
    observer: Option<observe::Observer>,
}

#[derive(Clone, Debug)]
enum Credentials {
    Webhook(Webhook),
    OAuth(OAuth),
}

impl Credentials {
    /// How a call of `method` of `api` authenticates now.
    fn present(&self, api: Api, method: &str) -> Result<Presented, Error> {
        match self {
            Credentials::Webhook(webhook) => webhook.present(api, method),
            Credentials::OAuth(oauth) => oauth.present(api, method),
        }
    }

    /// The portal's REST base.
    fn rest_base(&self) -> &url::Url {
        match self {
            Credentials::Webhook(webhook) => webhook.rest_base(),
            Credentials::OAuth(oauth) => oauth.rest_base(),
        }
    }

    /// The credential's name in a budget store (the portal keeps operating time per
    /// webhook, or per application for OAuth).
    fn budget_label(&self) -> String {
        match self {
            Credentials::Webhook(webhook) => webhook.budget_label(),
            Credentials::OAuth(_) => String::from("oauth"),
        }
    }
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
        let envelope = self.call_with(request, M::META.read_only).await?;
        Ok(envelope.result)
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
        let envelope = self.call_with(request, true).await?;
        Ok(envelope.result)
    }

    async fn call_with<M: Method>(
        &self,
        request: &M,
        safe: bool,
    ) -> Result<Envelope<M::Response>, Error> {
        self.check_scope(M::NAME, &M::SCOPE).await?;
        let params = method::params(request)?;
        self.send(M::NAME, &params, safe).await
    }

    pub(crate) fn retry_policy(&self) -> RetryPolicy {
        self.inner.retry
    }

    /// The secrets the client sends now (webhook code or access token), to scrub from the
    /// texts it returns.
    pub(crate) fn secrets(&self) -> Secrets {
        match &self.inner.credentials {
            Credentials::Webhook(webhook) => webhook.secrets(),
            Credentials::OAuth(oauth) => oauth.secrets(),
        }
    }

    /// The configured maximum of requests in flight.
    pub(crate) fn max_in_flight(&self) -> usize {
        self.inner.in_flight.max()
    }

    /// Calls a method by name with untyped parameters; the result stays JSON.
    ///
    /// The scope pre-flight applies when the method is in the [registry](crate::registry),
    /// and its metadata decide whether a lost answer is retried. A `batch` is retried like a
    /// read when every command in its `cmd` is a method the registry marks read-only.
    pub async fn call_raw(
        &self,
        method: &str,
        params: &serde_json::Value,
    ) -> Result<Envelope<serde_json::Value>, Error> {
        let safe = if method.eq_ignore_ascii_case("batch") {
            registry::batch_is_read_only(params)
        } else {
            match registry::find(method) {
                Some(info) => {
                    self.check_scope(info.name, &info.scope).await?;
                    info.meta.read_only
                }
                None => false,
            }
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
        debug
            .field("granted_scopes", &scopes)
            .field("budget", &self.inner.budget.kind())
            .finish()
    }
}
