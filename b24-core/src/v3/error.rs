//! REST 3.0 error answers: `{"error": {"code", "message", "validation": [...]}}` with an HTTP
//! status, typed by code; and the answers that are not of that shape (an infrastructure
//! refusal in the classic form, an HTML page), which become the same type without a code.

use std::fmt;

use serde::Deserialize;
use serde_json::Value;

use crate::error::FailureLine;
use crate::retry::Class;
use crate::transport::{Secrets, excerpt};

/// An error answer of a REST 3.0 method.
///
/// Classify it by [`code`](V3Error::code), not by [`status`](V3Error::status).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct V3Error {
    /// The method that failed.
    pub method: String,
    /// The error code.
    pub code: V3Code,
    /// The HTTP status.
    pub status: u16,
    /// The server's message (empty when it sent none).
    pub message: String,
    /// Per-field problems of a validation error.
    pub validation: Vec<Violation>,
    /// The body, when it was not a JSON error answer (an HTML page), at most 4 KiB.
    pub raw_body: Option<String>,
}

/// One entry of `validation`: which field, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Violation {
    /// The field, when the server named one.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
}

macro_rules! v3_codes {
    ($($(#[$doc:meta])* $variant:ident = $wire:literal => $class:ident,)*) => {
        /// The `error.code` of a REST 3.0 error answer. The set is open: unknown codes are
        /// kept as sent in [`V3Code::Other`].
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum V3Code {
            $($(#[$doc])* $variant,)*
            /// A code this SDK does not list, kept as sent.
            Other(String),
            /// The answer carried no code: not a JSON error answer (an HTML page).
            Absent,
        }

        impl V3Code {
            /// The code's wire string; `None` when the answer had none.
            pub fn as_str(&self) -> Option<&str> {
                match self {
                    $(V3Code::$variant => Some($wire),)*
                    V3Code::Other(text) => Some(text),
                    V3Code::Absent => None,
                }
            }

            /// What the code says about repeating the request.
            fn class(&self) -> Option<Class> {
                match self {
                    $(V3Code::$variant => Some(Class::$class),)*
                    V3Code::Other(_) | V3Code::Absent => None,
                }
            }
        }

        impl From<&str> for V3Code {
            fn from(code: &str) -> Self {
                match code {
                    $($wire => V3Code::$variant,)*
                    other => V3Code::Other(other.to_owned()),
                }
            }
        }
    };
}

v3_codes! {
    /// No credentials, wrong credentials, plain http, or no right to the object (401/403).
    AccessDenied = "BITRIX_REST_V3_EXCEPTION_ACCESSDENIEDEXCEPTION" => Permanent,
    /// The credential lacks the method's scope.
    InsufficientScope = "BITRIX_REST_V3_EXCEPTION_INSUFFICIENTSCOPEEXCEPTION" => Permanent,
    /// No method with this name.
    MethodNotFound = "BITRIX_REST_V3_EXCEPTION_METHODNOTFOUNDEXCEPTION" => Permanent,
    /// The body is not JSON (or not sent as JSON).
    InvalidJson = "BITRIX_REST_V3_EXCEPTION_INVALIDJSONEXCEPTION" => Permanent,
    /// A parameter failed validation; see `validation`.
    RequestValidation = "BITRIX_REST_V3_EXCEPTION_VALIDATION_REQUESTVALIDATIONEXCEPTION" => Permanent,
    /// A field value failed validation; see `validation`.
    DtoValidation = "BITRIX_REST_V3_EXCEPTION_VALIDATION_DTOVALIDATIONEXCEPTION" => Permanent,
    /// The filter failed validation.
    FilterValidation = "BITRIX_REST_V3_EXCEPTION_VALIDATION_REQUESTFILTERVALIDATIONEXCEPTION" => Permanent,
    /// A field the object does not have.
    UnknownProperty = "BITRIX_REST_V3_EXCEPTION_UNKNOWNDTOPROPERTYEXCEPTION" => Permanent,
    /// A field of a related object the server does not know.
    FieldNotFound = "BITRIX_REST_V3_REALISATION_EXCEPTION_FIELDNOTFOUNDEXCEPTION" => Permanent,
    /// `select` names something that cannot be selected.
    InvalidSelect = "BITRIX_REST_V3_EXCEPTION_INVALIDSELECTEXCEPTION" => Permanent,
    /// The filter is malformed.
    InvalidFilter = "BITRIX_REST_V3_EXCEPTION_INVALIDFILTEREXCEPTION" => Permanent,
    /// A filter operator the server does not know.
    UnknownFilterOperator = "BITRIX_REST_V3_EXCEPTION_UNKNOWNFILTEROPERATOREXCEPTION" => Permanent,
    /// `order` is malformed.
    InvalidOrder = "BITRIX_REST_V3_EXCEPTION_INVALIDORDEREXCEPTION" => Permanent,
    /// `pagination` is out of range (a `limit` of 0, say).
    InvalidPagination = "BITRIX_REST_V3_EXCEPTION_INVALIDPAGINATIONEXCEPTION" => Permanent,
    /// The object does not exist.
    EntityNotFound = "BITRIX_REST_V3_EXCEPTION_ENTITYNOTFOUNDEXCEPTION" => Permanent,
    /// The `Idempotency-Key` was used before with another body (422).
    IdempotencyKeyReused = "BITRIX_REST_V3_EXCEPTION_IDEMPOTENCYKEYREUSEDEXCEPTION" => Permanent,
    /// The `Idempotency-Key` is not 1–255 printable ASCII characters (400).
    InvalidIdempotencyKey = "BITRIX_REST_V3_EXCEPTION_INVALIDIDEMPOTENCYKEYEXCEPTION" => Permanent,
    /// An internal failure of the server.
    Internal = "BITRIX_REST_V3_EXCEPTION_INTERNALEXCEPTION" => ServerFailure,
    /// The infrastructure's intensity limit (sent in the classic form, 503).
    QueryLimitExceeded = "QUERY_LIMIT_EXCEEDED" => Intensity,
    /// The method used up its operating time (429).
    OperationTimeLimit = "OPERATION_TIME_LIMIT" => OperatingTime,
    /// The OAuth access token expired.
    ExpiredToken = "expired_token" => ExpiredToken,
    /// An internal failure, in the classic form.
    InternalServerError = "INTERNAL_SERVER_ERROR" => ServerFailure,
}

impl fmt::Display for V3Code {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str().unwrap_or("a response without an error code"))
    }
}

impl V3Error {
    /// Whether repeating the request later may succeed (decided by the code; without a code,
    /// a 5xx status may heal).
    pub fn is_retryable(&self) -> bool {
        self.class().may_heal()
    }

    /// What the error says about repeating the request.
    pub(crate) fn class(&self) -> Class {
        match self.code.class() {
            Some(class) => class,
            None if self.status >= 500 => Class::ServerFailure,
            None => Class::Permanent,
        }
    }

    /// Whether the server refused before running the method: limits, credentials, scope,
    /// the request's own shape, a reused key.
    pub(crate) fn refused_before_running(&self) -> bool {
        !matches!(self.class(), Class::ServerFailure | Class::Unreadable)
    }

    /// Removes `secrets` from the server's texts.
    pub(crate) fn scrub(&mut self, secrets: &Secrets) {
        secrets.scrub_all(
            self.raw_body
                .iter_mut()
                .chain([&mut self.message])
                .chain(self.validation.iter_mut().map(|v| &mut v.message)),
        );
    }

    /// Reads an error answer of any shape: the REST 3.0 object, the classic
    /// `{"error": "CODE", "error_description": …}` an infrastructure in front may send, or
    /// anything else (an HTML page, a bare string), kept as `raw_body`.
    pub(crate) fn from_answer(method: &str, status: u16, body: &[u8]) -> V3Error {
        let mut error = V3Error {
            method: method.to_owned(),
            code: V3Code::Absent,
            status,
            message: String::new(),
            validation: Vec::new(),
            raw_body: None,
        };
        let parsed = serde_json::from_slice::<Value>(body).ok();
        let Some(Value::Object(mut root)) = parsed else {
            error.raw_body = Some(excerpt(body));
            return error;
        };
        match root.remove("error") {
            Some(Value::Object(object)) => {
                let wire: Wire = serde_json::from_value(Value::Object(object)).unwrap_or_default();
                error.code = wire
                    .code
                    .map_or(V3Code::Absent, |code| V3Code::from(code.as_str()));
                error.message = text(wire.message);
                error.validation = match wire.validation {
                    Some(Value::Array(items)) => items.into_iter().map(violation).collect(),
                    Some(Value::Null) | None => Vec::new(),
                    Some(other) => vec![violation(other)],
                };
            }
            Some(Value::String(code)) => {
                error.code = V3Code::from(code.as_str());
                error.message = text(root.remove("error_description"));
            }
            Some(Value::Number(code)) => {
                error.code = V3Code::Other(code.to_string());
                error.message = text(root.remove("error_description"));
            }
            _ => error.raw_body = Some(excerpt(body)),
        }
        error
    }
}

/// The `error` object; each part is optional and of any JSON type, so that an odd answer
/// still becomes a typed error.
#[derive(Default, Deserialize)]
#[serde(default)]
struct Wire {
    #[serde(deserialize_with = "code")]
    code: Option<String>,
    message: Option<Value>,
    validation: Option<Value>,
}

/// A code as text: strings as they are, numbers written out.
fn code<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    Ok(match Value::deserialize(deserializer)? {
        Value::String(text) => Some(text),
        Value::Null => None,
        other => Some(other.to_string()),
    })
}

/// A message of any JSON type as text.
fn text(value: Option<Value>) -> String {
    match value {
        Some(Value::String(text)) => text,
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

fn violation(value: Value) -> Violation {
    match value {
        Value::Object(mut object) => Violation {
            field: match object.remove("field") {
                Some(Value::Null) | None => None,
                Some(Value::String(field)) => Some(field),
                Some(other) => Some(other.to_string()),
            },
            message: text(object.remove("message")),
        },
        other => Violation {
            field: None,
            message: text(Some(other)),
        },
    }
}

impl fmt::Display for V3Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        FailureLine {
            subject: &self.method,
            reason: &self.code,
            status: self.status,
            detail: &self.message,
        }
        .fmt(f)?;
        for violation in &self.validation {
            match &violation.field {
                Some(field) => write!(f, "; {field}: {}", violation.message)?,
                None => write!(f, "; {}", violation.message)?,
            }
        }
        Ok(())
    }
}

impl std::error::Error for V3Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_v3_shape_is_typed() {
        let body = br#"{"error":{"code":"BITRIX_REST_V3_EXCEPTION_VALIDATION_REQUESTVALIDATIONEXCEPTION","message":"Invalid request","validation":[{"field":"title","message":"must not be empty"}]}}"#;
        let error = V3Error::from_answer("tasks.task.add", 400, body);
        assert_eq!(error.code, V3Code::RequestValidation);
        assert_eq!(error.validation[0].field.as_deref(), Some("title"));
        assert!(!error.is_retryable());
        assert!(error.to_string().contains("title: must not be empty"));
    }

    #[test]
    fn odd_shapes_become_typed_errors() {
        let cases: [(&[u8], u16, V3Code, bool); 7] = [
            (b"<html>502 Bad Gateway</html>", 502, V3Code::Absent, true),
            (
                br#"{"error":"QUERY_LIMIT_EXCEEDED","error_description":"Too many requests"}"#,
                503,
                V3Code::QueryLimitExceeded,
                true,
            ),
            (
                br#"{"error":{"code":42,"message":["a"],"validation":"bad"}}"#,
                400,
                V3Code::Other(String::from("42")),
                false,
            ),
            (br#"{"error":{}}"#, 400, V3Code::Absent, false),
            (br#"{"error":null}"#, 500, V3Code::Absent, true),
            (br#"[1,2]"#, 404, V3Code::Absent, false),
            (
                br#"{"error":{"code":"SOMETHING_NEW"}}"#,
                409,
                V3Code::Other(String::from("SOMETHING_NEW")),
                false,
            ),
        ];
        for (body, status, code, retryable) in cases {
            let error = V3Error::from_answer("x", status, body);
            assert_eq!(error.code, code, "{}", String::from_utf8_lossy(body));
            assert_eq!(
                error.is_retryable(),
                retryable,
                "{}",
                String::from_utf8_lossy(body)
            );
        }
        let html = V3Error::from_answer("x", 502, b"<html>down</html>");
        assert_eq!(html.raw_body.as_deref(), Some("<html>down</html>"));
    }
}
