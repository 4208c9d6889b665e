//! The control API under `/_emulator/` for tests and other processes (JSON in, JSON out):
//!
//! | route | body | effect |
//! |---|---|---|
//! | `POST /_emulator/reset` | — | back to the seeded state (records, tokens, counters, bindings, limits, faults) |
//! | `POST /_emulator/confirm`, `/deny` | `{"method"}` | administrator decision on a confirmation-gated method |
//! | `GET /_emulator/counters` | — | `{"total", "methods": {name: n}, "statuses": {"200": n, "503": n, "reset": n}, "sources": {address: {"requests", "bucket_level"}}, "oauth": {"grants": {grant_type: n}, "errors": {code: n}, "outcomes": {grant_type: {"ok" or code: n}}}}` |
//! | `POST /_emulator/webhook` | `{"user_id", "scopes"}` | new webhook → `{"code", "user_id"}` |
//! | `POST /_emulator/token` | `{"user_id", "scopes"}` | new OAuth token → `{"access_token", "expires_in"}` |
//! | `POST /_emulator/expire` | `{"token"}` | expire a token |
//! | `POST /_emulator/seed` | `{"entity": "deal"\|"contact"\|"lead"\|"company"\|"item", "entityTypeId", "count"}` | generated records → `{"first", "last", "entityTypeId"}` |
//! | `GET`/`POST /_emulator/faults` | [`FaultConfig`] fields | read / replace fault injection |
//! | `GET`/`POST /_emulator/limits` | `{"rate_limit": "off"\|"standard"\|"enterprise"\|{"drain_per_sec","burst"}, "operating_limit": s\|null}` | read / change limits |
//! | `GET`/`POST /_emulator/clock` | `{"advance": seconds}` | read / advance the portal clock |
//! | `GET /_emulator/info` | — | addresses, default webhook, CA path, application token |
//!
//! Applications and the OAuth server have their own routes, see [`crate::app_host`].

use std::sync::Arc;
use std::time::Duration;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value as Json_, json};

use crate::delivery;
use crate::faults::FaultConfig;
use crate::limits::RateLimit;
use crate::state::{Decision, Shared};
use crate::store::crm::schema;

type S = State<Arc<Shared>>;

/// The control routes (state still to be attached).
pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/_emulator/reset", post(reset))
        .route("/_emulator/confirm", post(confirm))
        .route("/_emulator/deny", post(deny))
        .route("/_emulator/counters", get(counters))
        .route("/_emulator/webhook", post(webhook))
        .route("/_emulator/token", post(token))
        .route("/_emulator/expire", post(expire))
        .route("/_emulator/seed", post(seed))
        .route("/_emulator/faults", get(faults_get).post(faults_set))
        .route("/_emulator/limits", get(limits_get).post(limits_set))
        .route("/_emulator/clock", get(clock_get).post(clock_set))
        .route("/_emulator/info", get(info))
        .method_not_allowed_fallback(method_not_allowed)
}

async fn method_not_allowed() -> Response {
    failure(
        StatusCode::METHOD_NOT_ALLOWED,
        "method not allowed on this route",
    )
}

/// Applies an administrator decision and sends the resulting `ONAPPMETHODCONFIRM` events.
pub fn decide(shared: &Arc<Shared>, method: &str, decision: Decision) -> usize {
    let (n, outbox) = {
        let mut state = shared.lock();
        let n = state.decide(method, decision);
        (n, std::mem::take(&mut state.outbox))
    };
    delivery::send_all(shared, outbox);
    n
}

fn error(message: &str) -> Response {
    failure(StatusCode::BAD_REQUEST, message)
}

fn failure(status: StatusCode, message: &str) -> Response {
    (status, Json(json!({ "ok": false, "error": message }))).into_response()
}

/// A control request's body as JSON (`null` when empty or not JSON); a body that cannot be
/// read is answered with the control API's JSON error.
struct Body(Json_);

impl<S: Send + Sync> FromRequest<S> for Body {
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Bytes::from_request(request, state).await {
            Ok(bytes) => Ok(Body(serde_json::from_slice(&bytes).unwrap_or(Json_::Null))),
            Err(rejection) => Err(failure(rejection.status(), &rejection.body_text())),
        }
    }
}

fn string_field(body: &Json_, key: &str) -> Option<String> {
    body.get(key).and_then(Json_::as_str).map(str::to_owned)
}

fn grant(body: &Json_, shared: &Shared) -> (i64, Vec<String>) {
    let user_id = body
        .get("user_id")
        .and_then(Json_::as_i64)
        .unwrap_or(shared.default_webhook.user_id);
    let scopes = match body.get("scopes").and_then(Json_::as_array) {
        Some(list) => list
            .iter()
            .filter_map(Json_::as_str)
            .map(str::to_owned)
            .collect(),
        None => shared.config.scopes.clone(),
    };
    (user_id, scopes)
}

async fn reset(State(shared): S) -> Response {
    shared.reset();
    Json(json!({ "ok": true })).into_response()
}

fn decision(shared: &Arc<Shared>, body: &Json_, d: Decision) -> Response {
    match string_field(body, "method") {
        Some(method) if !method.is_empty() => {
            let decided = decide(shared, &method, d);
            Json(json!({ "ok": true, "decided": decided })).into_response()
        }
        _ => error("expected a JSON body {\"method\": \"...\"}"),
    }
}

async fn confirm(State(shared): S, Body(body): Body) -> Response {
    decision(&shared, &body, Decision::Confirmed)
}

async fn deny(State(shared): S, Body(body): Body) -> Response {
    decision(&shared, &body, Decision::Denied)
}

async fn counters(State(shared): S) -> Response {
    let now = shared.clock.now();
    let levels: Vec<(std::net::IpAddr, f64)> = {
        let sources: Vec<_> = shared.lock().sources.keys().copied().collect();
        let limiter = shared.limiter();
        sources
            .into_iter()
            .map(|ip| (ip, limiter.level(ip, now)))
            .collect()
    };
    let state = shared.lock();
    let state_total = state.total;
    let sources: serde_json::Map<String, Json_> = levels
        .into_iter()
        .map(|(ip, level)| {
            let requests = state.sources.get(&ip).copied().unwrap_or(0);
            (
                ip.to_string(),
                json!({ "requests": requests, "bucket_level": level }),
            )
        })
        .collect();
    let methods: serde_json::Map<String, Json_> = state
        .counters
        .iter()
        .map(|(k, v)| (k.clone(), json!(v)))
        .collect();
    let statuses: serde_json::Map<String, Json_> = state
        .statuses
        .iter()
        .map(|(k, v)| (k.clone(), json!(v)))
        .collect();
    drop(state);
    let oauth = crate::app_host::counters(&shared);
    Json(json!({
        "total": state_total,
        "methods": methods,
        "statuses": statuses,
        "sources": sources,
        "oauth": oauth,
    }))
    .into_response()
}

async fn webhook(State(shared): S, Body(body): Body) -> Response {
    let (user_id, scopes) = grant(&body, &shared);
    let code = shared.add_webhook(user_id, scopes);
    Json(json!({ "ok": true, "user_id": user_id, "code": code })).into_response()
}

async fn token(State(shared): S, Body(body): Body) -> Response {
    let (user_id, scopes) = grant(&body, &shared);
    let token = shared.issue_token(user_id, scopes);
    Json(json!({ "ok": true, "access_token": token, "expires_in": crate::state::TOKEN_LIFETIME }))
        .into_response()
}

async fn expire(State(shared): S, Body(body): Body) -> Response {
    match string_field(&body, "token") {
        Some(token) => {
            let existed = shared.expire_token(&token);
            Json(json!({ "ok": existed })).into_response()
        }
        None => error("expected a JSON body {\"token\": \"...\"}"),
    }
}

async fn seed(State(shared): S, Body(body): Body) -> Response {
    let entity = string_field(&body, "entity").unwrap_or_default();
    let eid = match (
        schema::entity_by_name(&entity),
        body.get("entityTypeId").and_then(Json_::as_i64),
    ) {
        (Some(eid), _) => eid,
        (None, Some(eid)) if entity.is_empty() || entity.eq_ignore_ascii_case("item") => eid,
        _ => {
            return error(
                "expected {\"entity\": \"deal\"|\"contact\"|\"lead\"|\"company\"|\"item\", \"entityTypeId\": N, \"count\": N}",
            );
        }
    };
    let Some(count) = body.get("count").and_then(Json_::as_u64) else {
        return error("expected a non-negative integer \"count\"");
    };
    let now = shared.clock.now_secs();
    let seeded = shared.lock().crm.seed(eid, count, now);
    match seeded {
        Some((first, last)) => Json(json!({
            "ok": true, "entityTypeId": eid, "first": first, "last": last, "count": count
        }))
        .into_response(),
        None => error("entityTypeId must be 1-4 or at least 128"),
    }
}

async fn faults_get(State(shared): S) -> Response {
    let config = shared.faults().config.clone();
    Json(json!({ "ok": true, "faults": config })).into_response()
}

async fn faults_set(State(shared): S, Body(body): Body) -> Response {
    match serde_json::from_value::<FaultConfig>(body) {
        Ok(config) => {
            shared.faults().set(config.clone());
            Json(json!({ "ok": true, "faults": config })).into_response()
        }
        Err(e) => error(&format!("invalid fault settings: {e}")),
    }
}

fn limits_json(shared: &Shared) -> Json_ {
    let limit = shared.limiter().limit;
    let (drain, burst) = limit.params().unwrap_or((0.0, 0.0));
    let operating = shared.lock().operating_limit;
    json!({
        "ok": true,
        "rate_limit": limit.name(),
        "drain_per_sec": drain,
        "burst": burst,
        "operating_limit": operating,
    })
}

async fn limits_get(State(shared): S) -> Response {
    Json(limits_json(&shared)).into_response()
}

async fn limits_set(State(shared): S, Body(body): Body) -> Response {
    if let Some(rate) = body.get("rate_limit") {
        let limit = match rate {
            Json_::String(name) => RateLimit::parse(name),
            Json_::Null => Some(RateLimit::Off),
            Json_::Object(o) => match (
                o.get("drain_per_sec").and_then(Json_::as_f64),
                o.get("burst").and_then(Json_::as_f64),
            ) {
                (Some(drain_per_sec), Some(burst)) => Some(RateLimit::Custom {
                    drain_per_sec,
                    burst,
                }),
                _ => None,
            },
            _ => None,
        };
        match limit {
            Some(l) => shared.limiter().set(l),
            None => {
                return error(
                    "rate_limit must be \"off\", \"standard\", \"enterprise\" or {\"drain_per_sec\", \"burst\"}",
                );
            }
        }
    }
    if let Some(op) = body.get("operating_limit") {
        let value = match op {
            Json_::Null => None,
            v => match v.as_f64() {
                Some(x) => Some(x),
                None => return error("operating_limit must be a number or null"),
            },
        };
        shared.lock().operating_limit = value;
    }
    Json(limits_json(&shared)).into_response()
}

async fn clock_get(State(shared): S) -> Response {
    Json(json!({ "ok": true, "now": shared.clock.now(), "scale": shared.clock.scale() }))
        .into_response()
}

async fn clock_set(State(shared): S, Body(body): Body) -> Response {
    match body.get("advance").and_then(Json_::as_f64) {
        Some(secs) if secs.is_finite() && secs >= 0.0 => {
            shared.clock.advance(Duration::from_secs_f64(secs.min(1e9)));
            Json(json!({ "ok": true, "now": shared.clock.now(), "scale": shared.clock.scale() }))
                .into_response()
        }
        _ => error("expected {\"advance\": seconds}"),
    }
}

async fn info(State(shared): S) -> Response {
    let urls = shared.urls();
    let hook = &shared.default_webhook;
    Json(json!({
        "ok": true,
        "base_url": urls.http,
        "https_base_url": urls.https,
        "moved_base_url": urls.moved,
        "webhook_url": format!("{}/rest/{}/{}/", urls.http, hook.user_id, hook.code),
        "https_webhook_url": format!("{}/rest/{}/{}/", urls.https, hook.user_id, hook.code),
        "application_token": shared.application_token,
        "member_id": shared.member_id,
    }))
    .into_response()
}
