//! `DELETE api/2.0/crm/history/{id}` — deletes a history event and returns it.

use b24_core::r7_method;
use serde::Serialize;

use crate::r7::crm::HistoryEvent;

/// Deletes a history event.
#[r7_method(DELETE, "api/2.0/crm/history/{id}", response = HistoryEvent)]
#[derive(Clone, Debug, Serialize)]
#[non_exhaustive]
pub struct HistoryDelete {
    /// The event's ID.
    pub id: i64,
}

impl HistoryDelete {
    /// Deletes event `id`.
    pub fn new(id: i64) -> Self {
        HistoryDelete { id }
    }
}
