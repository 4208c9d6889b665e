//! `GET api/2.0/crm/case/{caseid}` — one case.
//!
//! A case that does not exist, or that the user may not read, answers 404.

use b24_core::r7_method;
use serde::Serialize;

use super::Case;

/// Gets a case.
#[r7_method(GET, "api/2.0/crm/case/{caseid}", response = Case)]
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CaseGet {
    /// The case's ID.
    pub case_id: i64,
}

impl CaseGet {
    /// Gets case `case_id`.
    pub fn new(case_id: i64) -> Self {
        CaseGet { case_id }
    }
}
