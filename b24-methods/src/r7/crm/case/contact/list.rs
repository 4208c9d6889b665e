//! `GET api/2.0/crm/case/{caseid}/contact` — the member contacts of a case (persons and
//! companies).

use b24_core::r7_method;
use serde::Serialize;

use crate::r7::crm::Contact;

/// Lists the members of a case.
#[r7_method(GET, "api/2.0/crm/case/{caseid}/contact", response = Vec<Contact>)]
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CaseContacts {
    /// The case's ID.
    pub case_id: i64,
}

impl CaseContacts {
    /// The members of case `case_id`.
    pub fn new(case_id: i64) -> Self {
        CaseContacts { case_id }
    }
}
