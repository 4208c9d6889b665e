//! `PUT api/2.0/crm/case/customfield/reorder` — puts the case custom fields in a new order.

use b24_core::r7_method;
use serde::Serialize;

use crate::r7::crm::CustomField;

/// Reorders the case custom field definitions.
#[r7_method(PUT, "api/2.0/crm/case/customfield/reorder", response = Vec<CustomField>)]
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct CaseCustomFieldReorder {
    /// Field IDs in their new order.
    #[serde(rename = "fieldids")]
    pub field_ids: Vec<i64>,
}

impl CaseCustomFieldReorder {
    /// Orders the fields as `field_ids` lists them.
    pub fn new(field_ids: impl IntoIterator<Item = i64>) -> Self {
        CaseCustomFieldReorder {
            field_ids: field_ids.into_iter().collect(),
        }
    }
}
