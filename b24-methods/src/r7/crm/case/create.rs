//! `POST api/2.0/crm/case` — creates a case (201).
//!
//! Members the user cannot access are dropped silently; custom-field entries with unknown IDs
//! or empty values are ignored.

use b24_core::r7::Guid;
use b24_core::r7_method;
use serde::Serialize;

use super::Case;
use crate::r7::crm::CustomFieldEntry;

/// Creates a case.
#[r7_method(POST, "api/2.0/crm/case", response = Case)]
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CaseCreate {
    /// Title (required).
    pub title: String,
    /// Member contact IDs.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<i64>,
    /// Custom field values.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub custom_field_list: Vec<CustomFieldEntry>,
    /// Restrict the case to [`access_list`](Self::access_list) (and the creator).
    pub is_private: bool,
    /// Users who may see a private case; empty makes it public.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub access_list: Vec<Guid>,
    /// Notify the users of the access list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_notify: Option<bool>,
}

impl CaseCreate {
    /// A public case titled `title`.
    pub fn new(title: impl Into<String>) -> Self {
        CaseCreate {
            title: title.into(),
            members: Vec::new(),
            custom_field_list: Vec::new(),
            is_private: false,
            access_list: Vec::new(),
            is_notify: None,
        }
    }

    /// Makes it private to `users` (and the creator).
    pub fn private(mut self, users: impl IntoIterator<Item = Guid>) -> Self {
        self.is_private = true;
        self.access_list = users.into_iter().collect();
        self
    }

    /// Adds member contacts.
    pub fn members(mut self, contacts: impl IntoIterator<Item = i64>) -> Self {
        self.members.extend(contacts);
        self
    }

    /// Sets a custom field value.
    pub fn custom_field(mut self, field_id: i64, value: impl Into<String>) -> Self {
        self.custom_field_list
            .push(CustomFieldEntry::new(field_id, value));
        self
    }
}
