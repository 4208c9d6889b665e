//! `POST api/2.0/crm/history` — adds a history event (201).

use b24_core::r7::{ApiDateTime, Guid};
use b24_core::r7_method;
use serde::Serialize;

use crate::r7::crm::HistoryEvent;

/// Adds a history event.
#[r7_method(POST, "api/2.0/crm/history", response = HistoryEvent)]
#[derive(Clone, Debug, Serialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct HistoryCreate {
    /// `case` or `opportunity` (or none, with a contact).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entity_type: Option<String>,
    /// The entity's ID.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entity_id: Option<i64>,
    /// A contact the event concerns.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub contact_id: Option<i64>,
    /// The text (required).
    pub content: String,
    /// The category (required; the built-in note category is -1).
    pub category_id: i64,
    /// When it happened (default: now).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub created: Option<ApiDateTime>,
    /// Users to notify.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notify_user_list: Vec<Guid>,
}

impl HistoryCreate {
    /// A note on case `case_id`.
    pub fn case_note(case_id: i64, content: impl Into<String>) -> Self {
        HistoryCreate {
            entity_type: Some(String::from("case")),
            entity_id: Some(case_id),
            contact_id: None,
            content: content.into(),
            category_id: -1,
            created: None,
            notify_user_list: Vec::new(),
        }
    }
}
