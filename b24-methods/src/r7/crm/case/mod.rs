//! Cases (`api/2.0/crm/case/...`): the 16 routes of `CRMApi.Cases.cs`, plus the case-scoped
//! custom field and tag routes.
//!
//! Access rules: a private case is visible only to administrators, its creator and its access
//! list; reading one you may not see answers **404**, not 403. Updating a case with
//! [`update::CaseUpdate`] re-applies its privacy, so a request without `isPrivate` and
//! `accessList` makes the case public.

use b24_core::r7::ApiDateTime;
use serde::{Deserialize, Serialize};

use super::{Contact, CustomField};
use crate::r7::Employee;

pub mod access;
pub mod access_many;
pub mod byprefix;
pub mod close;
pub mod contact;
pub mod create;
pub mod customfield;
pub mod delete;
pub mod delete_many;
pub mod filter;
pub mod filter_access;
pub mod filter_delete;
pub mod get;
pub mod reopen;
pub mod tag;
pub mod update;

/// A case (`CasesWrapper`), as in the R7 documentation's example.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Case {
    /// The case's ID.
    pub id: i64,
    /// Title (omitted by the server when null).
    #[serde(default)]
    pub title: Option<String>,
    /// Closed.
    #[serde(default)]
    pub is_closed: bool,
    /// Restricted to [`access_list`](Case::access_list).
    #[serde(default)]
    pub is_private: bool,
    /// Who may see a private case (sent only when private). In requests the access list is
    /// GUIDs; in responses it is users.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub access_list: Vec<Employee>,
    /// The creator.
    #[serde(default)]
    pub create_by: Option<Employee>,
    /// When it was created.
    #[serde(default)]
    pub created: Option<ApiDateTime>,
    /// The current user may edit it.
    #[serde(default)]
    pub can_edit: bool,
    /// Custom field values.
    #[serde(default)]
    pub custom_fields: Vec<CustomField>,
    /// Member contacts (omitted by the documentation's samples).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<Contact>,
}

/// `sortBy` of the case lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum CaseSortBy {
    /// By creation date.
    DateAndTime,
    /// By title (the default).
    Title,
    /// By creator.
    CreateBy,
    /// By ID.
    Id,
}
