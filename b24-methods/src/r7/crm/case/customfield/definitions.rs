//! `GET api/2.0/crm/case/customfield/definitions` — the custom fields defined for cases, with
//! `relativeItemsCount`.

use b24_core::r7_method;
use serde::Serialize;

use crate::r7::crm::CustomField;

/// Lists the case custom field definitions.
#[r7_method(GET, "api/2.0/crm/case/customfield/definitions", response = Vec<CustomField>)]
#[derive(Clone, Copy, Debug, Default, Serialize)]
#[non_exhaustive]
pub struct CaseCustomFieldDefinitions;

impl CaseCustomFieldDefinitions {
    /// The request.
    pub fn new() -> Self {
        CaseCustomFieldDefinitions
    }
}
