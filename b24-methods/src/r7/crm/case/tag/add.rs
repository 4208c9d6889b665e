//! `POST api/2.0/crm/case/{entityid}/tag` — tags a case (201); creates the tag if needed and
//! returns its name.

use b24_core::r7_method;
use serde::Serialize;

/// Tags a case.
#[r7_method(POST, "api/2.0/crm/case/{entityid}/tag", response = String)]
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CaseTagAdd {
    /// The case's ID.
    #[serde(rename = "entityid")]
    pub case_id: i64,
    /// The tag.
    pub tag_name: String,
}

impl CaseTagAdd {
    /// Tags case `case_id` with `tag_name`.
    pub fn new(case_id: i64, tag_name: impl Into<String>) -> Self {
        CaseTagAdd {
            case_id,
            tag_name: tag_name.into(),
        }
    }
}
