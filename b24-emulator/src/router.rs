//! HTTP routing: the REST entry point (`/rest/...`, PROTOCOL §1-§4) and the control API
//! (`/_emulator/...`).

use std::pin::Pin;
use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::body::{Body, Bytes, HttpBody};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::json;

use crate::auth::{self, AuthInput};
use crate::envelope::{self, ApiError, Timing, Transport, now_f64};
use crate::methods::{self, Call, RESERVED_PARAMS};
use crate::params;
use crate::state::{Decision, Shared};
use crate::value::Value;

/// Builds the application router over the shared state.
pub fn build(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/_emulator/reset", post(control_reset))
        .route("/_emulator/confirm", post(control_confirm))
        .route("/_emulator/deny", post(control_deny))
        .route("/_emulator/counters", get(control_counters))
        .route("/_emulator/webhook", post(control_webhook))
        .route("/_emulator/token", post(control_token))
        .route("/_emulator/expire", post(control_expire))
        .fallback(rest_entry)
        .with_state(shared)
}

/// Where a REST call points: optional webhook path credentials, method name, transport.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// `(aplogin, ap)` from `/rest/{user}/{code}/{method}`.
    pub webhook: Option<(String, String)>,
    /// Method name as spelled in the URL, suffix removed.
    pub method: String,
    /// Response transport.
    pub transport: Transport,
}

/// Parses the path after `/rest/`. `None` when the path is not under `/rest/`.
pub fn parse_target(path: &str) -> Option<Target> {
    let rest = path.strip_prefix("/rest/")?.trim_end_matches('/');
    let segments: Vec<String> = rest.split('/').map(params::path_decode).collect();
    let (webhook, raw) = match segments.as_slice() {
        [method] => (None, method.clone()),
        [user, code, method] => (Some((user.clone(), code.clone())), method.clone()),
        _ => (None, params::path_decode(rest)),
    };
    let (method, transport) = match raw.rsplit_once('.') {
        Some((name, ext)) if ext.eq_ignore_ascii_case("json") => (name.to_owned(), Transport::Json),
        Some((name, ext)) if ext.eq_ignore_ascii_case("xml") => (name.to_owned(), Transport::Xml),
        _ => (raw, Transport::Json),
    };
    Some(Target {
        webhook,
        method,
        transport,
    })
}

/// Why the body could not be read.
enum BodyError {
    TooLarge,
    Broken,
}

/// Reads the body up to `limit` bytes. An oversized body is drained (up to 4× the limit) so
/// that the client receives the 413 answer instead of a reset connection.
async fn read_body(mut body: Body, limit: usize) -> Result<Vec<u8>, BodyError> {
    let mut buf = Vec::new();
    let mut seen: usize = 0;
    loop {
        let frame = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx)).await;
        match frame {
            None => break,
            Some(Err(_)) => return Err(BodyError::Broken),
            Some(Ok(frame)) => {
                if let Ok(data) = frame.into_data() {
                    seen = seen.saturating_add(data.len());
                    if seen <= limit {
                        buf.extend_from_slice(&data);
                    } else {
                        buf = Vec::new();
                        if seen > limit.saturating_mul(4) {
                            break;
                        }
                    }
                }
            }
        }
    }
    if seen > limit {
        Err(BodyError::TooLarge)
    } else {
        Ok(buf)
    }
}

fn header_str(headers: &HeaderMap, name: header::HeaderName) -> Option<&str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = header_str(headers, header::AUTHORIZATION)?.trim();
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

fn is_https(headers: &HeaderMap) -> bool {
    headers
        .get("x-forwarded-proto")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("https"))
}

/// The REST entry point: every path that is not a control route.
async fn rest_entry(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let mut timing = Timing::start();
    let (parts, body) = request.into_parts();
    let Some(target) = parse_target(parts.uri.path()) else {
        let err = ApiError::new(404, "NOT_FOUND", "Only /rest/ paths are served here");
        return envelope::error_response(&err, Transport::Json);
    };
    let transport = target.transport;
    let bytes = match read_body(body, shared.config.max_body_bytes).await {
        Ok(bytes) => bytes,
        Err(BodyError::TooLarge) => {
            let err = ApiError::new(
                413,
                "REQUEST_ENTITY_TOO_LARGE",
                format!(
                    "Request body exceeds the limit of {} bytes",
                    shared.config.max_body_bytes
                ),
            );
            return envelope::error_response(&err, transport);
        }
        Err(BodyError::Broken) => {
            let err = ApiError::new(400, "INVALID_REQUEST", "The request body could not be read");
            return envelope::error_response(&err, transport);
        }
    };

    let name = target.method.to_lowercase();
    {
        let mut state = shared.lock();
        state.total += 1;
        *state.counters.entry(name.clone()).or_default() += 1;
    }

    // 1. Method lookup, before any authentication.
    let Some(def) = methods::find(&name) else {
        let err = ApiError::new(404, "ERROR_METHOD_NOT_FOUND", "Method not found!");
        return envelope::error_response(&err, transport);
    };

    // 2. Parameters: query overlaid by the body (POST only).
    let query = parts
        .uri
        .query()
        .map_or_else(Value::empty_map, params::parse_str);
    let body_params = if parts.method == Method::POST {
        params::decode_body(header_str(&parts.headers, header::CONTENT_TYPE), &bytes)
    } else {
        Value::empty_map()
    };
    let mut params = params::overlay(query, body_params);

    let input = AuthInput {
        path_webhook: target.webhook.clone(),
        bearer: bearer(&parts.headers),
        https: is_https(&parts.headers),
    };
    let config = &shared.config;
    let mut state = shared.lock();

    // 3. Authentication, scope, confirmation.
    let principal = match auth::authenticate(config, &state, &input, &params) {
        Ok(p) => p,
        Err(err) => return envelope::error_response(&err, transport),
    };
    for key in RESERVED_PARAMS {
        params.remove(key);
    }
    if let Err(err) = auth::check_scope(config, &principal, def.scope) {
        return envelope::error_response(&err, transport);
    }
    if def.needs_confirmation {
        let key = (principal.credential_key(), def.name.to_owned());
        let decision = *state.confirmations.entry(key).or_insert(Decision::Pending);
        match decision {
            Decision::Confirmed => {}
            Decision::Pending => {
                let err = ApiError::new(401, "METHOD_CONFIRM_WAITING", "Waiting for confirmation");
                return envelope::error_response(&err, transport);
            }
            Decision::Denied => {
                let err = ApiError::new(403, "METHOD_CONFIRM_DENIED", "Method call denied");
                return envelope::error_response(&err, transport);
            }
        }
    }

    // 4. The method itself.
    timing.processing_start = now_f64();
    let mut call = Call {
        method: def.name,
        params: &params,
        principal: &principal,
        state: &mut state,
        config,
    };
    let outcome = (def.handler)(&mut call);
    timing.processing_end = now_f64();
    drop(state);
    match outcome {
        Ok(output) => envelope::respond(200, &envelope::success_body(&output, &timing), transport),
        Err(err) => envelope::error_response(&err, transport),
    }
}

fn control_error(message: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({ "ok": false, "error": message })),
    )
        .into_response()
}

fn control_body(body: &Bytes) -> serde_json::Value {
    serde_json::from_slice(body).unwrap_or(serde_json::Value::Null)
}

fn string_field(body: &serde_json::Value, key: &str) -> Option<String> {
    body.get(key)
        .and_then(serde_json::Value::as_str)
        .map(str::to_owned)
}

fn grant(body: &serde_json::Value, shared: &Shared) -> (i64, Vec<String>) {
    let user_id = body
        .get("user_id")
        .and_then(serde_json::Value::as_i64)
        .unwrap_or(shared.default_webhook.user_id);
    let scopes = match body.get("scopes").and_then(serde_json::Value::as_array) {
        Some(list) => list
            .iter()
            .filter_map(serde_json::Value::as_str)
            .map(str::to_owned)
            .collect(),
        None => shared.config.scopes.clone(),
    };
    (user_id, scopes)
}

async fn control_reset(State(shared): State<Arc<Shared>>) -> Response {
    shared.reset();
    Json(json!({ "ok": true })).into_response()
}

fn decide(shared: &Shared, body: &Bytes, decision: Decision) -> Response {
    match string_field(&control_body(body), "method") {
        Some(method) if !method.is_empty() => {
            let decided = shared.lock().decide(&method, decision);
            Json(json!({ "ok": true, "decided": decided })).into_response()
        }
        _ => control_error("expected a JSON body {\"method\": \"...\"}"),
    }
}

async fn control_confirm(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    decide(&shared, &body, Decision::Confirmed)
}

async fn control_deny(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    decide(&shared, &body, Decision::Denied)
}

async fn control_counters(State(shared): State<Arc<Shared>>) -> Response {
    let state = shared.lock();
    let methods: serde_json::Map<String, serde_json::Value> = state
        .counters
        .iter()
        .map(|(k, v)| (k.clone(), json!(v)))
        .collect();
    Json(json!({ "total": state.total, "methods": methods })).into_response()
}

async fn control_webhook(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let (user_id, scopes) = grant(&control_body(&body), &shared);
    let code = shared.add_webhook(user_id, scopes);
    Json(json!({ "ok": true, "user_id": user_id, "code": code })).into_response()
}

async fn control_token(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    let (user_id, scopes) = grant(&control_body(&body), &shared);
    let token = shared.issue_token(user_id, scopes);
    Json(json!({ "ok": true, "access_token": token, "expires_in": crate::state::TOKEN_LIFETIME }))
        .into_response()
}

async fn control_expire(State(shared): State<Arc<Shared>>, body: Bytes) -> Response {
    match string_field(&control_body(&body), "token") {
        Some(token) => {
            let existed = shared.expire_token(&token);
            Json(json!({ "ok": existed })).into_response()
        }
        None => control_error("expected a JSON body {\"token\": \"...\"}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets() {
        let t = parse_target("/rest/1/abc/crm.item.list.json/");
        assert_eq!(
            t,
            Some(Target {
                webhook: Some(("1".into(), "abc".into())),
                method: "crm.item.list".into(),
                transport: Transport::Json,
            })
        );
        let t = parse_target("/rest/user.get.xml");
        assert_eq!(
            t.map(|t| (t.method, t.transport)),
            Some(("user.get".into(), Transport::Xml))
        );
        let t = parse_target("/rest/user.get.yaml");
        assert_eq!(t.map(|t| t.method), Some("user.get.yaml".into()));
        assert_eq!(parse_target("/other"), None);
    }
}
