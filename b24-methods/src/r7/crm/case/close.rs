//! `PUT api/2.0/crm/case/{caseid}/close` — closes a case and returns it.

use b24_core::r7_method;
use serde::Serialize;

use super::Case;

/// Closes a case.
#[r7_method(PUT, "api/2.0/crm/case/{caseid}/close", response = Case)]
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CaseClose {
    /// The case's ID.
    pub case_id: i64,
}

impl CaseClose {
    /// Closes case `case_id`.
    pub fn new(case_id: i64) -> Self {
        CaseClose { case_id }
    }
}
