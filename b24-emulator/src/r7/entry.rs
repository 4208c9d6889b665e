//! The entry point of every request: the path and its format suffix, canned faults, the body,
//! the login route, the route table, authentication, the handler and the envelope.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, header};
use axum::response::Response;
use serde_json::Value;

use crate::guard::ConnLimits;
use crate::server::{self, BodyError, ConnInfo};

use super::login::login;
use super::render::{self, Answer};
use super::routes::{self, Ctx};
use super::state::{self, Shared, User};
use super::wire::{Failure, Params, form_pairs};

/// Largest request body read.
const MAX_BODY: usize = 16 * 1024 * 1024;

/// The counter key of the login route.
pub const LOGIN: &str = "login";

/// The answer to a route the API does not have: the envelope of a route that matched no
/// method.
fn unknown_route() -> Failure {
    Failure::generic(404, "Method not found")
}

/// Splits `path` below `/api/2.0/` into decoded segments and the format: `.json` (default),
/// `.xml` / `.tml` (XML). `None` for a path outside the API.
fn api_path(path: &str) -> Option<(Vec<String>, Option<&str>)> {
    let rest = path.strip_prefix("/api/2.0/")?;
    // The format suffix on the last segment.
    let (rest, extension) = match rest.rsplit_once('.') {
        Some((stem, ext)) if !ext.contains('/') => (stem, ext),
        _ => (rest, "json"),
    };
    let format = ["json", "xml", "tml"]
        .into_iter()
        .find(|known| known.eq_ignore_ascii_case(extension));
    let segments = rest
        .split('/')
        .map(|segment| {
            form_urlencoded::parse(format!("x={}", segment.replace('+', "%2B")).as_bytes())
                .next()
                .map(|(_, value)| value.into_owned())
                .unwrap_or_default()
        })
        .collect();
    Some((segments, format))
}

/// The body's parameters: a JSON object or a form (none for `GET`).
fn body_params(method: &Method, json: bool, body: &[u8]) -> Result<Vec<(String, Value)>, Failure> {
    if *method == Method::GET {
        return Ok(Vec::new());
    }
    if !json {
        return Ok(form_pairs(&String::from_utf8_lossy(body)));
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Vec::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map.into_iter().collect()),
        _ => Err(Failure::bad_request("Unable to deserialize json")),
    }
}

/// The entry point: every request to the emulator.
pub async fn entry(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let (parts, body) = request.into_parts();
    let pause = parts
        .extensions
        .get::<ConnInfo>()
        .map_or(ConnLimits::default().header_read, |info| {
            info.limits.header_read
        });
    let body = match server::read_body(body, MAX_BODY, pause).await {
        Ok(body) => body,
        Err(e) => {
            let status = match e {
                BodyError::TooLarge => 413,
                BodyError::Broken => 400,
                BodyError::Stalled => 408,
            };
            let (content_type, text) = render::http_error_body(status);
            return render::raw(status, content_type, text, &[]);
        }
    };
    let Some((segments, format)) = api_path(parts.uri.path()) else {
        let page = render::web_page(404, "Not Found");
        return render::raw(404, "text/html; charset=utf-8", page, &[]);
    };
    let json_body = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.to_ascii_lowercase().starts_with("application/json"));
    let Some(format) = format else {
        return render::failure(unknown_route(), false);
    };
    let xml = format != "json" && !json_body;
    let segments: Vec<&str> = segments.iter().map(String::as_str).collect();
    let login_route = segments == ["authentication"];

    {
        let mut data = shared.lock();
        data.total += 1;
        if !login_route && let Some(fault) = data.faults.pop_front() {
            return render::raw(
                fault.status,
                &fault.content_type,
                fault.body,
                &fault.headers,
            );
        }
    }

    let mut params = Params {
        query: form_pairs(parts.uri.query().unwrap_or_default()),
        ..Params::default()
    };
    match body_params(&parts.method, json_body, &body) {
        Ok(body) => params.body = body,
        Err(failure) => return render::failure(failure, xml),
    }

    if login_route {
        count(&shared, LOGIN);
        if parts.method != Method::POST {
            return render::failure(unknown_route(), xml);
        }
        let outcome = login(&shared, &params).and_then(Answer::created);
        return respond(outcome, xml);
    }

    let Some((route, values)) = routes::find(&parts.method, &segments) else {
        return render::failure(unknown_route(), xml);
    };
    count(&shared, &route.key());
    params.route = values;
    let Some(user) = authenticate(&shared, &parts.headers) else {
        let mut headers = Vec::new();
        if parts.headers.contains_key(header::AUTHORIZATION) {
            headers.push((
                String::from("WWW-Authenticate"),
                String::from("Basic realm=\"api\""),
            ));
        }
        let text = String::from("Unauthorized");
        return render::raw(401, "text/plain; charset=utf-8", text, &headers);
    };
    let outcome = {
        let mut data = shared.lock();
        let mut ctx = Ctx {
            data: &mut data,
            user,
            params: &params,
            zone: shared.offset_minutes,
            max_page: shared.max_page,
        };
        route.handle(&mut ctx)
    };
    respond(outcome, xml)
}

fn respond(outcome: Result<Answer, Failure>, xml: bool) -> Response {
    match outcome {
        Ok(answer) => render::success(answer, xml),
        Err(failure) => render::failure(failure, xml),
    }
}

fn count(shared: &Shared, key: &str) {
    *shared.lock().counters.entry(key.to_owned()).or_default() += 1;
}

/// The user of the token in `Authorization` (with or without `Bearer`) or the
/// `asc_auth_key` cookie.
fn authenticate(shared: &Shared, headers: &HeaderMap) -> Option<&'static User> {
    let header_text = |name| headers.get(name).and_then(|value| value.to_str().ok());
    let mut candidates = Vec::new();
    if let Some(value) = header_text(header::AUTHORIZATION) {
        let value = value.trim();
        candidates.push(value.strip_prefix("Bearer ").unwrap_or(value).to_owned());
    }
    if let Some(cookie) = header_text(header::COOKIE) {
        for pair in cookie.split(';') {
            if let Some(token) = pair.trim().strip_prefix("asc_auth_key=") {
                candidates.push(token.to_owned());
            }
        }
    }
    let data = shared.lock();
    candidates
        .iter()
        .find_map(|token| data.tokens.get(token))
        .and_then(|id| state::user(id))
}
