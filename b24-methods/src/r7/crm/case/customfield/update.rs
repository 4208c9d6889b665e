//! `PUT api/2.0/crm/case/customfield/{id}` — changes a case custom field definition.

use b24_core::r7_method;
use serde::Serialize;

use crate::r7::crm::CustomField;

/// Changes a case custom field definition.
#[r7_method(PUT, "api/2.0/crm/case/customfield/{id}", response = CustomField)]
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CaseCustomFieldUpdate {
    /// The field's ID.
    pub id: i64,
    /// The label (required).
    pub label: String,
    /// The type, see [`field_type`](crate::r7::crm::field_type).
    pub field_type: u8,
    /// Position in the form.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<i64>,
    /// Extra settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mask: Option<String>,
}

impl CaseCustomFieldUpdate {
    /// Sets the label and type of field `id`.
    pub fn new(id: i64, label: impl Into<String>, field_type: u8) -> Self {
        CaseCustomFieldUpdate {
            id,
            label: label.into(),
            field_type,
            position: None,
            mask: None,
        }
    }
}
