//! `calendar.event.getbyid` — scope `calendar`
//!
//! One event by its ID, as a [`CalendarEvent`]; `None` (the portal answers `null`) when there
//! is no such event or it was deleted.
//! Documentation: <https://apidocs.bitrix24.com/api-reference/calendar/calendar-event/calendar-event-get-by-id.html>

use super::CalendarEvent;
use crate::wire::*;

/// Reads one event: `CalendarEventGetbyid::new(1265)`.
#[b24_method("calendar.event.getbyid", scope = "calendar", response = Option<CalendarEvent>, read_only)]
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct CalendarEventGetbyid {
    /// `id`: the event's ID.
    pub id: Numeric,
    /// Parameters not listed above (undocumented ones), sent as they are.
    pub extra: Map<String, Value>,
}

record!(CalendarEventGetbyid {
    req id: "id",
});

impl CalendarEventGetbyid {
    /// The event `id`.
    pub fn new(id: impl Into<Numeric>) -> Self {
        CalendarEventGetbyid {
            id: id.into(),
            extra: Map::new(),
        }
    }
}
