//! `DELETE api/2.0/crm/case/{entityid}/tag?tagName=` — removes a tag from a case and returns
//! its name.

use b24_core::r7_method;
use serde::Serialize;

/// Removes a tag from a case.
#[r7_method(DELETE, "api/2.0/crm/case/{entityid}/tag", response = String)]
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CaseTagRemove {
    /// The case's ID.
    #[serde(rename = "entityid")]
    pub case_id: i64,
    /// The tag (query string).
    pub tag_name: String,
}

impl CaseTagRemove {
    /// Removes `tag_name` from case `case_id`.
    pub fn new(case_id: i64, tag_name: impl Into<String>) -> Self {
        CaseTagRemove {
            case_id,
            tag_name: tag_name.into(),
        }
    }
}
