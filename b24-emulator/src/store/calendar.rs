//! Calendars (`calendar.section.*`, `calendar.event.*`): sections of a calendar named by its
//! type and owner (`user` 1, `group` 7, `company_calendar` 0…), events in those sections. A
//! user's calendar gets its default section on first use, as on the portal. Dates are read in
//! the forms the portal takes (`2024-06-14`, `2024-06-14 17:00:00`, ISO 8601 with an offset,
//! the portal's own `06/14/2024 05:00:00 pm`) and written in the portal's form, in UTC.
//!
//! The calendar methods answer errors with an empty code and a sentence, as the portal does.

use super::Actor;
use super::table::Table;
use crate::envelope::{ApiError, format_atom};
use crate::r7::dates::parse_date;
use crate::value::Value;

/// A calendar: its type (`CAL_TYPE`) and owner (`OWNER_ID`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    /// `type`: `user`, `group`, `company_calendar`, …
    pub cal_type: String,
    /// `ownerId`.
    pub owner_id: i64,
}

/// A calendar error: an empty code and the portal's sentence.
pub fn error(description: impl Into<String>) -> ApiError {
    ApiError::new(400, "", description)
}

fn bad_section() -> ApiError {
    error("You specified an invalid calendar section ID or the user does not have access to it")
}

/// A moment the portal takes: Unix seconds and whether it was a date alone.
pub fn parse_moment(text: &str) -> Option<(i64, bool)> {
    let text = text.trim();
    let iso = if let Some((date, time)) = text.split_once(' ').filter(|(d, _)| d.contains('/')) {
        // `06/14/2024 05:00:00 pm`
        let (time, meridiem) = time.trim().split_once(' ').unwrap_or((time, ""));
        let mut parts = time.split(':').map(str::parse::<i64>);
        let hour = parts.next()?.ok()?;
        let minute = parts.next().transpose().ok()?.unwrap_or(0);
        let second = parts.next().transpose().ok()?.unwrap_or(0);
        let hour = match meridiem.to_ascii_lowercase().as_str() {
            "am" => hour % 12,
            "pm" => hour % 12 + 12,
            _ => hour,
        };
        format!("{}T{hour:02}:{minute:02}:{second:02}", us_date(date)?)
    } else if text.contains('/') {
        us_date(text)?
    } else {
        text.replacen(' ', "T", 1)
    };
    let date_only = iso.len() == 10;
    let ticks = parse_date(&iso, 0)?;
    Some((i64::try_from(ticks.div_euclid(10_000_000)).ok()?, date_only))
}

/// `MM/DD/YYYY` as `YYYY-MM-DD`.
fn us_date(text: &str) -> Option<String> {
    let mut parts = text.split('/').map(str::parse::<u32>);
    let (month, day, year) = (
        parts.next()?.ok()?,
        parts.next()?.ok()?,
        parts.next()?.ok()?,
    );
    Some(format!("{year:04}-{month:02}-{day:02}"))
}

/// The portal's form of a moment: `06/14/2024 05:00:00 pm`, or `06/14/2024` for a date.
pub fn portal_moment(unix: i64, date_only: bool) -> String {
    let atom = format_atom(unix);
    let (year, month, day) = (&atom[0..4], &atom[5..7], &atom[8..10]);
    if date_only {
        return format!("{month}/{day}/{year}");
    }
    let hour: u32 = atom[11..13].parse().unwrap_or(0);
    let (hour12, meridiem) = match hour {
        0 => (12, "am"),
        1..=11 => (hour, "am"),
        12 => (12, "pm"),
        _ => (hour - 12, "pm"),
    };
    format!(
        "{month}/{day}/{year} {hour12:02}:{} {meridiem}",
        &atom[14..19]
    )
}

fn id_text(id: i64) -> Value {
    Value::from(id.to_string())
}

fn belongs(record: &Value, owner: &Owner) -> bool {
    record.get("CAL_TYPE").and_then(Value::as_str) == Some(owner.cal_type.as_str())
        && record.get("OWNER_ID").map(Value::php_intval) == Some(owner.owner_id)
}

fn text(params: &Value, name: &str) -> Option<String> {
    params.get_ci(name).and_then(Value::php_string)
}

/// Every calendar section and event of the portal.
#[derive(Debug, Clone, Default)]
pub struct CalendarStore {
    sections: Table<Value>,
    events: Table<Value>,
}

/// The event fields a call may write, with the record key each goes to (the first four are a
/// section's too).
const EVENT_TEXT: &[(&str, &str)] = &[
    ("name", "NAME"),
    ("description", "DESCRIPTION"),
    ("color", "COLOR"),
    ("text_color", "TEXT_COLOR"),
    ("accessibility", "ACCESSIBILITY"),
    ("importance", "IMPORTANCE"),
    ("private_event", "PRIVATE_EVENT"),
    ("location", "LOCATION"),
    ("timezone_from", "TZ_FROM"),
    ("timezone_to", "TZ_TO"),
];

impl CalendarStore {
    fn insert_section(&mut self, owner: &Owner, params: &Value, actor: Actor) -> i64 {
        let id = self.sections.next_id();
        let time = Value::from(format_atom(actor.now));
        let field = |name: &str, default: &str| {
            Value::from(text(params, name).unwrap_or_else(|| default.to_owned()))
        };
        let record = Value::object([
            ("ID", id_text(id)),
            ("NAME", field("name", "")),
            ("DESCRIPTION", field("description", "")),
            ("COLOR", field("color", "#9dcf00")),
            ("TEXT_COLOR", field("text_color", "")),
            ("EXPORT", Value::object([("ALLOW", Value::Bool(false))])),
            ("CAL_TYPE", Value::from(owner.cal_type.as_str())),
            ("OWNER_ID", id_text(owner.owner_id)),
            ("CREATED_BY", id_text(actor.user)),
            ("DATE_CREATE", time.clone()),
            ("TIMESTAMP_X", time),
            ("ACTIVE", Value::from("Y")),
            ("IS_COLLAB", Value::Bool(false)),
            // The emulated caller may do everything with a section.
            (
                "PERM",
                Value::object(
                    [
                        "view_time",
                        "view_title",
                        "view_full",
                        "add",
                        "edit",
                        "edit_section",
                        "access",
                    ]
                    .map(|right| (right, Value::Bool(true))),
                ),
            ),
        ]);
        self.sections.insert(id, record);
        id
    }

    /// `calendar.section.get`: the calendar's sections (a user's calendar gets its default
    /// section first when it has none).
    pub fn sections(&mut self, owner: &Owner, actor: Actor) -> Vec<Value> {
        let has_any = self.sections.values().any(|s| belongs(s, owner));
        if !has_any && owner.cal_type == "user" {
            let default = Value::object([("name", Value::from("My calendar"))]);
            self.insert_section(owner, &default, actor);
        }
        self.sections
            .values()
            .filter(|s| belongs(s, owner))
            .cloned()
            .collect()
    }

    /// `calendar.section.add`: a new section of the calendar from `params` (`name` required,
    /// `description`, `color`, `text_color`); its ID.
    pub fn section_add(
        &mut self,
        owner: &Owner,
        params: &Value,
        actor: Actor,
    ) -> Result<i64, ApiError> {
        if text(params, "name").is_none_or(|name| name.trim().is_empty()) {
            return Err(error("Invalid value for the \"name\" parameter"));
        }
        Ok(self.insert_section(owner, params, actor))
    }

    /// `calendar.section.update`: `name`, `description`, `color`, `text_color` of `params`.
    pub fn section_update(
        &mut self,
        id: i64,
        owner: &Owner,
        params: &Value,
        actor: Actor,
    ) -> Result<(), ApiError> {
        if text(params, "name").is_some_and(|name| name.trim().is_empty()) {
            return Err(error("Invalid value for the \"name\" parameter"));
        }
        let record = self
            .sections
            .get_mut(&id)
            .filter(|s| belongs(s, owner))
            .ok_or_else(|| error("An error occurred while updating the section"))?;
        for (param, key) in &EVENT_TEXT[..4] {
            if let Some(value) = text(params, param) {
                record.insert(*key, Value::from(value));
            }
        }
        record.insert("TIMESTAMP_X", Value::from(format_atom(actor.now)));
        Ok(())
    }

    /// `calendar.section.delete`: the section with its events.
    pub fn section_delete(&mut self, id: i64, owner: &Owner) -> Result<(), ApiError> {
        if !self.sections.get(&id).is_some_and(|s| belongs(s, owner)) {
            return Err(error("An error occurred while deleting the section."));
        }
        self.sections.remove(&id);
        self.events
            .retain(|_, e| e.get("SECTION_ID").map(Value::php_intval) != Some(id));
        Ok(())
    }

    /// The section `section` when it belongs to the calendar; with `auto` and no section
    /// given, the calendar's first.
    fn section_of(&mut self, owner: &Owner, section: i64, auto: bool, actor: Actor) -> Option<i64> {
        if section <= 0 && auto {
            let first = self.sections(owner, actor).first()?.get("ID")?.php_intval();
            return Some(first);
        }
        self.sections
            .get(&section)
            .filter(|s| belongs(s, owner))
            .map(|_| section)
    }

    /// Writes the dates and fields of `params` given into `record`.
    fn write(record: &mut Value, params: &Value) -> Result<(), ApiError> {
        for (param, key) in EVENT_TEXT {
            if let Some(value) = text(params, param) {
                record.insert(*key, Value::from(value));
            }
        }
        let moment = |name: &str, ts: &str, current: &str| -> Result<(i64, bool), ApiError> {
            if let Some(ts) = params.get_ci(ts).map(Value::php_intval).filter(|t| *t > 0) {
                return Ok((ts, false));
            }
            match text(params, name) {
                Some(given) => parse_moment(&given)
                    .ok_or_else(|| error(format!("Invalid value for the parameter \"{name}\""))),
                None => Ok((
                    record.get(current).map_or(0, Value::php_intval),
                    record.get("DT_SKIP_TIME").and_then(Value::as_str) == Some("Y"),
                )),
            }
        };
        let (from, from_date) = moment("from", "from_ts", "DATE_FROM_TS_UTC")?;
        let (to, to_date) = moment("to", "to_ts", "DATE_TO_TS_UTC")?;
        let skip_time = match params.get_ci("skip_time") {
            Some(flag) => flag
                .php_string()
                .is_some_and(|s| s.eq_ignore_ascii_case("Y")),
            None => from_date && to_date,
        };
        let to = to.max(from);
        // Saturating: timestamps come from the caller and may be anything.
        let length = to
            .saturating_sub(from)
            .saturating_add(if skip_time { 86_400 } else { 0 });
        record.insert("DATE_FROM", Value::from(portal_moment(from, skip_time)));
        record.insert("DATE_TO", Value::from(portal_moment(to, skip_time)));
        record.insert("DATE_FROM_TS_UTC", Value::from(from.to_string()));
        record.insert("DATE_TO_TS_UTC", Value::from(to.to_string()));
        record.insert(
            "DT_SKIP_TIME",
            Value::from(if skip_time { "Y" } else { "N" }),
        );
        record.insert("DT_LENGTH", Value::Int(length));
        if let Some(remind) = params.get_ci("remind") {
            record.insert("REMIND", remind.clone());
        }
        if let Some(attendees) = params.get_ci("attendees").and_then(Value::int_list) {
            let codes = attendees.iter().map(|id| Value::from(format!("U{id}")));
            record.insert("ATTENDEES_CODES", Value::List(codes.collect()));
        }
        if let Some(flag) = params.get_ci("is_meeting") {
            let meeting = flag
                .php_string()
                .is_some_and(|s| s.eq_ignore_ascii_case("Y"));
            record.insert("IS_MEETING", Value::Bool(meeting));
        }
        Ok(())
    }

    /// `calendar.event.add`: a new event of the calendar in `section` (or, with
    /// `auto_detect_section`, the calendar's first section); its ID.
    pub fn event_add(
        &mut self,
        owner: &Owner,
        section: i64,
        params: &Value,
        actor: Actor,
    ) -> Result<i64, ApiError> {
        let auto = text(params, "auto_detect_section").is_some_and(|s| s == "Y");
        let section = self
            .section_of(owner, section, auto, actor)
            .ok_or_else(bad_section)?;
        let time = Value::from(format_atom(actor.now));
        let mut record = Value::object([
            ("ID", Value::Null),
            ("PARENT_ID", Value::Null),
            ("DELETED", Value::from("N")),
            ("CAL_TYPE", Value::from(owner.cal_type.as_str())),
            ("OWNER_ID", id_text(owner.owner_id)),
            ("NAME", Value::from("")),
            ("TZ_FROM", Value::from("UTC")),
            ("TZ_TO", Value::from("UTC")),
            ("TZ_OFFSET_FROM", Value::from("0")),
            ("TZ_OFFSET_TO", Value::from("0")),
            ("EVENT_TYPE", Value::Null),
            ("CREATED_BY", id_text(actor.user)),
            ("DATE_CREATE", time.clone()),
            ("TIMESTAMP_X", time),
            ("DESCRIPTION", Value::from("")),
            ("PRIVATE_EVENT", Value::from("")),
            ("ACCESSIBILITY", Value::from("busy")),
            ("IMPORTANCE", Value::from("normal")),
            ("IS_MEETING", Value::Bool(false)),
            ("MEETING_HOST", id_text(actor.user)),
            ("LOCATION", Value::from("")),
            ("REMIND", Value::List(Vec::new())),
            ("COLOR", Value::from("")),
            ("RRULE", Value::from("")),
            (
                "ATTENDEES_CODES",
                Value::List(vec![Value::from(format!("U{}", actor.user))]),
            ),
            ("SECTION_ID", id_text(section)),
            ("SECT_ID", id_text(section)),
        ]);
        Self::write(&mut record, params)?;
        if record
            .get("NAME")
            .and_then(Value::as_str)
            .is_none_or(|name| name.trim().is_empty())
        {
            return Err(error("Invalid value for the parameter \"name\""));
        }
        let id = self.events.next_id();
        record.insert("ID", id_text(id));
        record.insert("PARENT_ID", id_text(id));
        self.events.insert(id, record);
        Ok(id)
    }

    /// `calendar.event.update`: the fields and dates given; a new `section` of the same
    /// calendar.
    pub fn event_update(
        &mut self,
        id: i64,
        owner: &Owner,
        section: Option<i64>,
        params: &Value,
        actor: Actor,
    ) -> Result<(), ApiError> {
        let failed = || error("An error occurred while changing the event.");
        if !self.events.get(&id).is_some_and(|e| belongs(e, owner)) {
            return Err(failed());
        }
        let section = match section {
            Some(section) => Some(
                self.section_of(owner, section, false, actor)
                    .ok_or_else(bad_section)?,
            ),
            None => None,
        };
        let mut record = self.events.get(&id).cloned().ok_or_else(failed)?;
        Self::write(&mut record, params)?;
        if let Some(section) = section {
            record.insert("SECTION_ID", id_text(section));
            record.insert("SECT_ID", id_text(section));
        }
        record.insert("TIMESTAMP_X", Value::from(format_atom(actor.now)));
        self.events.insert(id, record);
        Ok(())
    }

    /// `calendar.event.delete`.
    pub fn event_delete(&mut self, id: i64) -> Result<(), ApiError> {
        self.events
            .remove(&id)
            .map(drop)
            .ok_or_else(|| error("An error occurred while deleting the event"))
    }

    /// `calendar.event.getbyid`: the event, if there is one.
    pub fn event(&self, id: i64) -> Option<Value> {
        self.events.get(&id).cloned()
    }

    /// `calendar.event.get`: the calendar's events that overlap `from..=to` (Unix seconds),
    /// in the `sections` given (all when empty), by start.
    pub fn events(&self, owner: &Owner, from: i64, to: i64, sections: &[i64]) -> Vec<Value> {
        let ts = |e: &Value, key: &str| e.get(key).map_or(0, Value::php_intval);
        let mut rows: Vec<&Value> = self
            .events
            .values()
            .filter(|e| belongs(e, owner))
            .filter(|e| ts(e, "DATE_FROM_TS_UTC") <= to && ts(e, "DATE_TO_TS_UTC") >= from)
            .filter(|e| sections.is_empty() || sections.contains(&ts(e, "SECTION_ID")))
            .collect();
        rows.sort_by_key(|e| ts(e, "DATE_FROM_TS_UTC"));
        rows.into_iter().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ACTOR: Actor = Actor { user: 1, now: 0 };

    #[test]
    fn moments_read_every_form_and_write_the_portals() {
        let at = parse_moment("2024-06-14T17:00:00+03:00").expect("ISO");
        assert_eq!(at, (1_718_373_600, false));
        assert_eq!(parse_moment("2024-06-14 14:00:00"), Some(at));
        assert_eq!(parse_moment("06/14/2024 02:00:00 pm"), Some(at));
        assert_eq!(parse_moment("2024-06-14"), Some((1_718_323_200, true)));
        assert_eq!(parse_moment("06/14/2024"), Some((1_718_323_200, true)));
        assert_eq!(parse_moment("soon"), None);
        assert_eq!(portal_moment(at.0, false), "06/14/2024 02:00:00 pm");
        assert_eq!(
            portal_moment(1_718_323_200, false),
            "06/14/2024 12:00:00 am"
        );
        assert_eq!(portal_moment(1_718_323_200, true), "06/14/2024");
    }

    #[test]
    fn events_live_in_their_calendars_sections() {
        let mut store = CalendarStore::default();
        let owner = |cal_type: &str, owner_id| Owner {
            cal_type: cal_type.into(),
            owner_id,
        };
        let (user, group) = (owner("user", 1), owner("group", 7));
        let default = store.sections(&user, ACTOR);
        assert_eq!(default.len(), 1);
        assert!(store.sections(&group, ACTOR).is_empty());
        let section = default[0].get("ID").map_or(0, Value::php_intval);
        let params = Value::object([
            ("name", Value::from("Call")),
            ("from", Value::from("2024-06-14 10:00:00")),
            ("to", Value::from("2024-06-14 11:00:00")),
        ]);
        assert!(store.event_add(&group, section, &params, ACTOR).is_err());
        let id = store
            .event_add(&user, section, &params, ACTOR)
            .expect("added");
        let day = |d: &str| parse_moment(d).expect("a date").0;
        assert_eq!(
            store
                .events(&user, day("2024-06-14"), day("2024-06-15"), &[])
                .len(),
            1
        );
        assert!(
            store
                .events(&user, day("2024-06-15"), day("2024-06-16"), &[])
                .is_empty()
        );
        let moved = Value::object([("from", Value::from("2024-06-15 10:00:00"))]);
        store
            .event_update(id, &user, None, &moved, ACTOR)
            .expect("moved");
        let event = store.event(id).expect("kept");
        assert_eq!(
            event.get("DATE_TO"),
            Some(&Value::from("06/15/2024 10:00:00 am"))
        );
        store.event_delete(id).expect("deleted");
        assert!(store.event_delete(id).is_err());
        let extreme = Value::object([
            ("name", Value::from("Forever")),
            ("from", Value::from("0001-01-01")),
            ("to_ts", Value::Int(i64::MAX)),
        ]);
        let id = store
            .event_add(&user, section, &extreme, ACTOR)
            .expect("added");
        let event = store.event(id).expect("kept");
        assert_eq!(event.get("DT_LENGTH"), Some(&Value::Int(i64::MAX)));
    }
}
