//! `PUT api/2.0/crm/case/access` — sets the access rights of several cases.
//!
//! Cases the user may not change are skipped silently; the answer lists the changed ones.

use b24_core::r7::Guid;
use b24_core::r7_method;
use serde::Serialize;

use super::Case;

/// Sets the access rights of several cases.
#[r7_method(PUT, "api/2.0/crm/case/access", response = Vec<Case>)]
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CaseAccessMany {
    /// The cases' IDs (singular `casesid` on the wire).
    #[serde(rename = "casesid")]
    pub case_ids: Vec<i64>,
    /// Whether the cases are private.
    pub is_private: bool,
    /// Users who may see them.
    pub access_list: Vec<Guid>,
}

impl CaseAccessMany {
    /// Sets `is_private` and `access_list` on `case_ids`.
    pub fn new(
        case_ids: impl IntoIterator<Item = i64>,
        is_private: bool,
        access_list: impl IntoIterator<Item = Guid>,
    ) -> Self {
        CaseAccessMany {
            case_ids: case_ids.into_iter().collect(),
            is_private,
            access_list: access_list.into_iter().collect(),
        }
    }
}
