//! `DELETE api/2.0/crm/case/{caseid}` — deletes a case and returns it; 404 if missing.

use b24_core::r7_method;
use serde::Serialize;

use super::Case;

/// Deletes a case.
#[r7_method(DELETE, "api/2.0/crm/case/{caseid}", response = Case)]
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CaseDelete {
    /// The case's ID.
    pub case_id: i64,
}

impl CaseDelete {
    /// Deletes case `case_id`.
    pub fn new(case_id: i64) -> Self {
        CaseDelete { case_id }
    }
}
