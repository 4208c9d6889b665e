//! `POST api/2.0/crm/case/{entityid}/customfield/{fieldid}` — sets one custom field value of a
//! case (201) and returns it.

use b24_core::r7_method;
use serde::Serialize;

use crate::r7::crm::CustomField;

/// Sets a custom field value of a case.
#[r7_method(POST, "api/2.0/crm/case/{entityid}/customfield/{fieldid}", response = CustomField)]
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CaseCustomFieldSet {
    /// The case's ID.
    #[serde(rename = "entityid")]
    pub case_id: i64,
    /// The field's ID.
    pub field_id: i64,
    /// The value as text.
    pub field_value: String,
}

impl CaseCustomFieldSet {
    /// Sets field `field_id` of case `case_id` to `value`.
    pub fn new(case_id: i64, field_id: i64, value: impl Into<String>) -> Self {
        CaseCustomFieldSet {
            case_id,
            field_id,
            field_value: value.into(),
        }
    }
}
