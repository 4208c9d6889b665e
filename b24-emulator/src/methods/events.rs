//! Events (PROTOCOL §9): `events`, `event.bind`, `event.unbind`, `event.get`, the offline queue
//! (`event.offline.get/list/clear/error`) and delivery of online events.
//!
//! Event methods need an OAuth application context (a webhook gets 403 `WRONG_AUTH_TYPE`).
//! Online handlers must be loopback URLs (`127.0.0.0/8`, `localhost`, `[::1]`); anything else
//! is refused with `ERROR_WRONG_HANDLER_URL`. Deliveries are fire-and-forget form-encoded POSTs
//! (PHP bracket syntax, `Content-Type: application/x-www-form-urlencoded`) over plain HTTP; an
//! `https://` loopback handler can be bound but is delivered to over plain HTTP as well. There
//! are no retries, like on the cloud.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::{Call, php_array};
use crate::auth::Principal;
use crate::envelope::{ApiError, MethodOutput, format_atom, now_secs};
use crate::params;
use crate::state::{PortalState, Shared};
use crate::value::Value;

/// Events the portal knows (bindable names).
pub const EVENTS: &[&str] = &[
    "ONAPPINSTALL",
    "ONAPPUNINSTALL",
    "ONAPPUPDATE",
    "ONAPPMETHODCONFIRM",
    "ONOFFLINEEVENT",
    "ONCRMDEALADD",
    "ONCRMDEALUPDATE",
    "ONCRMDEALDELETE",
    "ONCRMCONTACTADD",
    "ONCRMCONTACTUPDATE",
    "ONCRMCONTACTDELETE",
    "ONCRMLEADADD",
    "ONCRMLEADUPDATE",
    "ONCRMLEADDELETE",
    "ONCRMCOMPANYADD",
    "ONCRMCOMPANYUPDATE",
    "ONCRMCOMPANYDELETE",
];

/// One event binding.
#[derive(Debug, Clone, PartialEq)]
pub struct Binding {
    /// Handler ID (`event_handler_id`).
    pub id: i64,
    /// Upper-cased event name.
    pub event: String,
    /// Handler URL (online bindings).
    pub handler: String,
    /// User the event is delivered for (`0` = the installing user).
    pub auth_type: i64,
    /// Offline binding.
    pub offline: bool,
}

/// A queued offline event.
#[derive(Debug, Clone, PartialEq)]
pub struct OfflineEvent {
    /// Row ID.
    pub id: i64,
    /// Time of the (latest) change, Unix seconds.
    pub timestamp: i64,
    /// Event name.
    pub event: String,
    /// `EVENT_DATA`.
    pub data: Value,
    /// User who caused it.
    pub user_id: i64,
    /// Message hash, identifying the object.
    pub message_id: String,
    /// Process that claimed the row (`clear=0`).
    pub process_id: Option<String>,
    /// Marked with `event.offline.error`.
    pub error: bool,
}

/// Bindings and the offline queue.
#[derive(Debug, Default)]
pub struct EventStore {
    /// Bindings in creation order.
    pub bindings: Vec<Binding>,
    next_binding: i64,
    /// Offline events by ID.
    pub offline: BTreeMap<i64, OfflineEvent>,
    next_offline: i64,
    next_process: i64,
    last_offline_signal: i64,
}

/// A pending delivery of one event to one handler.
#[derive(Debug, Clone, PartialEq)]
pub struct Delivery {
    /// Handler URL.
    pub url: String,
    /// Event name.
    pub event: String,
    /// `event_handler_id` (`None` for events sent without one).
    pub handler_id: Option<i64>,
    /// `data`.
    pub data: Value,
    /// `ts`.
    pub ts: i64,
    /// Access token and scopes when the event carries tokens.
    pub tokens: Option<(String, Vec<String>)>,
}

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
    params
        .get_ci(key)
        .filter(|v| v.is_scalar())
        .and_then(Value::php_string)
        .filter(|s| !s.is_empty())
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
        let handler = str_param(call.params, "handler")
            .ok_or_else(|| ApiError::new(400, "ERROR_WRONG_HANDLER_URL", "Wrong handler URL"))?;
        match check_handler(&handler) {
            Ok(()) => handler,
            Err(true) => {
                return Err(ApiError::new(
                    400,
                    "ERROR_UNSUPPORTED_PROTOCOL",
                    "Unsupported event handler protocol",
                ));
            }
            Err(false) => {
                return Err(ApiError::new(
                    400,
                    "ERROR_WRONG_HANDLER_URL",
                    "Wrong handler URL",
                ));
            }
        }
    };
    let store = &mut call.state.events;
    let exists = store.bindings.iter().any(|b| {
        b.event == event && b.offline == offline && b.handler == handler && b.auth_type == auth_type
    });
    if !exists {
        store.next_binding += 1;
        let id = store.next_binding;
        store.bindings.push(Binding {
            id,
            event,
            handler,
            auth_type,
            offline,
        });
    }
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
    let before = call.state.events.bindings.len();
    call.state.events.bindings.retain(|b| {
        !(b.event == event
            && b.offline == offline
            && handler.as_ref().is_none_or(|h| *h == b.handler)
            && auth_type.is_none_or(|a| a == b.auth_type))
    });
    let count = before - call.state.events.bindings.len();
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
                    ("connector_id", Value::from("")),
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

fn message_ids(params: &Value) -> Option<Vec<String>> {
    let v = params.get_ci("message_id")?;
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
/// `process_id`, `error` → `{"process_id", "events"}`.
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
    let desc = params
        .get_ci("order")
        .map(|o| {
            o.entries().into_iter().any(|(_, d)| {
                d.php_string()
                    .is_some_and(|d| d.eq_ignore_ascii_case("desc"))
            })
        })
        .unwrap_or(false);
    let store = &mut call.state.events;
    let mut ids: Vec<i64> = store
        .offline
        .values()
        .filter(|e| match (&process, &e.process_id) {
            (Some(p), Some(q)) => p == q,
            (Some(_), None) => false,
            (None, Some(_)) => false,
            (None, None) => true,
        })
        .filter(|e| with_errors || !e.error)
        .filter(|e| offline_filter(params, e))
        .map(|e| e.id)
        .collect();
    ids.sort_by_key(|id| {
        let e = &store.offline[id];
        (e.timestamp, e.id)
    });
    if desc {
        ids.reverse();
    }
    ids.truncate(usize::try_from(limit).unwrap_or(50));
    let rows: Vec<Value> = ids
        .iter()
        .filter_map(|id| store.offline.get(id))
        .map(|e| offline_row(e, false))
        .collect();
    let process_id = if clear {
        for id in &ids {
            store.offline.remove(id);
        }
        Value::Null
    } else {
        let pid = process.unwrap_or_else(|| {
            store.next_process += 1;
            format!(
                "{:032x}",
                store
                    .next_process
                    .unsigned_abs()
                    .wrapping_mul(0x9e37_79b9_7f4a_7c15)
            )
        });
        for id in &ids {
            if let Some(e) = store.offline.get_mut(id) {
                e.process_id = Some(pid.clone());
            }
        }
        if ids.is_empty() {
            Value::Null
        } else {
            Value::from(pid)
        }
    };
    Ok(MethodOutput::new(Value::object([
        ("process_id", process_id),
        ("events", Value::List(rows)),
    ])))
}

/// `event.offline.list`: every queued row with `PROCESS_ID` and `ERROR`; `filter`, `start`.
pub fn offline_list(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    app_only(call)?;
    let start = call.params.get("start").map_or(0, Value::php_intval);
    let rows: Vec<&OfflineEvent> = call
        .state
        .events
        .offline
        .values()
        .filter(|e| offline_filter(call.params, e))
        .collect();
    let offset = if start < 0 { 0 } else { start / 50 * 50 };
    let total = i64::try_from(rows.len()).unwrap_or(i64::MAX);
    let page: Vec<Value> = rows
        .iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(50)
        .map(|e| offline_row(e, true))
        .collect();
    let mut out = MethodOutput::new(Value::List(page));
    if start >= 0 {
        out.total = Some(total);
        if offset.saturating_add(50) < total {
            out.next = Some(offset + 50);
        }
    }
    Ok(out)
}

fn process_rows<'a>(
    call: &'a mut Call<'_>,
) -> Result<impl Iterator<Item = (i64, &'a mut OfflineEvent)>, ApiError> {
    let process = str_param(call.params, "process_id")
        .ok_or_else(|| ApiError::argument("process_id", "Process ID is required"))?;
    let messages = message_ids(call.params);
    Ok(call
        .state
        .events
        .offline
        .iter_mut()
        .filter(move |(_, e)| {
            e.process_id.as_deref() == Some(process.as_str())
                && messages.as_ref().is_none_or(|m| m.contains(&e.message_id))
        })
        .map(|(id, e)| (*id, e)))
}

/// `event.offline.clear`: `process_id`, optional `message_id[]` → `true`.
pub fn offline_clear(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    app_only(call)?;
    let ids: Vec<i64> = process_rows(call)?.map(|(id, _)| id).collect();
    for id in ids {
        call.state.events.offline.remove(&id);
    }
    Ok(MethodOutput::new(Value::Bool(true)))
}

/// `event.offline.error`: `process_id`, `message_id[]` → `true` (rows marked as failed).
pub fn offline_error(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    app_only(call)?;
    for (_, e) in process_rows(call)? {
        e.error = true;
        e.process_id = None;
    }
    Ok(MethodOutput::new(Value::Bool(true)))
}

/// Records an event: online bindings get a [`Delivery`] in the outbox, offline bindings a queued
/// row (one row per object: a newer change replaces an unclaimed older one).
pub fn fire(
    state: &mut PortalState,
    event: &str,
    data: Value,
    user_id: i64,
    now: i64,
    tokens: Option<(String, Vec<String>)>,
) {
    let online: Vec<(i64, String)> = state
        .events
        .bindings
        .iter()
        .filter(|b| b.event == event && !b.offline)
        .map(|b| (b.id, b.handler.clone()))
        .collect();
    for (id, url) in online {
        state.outbox.push(Delivery {
            url,
            event: event.to_owned(),
            handler_id: Some(id),
            data: data.clone(),
            ts: now,
            tokens: tokens.clone(),
        });
    }
    let offline = state
        .events
        .bindings
        .iter()
        .any(|b| b.event == event && b.offline);
    if offline {
        let message_id = format!("{:x}", fnv(&format!("{event}|{}", data.to_json())));
        let store = &mut state.events;
        let existing = store
            .offline
            .values()
            .find(|e| e.message_id == message_id && e.process_id.is_none())
            .map(|e| e.id);
        if let Some(id) = existing {
            store.offline.remove(&id);
        }
        store.next_offline += 1;
        let id = store.next_offline;
        store.offline.insert(
            id,
            OfflineEvent {
                id,
                timestamp: now,
                event: event.to_owned(),
                data,
                user_id,
                message_id,
                process_id: None,
                error: false,
            },
        );
        if now > store.last_offline_signal {
            store.last_offline_signal = now;
            let signal: Vec<(i64, String)> = store
                .bindings
                .iter()
                .filter(|b| b.event == "ONOFFLINEEVENT" && !b.offline)
                .map(|b| (b.id, b.handler.clone()))
                .collect();
            for (hid, url) in signal {
                state.outbox.push(Delivery {
                    url,
                    event: "ONOFFLINEEVENT".to_owned(),
                    handler_id: Some(hid),
                    data: Value::empty_map(),
                    ts: now,
                    tokens: None,
                });
            }
        }
    }
}

fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

/// Fires `ONAPPMETHODCONFIRM` for an OAuth token whose confirmation was decided.
pub fn method_confirmed(state: &mut PortalState, token: &str, method: &str, confirmed: bool) {
    let data = Value::object([
        ("TOKEN", Value::from(token)),
        ("METHOD", Value::from(method)),
        ("CONFIRMED", Value::from(if confirmed { "1" } else { "0" })),
        ("LANGUAGE_ID", Value::from("en")),
    ]);
    fire(state, "ONAPPMETHODCONFIRM", data, 0, now_secs(), None);
}

/// Fires a CRM change event for the caller (tokens included for OAuth callers).
pub fn fire_crm(call: &mut Call<'_>, event: &str, id: i64) {
    let tokens = match call.principal {
        Principal::OAuth { token, scopes, .. } => Some((token.clone(), scopes.to_vec())),
        Principal::Webhook { .. } => None,
    };
    let data = Value::object([(
        "FIELDS",
        Value::object([("ID", Value::from(id.to_string()))]),
    )]);
    let user = call.principal.user_id();
    let now = call.now as i64;
    fire(call.state, event, data, user, now, tokens);
}

/// The form-encoded body of a delivery.
pub fn payload(shared: &Shared, d: &Delivery) -> String {
    let urls = shared.urls();
    let domain = urls
        .http
        .strip_prefix("http://")
        .unwrap_or(&urls.http)
        .to_owned();
    let mut auth = Vec::new();
    if let Some((token, scopes)) = &d.tokens {
        auth.push(("access_token", Value::from(token.as_str())));
        auth.push(("expires_in", Value::from("3600")));
        auth.push(("scope", Value::from(scopes.join(","))));
    }
    auth.push(("domain", Value::from(domain)));
    auth.push((
        "server_endpoint",
        Value::from("https://oauth.bitrix.info/rest/"),
    ));
    if d.tokens.is_some() {
        auth.push(("status", Value::from("L")));
    }
    auth.push((
        "client_endpoint",
        Value::from(format!("{}/rest/", urls.http)),
    ));
    auth.push(("member_id", Value::from(shared.member_id.as_str())));
    auth.push((
        "application_token",
        Value::from(shared.application_token.as_str()),
    ));
    let mut body = vec![("event".to_owned(), Value::from(d.event.as_str()))];
    if let Some(id) = d.handler_id {
        body.push(("event_handler_id".to_owned(), Value::from(id.to_string())));
    }
    body.push(("data".to_owned(), d.data.clone()));
    body.push(("ts".to_owned(), Value::from(d.ts.to_string())));
    body.push((
        "auth".to_owned(),
        php_array(auth.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()),
    ));
    params::build_query(&Value::Map(body))
}

/// Sends deliveries in the background (no retries, errors ignored). Needs a Tokio runtime;
/// without one the deliveries are dropped.
pub fn send_all(shared: &Arc<Shared>, outbox: Vec<Delivery>) {
    if outbox.is_empty() {
        return;
    }
    let Ok(handle) = tokio::runtime::Handle::try_current() else {
        return;
    };
    for d in outbox {
        let body = payload(shared, &d);
        handle.spawn(async move {
            let _ = tokio::time::timeout(Duration::from_secs(10), post(&d.url, &body)).await;
        });
    }
}

/// A minimal HTTP/1.1 form POST to `http(s)://host[:port]/path` (sent as plain HTTP).
async fn post(url: &str, body: &str) -> std::io::Result<()> {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"))
        .unwrap_or(url);
    let (authority, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, "/"),
    };
    let addr = if authority.contains(':') && !authority.ends_with(']') {
        authority.to_owned()
    } else {
        format!("{authority}:80")
    };
    let mut stream = tokio::net::TcpStream::connect(addr).await?;
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {authority}\r\nUser-Agent: Bitrix24 Webhook Engine\r\n\
Content-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await?;
    let mut sink = Vec::new();
    let _ = stream.read_to_end(&mut sink).await;
    Ok(())
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
