//! `GET api/2.0/crm/history/filter` — history events matching a filter, paged.

use b24_core::r7::{ApiDateTime, Guid};
use b24_core::r7_method;
use serde::Serialize;

use crate::r7::crm::HistoryEvent;

/// Lists history events.
#[r7_method(GET, "api/2.0/crm/history/filter", response = Vec<HistoryEvent>, list)]
#[derive(Clone, Debug, Default, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct HistoryFilter {
    /// `case`, `opportunity` or `contact`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entity_type: Option<String>,
    /// The entity's ID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entity_id: Option<i64>,
    /// Only this category.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub category_id: Option<i64>,
    /// Only events by this user.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub create_by: Option<Guid>,
    /// Only events from this date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub from_date: Option<ApiDateTime>,
    /// Only events up to this date.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to_date: Option<ApiDateTime>,
    /// Page size.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub count: Option<u32>,
    /// Offset of the first item.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_index: Option<u64>,
}

impl HistoryFilter {
    /// The history of case `case_id`.
    pub fn case(case_id: i64) -> Self {
        HistoryFilter {
            entity_type: Some(String::from("case")),
            entity_id: Some(case_id),
            ..HistoryFilter::default()
        }
    }
}
