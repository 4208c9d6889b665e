//! `PUT api/2.0/crm/case/filter/access` — sets the access rights of the cases matching a
//! filter. The search text travels as `?filterValue=` (the server reads it only there); the
//! other parameters go in the body.

use b24_core::r7::Guid;
use b24_core::r7_method;
use serde::Serialize;

use super::Case;

/// Sets the access rights of filtered cases.
#[r7_method(PUT, "api/2.0/crm/case/filter/access", response = Vec<Case>)]
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CaseFilterAccess {
    /// Only cases with this member contact.
    #[serde(rename = "contactid", skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<i64>,
    /// Only open or closed cases.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_closed: Option<bool>,
    /// Only cases carrying these tags.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Free-text search (query string).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter_value: Option<String>,
    /// Whether the cases become private.
    pub is_private: bool,
    /// Users who may see them.
    pub access_list: Vec<Guid>,
}

impl CaseFilterAccess {
    /// Sets access on every case the filter matches (no filter: all the user may change).
    pub fn new(is_private: bool, access_list: impl IntoIterator<Item = Guid>) -> Self {
        CaseFilterAccess {
            contact_id: None,
            is_closed: None,
            tags: Vec::new(),
            filter_value: None,
            is_private,
            access_list: access_list.into_iter().collect(),
        }
    }

    /// Only cases matching the search text.
    pub fn search(mut self, text: impl Into<String>) -> Self {
        self.filter_value = Some(text.into());
        self
    }

    /// Only open (`false`) or closed (`true`) cases.
    pub fn closed(mut self, closed: bool) -> Self {
        self.is_closed = Some(closed);
        self
    }
}
