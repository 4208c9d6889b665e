//! `PUT api/2.0/crm/case` — deletes several cases (yes, with `PUT`) and returns the deleted
//! ones; cases the user may not delete are skipped.

use b24_core::r7_method;
use serde::Serialize;

use super::Case;

/// Deletes several cases.
#[r7_method(PUT, "api/2.0/crm/case", response = Vec<Case>)]
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CaseDeleteMany {
    /// The cases' IDs.
    #[serde(rename = "casesids")]
    pub case_ids: Vec<i64>,
}

impl CaseDeleteMany {
    /// Deletes `case_ids`.
    pub fn new(case_ids: impl IntoIterator<Item = i64>) -> Self {
        CaseDeleteMany {
            case_ids: case_ids.into_iter().collect(),
        }
    }
}
