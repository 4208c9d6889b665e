//! REST 3.0 (`/rest/api/…`, PROTOCOL §1.2): typed calls, errors, filters, streams, the batch
//! and idempotent writes, on the same client, transport and retry rules as the classic API.
//!
//! A REST 3.0 method is declared with `#[b24_method(..., version = 3)]`, which implements
//! [`v3::Method`](Method) instead of the classic [`Method`](crate::Method): the two never mix
//! (a REST 3.0 method in a classic [`Batch`](crate::Batch), or a classic one in a
//! [`v3::Batch`](Batch), does not compile). Calls go through [`Client::v3`].
//!
//! ```no_run
//! use b24_core::v3::{self, Filter, Item, Items};
//! use b24_core::{Client, b24_method};
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Debug, Deserialize)]
//! struct Task { id: u64, title: String }
//!
//! #[b24_method("tasks.task.get", scope = "tasks", version = 3, response = Item<Task>, read_only)]
//! #[derive(Serialize)]
//! struct GetTask { id: u64 }
//!
//! #[b24_method("tasks.task.list", scope = "tasks", version = 3, response = Items<Task>, read_only, list = "items")]
//! #[derive(Serialize, Default)]
//! struct ListTasks { filter: Filter }
//!
//! #[b24_method("tasks.task.add", scope = "tasks", version = 3, response = Item<Task>)]
//! #[derive(Serialize)]
//! struct AddTask { fields: serde_json::Value }
//!
//! # async fn demo(client: Client) -> Result<(), b24_core::Error> {
//! use futures_util::TryStreamExt;
//! let task = client.v3().call(&GetTask { id: 1 }).await?.item;
//! // Every task of the filter, once each, whatever the page cap.
//! let open: Vec<Task> = client
//!     .v3()
//!     .stream(&ListTasks { filter: Filter::new().ne("status", "completed") }, 1000)
//!     .try_collect()
//!     .await?;
//! // A write: a fresh Idempotency-Key, repeated with the same key and bytes when its answer
//! // is lost, so it runs once.
//! let added = client.v3().call_answer(&AddTask { fields: serde_json::json!({"title": "x"}) }).await?;
//! println!("{} {} {}", task.title, open.len(), added.replayed);
//! # Ok(()) }
//! ```

mod batch;
mod envelope;
mod error;
mod idempotency;
mod query;
pub mod registry;
mod stream;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

pub use batch::{Batch, BatchResults, Handle, ItemRef, ItemResult, ItemsResult};
pub use envelope::{Answer, Done, Item, Items};
pub use error::{V3Code, V3Error, Violation};
pub use idempotency::IdempotencyKey;
pub use query::{Condition, Direction, Filter, Op, Pagination, Select};
pub use stream::TailCursor;

use crate::auth::Api;
use crate::client::{Client, Outgoing};
use crate::error::{Cause, Error};
use crate::method::MethodMeta;
use crate::retry;
use crate::scope::Scope;

/// Page cap of a REST 3.0 list method unless it declares another: a larger `limit` is
/// silently cut to this by the server.
pub const DEFAULT_PAGE_CAP: u32 = 50;

/// A REST 3.0 method: a request value that knows its name, scope and response type.
///
/// Implemented by `#[b24_method(..., version = 3)]`. It is a trait of its own, not the
/// classic [`Method`](crate::Method), so that a REST 3.0 method cannot go where a classic one
/// is expected (and the reverse).
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a REST 3.0 method",
    label = "not declared with `version = 3`",
    note = "classic methods go through `Client::call` and `b24_core::Batch`; REST 3.0 methods are declared with `#[b24_method(\"...\", version = 3, ...)]`"
)]
pub trait Method: Serialize {
    /// The method name as documented, e.g. `tasks.task.get`.
    const NAME: &'static str;
    /// The scope a credential needs (REST 3.0 scopes differ from the classic ones: `tasks`).
    const SCOPE: Scope;
    /// Read-only, batch and list facts, as for classic methods.
    const META: MethodMeta;
    /// The largest page the server returns for this list method.
    const PAGE_CAP: u32 = DEFAULT_PAGE_CAP;
    /// The type of the answer's `result` (`Item<T>`, `Items<T>`, `Done`, …).
    type Response: DeserializeOwned;
}

impl Client {
    /// The REST 3.0 side of this client: same portal, credential, pacing and retry policy.
    pub fn v3(&self) -> V3<'_> {
        V3 { client: self }
    }
}

/// Calls of REST 3.0 methods through a [`Client`]; from [`Client::v3`].
#[derive(Clone, Copy, Debug)]
pub struct V3<'a> {
    client: &'a Client,
}

impl V3<'_> {
    /// Calls a method and returns its typed `result`. A write gets a fresh
    /// `Idempotency-Key`; see [`call_answer`](V3::call_answer).
    pub async fn call<M: Method>(&self, request: &M) -> Result<M::Response, Error> {
        Ok(self.call_answer(request).await?.result)
    }

    /// Calls a method and returns the whole answer: `result`, `time` and whether the server
    /// replayed it from its idempotency store.
    ///
    /// A write (a method not marked `read_only`) carries a fresh `Idempotency-Key`. When its
    /// answer is lost (a reset, a 5xx, a cut body) it is sent again, one attempt at a time,
    /// with the same key and the same bytes, within the client's retry policy and deadline:
    /// the server runs it once and replays its stored answer to the repetitions. Only when
    /// every attempt failed that way is the outcome reported unknown
    /// ([`Error::UnknownOutcome`]); repeat it later with
    /// [`call_with_key`](V3::call_with_key) and a key of your own.
    pub async fn call_answer<M: Method>(&self, request: &M) -> Result<Answer<M::Response>, Error> {
        let key = (!M::META.read_only).then(IdempotencyKey::fresh);
        self.call_keyed(request, key.as_ref()).await
    }

    /// Calls a write with the key of its logical write: the same key and request as an
    /// earlier call whose outcome is unknown repeats that write at most once.
    pub async fn call_with_key<M: Method>(
        &self,
        request: &M,
        key: &IdempotencyKey,
    ) -> Result<Answer<M::Response>, Error> {
        self.call_keyed(request, Some(key)).await
    }

    async fn call_keyed<M: Method>(
        &self,
        request: &M,
        key: Option<&IdempotencyKey>,
    ) -> Result<Answer<M::Response>, Error> {
        let query = crate::method::params_of(M::NAME, request)?;
        self.send(M::NAME, &M::SCOPE, &query, M::META.read_only, key)
            .await
    }

    /// Calls a method by name with JSON parameters (read-only when `read_only`; otherwise a
    /// write with a fresh key); the result stays JSON.
    pub async fn call_raw(
        &self,
        method: &str,
        query: &Value,
        read_only: bool,
    ) -> Result<Answer<Value>, Error> {
        crate::method::check_name(method)?;
        let key = (!read_only).then(IdempotencyKey::fresh);
        self.send(method, &Scope::Basic, query, read_only, key.as_ref())
            .await
    }

    /// Sends one REST 3.0 call. `read_only` or a `key` make repeating it harmless.
    pub(crate) async fn send<T: DeserializeOwned>(
        &self,
        method: &str,
        scope: &Scope,
        query: &Value,
        read_only: bool,
        key: Option<&IdempotencyKey>,
    ) -> Result<Answer<T>, Error> {
        self.client.check_scope(method, scope).await?;
        // Encoded once: every attempt of this write sends these very bytes.
        let body = serde_json::to_vec(query).map_err(|source| Error::Encode {
            method: method.to_owned(),
            source,
        })?;
        let headers: Vec<_> = key.map(IdempotencyKey::header).into_iter().collect();
        let exchange = Outgoing {
            method,
            commands: None,
            api: Api::V3,
            body: &body,
            headers: &headers,
            safe: read_only || key.is_some(),
        };
        let result = self
            .client
            .run(exchange, |method, received, _| {
                envelope::decode(method, received)
            })
            .await;
        match result {
            // The retries ran out on failures after which the write may have run.
            Err(error) if !read_only && retry::may_have_run(&error) => Err(match error {
                unknown @ Error::UnknownOutcome { .. } => unknown,
                other => Error::UnknownOutcome {
                    method: method.to_owned(),
                    reason: Cause::new(other),
                },
            }),
            other => other,
        }
    }
}
