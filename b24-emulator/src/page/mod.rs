//! The portal page at `/`: what the portal's administrator sees, for people debugging an
//! integration. Server-rendered HTML without external assets; a short script only refreshes
//! the live part once a second, and every view works with JavaScript off.
//!
//! | view (`/?view=`) | shows | forms |
//! |---|---|---|
//! | `confirm` (default) | method calls waiting for confirmation: application, user, method | Approve / Deny |
//! | `log` | the last requests ([`log::LOG_CAPACITY`]): method (`batch` commands listed), auth kind, status, error code, duration, operating time; `method` and `status` filters | — |
//! | `limits` | preset, bucket level per source (with a chart), operating time per method and credential against the budget | preset, budget, faults |
//! | `data` | CRM records by entity (`entity`, `page`, `q` search), event bindings, webhooks, applications and tokens with scopes | — |
//!
//! The page answers `GET` and `POST` requests to `/` that accept `text/html` ([`wants_page`]);
//! other requests there get the REST entry point's JSON, like before the page existed.
//! Forms POST to `/` (`application/x-www-form-urlencoded`, field `action`) and are answered
//! with `303 See Other` back to their view. Approve and Deny do what `/_emulator/confirm` and
//! `/deny` do, `ONAPPMETHODCONFIRM` included. Secrets (webhook codes, tokens) are shown only
//! masked ([`log::mask`]); the log holds method names, never paths or parameters.

pub mod data;
pub mod html;
pub mod log;
pub mod views;

use std::collections::HashMap;
use std::sync::Arc;

use axum::extract::Request;
use axum::http::{Method, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};

use crate::control;
use crate::faults::FaultConfig;
use crate::limits::RateLimit;
use crate::state::{Decision, Shared};

/// Largest form body the page reads.
const MAX_FORM_BYTES: usize = 64 * 1024;

/// Whether a request to `/` is for the page: a `GET` or `POST` whose `Accept` asks for HTML,
/// as browsers' navigations and form submissions do. Everything else at `/` stays with the
/// REST entry point and its JSON answers, as API clients expect of every error.
pub fn wants_page(request: &Request) -> bool {
    let html = request
        .headers()
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.to_ascii_lowercase().contains("text/html"));
    html && (request.method() == Method::GET || request.method() == Method::POST)
}

/// Answers a request for the page ([`wants_page`]): a view for `GET`, a form for `POST`.
pub async fn serve(shared: Arc<Shared>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    if parts.method == Method::POST {
        match axum::body::to_bytes(body, MAX_FORM_BYTES).await {
            Ok(bytes) => act(&shared, &bytes),
            Err(_) => bad("The form is too large or could not be read."),
        }
    } else {
        show(&shared, parts.uri.query())
    }
}

fn fields(raw: &[u8]) -> HashMap<String, String> {
    form_urlencoded::parse(raw).into_owned().collect()
}

fn show(shared: &Shared, query: Option<&str>) -> Response {
    let q = fields(query.unwrap_or_default().as_bytes());
    let get = |k: &str| q.get(k).cloned().unwrap_or_default();
    let view = match get("view").as_str() {
        "log" => "log",
        "limits" => "limits",
        "data" => "data",
        _ => "confirm",
    };
    let body = match view {
        "log" => views::request_log(
            shared,
            &views::LogFilter {
                method: get("method"),
                status: get("status"),
            },
        ),
        "limits" => views::limits(shared),
        "data" => data::data(
            shared,
            &data::DataQuery {
                entity: get("entity").parse().unwrap_or(0),
                page: get("page").parse().unwrap_or(1),
                search: get("q"),
            },
        ),
        _ => views::confirmations(shared),
    };
    let notice = q.get("done").map(String::as_str);
    let body = format!("<div id=\"live\">{body}</div>");
    let mut response = Html(html::frame(view, notice, &body)).into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    response
}

/// Back to `view` with a notice, the answer to every form.
fn back(view: &str, notice: &str) -> Response {
    let location = format!(
        "/?view={view}&done={}",
        form_urlencoded::byte_serialize(notice.as_bytes()).collect::<String>()
    );
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}

fn bad(message: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Html(html::frame(
            "",
            Some(message),
            "<p><a href=\"/\">Back</a></p>",
        )),
    )
        .into_response()
}

fn share(f: &HashMap<String, String>, key: &str) -> Result<f64, String> {
    match f.get(key).map(|v| v.trim()).filter(|v| !v.is_empty()) {
        None => Ok(0.0),
        Some(v) => match v.parse::<f64>() {
            Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
            _ => Err(format!("{key} must be a share between 0 and 1")),
        },
    }
}

fn number(f: &HashMap<String, String>, key: &str) -> Result<u64, String> {
    match f.get(key).map(|v| v.trim()).filter(|v| !v.is_empty()) {
        None => Ok(0),
        Some(v) => v
            .parse::<u64>()
            .map_err(|_| format!("{key} must be a non-negative integer")),
    }
}

/// Fault settings from the faults form (`moved` is kept as it was).
fn fault_form(f: &HashMap<String, String>, moved: bool) -> Result<FaultConfig, String> {
    Ok(FaultConfig {
        seed: number(f, "seed")?,
        query_limit: share(f, "query_limit")?,
        server_error: share(f, "server_error")?,
        truncated: share(f, "truncated")?,
        reset: share(f, "reset")?,
        latency_share: share(f, "latency_share")?,
        latency_ms: number(f, "latency_ms")?,
        moved,
    })
}

fn act(shared: &Arc<Shared>, body: &[u8]) -> Response {
    let f = fields(body);
    let get = |k: &str| f.get(k).map(|v| v.trim().to_owned()).unwrap_or_default();
    match get("action").as_str() {
        action @ ("approve" | "deny") => {
            let method = get("method");
            if method.is_empty() {
                return bad("Approve and Deny need a method.");
            }
            let decision = if action == "approve" {
                Decision::Confirmed
            } else {
                Decision::Denied
            };
            let n = control::decide(shared, &method, decision);
            let verb = if action == "approve" {
                "Approved"
            } else {
                "Denied"
            };
            back(
                "confirm",
                &format!("{verb} {method} for {n} credential(s)."),
            )
        }
        "preset" => match RateLimit::parse(&get("preset")) {
            Some(limit) => {
                shared.limiter().set(limit);
                back("limits", &format!("Preset {} in force.", limit.name()))
            }
            None => bad("The preset must be standard, enterprise or off."),
        },
        "operating" => {
            let value = get("operating_limit");
            let limit = if value.is_empty() {
                None
            } else {
                match value.parse::<f64>() {
                    Ok(x) if x.is_finite() && x >= 0.0 => Some(x),
                    _ => return bad("The budget must be a non-negative number of seconds."),
                }
            };
            shared.lock().operating_limit = limit;
            back("limits", "Operating-time budget changed.")
        }
        "faults" => {
            let moved = shared.faults().config.moved;
            match fault_form(&f, moved) {
                Ok(config) => {
                    shared.faults().set(config);
                    back("limits", "Faults changed.")
                }
                Err(message) => bad(&message),
            }
        }
        _ => bad("Unknown action."),
    }
}
