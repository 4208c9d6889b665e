//! The R7-Office (ONLYOFFICE Community Server) REST API 2.0: a second API on the same
//! method-definition mechanism.
//!
//! Where Bitrix24 has method names, webhooks and a `{result, time}` envelope, R7 has a verb and
//! a path template per route, token login and a `{status, statusCode, response}` envelope; each
//! API keeps its own envelope, auth, errors and paging. A route is a request struct annotated
//! with [`#[r7_method]`](crate::r7_method):
//!
//! ```no_run
//! use b24_core::r7::{Client, Guid};
//! use b24_core::r7_method;
//! use serde::{Deserialize, Serialize};
//!
//! /// `PUT api/2.0/crm/case/{caseid}/access`
//! #[r7_method(PUT, "api/2.0/crm/case/{caseid}/access", response = Case)]
//! #[derive(Serialize)]
//! #[serde(rename_all = "camelCase")]
//! struct SetCaseAccess {
//!     caseid: u64,              // fills {caseid}
//!     is_private: bool,         // PUT: JSON body
//!     access_list: Vec<Guid>,
//! }
//!
//! #[derive(Debug, Deserialize)]
//! #[serde(rename_all = "camelCase")]
//! struct Case {
//!     id: u64,
//!     title: Option<String>,
//!     is_private: bool,
//! }
//!
//! # async fn demo() -> Result<(), b24_core::r7::Error> {
//! let client = Client::new("https://portal.example.com", "admin@example.com", "secret")?;
//! let case = client
//!     .call(&SetCaseAccess { caseid: 1234, is_private: true, access_list: vec![Guid::EMPTY] })
//!     .await?;
//! println!("{case:?}");
//! # Ok(()) }
//! ```
//!
//! The client appends `.json` to every path (`.xml` with [`Client::call_xml`]), logs in on the
//! first call, logs in again once on a 401, decodes error envelopes and non-JSON error pages
//! into [`ApiError`], and pages lists with [`Client::pages`].

mod builder;
mod client;
mod envelope;
mod error;
mod method;
mod pages;
mod session;
mod types;

pub use builder::ClientBuilder;
pub use client::{AuthScheme, Client, LoginInfo, MAX_PAGE_SIZE};
pub use envelope::Envelope;
pub use error::{ApiError, Error, ErrorKind, SecondFactor};
pub use method::{CONTEXT_PARAMETERS, Field, Format, ListRoute, Place, Route, Verb};
pub use pages::Pages;
pub use types::{ApiDateTime, Guid, InvalidDate, InvalidGuid};

/// The `time` crate, whose `OffsetDateTime` [`ApiDateTime`] wraps.
pub use time;
