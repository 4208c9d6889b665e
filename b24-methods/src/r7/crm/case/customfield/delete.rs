//! `DELETE api/2.0/crm/case/customfield/{fieldid}` — deletes a case custom field and its
//! values; returns the deleted definition.

use b24_core::r7_method;
use serde::Serialize;

use crate::r7::crm::CustomField;

/// Deletes a case custom field.
#[r7_method(DELETE, "api/2.0/crm/case/customfield/{fieldid}", response = CustomField)]
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CaseCustomFieldDelete {
    /// The field's ID.
    pub field_id: i64,
}

impl CaseCustomFieldDelete {
    /// Deletes field `field_id`.
    pub fn new(field_id: i64) -> Self {
        CaseCustomFieldDelete { field_id }
    }
}
