//! REST 3.0 (`/rest/api/…`, PROTOCOL §1.2) for `tasks.task.*` and `note.collection.*`: JSON
//! POST only, the `item`/`items` envelope with `time.operating`, errors
//! `{"error": {"code", "message", "validation"}}`, filters, `select` with relations, silent
//! page caps, the bare-array batch with `$ref` / `$refArray`, and the `Idempotency-Key` store
//! (24 h on the portal clock, successes only, body compared, 422 on another body).
//!
//! The router hands every `/rest/api/` request here ([`serve`]) after the infrastructure
//! in front (faults, intensity limit); the rest of the emulator does not know REST 3.0.

mod answer;
mod batch;
mod list;
mod methods;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, MutexGuard};

use axum::body::Body;
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{Map, Value, json};

pub use answer::V3Failure;
use answer::{code, json_response};

use crate::auth::{self, AuthInput, Principal};
use crate::server::ResetConnection;
use crate::state::Shared;

/// Default page cap of a list method.
pub const DEFAULT_PAGE_CAP: usize = 50;
/// How long the idempotency store keeps an answer, portal seconds.
pub const KEY_LIFETIME: f64 = 24.0 * 3600.0;
/// Longest `Idempotency-Key`.
const MAX_KEY: usize = 255;

/// The REST 3.0 part of the portal: its records and its idempotency store.
#[derive(Debug)]
pub struct Portal {
    store: Mutex<Store>,
}

#[derive(Debug)]
struct Store {
    tables: BTreeMap<&'static str, Table>,
    keys: HashMap<(String, String, String), Stored>,
    page_cap: usize,
    drop_write_answers: u32,
    lost_answers: f64,
    rng: StdRng,
    operating: HashMap<String, f64>,
}

/// One family's records by ID.
#[derive(Debug, Default)]
pub(crate) struct Table {
    pub rows: BTreeMap<i64, Map<String, Value>>,
    pub next: i64,
}

/// A successful answer kept for its key.
#[derive(Debug)]
struct Stored {
    body: Vec<u8>,
    answer: Value,
    at: f64,
}

impl Default for Portal {
    fn default() -> Self {
        Portal {
            store: Mutex::new(Store {
                tables: BTreeMap::new(),
                keys: HashMap::new(),
                page_cap: DEFAULT_PAGE_CAP,
                drop_write_answers: 0,
                lost_answers: 0.0,
                rng: StdRng::seed_from_u64(0),
                operating: HashMap::new(),
            }),
        }
    }
}

impl Portal {
    fn lock(&self) -> MutexGuard<'_, Store> {
        self.store
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Sets the page cap of every list method (default 50).
    pub fn set_page_cap(&self, cap: usize) {
        self.lock().page_cap = cap.max(1);
    }

    /// The fault switch: the next `count` writes run (and are stored under their key), but
    /// their answers are dropped: the connection closes without one.
    pub fn drop_write_answers(&self, count: u32) {
        self.lock().drop_write_answers = count;
    }

    /// A second fault switch: a `share` of the writes run (and are stored under their key),
    /// then a gateway answers 503 with an HTML page instead of their answer (seeded by
    /// `seed`).
    pub fn lose_write_answers(&self, share: f64, seed: u64) {
        let mut store = self.lock();
        store.lost_answers = if share.is_finite() {
            share.clamp(0.0, 1.0)
        } else {
            0.0
        };
        store.rng = StdRng::seed_from_u64(seed);
    }

    /// Adds `count` tasks titled `Task N` directly; returns the first and last ID.
    pub fn seed_tasks(&self, count: u64) -> Option<(i64, i64)> {
        let mut store = self.lock();
        let table = store.tables.entry(methods::TASKS).or_default();
        let mut range = None;
        for n in 0..count {
            let id = table.insert(json!({"title": format!("Task {n}"), "responsibleId": 1, "createdBy": 1, "status": "pending"}));
            range = Some((range.map_or(id, |(first, _)| first), id));
        }
        range
    }

    /// The tasks, in ID order.
    pub fn tasks(&self) -> Vec<Value> {
        self.lock()
            .tables
            .get(methods::TASKS)
            .map(|table| table.rows.values().cloned().map(Value::Object).collect())
            .unwrap_or_default()
    }

    /// Forgets every record and stored key.
    pub fn reset(&self) {
        let mut store = self.lock();
        store.tables.clear();
        store.keys.clear();
        store.operating.clear();
        store.drop_write_answers = 0;
        store.lost_answers = 0.0;
    }
}

impl Table {
    /// Stores a record under a new ID; returns the ID.
    pub fn insert(&mut self, fields: Value) -> i64 {
        self.next += 1;
        let id = self.next;
        let mut row = match fields {
            Value::Object(row) => row,
            _ => Map::new(),
        };
        row.insert(String::from("id"), Value::from(id));
        self.rows.insert(id, row);
        id
    }
}

/// The webhook credentials and the method of a `/rest/api/…` path; `None` for any other path.
fn target(path: &str) -> Option<(Option<(String, String)>, String)> {
    let rest = path.strip_prefix("/rest/api/")?;
    let segments: Vec<&str> = rest.trim_end_matches('/').split('/').collect();
    let (webhook, method) = match segments.as_slice() {
        [method] => (None, *method),
        [user, code, method] => (Some((user.to_string(), code.to_string())), *method),
        _ => (None, ""),
    };
    Some((webhook, method.to_ascii_lowercase()))
}

/// The method of a `/rest/api/…` path, lower-cased, for the request log; `None` for any
/// other path.
pub fn method_of(path: &str) -> Option<String> {
    target(path).map(|(_, method)| method)
}

/// Answers a `/rest/api/…` request; `None` for any other path. Returns the method name too,
/// for the request log.
pub fn serve(
    shared: &Shared,
    parts: &Parts,
    bytes: &[u8],
    https: bool,
) -> Option<(Response, String)> {
    let (webhook, method) = target(parts.uri.path())?;
    let response = answer_call(shared, parts, bytes, https, webhook, &method);
    Some((response, method))
}

/// A request header as text, when present and visible ASCII.
fn header_text<'a>(parts: &'a Parts, name: &str) -> Option<&'a str> {
    parts
        .headers
        .get(name)
        .and_then(|value| value.to_str().ok())
}

fn answer_call(
    shared: &Shared,
    parts: &Parts,
    bytes: &[u8],
    https: bool,
    webhook: Option<(String, String)>,
    method: &str,
) -> Response {
    let started = shared.clock.now();
    if parts.method != axum::http::Method::POST {
        return V3Failure::new(405, code!("INVALIDJSONEXCEPTION"), "Only POST is accepted")
            .response();
    }
    let json = header_text(parts, header::CONTENT_TYPE.as_str())
        .is_some_and(|value| value.to_ascii_lowercase().starts_with("application/json"));
    let query: Value = match serde_json::from_slice(bytes) {
        Ok(query) if json => query,
        _ => {
            return V3Failure::new(400, code!("INVALIDJSONEXCEPTION"), "The body is not JSON")
                .response();
        }
    };
    if method != methods::BATCH && !methods::known(method) {
        return V3Failure::new(404, code!("METHODNOTFOUNDEXCEPTION"), "Method not found")
            .response();
    }
    let bearer = header_text(parts, header::AUTHORIZATION.as_str())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(str::to_owned);
    let input = AuthInput {
        path_webhook: webhook,
        bearer,
        https,
        now: started.floor() as i64,
    };
    let principal = {
        let state = shared.lock();
        auth::authenticate(
            &shared.config,
            &state,
            &input,
            &crate::value::Value::empty_map(),
        )
    };
    let (caller, user_id) = match principal {
        Ok(Principal::Webhook { user_id, code, .. }) => (format!("hook:{user_id}:{code}"), user_id),
        Ok(Principal::OAuth { user_id, .. }) => (format!("app:{user_id}"), user_id),
        Err(_) => {
            return V3Failure::new(401, code!("ACCESSDENIEDEXCEPTION"), "Access denied").response();
        }
    };
    let key = match parts.headers.get("idempotency-key") {
        None => None,
        Some(value) => match value.to_str() {
            Ok(key)
                if !key.is_empty()
                    && key.len() <= MAX_KEY
                    && key.bytes().all(|b| (0x21..=0x7e).contains(&b)) =>
            {
                Some(key.to_owned())
            }
            _ => {
                return V3Failure::new(
                    400,
                    code!("INVALIDIDEMPOTENCYKEYEXCEPTION"),
                    "The Idempotency-Key must be 1 to 255 printable ASCII characters",
                )
                .response();
            }
        },
    };
    let users = |id: i64| {
        let state = shared.lock();
        state.user(id).map(|user| (user.id, user.name.to_owned()))
    };
    let write = methods::is_write(method, &query);
    let mut store = shared.v3.lock();
    let now = shared.clock.now();
    store
        .keys
        .retain(|_, stored| now - stored.at < KEY_LIFETIME);
    let slot = key
        .filter(|_| write)
        .map(|key| (caller.clone(), method.to_owned(), key));
    if let Some(slot) = &slot
        && let Some(stored) = store.keys.get(slot)
    {
        if stored.body != bytes {
            return V3Failure::new(
                422,
                code!("IDEMPOTENCYKEYREUSEDEXCEPTION"),
                "The Idempotency-Key was used with another request body",
            )
            .response();
        }
        let mut response = json_response(200, &stored.answer);
        response
            .headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
        return response;
    }
    let context = methods::Context {
        user_id,
        users: &users,
    };
    let outcome = if method == methods::BATCH {
        batch::run(&mut store, &context, &query)
    } else {
        match &query {
            Value::Object(query) => methods::call(&mut store, &context, method, query),
            _ => Err(V3Failure::new(
                400,
                code!("INVALIDJSONEXCEPTION"),
                "The body is a JSON object",
            )),
        }
    };
    let result = match outcome {
        Ok(result) => result,
        Err(failure) => return failure.response(),
    };
    let finish = shared.clock.now();
    let operating = store.operating.entry(method.to_owned()).or_default();
    *operating += finish - started;
    let body = json!({
        "result": result,
        "time": answer::time(started, finish, *operating, (started + 600.0) as i64),
    });
    if let Some(slot) = slot {
        store.keys.insert(
            slot,
            Stored {
                body: bytes.to_vec(),
                answer: body.clone(),
                at: now,
            },
        );
    }
    if write && store.drop_write_answers > 0 {
        store.drop_write_answers -= 1;
        let mut response = Response::new(Body::empty());
        response.extensions_mut().insert(ResetConnection);
        return response;
    }
    let lost = store.lost_answers;
    if write && lost > 0.0 && store.rng.random::<f64>() < lost {
        return (
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
            "<html><body><h1>503 Service Unavailable</h1></body></html>",
        )
            .into_response();
    }
    json_response(200, &body)
}
