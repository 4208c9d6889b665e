//! Calendars on [`crate::store::calendar`]: `calendar.section.get/add/update/delete`,
//! `calendar.event.add/update/delete/get/getbyid`. A calendar is named by `type` and
//! `ownerId`; a missing one is the documented sentence with an empty code. Each change fires its
//! documented event (`ONCALENDARENTRYADD`, …, `ONCALENDARSECTIONDELETE`) with the record's `id`.

use crate::call::Call;
use crate::envelope::{ApiError, MethodOutput};
use crate::store::calendar::{Owner, error, parse_moment};
use crate::value::Value;

/// The portal's default window of `calendar.event.get`: a month back, three months ahead.
const DEFAULT_BEFORE: i64 = 31 * 86_400;
const DEFAULT_AFTER: i64 = 90 * 86_400;

fn not_set(name: &str, method: &str) -> ApiError {
    error(format!(
        "The required parameter \"{name}\" for the method \"{method}\" is not set"
    ))
}

/// `type` and `ownerId` of the call (each required). `ownerId` 0 is the company calendar's.
fn owner(call: &Call<'_>) -> Result<Owner, ApiError> {
    let method = call.method.to_ascii_lowercase();
    let cal_type = call
        .params
        .get_ci("type")
        .and_then(Value::php_string)
        .filter(|t| !t.is_empty());
    let Some(cal_type) = cal_type else {
        return Err(if method == "calendar.event.get" {
            error("Required parameter \"type\" is not specified for method \"calendar.event.get\"")
        } else {
            not_set("type", &method)
        });
    };
    let owner_id = match call.params.get_ci("ownerId") {
        Some(value) if value.php_string().is_some_and(|s| !s.is_empty()) => value.php_intval(),
        _ if cal_type == "company_calendar" => 0,
        _ if method == "calendar.event.get" => call.principal.user_id(),
        _ => return Err(not_set("ownerId", &method)),
    };
    Ok(Owner { cal_type, owner_id })
}

/// The required `id`.
fn id(call: &Call<'_>, missing: impl FnOnce() -> ApiError) -> Result<i64, ApiError> {
    call.params
        .get_ci("id")
        .map(Value::php_intval)
        .filter(|id| *id > 0)
        .ok_or_else(missing)
}

/// Fires a calendar event (`ONCALENDARENTRYADD`, `ONCALENDARSECTIONDELETE`, …): its data is the
/// record's `id`, as documented for all of them.
fn fire(call: &mut Call<'_>, event: &str, id: i64) {
    let data = Value::object([("id", Value::from(id.to_string()))]);
    call.fire(event.to_owned(), data);
}

/// `calendar.section.get`: the calendar's sections.
pub fn section_get(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let (owner, actor) = (owner(call)?, call.actor());
    let sections = call.state.calendar.sections(&owner, actor);
    Ok(MethodOutput::new(Value::List(sections)))
}

/// `calendar.section.add`: the new section's ID.
pub fn section_add(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let (owner, actor) = (owner(call)?, call.actor());
    let id = call
        .state
        .calendar
        .section_add(&owner, call.params, actor)?;
    fire(call, "ONCALENDARSECTIONADD", id);
    Ok(MethodOutput::new(Value::Int(id)))
}

/// `calendar.section.update`: the section's ID.
pub fn section_update(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let id = id(call, || error("Section ID is not set"))?;
    let (owner, actor) = (owner(call)?, call.actor());
    call.state
        .calendar
        .section_update(id, &owner, call.params, actor)?;
    fire(call, "ONCALENDARSECTIONUPDATE", id);
    Ok(MethodOutput::new(Value::Int(id)))
}

/// `calendar.section.delete`: `true`.
pub fn section_delete(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let id = id(call, || error("Section ID is not set."))?;
    let owner = owner(call)?;
    call.state.calendar.section_delete(id, &owner)?;
    fire(call, "ONCALENDARSECTIONDELETE", id);
    Ok(MethodOutput::new(Value::Bool(true)))
}

/// `calendar.event.add`: the new event's ID.
pub fn event_add(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let (owner, actor) = (owner(call)?, call.actor());
    for name in ["name", "from", "to"] {
        let given = call
            .params
            .get_ci(name)
            .and_then(Value::php_string)
            .is_some_and(|s| !s.trim().is_empty());
        let by_ts = call.params.get_ci(&format!("{name}_ts")).is_some();
        if !given && !by_ts {
            return Err(not_set(name, "calendar.event.add"));
        }
    }
    let section = call.params.get_ci("section").map_or(0, Value::php_intval);
    let id = call
        .state
        .calendar
        .event_add(&owner, section, call.params, actor)?;
    fire(call, "ONCALENDARENTRYADD", id);
    Ok(MethodOutput::new(Value::Int(id)))
}

/// `calendar.event.update`: the event's ID.
pub fn event_update(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let id = id(call, || {
        error("The required parameter \"id\" for the method \"calendar.event.update\" is not set.")
    })?;
    let (owner, actor) = (owner(call)?, call.actor());
    let section = call.params.get_ci("section").map(Value::php_intval);
    call.state
        .calendar
        .event_update(id, &owner, section, call.params, actor)?;
    fire(call, "ONCALENDARENTRYUPDATE", id);
    Ok(MethodOutput::new(Value::Int(id)))
}

/// `calendar.event.delete`: `true`.
pub fn event_delete(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let id = id(call, || error("Event id not specified"))?;
    call.state.calendar.event_delete(id)?;
    fire(call, "ONCALENDARENTRYDELETE", id);
    Ok(MethodOutput::new(Value::Bool(true)))
}

/// `calendar.event.getbyid`: the event, `null` when there is none.
pub fn event_get_by_id(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let id = id(call, || not_set("id", "calendar.event.getbyid"))?;
    let event = call.state.calendar.event(id).unwrap_or_default();
    Ok(MethodOutput::new(event))
}

/// `calendar.event.get`: the calendar's events between `from` and `to` (dates, both days
/// included; by default a month back to three months ahead), in the `section` list given.
pub fn event_get(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let owner = owner(call)?;
    let now = call.now_secs();
    let bound = |name: &str| -> Result<Option<(i64, bool)>, ApiError> {
        match call.params.get_ci(name).and_then(Value::php_string) {
            Some(text) if !text.is_empty() => parse_moment(&text)
                .map(Some)
                .ok_or_else(|| error(format!("Invalid value for the parameter \"{name}\""))),
            _ => Ok(None),
        }
    };
    let from = bound("from")?.map_or(now - DEFAULT_BEFORE, |(from, _)| from);
    // A `to` that names a day takes in the whole of it.
    let to = bound("to")?.map_or(
        now + DEFAULT_AFTER,
        |(to, day)| {
            if day { to + 86_399 } else { to }
        },
    );
    let sections = call
        .params
        .get_ci("section")
        .and_then(Value::int_list)
        .unwrap_or_default();
    let events = call.state.calendar.events(&owner, from, to, &sections);
    Ok(MethodOutput::new(Value::List(events)))
}
