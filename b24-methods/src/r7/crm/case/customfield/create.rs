//! `POST api/2.0/crm/case/customfield` — defines a case custom field (201).

use b24_core::r7_method;
use serde::Serialize;

use crate::r7::crm::CustomField;

/// Defines a case custom field.
#[r7_method(POST, "api/2.0/crm/case/customfield", response = CustomField)]
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CaseCustomFieldCreate {
    /// The label (required).
    pub label: String,
    /// The type, see [`field_type`](crate::r7::crm::field_type).
    pub field_type: u8,
    /// Position in the form.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub position: Option<i64>,
    /// Extra settings (a select box's JSON-encoded options).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mask: Option<String>,
}

impl CaseCustomFieldCreate {
    /// A field labelled `label` of type `field_type`.
    pub fn new(label: impl Into<String>, field_type: u8) -> Self {
        CaseCustomFieldCreate {
            label: label.into(),
            field_type,
            position: None,
            mask: None,
        }
    }

    /// Sets the `mask` (select-box options as JSON).
    pub fn mask(mut self, mask: impl Into<String>) -> Self {
        self.mask = Some(mask.into());
        self
    }
}
