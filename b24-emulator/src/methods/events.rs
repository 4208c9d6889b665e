//! Event methods (PROTOCOL §9): `events`, `event.bind`, `event.unbind`, `event.get` and the
//! offline queue (`event.offline.get/list/clear/error`). The bindings and the queue live in
//! [`crate::store::events`]; deliveries are sent by [`crate::delivery`].
//!
//! Event methods need an OAuth application context (a webhook gets 403 `WRONG_AUTH_TYPE`).
//! Online handlers must be loopback URLs (`127.0.0.0/8`, `localhost`, `[::1]`); anything else
//! is refused with `ERROR_WRONG_HANDLER_URL`.

use crate::auth::Principal;
use crate::call::Call;
use crate::envelope::{ApiError, MethodOutput, format_atom};
use crate::list::Page;
use crate::store::events::{EVENTS, OfflineEvent};
use crate::value::Value;

fn app_only(call: &Call<'_>) -> Result<(), ApiError> {
    match call.principal {
        Principal::OAuth { .. } => Ok(()),
        Principal::Webhook { .. } => Err(ApiError::new(
            403,
            "WRONG_AUTH_TYPE",
            "Current authorization type is denied for this method",
        )),
    }
}

fn str_param(params: &Value, key: &str) -> Option<String> {
    params.get_ci(key).and_then(Value::scalar_text)
}

/// Whether `url` is an `http(s)://` URL on a loopback host. `Err(true)` = unsupported scheme.
fn check_handler(url: &str) -> Result<(), bool> {
    let lower = url.to_ascii_lowercase();
    let rest = if let Some(r) = lower.strip_prefix("http://") {
        r
    } else if let Some(r) = lower.strip_prefix("https://") {
        r
    } else {
        return Err(true);
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let host = authority.rsplit_once('@').map_or(authority, |(_, h)| h);
    let host = if let Some(v6) = host.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        host.split(':').next().unwrap_or("")
    };
    let loopback = host == "localhost"
        || host
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    if loopback { Ok(()) } else { Err(false) }
}

/// `events`: the event names available to the application.
pub fn events(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    app_only(call)?;
    Ok(MethodOutput::new(Value::List(
        EVENTS.iter().map(|e| Value::from(*e)).collect(),
    )))
}

fn event_type(params: &Value) -> Result<bool, ApiError> {
    match str_param(params, "event_type")
        .map(|s| s.to_ascii_lowercase())
        .as_deref()
    {
        None | Some("online") => Ok(false),
        Some("offline") => Ok(true),
        Some(_) => Err(ApiError::argument(
            "event_type",
            "Value of event_type must be online or offline",
        )),
    }
}

fn wrong_handler() -> ApiError {
    ApiError::new(400, "ERROR_WRONG_HANDLER_URL", "Wrong handler URL")
}

/// `event.bind`: `event`, `handler` (online), `auth_type`, `event_type`.
pub fn bind(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    app_only(call)?;
    let event = str_param(call.params, "event")
        .map(|e| e.to_ascii_uppercase())
        .filter(|e| EVENTS.contains(&e.as_str()))
        .ok_or_else(|| ApiError::new(400, "ERROR_EVENT_NOT_FOUND", "Event not found"))?;
    let offline = event_type(call.params)?;
    let auth_type = call.params.get_ci("auth_type").map_or(0, Value::php_intval);
    let handler = if offline {
        String::new()
    } else {
        let handler = str_param(call.params, "handler").ok_or_else(wrong_handler)?;
        match check_handler(&handler) {
            Ok(()) => handler,
            Err(true) => {
                return Err(ApiError::new(
                    400,
                    "ERROR_UNSUPPORTED_PROTOCOL",
                    "Unsupported event handler protocol",
                ));
            }
            Err(false) => return Err(wrong_handler()),
        }
    };
    call.state.events.bind(event, handler, auth_type, offline);
    Ok(MethodOutput::new(Value::Bool(true)))
}

/// `event.unbind`: `event`, `handler` (online), `auth_type`, `event_type` → `{"count": n}`.
pub fn unbind(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    app_only(call)?;
    let event = str_param(call.params, "event")
        .map(|e| e.to_ascii_uppercase())
        .ok_or_else(|| ApiError::new(400, "ERROR_EVENT_NOT_FOUND", "Event not found"))?;
    let offline = event_type(call.params)?;
    let handler = str_param(call.params, "handler");
    let auth_type = call
        .params
        .get_ci("auth_type")
        .filter(|v| v.php_string().is_some_and(|s| !s.is_empty()))
        .map(Value::php_intval);
    let count = call
        .state
        .events
        .unbind(&event, offline, handler.as_deref(), auth_type);
    Ok(MethodOutput::new(Value::object([(
        "count",
        Value::Int(i64::try_from(count).unwrap_or(i64::MAX)),
    )])))
}

/// `event.get`: the application's bindings.
pub fn get(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    app_only(call)?;
    let rows = call
        .state
        .events
        .bindings
        .iter()
        .map(|b| {
            if b.offline {
                Value::object([
                    ("event", Value::from(b.event.as_str())),
                    ("connector_id", Value::from(b.connector.as_str())),
                    ("offline", Value::Int(1)),
                ])
            } else {
                Value::object([
                    ("event", Value::from(b.event.as_str())),
                    ("handler", Value::from(b.handler.as_str())),
                    ("auth_type", Value::from(b.auth_type.to_string())),
                    ("offline", Value::Int(0)),
                ])
            }
        })
        .collect();
    Ok(MethodOutput::new(Value::List(rows)))
}

fn offline_row(e: &OfflineEvent, full: bool) -> Value {
    let mut row = Value::object([
        ("ID", Value::from(e.id.to_string())),
        ("TIMESTAMP_X", Value::from(format_atom(e.timestamp))),
        ("EVENT_NAME", Value::from(e.event.as_str())),
        ("EVENT_DATA", e.data.clone()),
        (
            "EVENT_ADDITIONAL",
            Value::object([("user_id", Value::from(e.user_id.to_string()))]),
        ),
        ("MESSAGE_ID", Value::from(e.message_id.as_str())),
    ]);
    if full {
        row.insert(
            "PROCESS_ID",
            e.process_id.as_deref().map_or(Value::from(""), Value::from),
        );
        row.insert("ERROR", Value::from(if e.error { "1" } else { "0" }));
    }
    row
}

/// The values of the list parameter `key` (`message_id[]`, `id[]`), `None` when absent.
fn list_param(params: &Value, key: &str) -> Option<Vec<String>> {
    let v = params.get_ci(key)?;
    Some(match v {
        Value::List(_) | Value::Map(_) => v
            .entries()
            .into_iter()
            .filter_map(|(_, m)| m.php_string())
            .collect(),
        other => other.php_string().into_iter().collect(),
    })
}

fn offline_filter(params: &Value, e: &OfflineEvent) -> bool {
    let Some(filter) = params.get_ci("filter") else {
        return true;
    };
    filter.entries().into_iter().all(|(key, value)| {
        let split = key
            .find(|c: char| c.is_ascii_alphanumeric() || c == '_')
            .unwrap_or(key.len());
        let (prefix, field) = key.split_at(split);
        let field_value = match field.to_ascii_uppercase().as_str() {
            "ID" => Value::Int(e.id),
            "EVENT_NAME" => Value::from(e.event.as_str()),
            "MESSAGE_ID" => Value::from(e.message_id.as_str()),
            "TIMESTAMP_X" => Value::Int(e.timestamp),
            _ => return true,
        };
        let wanted = value.php_string().unwrap_or_default();
        let have = field_value.php_string().unwrap_or_default();
        let ord = match (field_value.as_int_strict(), value.as_int_strict()) {
            (Some(a), Some(b)) => a.cmp(&b),
            _ => have.cmp(&wanted),
        };
        match prefix {
            "" | "=" => have.eq_ignore_ascii_case(&wanted),
            "!" | "!=" => !have.eq_ignore_ascii_case(&wanted),
            ">" => ord.is_gt(),
            ">=" => ord.is_ge(),
            "<" => ord.is_lt(),
            "<=" => ord.is_le(),
            _ => true,
        }
    })
}

/// `event.offline.get`: `filter`, `order`, `limit` (≤ 1000, default 50), `clear` (default 1),
/// `process_id`, `error`, `auth_connector` → `{"process_id", "events"}`. Without `process_id`
/// it reads unclaimed rows (and with `clear=0` claims them for a new process); with one, the
/// rows that process claimed and has not cleared — how a consumer that died between get and
/// clear gets them again. Only the rows of the call's `auth_connector` are seen.
pub fn offline_get(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    app_only(call)?;
    let params = call.params;
    let limit = params
        .get_ci("limit")
        .map_or(50, Value::php_intval)
        .clamp(1, 1000);
    let clear = params.get_ci("clear").is_none_or(Value::php_truthy);
    let with_errors = params.get_ci("error").is_some_and(Value::php_truthy);
    let process = str_param(params, "process_id");
    let desc = params.get_ci("order").is_some_and(|o| {
        o.entries().into_iter().any(|(_, d)| {
            d.php_string()
                .is_some_and(|d| d.eq_ignore_ascii_case("desc"))
        })
    });
    let store = &mut call.state.events;
    let mut rows: Vec<&OfflineEvent> = store
        .offline_of_call()
        .filter(|e| process == e.process_id)
        .filter(|e| with_errors || !e.error)
        .filter(|e| offline_filter(params, e))
        .collect();
    rows.sort_by_key(|e| (e.timestamp, e.id));
    if desc {
        rows.reverse();
    }
    rows.truncate(usize::try_from(limit).unwrap_or(50));
    let ids: Vec<i64> = rows.iter().map(|e| e.id).collect();
    let events: Vec<Value> = rows.into_iter().map(|e| offline_row(e, false)).collect();
    let process_id = if clear {
        store.remove(&ids);
        Value::Null
    } else {
        store.claim(&ids, process).map_or(Value::Null, Value::from)
    };
    Ok(MethodOutput::new(Value::object([
        ("process_id", process_id),
        ("events", Value::List(events)),
    ])))
}

/// `event.offline.list`: every queued row of the call's `auth_connector` with `PROCESS_ID` and
/// `ERROR`; `filter`, `start`.
pub fn offline_list(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    app_only(call)?;
    let start = call.params.get("start").map_or(0, Value::php_intval);
    let rows = call
        .state
        .events
        .offline_of_call()
        .filter(|e| offline_filter(call.params, e));
    Ok(Page::of(rows, start)
        .map(|e| offline_row(e, true))
        .into_output(|rows| rows))
}

/// The IDs of the rows that `process_id` (required) claimed, narrowed to `message_id[]` and
/// to row IDs `id[]`.
fn claimed_rows(call: &Call<'_>) -> Result<Vec<i64>, ApiError> {
    let process = str_param(call.params, "process_id")
        .ok_or_else(|| ApiError::argument("process_id", "Process ID is required"))?;
    let messages = list_param(call.params, "message_id");
    let rows = list_param(call.params, "id");
    Ok(call
        .state
        .events
        .offline
        .values()
        .filter(|e| {
            e.process_id.as_deref() == Some(process.as_str())
                && messages.as_ref().is_none_or(|m| m.contains(&e.message_id))
                && rows.as_ref().is_none_or(|r| r.contains(&e.id.to_string()))
        })
        .map(|e| e.id)
        .collect())
}

/// `event.offline.clear`: `process_id`, optional `message_id[]` or `id[]` → `true`.
pub fn offline_clear(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    app_only(call)?;
    let ids = claimed_rows(call)?;
    call.state.events.remove(&ids);
    Ok(MethodOutput::new(Value::Bool(true)))
}

/// `event.offline.error`: `process_id`, `message_id[]` → `true` (rows marked as failed).
pub fn offline_error(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    app_only(call)?;
    for id in claimed_rows(call)? {
        if let Some(e) = call.state.events.offline.get_mut(&id) {
            e.error = true;
            e.process_id = None;
        }
    }
    Ok(MethodOutput::new(Value::Bool(true)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handler_urls() {
        assert_eq!(check_handler("http://127.0.0.1:8080/h"), Ok(()));
        assert_eq!(check_handler("https://localhost/h"), Ok(()));
        assert_eq!(check_handler("http://[::1]:9/h"), Ok(()));
        assert_eq!(check_handler("http://example.com/h"), Err(false));
        assert_eq!(check_handler("http://10.0.0.1/h"), Err(false));
        assert_eq!(check_handler("ftp://127.0.0.1/h"), Err(true));
    }
}
