//! HTTP routing: the REST entry point (`/rest/...`, PROTOCOL §1-§4) and the control API
//! (`/_emulator/...`).

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::auth::{self, AuthInput};
use crate::call::{self, Env};
use crate::control;
use crate::delivery;
use crate::envelope::{self, ApiError, Transport};
use crate::faults::{Fault, HTML_500};
use crate::guard::ConnLimits;
use crate::methods;
use crate::page::log::{AuthKind, CallNote, ErrorCode, LogEntry};
use crate::params::{self, RESERVED_PARAMS};
use crate::server::{self, BodyError, ConnInfo, ListenerKind, ResetConnection};
use crate::state::Shared;
use crate::value::Value;

/// Builds the application router over the shared state.
pub fn build(shared: Arc<Shared>) -> Router {
    control::routes()
        .merge(crate::oauth::routes())
        .merge(crate::app_host::routes())
        .route("/", axum::routing::any(root))
        .route("/rest/download.json", axum::routing::get(download))
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

/// `/`: the portal page for browsers ([`crate::page::wants_page`]), the REST entry otherwise.
async fn root(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    if crate::page::wants_page(&request) {
        crate::page::serve(shared, request).await
    } else {
        rest_entry(State(shared), request).await
    }
}

/// `/rest/download.json?token=disk|<id>`: the bytes of a disk file (its `DOWNLOAD_URL`); 404
/// for a token that names no file. The token is the capability: no credentials are asked.
async fn download(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let query = request.uri().query().unwrap_or_default();
    let id = form_urlencoded::parse(query.as_bytes())
        .find(|(key, _)| key == "token")
        .and_then(|(_, token)| token.strip_prefix("disk|")?.parse::<i64>().ok());
    let content = id.and_then(|id| Some(shared.lock().disk.content(id).ok()?.to_vec()));
    match content {
        Some(bytes) => {
            ([(header::CONTENT_TYPE, "application/octet-stream")], bytes).into_response()
        }
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

/// An error answer that carries its code for the request log.
fn fail(err: &ApiError, transport: Transport) -> Response {
    let mut response = envelope::error_response(err, transport);
    response
        .extensions_mut()
        .insert(ErrorCode(err.code.clone()));
    response
}

/// The REST entry point: every path that is not a control route.
async fn rest_entry(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let source = source_of(&request);
    let arrived = shared.clock.now();
    let timer = Instant::now();
    let (response, method) = rest_inner(&shared, request).await;
    if let Some(method) = method {
        let status = response.status();
        let reset = response.extensions().get::<ResetConnection>().is_some();
        let key = if reset { "reset" } else { status.as_str() };
        let note = response
            .extensions()
            .get::<CallNote>()
            .cloned()
            .unwrap_or_default();
        let bucket_level = shared.limiter().level(source, shared.clock.now());
        let mut state = shared.lock();
        state.requests.push(LogEntry {
            seq: 0,
            at: arrived,
            method: method.clone(),
            status: if reset { 0 } else { status.as_u16() },
            error: response
                .extensions()
                .get::<ErrorCode>()
                .map(|e| e.0.clone()),
            duration_ms: timer.elapsed().as_secs_f64() * 1000.0,
            note,
            source,
            bucket_level,
        });
        state.total += 1;
        *state.sources.entry(source).or_default() += 1;
        match state.counters.get_mut(&method) {
            Some(n) => *n += 1,
            None => {
                state.counters.insert(method, 1);
            }
        }
        match state.statuses.get_mut(key) {
            Some(n) => *n += 1,
            None => {
                state.statuses.insert(key.to_owned(), 1);
            }
        }
    }
    response
}

/// The source address of a request: the key of its leaky bucket (PROTOCOL §6.1).
fn source_of(request: &Request) -> IpAddr {
    source_of_info(request.extensions().get::<ConnInfo>().copied())
}

fn source_of_info(info: Option<ConnInfo>) -> IpAddr {
    info.map_or(IpAddr::V4(Ipv4Addr::LOCALHOST), |i| i.peer.ip())
}

fn too_many_requests(transport: Transport) -> Response {
    let err = ApiError::new(503, "QUERY_LIMIT_EXCEEDED", "Too many requests");
    fail(&err, transport)
}

/// Cuts a response body in half (the `truncated` fault).
async fn truncate(response: Response) -> Response {
    let (parts, body) = response.into_parts();
    let bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let cut = bytes.slice(..bytes.len() / 2);
    let mut response = Response::from_parts(parts, Body::from(cut));
    response.headers_mut().remove(header::CONTENT_LENGTH);
    response
}

/// Handles one REST request; returns the response and the method name to count (`None` for
/// requests refused before dispatch: non-REST paths and oversized bodies).
async fn rest_inner(shared: &Arc<Shared>, request: Request) -> (Response, Option<String>) {
    let started = shared.clock.now();
    let info = request.extensions().get::<ConnInfo>().copied();
    let (parts, body) = request.into_parts();
    let Some(target) = parse_target(parts.uri.path()) else {
        let err = ApiError::new(404, "NOT_FOUND", "Only /rest/ paths are served here");
        return (envelope::error_response(&err, Transport::Json), None);
    };
    let transport = target.transport;
    let pause = info.map_or(ConnLimits::default().header_read, |i| i.limits.header_read);
    let limit = shared.config.max_body_bytes;
    let bytes = match server::read_body(body, limit, pause).await {
        Ok(bytes) => bytes,
        Err(e) => {
            let err = match e {
                BodyError::TooLarge => ApiError::new(
                    413,
                    "REQUEST_ENTITY_TOO_LARGE",
                    format!("Request body exceeds the limit of {limit} bytes"),
                ),
                BodyError::Broken => {
                    ApiError::new(400, "INVALID_REQUEST", "The request body could not be read")
                }
                BodyError::Stalled => envelope::http_error(408),
            };
            return (fail(&err, transport), None);
        }
    };
    // REST 3.0 paths carry the method after the credentials; the log never shows the code.
    let name =
        crate::v3::method_of(parts.uri.path()).unwrap_or_else(|| target.method.to_lowercase());

    // 0. Infrastructure in front of the portal: faults, moved portal, request intensity.
    let kind = info.map_or(ListenerKind::Primary, |i| i.kind);
    let (fault, delay, moved) = {
        let mut faults = shared.faults();
        if faults.active() {
            let (fault, delay) = faults.draw();
            (fault, delay, faults.config.moved)
        } else {
            (Fault::None, 0, false)
        }
    };
    if delay > 0 {
        tokio::time::sleep(Duration::from_millis(delay)).await;
    }
    if moved && kind != ListenerKind::Moved {
        let target_url = format!(
            "{}{}",
            shared.urls().moved,
            parts
                .uri
                .path_and_query()
                .map_or_else(|| parts.uri.path(), |pq| pq.as_str())
        );
        let mut response = Response::new(Body::empty());
        *response.status_mut() = StatusCode::FOUND;
        if let Ok(v) = header::HeaderValue::from_str(&target_url) {
            response.headers_mut().insert(header::LOCATION, v);
        }
        return (response, Some(name));
    }
    match fault {
        Fault::Reset => {
            let mut response = Response::new(Body::empty());
            response.extensions_mut().insert(ResetConnection);
            return (response, Some(name));
        }
        Fault::QueryLimit => return (too_many_requests(transport), Some(name)),
        Fault::ServerError => {
            let mut response = (StatusCode::INTERNAL_SERVER_ERROR, HTML_500).into_response();
            response.headers_mut().insert(
                header::CONTENT_TYPE,
                header::HeaderValue::from_static("text/html; charset=utf-8"),
            );
            return (response, Some(name));
        }
        Fault::None | Fault::Truncated => {}
    }
    if !shared
        .limiter()
        .admit(source_of_info(info), shared.clock.now())
    {
        return (too_many_requests(transport), Some(name));
    }

    // REST 3.0 (`/rest/api/…`) is served by its own module, behind the same infrastructure.
    let https = kind == ListenerKind::Tls || is_https(&parts.headers);
    let (response, name) = match crate::v3::serve(shared, &parts, &bytes, https) {
        Some(answered) => answered,
        None => {
            let response = dispatch(shared, &parts, &target, &name, &bytes, kind, started);
            (response, name)
        }
    };
    if fault == Fault::Truncated {
        return (truncate(response).await, Some(name));
    }
    (response, Some(name))
}

/// Method lookup, parameters, authentication, the method, the envelope.
fn dispatch(
    shared: &Arc<Shared>,
    parts: &axum::http::request::Parts,
    target: &Target,
    name: &str,
    bytes: &[u8],
    kind: ListenerKind,
    started: f64,
) -> Response {
    let transport = target.transport;
    // 1. Method lookup, before any authentication.
    let Some(def) = methods::find(name) else {
        let err = ApiError::new(404, "ERROR_METHOD_NOT_FOUND", "Method not found!");
        return fail(&err, transport);
    };

    // 2. Parameters: query overlaid by the body (POST only).
    let mut params = match request_params(&shared.config, parts, bytes) {
        Ok(params) => params,
        Err(err) => return fail(&err, transport),
    };

    let input = AuthInput {
        path_webhook: target.webhook.clone(),
        bearer: bearer(&parts.headers),
        https: kind == ListenerKind::Tls || is_https(&parts.headers),
        now: started.floor() as i64,
    };
    let config = &shared.config;
    let mut state = shared.lock();

    // 3. Authentication; then scope, confirmation, operating time and the method itself.
    let presented = if input.path_webhook.is_some() {
        AuthKind::Webhook
    } else if input.bearer.is_some()
        || params.get("auth").is_some()
        || params.get("access_token").is_some()
    {
        AuthKind::OAuth
    } else {
        AuthKind::None
    };
    let mut note = CallNote {
        auth: presented,
        operating: None,
        commands: batch_commands(name, &params),
    };
    let principal = match auth::authenticate(config, &state, &input, &params) {
        Ok(p) => p,
        Err(err) => return noted(fail(&err, transport), note),
    };
    note.auth = match principal {
        auth::Principal::Webhook { .. } => AuthKind::Webhook,
        auth::Principal::OAuth { .. } => AuthKind::OAuth,
    };
    // The connector the call's writes are made for (offline events, PROTOCOL §9).
    state.events.call_connector = params
        .get("auth_connector")
        .and_then(crate::value::Value::scalar_text)
        .unwrap_or_default();
    for key in RESERVED_PARAMS {
        params.remove(key);
    }
    let mut env = Env {
        config,
        principal: &principal,
        state: &mut state,
        clock: &shared.clock,
        methods: &methods::METHODS,
    };
    let replayed = shared.session().replay(def.name, &params);
    let mut invocation = match replayed {
        Some(outcome) => call::Invocation {
            outcome,
            timing: envelope::Timing::at(started),
        },
        None => call::invoke(&mut env, def, &params, false),
    };
    state.events.call_connector.clear();
    shared
        .session()
        .record(def.name, &params, &invocation.outcome);
    let outbox = std::mem::take(&mut state.outbox);
    drop(state);
    delivery::send_all(shared, outbox);
    invocation.timing.start = started;
    note.operating = Some(invocation.timing.operating);
    let response = match invocation.outcome {
        Ok(output) => envelope::respond(
            200,
            &envelope::success_body(&output, &invocation.timing),
            transport,
        ),
        Err(err) => fail(&err, transport),
    };
    noted(response, note)
}

/// Attaches what the dispatcher learnt to the response, for the request log.
fn noted(mut response: Response, note: CallNote) -> Response {
    response.extensions_mut().insert(note);
    response
}

/// `batch` only: `key: method` of each command, without its query string (which may carry a
/// token).
fn batch_commands(name: &str, params: &Value) -> Vec<String> {
    if name != "batch" {
        return Vec::new();
    }
    let commands: Vec<(String, &Value)> = match params.get("cmd") {
        Some(Value::Map(commands)) => commands.iter().map(|(k, c)| (k.clone(), c)).collect(),
        Some(Value::List(commands)) => commands
            .iter()
            .enumerate()
            .map(|(i, c)| (i.to_string(), c))
            .collect(),
        _ => Vec::new(),
    };
    commands
        .into_iter()
        .map(|(key, command)| {
            let method = command.as_str().unwrap_or("");
            format!("{key}: {}", method.split('?').next().unwrap_or(""))
        })
        .collect()
}

/// The query string overlaid by the body (POST only), each within `max_input_vars`.
fn request_params(
    config: &crate::config::Config,
    parts: &axum::http::request::Parts,
    bytes: &[u8],
) -> Result<Value, ApiError> {
    let invalid = |e: params::InputError| ApiError::new(400, "INVALID_REQUEST", e.to_string());
    let query = match parts.uri.query() {
        Some(query) => params::parse_str_limited(query, config.max_input_vars).map_err(invalid)?,
        None => Value::empty_map(),
    };
    let body = if parts.method == Method::POST {
        let content_type = header_str(&parts.headers, header::CONTENT_TYPE);
        params::decode_body(content_type, bytes, config.max_input_vars).map_err(invalid)?
    } else {
        Value::empty_map()
    };
    Ok(params::overlay(query, body))
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
