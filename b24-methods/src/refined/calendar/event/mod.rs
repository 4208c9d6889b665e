//! `calendar.event.*`: calendar events, as `calendar.event.get` and `calendar.event.getbyid`
//! answer them.
//!
//! The documentation gives these two methods no response table; [`CalendarEvent`] holds the
//! fields of the documented `calendar.event.getbyid` example and of the `calendar.event.add`
//! parameters.
//!
//! Documentation: <https://apidocs.bitrix24.com/api-reference/calendar/calendar-event/index.html>

pub mod get;
pub mod getbyid;

use crate::wire::*;

/// A calendar event. Dates (`DATE_FROM`, `DATE_TO`, …) are in the portal's format
/// (`12/11/2024 05:59:00 pm`), kept as sent; `DATE_FROM_TS_UTC` / `DATE_TO_TS_UTC` are the same
/// moments in Unix seconds. User fields (`UF_CRM_CAL_EVENT`, …) and fields of newer portals
/// stay in `extra`, as sent.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct CalendarEvent {
    /// `ID`.
    pub id: Id,
    /// `PARENT_ID`: the event this one is a copy of (an attendee's copy of a meeting), or its
    /// own ID.
    pub parent_id: Option<Id>,
    /// `DELETED`.
    pub deleted: Option<Flag>,
    /// `CAL_TYPE`: the calendar's type (`user`, `group`, `company_calendar`, …).
    pub cal_type: Option<String>,
    /// `OWNER_ID`: the calendar's owner (a user or group ID).
    pub owner_id: Option<Id>,
    /// `NAME`.
    pub name: Option<String>,
    /// `DATE_FROM`: the start, in the portal's format.
    pub date_from: Option<DateTime>,
    /// `DATE_TO`: the end, in the portal's format.
    pub date_to: Option<DateTime>,
    /// `ORIGINAL_DATE_FROM`: the start of the occurrence a changed recurrence replaces.
    pub original_date_from: Option<DateTime>,
    /// `TZ_FROM`: the time zone of the start (`Europe/Riga`).
    pub tz_from: Option<String>,
    /// `TZ_TO`: the time zone of the end.
    pub tz_to: Option<String>,
    /// `TZ_OFFSET_FROM`: the start's time zone offset from UTC, in seconds.
    pub tz_offset_from: Option<Numeric>,
    /// `TZ_OFFSET_TO`: the end's time zone offset from UTC, in seconds.
    pub tz_offset_to: Option<Numeric>,
    /// `DATE_FROM_TS_UTC`: the start in Unix seconds.
    pub date_from_ts_utc: Option<Numeric>,
    /// `DATE_TO_TS_UTC`: the end in Unix seconds.
    pub date_to_ts_utc: Option<Numeric>,
    /// `DT_SKIP_TIME`: an all-day event (`skip_time` of `calendar.event.add`).
    pub dt_skip_time: Option<Flag>,
    /// `DT_LENGTH`: the length in seconds.
    pub dt_length: Option<Numeric>,
    /// `EVENT_TYPE`.
    pub event_type: Option<String>,
    /// `CREATED_BY`: the user who created it.
    pub created_by: Option<Id>,
    /// `DATE_CREATE`.
    pub date_create: Option<DateTime>,
    /// `TIMESTAMP_X`: the last change.
    pub timestamp_x: Option<DateTime>,
    /// `DESCRIPTION`.
    pub description: Option<String>,
    /// `PRIVATE_EVENT`: shown to others as busy time only (`Y`, or empty when not).
    pub private_event: Option<Flag>,
    /// `ACCESSIBILITY`: `busy`, `absent`, `quest` or `free`.
    pub accessibility: Option<String>,
    /// `IMPORTANCE`: `high`, `normal` or `low`.
    pub importance: Option<String>,
    /// `IS_MEETING`: an event with attendees.
    pub is_meeting: Option<Flag>,
    /// `MEETING_STATUS`: the owner's answer to the meeting (`H` host, `Y`, `N`, `Q` undecided).
    pub meeting_status: Option<String>,
    /// `MEETING_HOST`: the user who hosts the meeting.
    pub meeting_host: Option<Id>,
    /// `MEETING`: the meeting's settings.
    pub meeting: Option<CalendarMeeting>,
    /// `LOCATION`.
    pub location: Option<String>,
    /// `REMIND`: the reminders.
    pub remind: Option<Vec<CalendarReminder>>,
    /// `COLOR`: the event's colour (`#9dcf00`).
    pub color: Option<String>,
    /// `TEXT_COLOR`: the colour of its text.
    pub text_color: Option<String>,
    /// `RRULE`: the recurrence rule (`FREQ`, `INTERVAL`, `BYDAY`, `UNTIL`, `COUNT`); empty for
    /// an event that does not recur.
    pub rrule: Option<Value>,
    /// `EXDATE`: the dates left out of the recurrence, `;`-separated.
    pub exdate: Option<String>,
    /// `DAV_XML_ID`: the event's CalDAV identifier.
    pub dav_xml_id: Option<String>,
    /// `G_EVENT_ID`: the event's Google Calendar identifier, when synchronised.
    pub g_event_id: Option<String>,
    /// `DAV_EXCH_LABEL`: the Exchange synchronisation label.
    pub dav_exch_label: Option<String>,
    /// `CAL_DAV_LABEL`: the CalDAV synchronisation label.
    pub cal_dav_label: Option<String>,
    /// `SYNC_STATUS`: the state of an external synchronisation.
    pub sync_status: Option<String>,
    /// `SECTION_DAV_XML_ID`: the section's CalDAV identifier.
    pub section_dav_xml_id: Option<String>,
    /// `VERSION`: the change counter.
    pub version: Option<Numeric>,
    /// `ATTENDEES_CODES`: the attendees as access codes (`U1` is user #1).
    pub attendees_codes: Option<Vec<String>>,
    /// `ATTENDEE_LIST`: the attendees with their answers.
    pub attendee_list: Option<Vec<CalendarAttendee>>,
    /// `attendeesEntityList`: the attendees as entities (`{"entityId": "user", "id": 1}`).
    pub attendees_entity_list: Option<Vec<CalendarEntity>>,
    /// `RECURRENCE_ID`: the recurring event this occurrence belongs to.
    pub recurrence_id: Option<Id>,
    /// `RELATIONS`: links to the original of a recurrence (`ORIGINAL_RECURSION_ID`,
    /// `COMMENT_XML_ID`).
    pub relations: Option<Value>,
    /// `SECTION_ID`: the calendar section (`calendar.section.get`) it is in.
    pub section_id: Option<Id>,
    /// `SECT_ID`: the same section, under its older name.
    pub sect_id: Option<Id>,
    /// `DATE_FROM_FORMATTED`: the start as text (`Wed Dec 11 2024 17:59:00`).
    pub date_from_formatted: Option<String>,
    /// `DATE_TO_FORMATTED`: the end as text.
    pub date_to_formatted: Option<String>,
    /// `COLLAB_ID`: the collab the event belongs to, if any.
    pub collab_id: Option<Id>,
    /// Fields not listed above (user fields `UF_*`, `~`-prefixed raw copies, undocumented
    /// ones), as received.
    pub extra: Map<String, Value>,
}

record!(CalendarEvent {
    req id: "ID",
    opt parent_id: "PARENT_ID",
    opt deleted: "DELETED",
    opt cal_type: "CAL_TYPE",
    opt owner_id: "OWNER_ID",
    opt name: "NAME",
    opt date_from: "DATE_FROM",
    opt date_to: "DATE_TO",
    opt original_date_from: "ORIGINAL_DATE_FROM",
    opt tz_from: "TZ_FROM",
    opt tz_to: "TZ_TO",
    opt tz_offset_from: "TZ_OFFSET_FROM",
    opt tz_offset_to: "TZ_OFFSET_TO",
    opt date_from_ts_utc: "DATE_FROM_TS_UTC",
    opt date_to_ts_utc: "DATE_TO_TS_UTC",
    opt dt_skip_time: "DT_SKIP_TIME",
    opt dt_length: "DT_LENGTH",
    opt event_type: "EVENT_TYPE",
    opt created_by: "CREATED_BY",
    opt date_create: "DATE_CREATE",
    opt timestamp_x: "TIMESTAMP_X",
    opt description: "DESCRIPTION",
    opt private_event: "PRIVATE_EVENT",
    opt accessibility: "ACCESSIBILITY",
    opt importance: "IMPORTANCE",
    opt is_meeting: "IS_MEETING",
    opt meeting_status: "MEETING_STATUS",
    opt meeting_host: "MEETING_HOST",
    opt meeting: "MEETING",
    opt location: "LOCATION",
    opt remind: "REMIND",
    opt color: "COLOR",
    opt text_color: "TEXT_COLOR",
    opt rrule: "RRULE",
    opt exdate: "EXDATE",
    opt dav_xml_id: "DAV_XML_ID",
    opt g_event_id: "G_EVENT_ID",
    opt dav_exch_label: "DAV_EXCH_LABEL",
    opt cal_dav_label: "CAL_DAV_LABEL",
    opt sync_status: "SYNC_STATUS",
    opt section_dav_xml_id: "SECTION_DAV_XML_ID",
    opt version: "VERSION",
    opt attendees_codes: "ATTENDEES_CODES",
    opt attendee_list: "ATTENDEE_LIST",
    opt attendees_entity_list: "attendeesEntityList",
    opt recurrence_id: "RECURRENCE_ID",
    opt relations: "RELATIONS",
    opt section_id: "SECTION_ID",
    opt sect_id: "SECT_ID",
    opt date_from_formatted: "DATE_FROM_FORMATTED",
    opt date_to_formatted: "DATE_TO_FORMATTED",
    opt collab_id: "COLLAB_ID",
});

/// The `MEETING` settings of a [`CalendarEvent`].
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct CalendarMeeting {
    /// `HOST_NAME`: the host's name.
    pub host_name: Option<String>,
    /// `NOTIFY`: attendees are told of their answers.
    pub notify: Option<Flag>,
    /// `REINVITE`: attendees are asked again after a change.
    pub reinvite: Option<Flag>,
    /// `ALLOW_INVITE`: attendees may invite others.
    pub allow_invite: Option<Flag>,
    /// `HIDE_GUESTS`: attendees do not see each other.
    pub hide_guests: Option<Flag>,
    /// `MEETING_CREATOR`: the user who created the meeting.
    pub meeting_creator: Option<Id>,
    /// `LANGUAGE_ID`: the language of the invitations.
    pub language_id: Option<String>,
    /// `MAIL_FROM`: the sender of e-mail invitations.
    pub mail_from: Option<String>,
    /// Fields not listed above, as received.
    pub extra: Map<String, Value>,
}

record!(CalendarMeeting {
    opt host_name: "HOST_NAME",
    opt notify: "NOTIFY",
    opt reinvite: "REINVITE",
    opt allow_invite: "ALLOW_INVITE",
    opt hide_guests: "HIDE_GUESTS",
    opt meeting_creator: "MEETING_CREATOR",
    opt language_id: "LANGUAGE_ID",
    opt mail_from: "MAIL_FROM",
});

/// A reminder (`REMIND`) of a [`CalendarEvent`]: `count` units of `type` before the start.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct CalendarReminder {
    /// `type`: `min`, `hour` or `day`.
    pub type_: Option<String>,
    /// `count`: how many of them.
    pub count: Option<Numeric>,
    /// Fields not listed above, as received.
    pub extra: Map<String, Value>,
}

record!(CalendarReminder {
    opt type_: "type",
    opt count: "count",
});

/// An attendee (`ATTENDEE_LIST`) of a [`CalendarEvent`] with the answer given.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct CalendarAttendee {
    /// `id`: the user.
    pub id: Option<Id>,
    /// `entryId`: the attendee's copy of the event.
    pub entry_id: Option<Id>,
    /// `status`: `H` host, `Y` accepted, `N` declined, `Q` not answered.
    pub status: Option<String>,
    /// Fields not listed above, as received.
    pub extra: Map<String, Value>,
}

record!(CalendarAttendee {
    opt id: "id",
    opt entry_id: "entryId",
    opt status: "status",
});

/// An attendee (`attendeesEntityList`) of a [`CalendarEvent`] as an entity: a user, a
/// department, …
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct CalendarEntity {
    /// `entityId`: the kind of entity (`user`, …).
    pub entity_id: Option<String>,
    /// `id`: its ID.
    pub id: Option<Id>,
    /// Fields not listed above, as received.
    pub extra: Map<String, Value>,
}

record!(CalendarEntity {
    opt entity_id: "entityId",
    opt id: "id",
});
