//! `POST api/2.0/crm/case/tag` — creates a case tag (201) and returns its name.

use b24_core::r7_method;
use serde::Serialize;

/// Creates a case tag.
#[r7_method(POST, "api/2.0/crm/case/tag", response = String)]
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CaseTagCreate {
    /// The tag.
    pub tag_name: String,
}

impl CaseTagCreate {
    /// Creates tag `tag_name`.
    pub fn new(tag_name: impl Into<String>) -> Self {
        CaseTagCreate {
            tag_name: tag_name.into(),
        }
    }
}
