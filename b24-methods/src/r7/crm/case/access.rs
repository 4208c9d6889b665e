//! `PUT api/2.0/crm/case/{caseid}/access` — sets the access rights of a case.
//!
//! 403 unless the user is an administrator or the creator. Private with a non-empty list
//! restricts the case and adds the caller to the list; private with an **empty** list makes
//! it public. No notification is sent.

use b24_core::r7::Guid;
use b24_core::r7_method;
use serde::Serialize;

use super::Case;

/// Sets the access rights of a case.
#[r7_method(PUT, "api/2.0/crm/case/{caseid}/access", response = Case)]
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CaseAccess {
    /// The case's ID.
    pub case_id: i64,
    /// Whether the case is private.
    pub is_private: bool,
    /// Users who may see it.
    pub access_list: Vec<Guid>,
}

impl CaseAccess {
    /// Makes case `case_id` private to `users` (and the caller).
    pub fn private(case_id: i64, users: impl IntoIterator<Item = Guid>) -> Self {
        CaseAccess {
            case_id,
            is_private: true,
            access_list: users.into_iter().collect(),
        }
    }

    /// Makes case `case_id` public.
    pub fn public(case_id: i64) -> Self {
        CaseAccess {
            case_id,
            is_private: false,
            access_list: Vec::new(),
        }
    }
}
