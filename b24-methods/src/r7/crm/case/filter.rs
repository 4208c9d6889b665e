//! `GET api/2.0/crm/case/filter` — lists cases matching a filter, paged.
//!
//! Paging happens in the database and `total` is always set; page with
//! [`Client::pages`](b24_core::r7::Client::pages). `filterValue` is a free-text search cut at
//! its first comma by the server.

use b24_core::r7_method;
use serde::Serialize;

use super::{Case, CaseSortBy};
use crate::r7::SortOrder;

/// Lists cases.
#[r7_method(GET, "api/2.0/crm/case/filter", response = Vec<Case>, list)]
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CaseFilter {
    /// Only cases with this member contact (0 or absent: any).
    #[serde(rename = "contactid", skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<i64>,
    /// Only open (`false`) or closed (`true`) cases.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_closed: Option<bool>,
    /// Only cases carrying all these tags.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Free-text search.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub filter_value: Option<String>,
    /// Sort field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort_by: Option<CaseSortBy>,
    /// Sort direction.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sort_order: Option<SortOrder>,
    /// Page size (at most 1000); [`Client::pages`](b24_core::r7::Client::pages) sets it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    /// Offset of the first item.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_index: Option<u64>,
}

impl CaseFilter {
    /// Every case the user may see.
    pub fn new() -> Self {
        CaseFilter::default()
    }

    /// Only cases with this member contact.
    pub fn contact(mut self, contact_id: i64) -> Self {
        self.contact_id = Some(contact_id);
        self
    }

    /// Only open (`false`) or closed (`true`) cases.
    pub fn closed(mut self, closed: bool) -> Self {
        self.is_closed = Some(closed);
        self
    }

    /// Only cases carrying this tag (repeatable).
    pub fn tag(mut self, tag: impl Into<String>) -> Self {
        self.tags.push(tag.into());
        self
    }

    /// Free-text search.
    pub fn search(mut self, text: impl Into<String>) -> Self {
        self.filter_value = Some(text.into());
        self
    }

    /// Sorts the list.
    pub fn sort(mut self, by: CaseSortBy, order: SortOrder) -> Self {
        self.sort_by = Some(by);
        self.sort_order = Some(order);
        self
    }

    /// One page: `count` items from `start_index`.
    pub fn page(mut self, start_index: u64, count: u32) -> Self {
        self.start_index = Some(start_index);
        self.count = Some(count);
        self
    }
}
