//! REST 3.0 answers: `{"result": …, "time": …}` and errors
//! `{"error": {"code", "message", "validation"}}` with their HTTP status.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

/// An error answer of a REST 3.0 method.
#[derive(Debug, Clone, PartialEq)]
pub struct V3Failure {
    /// The HTTP status.
    pub status: u16,
    /// `BITRIX_REST_V3_EXCEPTION_…`.
    pub code: &'static str,
    /// The message.
    pub message: String,
    /// Per-field problems.
    pub validation: Vec<(String, String)>,
}

/// The code prefix of every REST 3.0 exception.
macro_rules! code {
    ($name:literal) => {
        concat!("BITRIX_REST_V3_EXCEPTION_", $name)
    };
}
pub(crate) use code;

impl V3Failure {
    /// A failure with a status, a code and a message.
    pub fn new(status: u16, code: &'static str, message: impl Into<String>) -> Self {
        V3Failure {
            status,
            code,
            message: message.into(),
            validation: Vec::new(),
        }
    }

    /// A 400 validation failure naming `field`.
    pub fn invalid(field: &str, message: impl Into<String>) -> Self {
        let message = message.into();
        V3Failure {
            status: 400,
            code: code!("VALIDATION_REQUESTVALIDATIONEXCEPTION"),
            message: String::from("Request validation failed"),
            validation: vec![(field.to_owned(), message)],
        }
    }

    /// The `{"error": …}` object.
    pub fn body(&self) -> Value {
        let validation: Vec<Value> = self
            .validation
            .iter()
            .map(|(field, message)| json!({"field": field, "message": message}))
            .collect();
        json!({"error": {"code": self.code, "message": self.message, "validation": validation}})
    }

    /// The HTTP answer.
    pub fn response(&self) -> Response {
        json_response(self.status, &self.body())
    }
}

/// A JSON answer with `status`.
pub fn json_response(status: u16, body: &Value) -> Response {
    let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let mut response = (status, body.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json; charset=utf-8"),
    );
    response
}

/// The `time` object of an answer: the call's timing and the method's operating time.
pub fn time(start: f64, finish: f64, operating: f64, reset_at: i64) -> Value {
    json!({
        "start": start,
        "finish": finish,
        "duration": finish - start,
        "processing": finish - start,
        "date_start": "",
        "date_finish": "",
        "operating": operating,
        "operating_reset_at": reset_at,
    })
}
