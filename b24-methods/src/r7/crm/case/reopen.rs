//! `PUT api/2.0/crm/case/{caseid}/reopen` — reopens a case and returns it.

use b24_core::r7_method;
use serde::Serialize;

use super::Case;

/// Reopens a case.
#[r7_method(PUT, "api/2.0/crm/case/{caseid}/reopen", response = Case)]
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CaseReopen {
    /// The case's ID.
    pub case_id: i64,
}

impl CaseReopen {
    /// Reopens case `case_id`.
    pub fn new(case_id: i64) -> Self {
        CaseReopen { case_id }
    }
}
