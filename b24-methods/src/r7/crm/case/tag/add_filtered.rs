//! `POST api/2.0/crm/case/filter/taglist` — tags every case a filter matches (201); returns
//! the tag. The search text travels as `?filterValue=`; the other parameters in the body.

use b24_core::r7_method;
use serde::Serialize;

/// Tags the cases a filter matches.
#[r7_method(POST, "api/2.0/crm/case/filter/taglist", response = String)]
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CaseTagAddFiltered {
    /// Only cases with this member contact.
    #[serde(rename = "contactid", skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<i64>,
    /// Only open or closed cases.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_closed: Option<bool>,
    /// Only cases already carrying these tags.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Free-text search (query string).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter_value: Option<String>,
    /// The tag to add.
    pub tag_name: String,
}

impl CaseTagAddFiltered {
    /// Tags every case the user may read with `tag_name` (narrow it with the filter fields).
    pub fn new(tag_name: impl Into<String>) -> Self {
        CaseTagAddFiltered {
            contact_id: None,
            is_closed: None,
            tags: Vec::new(),
            filter_value: None,
            tag_name: tag_name.into(),
        }
    }

    /// Only cases matching the search text.
    pub fn search(mut self, text: impl Into<String>) -> Self {
        self.filter_value = Some(text.into());
        self
    }

    /// Only open (`false`) or closed (`true`) cases.
    pub fn closed(mut self, closed: bool) -> Self {
        self.is_closed = Some(closed);
        self
    }
}
