//! `DELETE api/2.0/crm/case/tag?tagName=` — deletes a case tag everywhere and returns its
//! name; 404 if no such tag.

use b24_core::r7_method;
use serde::Serialize;

/// Deletes a case tag.
#[r7_method(DELETE, "api/2.0/crm/case/tag", response = String)]
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CaseTagDelete {
    /// The tag (query string).
    pub tag_name: String,
}

impl CaseTagDelete {
    /// Deletes tag `tag_name`.
    pub fn new(tag_name: impl Into<String>) -> Self {
        CaseTagDelete {
            tag_name: tag_name.into(),
        }
    }
}
