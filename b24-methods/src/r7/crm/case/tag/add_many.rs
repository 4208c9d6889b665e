//! `POST api/2.0/crm/case/taglist` — tags several cases at once (201); returns the tag.

use b24_core::r7_method;
use serde::Serialize;

/// Tags several cases.
#[r7_method(POST, "api/2.0/crm/case/taglist", response = String)]
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CaseTagAddMany {
    /// The cases' IDs.
    #[serde(rename = "entityid")]
    pub case_ids: Vec<i64>,
    /// The tag.
    pub tag_name: String,
}

impl CaseTagAddMany {
    /// Tags the cases `case_ids` with `tag_name`.
    pub fn new(case_ids: impl IntoIterator<Item = i64>, tag_name: impl Into<String>) -> Self {
        CaseTagAddMany {
            case_ids: case_ids.into_iter().collect(),
            tag_name: tag_name.into(),
        }
    }
}
