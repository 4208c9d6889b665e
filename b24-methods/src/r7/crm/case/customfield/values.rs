//! `GET api/2.0/crm/case/{entityid}/customfield` — the custom field values of one case.

use b24_core::r7_method;
use serde::Serialize;

use crate::r7::crm::CustomField;

/// Lists the custom field values of a case.
#[r7_method(GET, "api/2.0/crm/case/{entityid}/customfield", response = Vec<CustomField>)]
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CaseCustomFields {
    /// The case's ID.
    #[serde(rename = "entityid")]
    pub case_id: i64,
}

impl CaseCustomFields {
    /// The values of case `case_id`.
    pub fn new(case_id: i64) -> Self {
        CaseCustomFields { case_id }
    }
}
