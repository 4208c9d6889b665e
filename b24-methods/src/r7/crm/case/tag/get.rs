//! `GET api/2.0/crm/case/tag/{entityid}` — the tags of one case.

use b24_core::r7_method;
use serde::Serialize;

/// Lists the tags of a case.
#[r7_method(GET, "api/2.0/crm/case/tag/{entityid}", response = Vec<String>)]
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct CaseTags {
    /// The case's ID.
    #[serde(rename = "entityid")]
    pub case_id: i64,
}

impl CaseTags {
    /// The tags of case `case_id`.
    pub fn new(case_id: i64) -> Self {
        CaseTags { case_id }
    }
}
