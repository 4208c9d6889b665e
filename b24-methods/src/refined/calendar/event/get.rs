//! `calendar.event.get` — scope `calendar`
//!
//! The events of one calendar between two dates, all of them in one answer (the method does
//! not page), as [`CalendarEvent`]s. Without `from` / `to` the portal takes a month back to
//! three months ahead.
//! Documentation: <https://apidocs.bitrix24.com/api-reference/calendar/calendar-event/calendar-event-get.html>

use super::CalendarEvent;
use crate::wire::*;

/// Lists the events of the calendar of `type` (`user`, `group`, `company_calendar`) and
/// `ownerId`: `CalendarEventGet::new("user", 1).with_from("2024-06-01").with_to("2024-06-30")`.
#[b24_method("calendar.event.get", scope = "calendar", response = Vec<CalendarEvent>, read_only)]
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct CalendarEventGet {
    /// `type`: the calendar's type (`user`, `group`, `company_calendar`, …).
    pub type_: String,
    /// `ownerId`: the calendar's owner (a user or group ID).
    pub owner_id: Numeric,
    /// `from`: the first day (or moment) of the range.
    pub from: Option<DateTime>,
    /// `to`: the last day (or moment) of the range; a day takes in the whole of it.
    pub to: Option<DateTime>,
    /// `section`: only the events of these calendar sections.
    pub section: Option<Vec<Value>>,
    /// Parameters not listed above (undocumented ones), sent as they are.
    pub extra: Map<String, Value>,
}

record!(CalendarEventGet {
    req type_: "type",
    req owner_id: "ownerId",
    opt from: "from" => with_from(DateTime),
    opt to: "to" => with_to(DateTime),
    opt section: "section" => with_section(Vec<Value>),
});

impl CalendarEventGet {
    /// The events of the calendar of `type_` and `owner_id`, in the portal's default range.
    pub fn new(type_: impl Into<String>, owner_id: impl Into<Numeric>) -> Self {
        CalendarEventGet {
            type_: type_.into(),
            owner_id: owner_id.into(),
            from: None,
            to: None,
            section: None,
            extra: Map::new(),
        }
    }
}
