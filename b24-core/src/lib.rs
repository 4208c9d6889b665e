//! The runtime of b24, a typed SDK for the Bitrix24 REST API.
//!
//! A method is a plain request struct annotated with [`#[b24_method]`](b24_method); the
//! [`Client`] sends it to a portal (incoming webhook or OAuth token), decodes the typed result
//! or a typed [`Error`], and refuses methods outside the credential's granted scopes before
//! anything goes over the wire.
//!
//! ```no_run
//! use b24_core::{Client, b24_method};
//! use serde::{Deserialize, Serialize};
//!
//! /// `crm.automatedsolution.add`
//! #[b24_method("crm.automatedsolution.add", scope = "crm", response = Added)]
//! #[derive(Serialize)]
//! struct AddSolution {
//!     fields: Fields,
//! }
//!
//! #[derive(Serialize)]
//! #[serde(rename_all = "camelCase")]
//! struct Fields {
//!     title: String,
//!     type_ids: Vec<u64>,
//! }
//!
//! #[derive(Debug, Deserialize)]
//! #[serde(rename_all = "camelCase")]
//! struct Added {
//!     automated_solution: serde_json::Value,
//! }
//!
//! # async fn demo() -> Result<(), b24_core::Error> {
//! let client = Client::webhook("https://example.bitrix24.com/rest/1/your-webhook-code/")?;
//! let added = client
//!     .call(&AddSolution { fields: Fields { title: "HR".into(), type_ids: vec![] } })
//!     .await?;
//! println!("{added:?}");
//! # Ok(()) }
//! ```
//!
//! # TLS and the program's own reqwest
//!
//! Both clients speak TLS through rustls on the process-wide crypto provider, and install
//! *ring* as that provider when they are built and the program has not installed one. Cargo's
//! feature unification gives the program's own reqwest the same rustls, so its clients work
//! once a b24 client exists; a program that builds its own client first, with a reqwest that
//! has no TLS backend of its own, calls [`install_crypto_provider`] at the start of `main`.
//!
//! # Methods of other crates
//!
//! Only linked crates register their methods: see [`registry`] for `use b24_methods as _;`.

mod auth;
mod batch;
mod client;
mod envelope;
mod error;
pub mod filter;
pub mod form;
mod method;
pub mod r7;
pub mod registry;
mod retry;
pub mod schedule;
mod scope;
pub mod stream;
mod sync;
mod transport;
pub mod types;
pub mod v3;

pub use auth::{OAuth, RefreshFuture, StaticToken, TokenSource, Webhook};
pub use batch::{Batch, BatchResults, Handle, HandleOutput, Reference};
pub use client::{Client, ClientBuilder, Exchange};
pub use envelope::{Envelope, Time};
pub use error::{ApiError, Cause, Error, ErrorCode, RawCode, RedirectProblem};
pub use method::{ListMethod, ListShape, Method, MethodMeta};
pub use registry::MethodInfo;
pub use scope::Scope;
pub use stream::{Export, ItemStream, ListSpec, Progress};
pub use transport::{TransportError, TransportKind, install_crypto_provider};
pub use types::{Empty, Id, YesNo};

/// Declares a Bitrix24 REST method on a request struct.
///
/// ```ignore
/// #[b24_method("crm.automatedsolution.list", scope = "crm", response = List,
///              read_only, list = "automatedSolutions", cursor = "id")]
/// #[derive(serde::Serialize)]
/// struct ListSolutions { /* parameters */ }
/// ```
///
/// The struct (named fields, or a unit struct for methods without parameters) must derive
/// `Serialize`: it *is* the method's parameters and becomes the JSON body of the call. The
/// attribute re-emits it unchanged and implements [`Method`] for it, so the value can be passed
/// to [`Client::call`]; non-generic types are also added to the [`registry`].
///
/// # Arguments
///
/// | argument | meaning |
/// |---|---|
/// | `"name"` (first, required) | the method name as documented: dot-separated segments of ASCII letters, digits and `_`, starting with a lower-case letter |
/// | `scope = "crm"` (required) | the scope the method needs; must be a documented scope, with a "did you mean" hint for typos |
/// | `scope = custom("module")` | an on-premise module's own scope, declared explicitly |
/// | `response = T` (required) | the type of the envelope's `result`; must implement `DeserializeOwned` |
/// | `read_only` / `read_only = bool` | the method only reads, so it is safe to repeat after an unknown outcome (default: `false`) |
/// | `batch = false` | the method may not run inside `batch` (default: `true`) |
/// | `list` | a list method whose `result` is the array of items |
/// | `list = "key"` | a list method whose `result` holds the items under `key` |
/// | `item = T` | the type of one item of a list method, what [`Client::stream`] yields (default: `T` of `list` with `response = Vec<T>`, else `serde_json::Value`) |
/// | `cursor = "ID"` | the list supports the fast cursor on this ID field |
/// | `version = 3` | a REST 3.0 method (`/rest/api/`): implements [`v3::Method`] instead of [`Method`] and registers in [`v3::registry`], so it is called with [`Client::v3`] and batched in [`v3::Batch`] only (`version = 2`, the default, is the classic API) |
/// | `crate = path` | where `b24_core` is, for facades that re-export it |
///
/// A `#[deprecated]` attribute on the struct marks the method deprecated in its
/// [`MethodMeta`].
///
/// # Errors at compile time
///
/// Every mistake is reported at the offending token, and several mistakes are reported in one
/// build: a missing name, a name that is not a string literal, every problem of a malformed
/// name, an unknown scope (with a "did you mean"), a `custom(...)` scope that is not a string,
/// duplicate or unknown arguments, a `response` written as a string instead of a type, `cursor`
/// or `item` without `list`, `item` on a REST 3.0 method, `list` on a response type that cannot be a list (`()`, a number, `bool`,
/// `char`, a string; with `list = "key"` also a `Vec`, array, slice or tuple), use on an enum,
/// union, tuple struct or function, a request that does not implement `Serialize` (reported at
/// the struct) and a response that does not implement `Deserialize` (reported at the type).
///
/// # What is generated
///
/// One `impl Method` with three constants and the `Response` type, for a classic list method
/// an `impl ListMethod` naming the `Item` type, plus one registry entry, inside `const _: () = { … };`. Every path goes through `::b24_core::__private`, so the code
/// compiles in modules that shadow `Result`, `Option`, `serde` or `core`.
pub use b24_macros::b24_method;

/// Declares an R7-Office (ONLYOFFICE Community Server) REST route on a request struct.
///
/// ```ignore
/// #[r7_method(PUT, "api/2.0/crm/case/{caseid}/access", response = Case)]
/// #[derive(serde::Serialize)]
/// #[serde(rename_all = "camelCase")]
/// struct SetCaseAccess {
///     caseid: u64,               // fills {caseid}
///     is_private: bool,          // PUT: JSON body
///     access_list: Vec<Guid>,
///     #[r7(query)]
///     fields: Option<String>,    // forced into the query string
/// }
/// ```
///
/// Put it *above* `#[derive(Serialize)]`. The struct (named fields, or a unit struct for
/// routes without parameters) is the route's parameters; it is re-emitted without its
/// `#[r7(...)]` helper attributes (serde would not know them) and gets an implementation of
/// [`r7::Route`], so the value can be passed to [`r7::Client::call`].
///
/// # Arguments
///
/// | argument | meaning |
/// |---|---|
/// | `GET` / `POST` / `PUT` / `DELETE` (first, required) | the HTTP verb, in upper case |
/// | `"api/2.0/..."` (second, required) | the path template relative to the portal root, without `.json`; `{name}` placeholders are whole segments, without the server's `:regex` constraints |
/// | `response = T` (required) | the type of the envelope's `response`; must implement `DeserializeOwned` |
/// | `list` | a list route paged with `startIndex` / `count`: implements [`r7::ListRoute`] for [`r7::Client::pages`] |
/// | `format = xml` | [`r7::Client::call`] asks for `….xml` and decodes the XML envelope (default `json`) |
/// | `crate = path` | where `b24_core` is, for facades that re-export it |
///
/// # Where each field goes
///
/// Placement is decided per field by the name serde writes for it (`#[serde(rename)]`, else the
/// struct's `#[serde(rename_all)]`, else the field name):
///
/// * a field whose serde name **or** field name equals a `{placeholder}` (ASCII
///   case-insensitively, as the server binds names) fills it, and is not sent elsewhere;
/// * paging and filter parameters ([`r7::CONTEXT_PARAMETERS`]: `count`, `startIndex`,
///   `sortBy`, `sortOrder`, `filterValue`, ...) go in the query string, whatever the verb,
///   because the server reads them only there;
/// * every other field goes in the query string for `GET`/`DELETE` and in the JSON body for
///   `POST`/`PUT`;
/// * `#[r7(query)]` / `#[r7(body)]` override this, and `#[r7(path)]` asserts that a field
///   fills a placeholder; `#[r7(path, body)]` sends a path value in the body too (for routes
///   that bind the value under another name).
///
/// `None` values are left out (the server reads `null` as an empty string); lists go in the
/// query string as `name[]=a&name[]=b`.
///
/// # Errors at compile time
///
/// Reported at the offending token, several in one build: an unknown or lower-case verb, a
/// malformed template (a leading `/`, no `api/` prefix, a `.json` suffix, an empty segment,
/// unbalanced braces, a `:regex` constraint, a duplicate placeholder), a placeholder with no
/// matching field, an `#[r7(path)]` field with no placeholder, unknown or duplicate arguments
/// and placements, use on an enum, union, tuple struct or function, a request that does not
/// implement `Serialize` (at the struct) and a response that does not implement `Deserialize`.
///
/// # What is generated
///
/// One `impl Route` with three constants (`VERB`, `TEMPLATE`, `FIELDS`: only the fields
/// with a non-default placement) and the `Response` type, plus an empty `impl ListRoute` for
/// `list`, inside `const _: () = { … };`, naming only `::b24_core::__private::r7`.
pub use b24_macros::r7_method;

#[doc(hidden)]
pub mod __private {
    pub use crate::__register_method as register;
    pub use crate::method::{ListMethod, ListShape, Method, MethodMeta};
    pub use crate::registry::MethodInfo;
    pub use crate::scope::Scope;
    pub use inventory;
    pub use serde_json::Value;

    /// What `#[b24_method(..., version = 3)]` expands to.
    pub mod v3 {
        pub use crate::__register_v3_method as register;
        pub use crate::v3::Method;
        pub use crate::v3::registry::MethodInfo;
    }

    /// What `#[r7_method]` expands to.
    pub mod r7 {
        pub use crate::r7::{Field, Format, ListRoute, Route, Verb};
    }
}
