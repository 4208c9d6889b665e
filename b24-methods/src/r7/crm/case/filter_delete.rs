//! `DELETE api/2.0/crm/case/filter` — deletes the cases matching a filter and returns them.

use b24_core::r7_method;
use serde::Serialize;

use super::Case;

/// Deletes filtered cases.
#[r7_method(DELETE, "api/2.0/crm/case/filter", response = Vec<Case>)]
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CaseFilterDelete {
    /// Only cases with this member contact.
    #[serde(rename = "contactid", skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<i64>,
    /// Only open or closed cases.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_closed: Option<bool>,
    /// Only cases carrying these tags.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Free-text search.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter_value: Option<String>,
}

impl CaseFilterDelete {
    /// Deletes the cases matching `text`.
    pub fn search(text: impl Into<String>) -> Self {
        CaseFilterDelete {
            filter_value: Some(text.into()),
            ..CaseFilterDelete::default()
        }
    }

    /// Only open (`false`) or closed (`true`) cases.
    pub fn closed(mut self, closed: bool) -> Self {
        self.is_closed = Some(closed);
        self
    }
}
