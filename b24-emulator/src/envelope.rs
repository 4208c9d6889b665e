//! Response envelopes (PROTOCOL §3): `{"result", "next", "total", "time"}` on success,
//! `{"error", "error_description"}` on failure, plus the portal's response headers.

use std::time::{SystemTime, UNIX_EPOCH};

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};

use crate::value::Value;

/// A REST error: HTTP status, `error` code, `error_description` and optional extra keys.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    /// HTTP status of the response.
    pub status: u16,
    /// The `error` code.
    pub code: String,
    /// The `error_description` text.
    pub description: String,
    /// Extra top-level keys (e.g. `"argument"` of `ERROR_ARGUMENT`).
    pub extra: Vec<(String, Value)>,
}

impl ApiError {
    /// A new error with no extra keys.
    pub fn new(status: u16, code: &str, description: impl Into<String>) -> Self {
        ApiError {
            status,
            code: code.to_owned(),
            description: description.into(),
            extra: Vec::new(),
        }
    }

    /// Adds an extra top-level key.
    pub fn with(mut self, key: &str, value: Value) -> Self {
        self.extra.push((key.to_owned(), value));
        self
    }

    /// `ERROR_ARGUMENT` (400) naming the offending argument.
    pub fn argument(argument: &str, description: impl Into<String>) -> Self {
        ApiError::new(400, "ERROR_ARGUMENT", description).with("argument", argument.into())
    }

    /// The JSON body of this error.
    pub fn body(&self) -> Value {
        let mut body = Value::object([
            ("error", Value::from(self.code.as_str())),
            ("error_description", Value::from(self.description.as_str())),
        ]);
        for (k, v) in &self.extra {
            body.insert(k.clone(), v.clone());
        }
        body
    }
}

/// What a method handler returns on success: the `result` and optional paging keys.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MethodOutput {
    /// The `result` payload.
    pub result: Value,
    /// Offset of the next page (top-level `next`), only when more records exist.
    pub next: Option<i64>,
    /// Total number of records (top-level `total`) for list methods.
    pub total: Option<i64>,
}

impl MethodOutput {
    /// A plain result without paging keys.
    pub fn new(result: Value) -> Self {
        MethodOutput {
            result,
            next: None,
            total: None,
        }
    }
}

/// Response transport chosen by the method-name suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Transport {
    /// `application/json` (default, `.json`).
    Json,
    /// `text/xml` (`.xml`).
    Xml,
}

/// Timestamps (portal clock, Unix seconds) and operating-time figures of one call, used to
/// build the `time` object.
#[derive(Debug, Clone, Copy)]
pub struct Timing {
    /// Request start.
    pub start: f64,
    /// End of processing.
    pub finish: f64,
    /// Start of the method callback.
    pub processing_start: f64,
    /// End of the method callback.
    pub processing_end: f64,
    /// Accumulated operating time of this method for this credential (PROTOCOL §6.2).
    pub operating: f64,
    /// Expiry of the oldest operating-time bucket, when there is one (otherwise
    /// `operating_reset_at` reports `start + 600`).
    pub operating_reset_at: Option<i64>,
}

impl Timing {
    /// Starts timing now (wall clock).
    pub fn start() -> Self {
        Timing::at(now_f64())
    }

    /// Starts timing at the given portal time.
    pub fn at(now: f64) -> Self {
        Timing {
            start: now,
            finish: now,
            processing_start: now,
            processing_end: now,
            operating: 0.0,
            operating_reset_at: None,
        }
    }

    /// The `time` object.
    pub fn to_value(&self) -> Value {
        let finish = self.finish.max(self.start);
        let mut v = Value::object([
            ("start", Value::Float(self.start)),
            ("finish", Value::Float(finish)),
            ("duration", Value::Float(finish - self.start)),
            (
                "processing",
                Value::Float((self.processing_end - self.processing_start).max(0.0)),
            ),
            ("date_start", Value::from(format_atom(self.start as i64))),
            ("date_finish", Value::from(format_atom(finish as i64))),
        ]);
        if self.operating == 0.0 {
            v.insert("operating", Value::Int(0));
        } else {
            v.insert("operating", Value::Float(self.operating));
        }
        // Without a live bucket the earliest possible reset is a full window from now.
        let reset = self
            .operating_reset_at
            .unwrap_or(self.start as i64 + crate::limits::BUCKET_LIFETIME as i64);
        v.insert("operating_reset_at", Value::Int(reset));
        v
    }
}

/// Current Unix time in seconds (fractional).
pub fn now_f64() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64())
}

/// Current Unix time in whole seconds.
pub fn now_secs() -> i64 {
    now_f64() as i64
}

/// PHP `date('c')` in UTC: `2024-05-16T11:49:56+00:00`.
pub fn format_atom(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}+00:00",
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

/// Howard Hinnant's days-to-civil algorithm.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// The success envelope as a [`Value`].
pub fn success_body(output: &MethodOutput, timing: &Timing) -> Value {
    let mut body = Value::object([("result", output.result.clone())]);
    if let Some(next) = output.next {
        body.insert("next", Value::Int(next));
    }
    if let Some(total) = output.total {
        body.insert("total", Value::Int(total));
    }
    body.insert("time", timing.to_value());
    body
}

/// Builds an HTTP response with the portal's headers.
pub fn respond(status: u16, body: &Value, transport: Transport) -> Response {
    respond_text(status, body_text(body, transport), transport)
}

/// A response with a prepared body text and the portal's headers.
pub fn respond_text(status: u16, text: String, transport: Transport) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let content_type = match transport {
        Transport::Json => "application/json; charset=utf-8",
        Transport::Xml => "text/xml; charset=utf-8",
    };
    let mut response = (status, text).into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_ORIGIN,
        HeaderValue::from_static("*"),
    );
    headers.insert(
        header::ACCESS_CONTROL_ALLOW_HEADERS,
        HeaderValue::from_static("origin, content-type, accept"),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    response
}

/// The body text of a value in a transport.
pub fn body_text(body: &Value, transport: Transport) -> String {
    match transport {
        Transport::Json => body.to_json(),
        Transport::Xml => to_xml(body),
    }
}

/// An error response.
pub fn error_response(error: &ApiError, transport: Transport) -> Response {
    respond(error.status, &error.body(), transport)
}

/// The error of an answer given before the portal sees the request: by the HTTP layer (a
/// malformed head, a head or body too slow or too large) or for too many open connections.
pub fn http_error(status: u16) -> ApiError {
    let (code, description) = match status {
        400 => ("INVALID_REQUEST", "The HTTP request is malformed"),
        405 => ("METHOD_NOT_ALLOWED", "The HTTP method is not allowed here"),
        408 => ("REQUEST_TIMEOUT", "The request did not arrive in time"),
        413 => ("REQUEST_ENTITY_TOO_LARGE", "The request is too large"),
        414 => ("REQUEST_URI_TOO_LONG", "The request URI is too long"),
        431 => (
            "REQUEST_HEADER_FIELDS_TOO_LARGE",
            "The request headers are too large",
        ),
        503 => ("SERVICE_UNAVAILABLE", "Too many open connections"),
        _ => ("INTERNAL_SERVER_ERROR", "Internal server error"),
    };
    ApiError::new(status, code, description)
}

/// `(content type, JSON body)` of [`http_error`], for the connection guard.
pub fn http_error_body(status: u16) -> (&'static str, String) {
    (
        "application/json; charset=utf-8",
        http_error(status).body().to_json(),
    )
}

/// XML transport: `<response>…</response>`, integer keys become `<item>`.
fn to_xml(body: &Value) -> String {
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?><response>");
    xml_inner(body, &mut out);
    out.push_str("</response>");
    out
}

fn xml_inner(value: &Value, out: &mut String) {
    match value {
        Value::List(_) | Value::Map(_) => {
            for (k, v) in value.entries() {
                let tag = if k.bytes().all(|b| b.is_ascii_digit()) || k.is_empty() {
                    "item".to_owned()
                } else {
                    k.chars()
                        .map(|c| {
                            if c.is_alphanumeric() || c == '_' || c == '-' {
                                c
                            } else {
                                '_'
                            }
                        })
                        .collect()
                };
                out.push('<');
                out.push_str(&tag);
                out.push('>');
                xml_inner(v, out);
                out.push_str("</");
                out.push_str(&tag);
                out.push('>');
            }
        }
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        scalar => {
            let text = scalar.php_string().unwrap_or_default();
            for c in text.chars() {
                match c {
                    '<' => out.push_str("&lt;"),
                    '>' => out.push_str("&gt;"),
                    '&' => out.push_str("&amp;"),
                    '"' => out.push_str("&quot;"),
                    '\'' => out.push_str("&#039;"),
                    c => out.push(c),
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atom_dates() {
        assert_eq!(format_atom(0), "1970-01-01T00:00:00+00:00");
        assert_eq!(format_atom(1_715_858_996), "2024-05-16T11:29:56+00:00");
        assert_eq!(format_atom(951_782_400), "2000-02-29T00:00:00+00:00");
    }

    #[test]
    fn envelope_shape() {
        let out = MethodOutput {
            result: Value::List(vec![]),
            next: Some(50),
            total: Some(120),
        };
        let body = success_body(&out, &Timing::start());
        let keys: Vec<String> = body.entries().into_iter().map(|(k, _)| k).collect();
        assert_eq!(keys, ["result", "next", "total", "time"]);
        let time = body.get("time").cloned().unwrap_or_default();
        for key in [
            "start",
            "finish",
            "duration",
            "processing",
            "date_start",
            "date_finish",
            "operating",
        ] {
            assert!(time.get(key).is_some(), "{key}");
        }
    }

    #[test]
    fn xml() {
        let v = Value::object([(
            "result",
            Value::List(vec![Value::from("a<b"), Value::Int(2)]),
        )]);
        assert_eq!(
            to_xml(&v),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?><response><result><item>a&lt;b</item><item>2</item></result></response>"
        );
    }
}
