//! `DELETE api/2.0/crm/case/{caseid}/contact/{contactid}` — removes a member contact and
//! returns it.

use b24_core::r7_method;
use serde::Serialize;

use crate::r7::crm::Contact;

/// Removes a member from a case.
#[r7_method(DELETE, "api/2.0/crm/case/{caseid}/contact/{contactid}", response = Contact)]
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CaseContactRemove {
    /// The case's ID.
    pub case_id: i64,
    /// The contact to remove.
    pub contact_id: i64,
}

impl CaseContactRemove {
    /// Removes contact `contact_id` from case `case_id`.
    pub fn new(case_id: i64, contact_id: i64) -> Self {
        CaseContactRemove {
            case_id,
            contact_id,
        }
    }
}
