//! `POST api/2.0/crm/case/{caseid}/contact` — adds a member contact (201) and returns it.
//!
//! There is no `POST …/contact/{contactid}` route for cases (unlike deals): the contact ID goes
//! in the body.

use b24_core::r7_method;
use serde::Serialize;

use crate::r7::crm::Contact;

/// Adds a member to a case.
#[r7_method(POST, "api/2.0/crm/case/{caseid}/contact", response = Contact)]
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CaseContactAdd {
    /// The case's ID.
    pub case_id: i64,
    /// The contact to add.
    #[serde(rename = "contactid")]
    pub contact_id: i64,
}

impl CaseContactAdd {
    /// Adds contact `contact_id` to case `case_id`.
    pub fn new(case_id: i64, contact_id: i64) -> Self {
        CaseContactAdd {
            case_id,
            contact_id,
        }
    }
}
