//! `PUT api/2.0/crm/case/{caseid}` — updates a case.
//!
//! **Pitfall:** for administrators and the creator the server always re-applies access, so a
//! request without `isPrivate` and `accessList` makes the case **public**. This type therefore
//! requires both: build it with [`CaseUpdate::keeping_access`] from the case as read, or set
//! them explicitly. An empty `members` list leaves the members unchanged; empty custom-field
//! values are skipped (this route cannot clear a field).

use b24_core::r7::Guid;
use b24_core::r7_method;
use serde::Serialize;

use super::Case;
use crate::r7::crm::CustomFieldEntry;

/// Updates a case.
#[r7_method(PUT, "api/2.0/crm/case/{caseid}", response = Case)]
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CaseUpdate {
    /// The case's ID.
    pub case_id: i64,
    /// Title (required).
    pub title: String,
    /// Member contact IDs; empty leaves the members unchanged.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<i64>,
    /// Custom field values.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub custom_field_list: Vec<CustomFieldEntry>,
    /// Privacy, always sent: omitting it would make the case public.
    pub is_private: bool,
    /// Access list, always sent with [`is_private`](Self::is_private).
    pub access_list: Vec<Guid>,
    /// Notify the users of the access list.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_notify: Option<bool>,
}

impl CaseUpdate {
    /// An update of `case` that keeps its title, privacy and access list.
    pub fn keeping_access(case: &Case) -> Self {
        CaseUpdate {
            case_id: case.id,
            title: case.title.clone().unwrap_or_default(),
            members: Vec::new(),
            custom_field_list: Vec::new(),
            is_private: case.is_private,
            access_list: case.access_list.iter().map(|user| user.id).collect(),
            is_notify: None,
        }
    }

    /// An update of case `case_id` that makes it public.
    pub fn public(case_id: i64, title: impl Into<String>) -> Self {
        CaseUpdate {
            case_id,
            title: title.into(),
            members: Vec::new(),
            custom_field_list: Vec::new(),
            is_private: false,
            access_list: Vec::new(),
            is_notify: None,
        }
    }

    /// Sets the title.
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }

    /// Replaces the members.
    pub fn members(mut self, contacts: impl IntoIterator<Item = i64>) -> Self {
        self.members = contacts.into_iter().collect();
        self
    }

    /// Sets a custom field value.
    pub fn custom_field(mut self, field_id: i64, value: impl Into<String>) -> Self {
        self.custom_field_list
            .push(CustomFieldEntry::new(field_id, value));
        self
    }
}
