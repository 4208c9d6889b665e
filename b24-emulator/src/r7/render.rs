//! The R7 response side: the envelope `{count, startIndex, nextIndex, total, status,
//! statusCode, response}` and the error envelope, as JSON (with Json.NET's `\/`) or XML, and raw
//! answers (plain-text 401, canned faults, the web application's pages).

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::{Map, Value, json};

use super::wire::{Failure, text_of};

/// A successful answer of a route.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// HTTP status: 200, or 201 for POST.
    pub status: u16,
    /// The `response` payload.
    pub response: Value,
    /// `(startIndex, total)` of a paged list.
    pub paging: Option<(usize, usize)>,
}

/// The envelope of a successful answer.
pub fn success(answer: Answer, xml: bool) -> Response {
    let count = match &answer.response {
        Value::Array(items) => items.len(),
        Value::String(text) => text.chars().count(),
        Value::Null => 0,
        _ => 1,
    };
    let mut envelope = Map::new();
    if count > 0 {
        envelope.insert("count".into(), json!(count));
    }
    if let Some((start, total)) = answer.paging {
        if start > 0 {
            envelope.insert("startIndex".into(), json!(start));
        }
        if start + count < total {
            // The server's off-by-one `nextIndex`.
            envelope.insert("nextIndex".into(), json!(start + count + 1));
        }
        envelope.insert("total".into(), json!(total));
    }
    envelope.insert("status".into(), json!(0));
    envelope.insert("statusCode".into(), json!(answer.status));
    envelope.insert("response".into(), answer.response);
    finish(answer.status, Value::Object(envelope), xml)
}

/// The error envelope.
pub fn failure(failure: Failure, xml: bool) -> Response {
    let status = failure.status;
    finish(status, error_envelope(failure), xml)
}

fn error_envelope(failure: Failure) -> Value {
    let error = json!({"message": failure.message, "hresult": failure.hresult, "data": {}});
    json!({"status": 1, "statusCode": failure.status, "error": error})
}

/// `(content type, JSON error envelope)` of an answer the HTTP layer gives by itself (a
/// malformed head, a head or body too slow or too large), with the status's reason as the
/// message.
pub fn http_error_body(status: u16) -> (&'static str, String) {
    let reason = StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("Error");
    let envelope = error_envelope(Failure::generic(status, reason));
    (JSON, json_text(&envelope))
}

/// The content type of JSON answers.
const JSON: &str = "application/json; charset=UTF-8";

/// JSON text as Json.NET writes it (`/` escaped as `\/`).
fn json_text(value: &Value) -> String {
    value.to_string().replace('/', "\\/")
}

fn finish(status: u16, envelope: Value, xml: bool) -> Response {
    if xml {
        let mut out = String::from("<result>");
        if let Value::Object(entries) = &envelope {
            for (key, value) in entries {
                write_xml(key, value, &mut out);
            }
        }
        out.push_str("</result>");
        raw(status, "text/xml; charset=UTF-8", out, &[])
    } else {
        raw(status, JSON, json_text(&envelope), &[])
    }
}

/// Json.NET's XML rendering: arrays become repeated elements, `null` an empty element.
fn write_xml(name: &str, value: &Value, out: &mut String) {
    match value {
        Value::Array(items) => {
            for item in items {
                write_xml(name, item, out);
            }
        }
        Value::Object(entries) => {
            out.push_str(&format!("<{name}>"));
            for (key, item) in entries {
                write_xml(key, item, out);
            }
            out.push_str(&format!("</{name}>"));
        }
        Value::Null => out.push_str(&format!("<{name} />")),
        scalar => {
            let text = text_of(scalar).unwrap_or_default();
            let escaped = text
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;");
            out.push_str(&format!("<{name}>{escaped}</{name}>"));
        }
    }
}

/// The web application's HTML page for a path outside the API.
pub fn web_page(status: u16, title: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html><head><title>{title}</title></head><body><h1>{status} {title}</h1><p>The page you are looking for cannot be found.</p></body></html>"
    )
}

/// A response with any body, `Content-Type` and extra headers.
pub fn raw(
    status: u16,
    content_type: &str,
    body: String,
    headers: &[(String, String)],
) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() =
        StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let map = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(content_type) {
        map.insert(header::CONTENT_TYPE, value);
    }
    map.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=0"),
    );
    for (name, value) in headers {
        if let (Ok(name), Ok(value)) = (
            header::HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            map.insert(name, value);
        }
    }
    response
}
