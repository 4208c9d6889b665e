//! Typed routes of the R7-Office (ONLYOFFICE Community Server) REST API 2.0, for
//! [`b24_core::r7::Client`]. Enabled by the `r7` cargo feature.
//!
//! One module per route, in a tree that mirrors the path under `api/2.0/`
//! (`PUT api/2.0/crm/case/{caseid}/access` → [`crm::case::access`]).
//!
//! ```no_run
//! # async fn demo() -> Result<(), b24_core::r7::Error> {
//! use b24_core::r7::{Client, Guid};
//! use b24_methods::r7::crm::case::access::CaseAccess;
//!
//! let client = Client::new("https://portal.example.com", "admin@example.com", "secret")?;
//! let user: Guid = "9924256a-739c-462b-af15-e652a3b1b6eb".parse().unwrap();
//! let case = client.call(&CaseAccess::private(1234, [user])).await?;
//! println!("#{} {:?} private: {}", case.id, case.title, case.is_private);
//! # Ok(()) }
//! ```

use b24_core::r7::Guid;
use serde::{Deserialize, Serialize};

pub mod crm;

/// A portal user as the server embeds it (`EmployeeWraper`): `createBy`, `accessList`, ...
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Employee {
    /// The user's GUID.
    pub id: Guid,
    /// Full name.
    #[serde(default)]
    pub display_name: String,
    /// Job title (omitted by the server when empty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// Small avatar URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar_small: Option<String>,
    /// Profile page URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub profile_url: Option<String>,
}

/// `sortOrder`: anything but `descending` sorts ascending.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SortOrder {
    /// Ascending (the default).
    Ascending,
    /// Descending.
    Descending,
}
