//! The success envelope `{result, next, total, time}` and its decoding.

use serde::Deserialize;
use serde::de::{DeserializeOwned, IgnoredAny};

use crate::error::{ApiError, Error, ErrorCode, RawCode};
use crate::transport::excerpt;
use crate::types::de;

/// A successful answer: the typed `result` and what the server sent around it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[non_exhaustive]
pub struct Envelope<T> {
    /// The method's result.
    pub result: T,
    /// Offset of the next page, present only when more records exist.
    #[serde(default, deserialize_with = "de::opt_u64")]
    pub next: Option<u64>,
    /// Number of records of a list method.
    #[serde(default, deserialize_with = "de::opt_u64")]
    pub total: Option<u64>,
    /// Timing and operating-time accounting of the call.
    #[serde(default)]
    pub time: Option<Time>,
}

/// The envelope's `time` object.
///
/// Every number may arrive as an integer or a float (newer portals send an integer `start`
/// and `processing: 0`), and `operating` / `operating_reset_at` may be absent.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct Time {
    /// Request start, Unix seconds.
    pub start: f64,
    /// End of processing, Unix seconds.
    pub finish: f64,
    /// `finish - start`, seconds.
    pub duration: f64,
    /// Time spent inside the method, seconds.
    pub processing: f64,
    /// Start as an ISO-8601 date with offset, in the portal's time zone.
    pub date_start: Option<String>,
    /// Finish as an ISO-8601 date with offset.
    pub date_finish: Option<String>,
    /// Seconds of operating time this method used for this app or webhook over ten minutes.
    pub operating: Option<f64>,
    /// When the oldest operating-time bucket expires, Unix seconds.
    #[serde(deserialize_with = "de::opt_i64")]
    pub operating_reset_at: Option<i64>,
}

/// Reads the body of an answer: the typed envelope on success, a typed error otherwise.
pub(crate) fn decode<T: DeserializeOwned>(
    method: &str,
    status: u16,
    body: &[u8],
) -> Result<Envelope<T>, Error> {
    #[derive(Deserialize)]
    struct Probe {
        #[serde(default)]
        error: Option<IgnoredAny>,
    }
    let success = (200..300).contains(&status);
    match serde_json::from_slice::<Probe>(body) {
        Ok(Probe { error: Some(_) }) => Err(api_error(method, status, body)),
        Ok(_) if success => decode_result(method, body),
        Ok(_) => Err(not_an_envelope(method, status, body)),
        Err(_) if !success => Err(not_an_envelope(method, status, body)),
        Err(error) => Err(Error::MalformedAnswer {
            method: method.to_owned(),
            message: error.to_string(),
            body: excerpt(body),
        }),
    }
}

fn decode_result<T: DeserializeOwned>(method: &str, body: &[u8]) -> Result<Envelope<T>, Error> {
    let deserializer = &mut serde_json::Deserializer::from_slice(body);
    serde_path_to_error::deserialize(deserializer).map_err(|error| Error::Decode {
        method: method.to_owned(),
        path: error.path().to_string(),
        message: error.inner().to_string(),
        body: excerpt(body),
    })
}

fn api_error(method: &str, status: u16, body: &[u8]) -> Error {
    #[derive(Deserialize)]
    struct Wire {
        error: Option<ErrorCode>,
        #[serde(default)]
        error_description: Option<serde_json::Value>,
    }
    let Ok(wire) = serde_json::from_slice::<Wire>(body) else {
        // `error` is neither a string nor an integer (REST 3.0 sends an object).
        return not_an_envelope(method, status, body);
    };
    let description = match wire.error_description {
        Some(serde_json::Value::String(text)) => text,
        Some(serde_json::Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    };
    Error::Api(Box::new(ApiError {
        method: method.to_owned(),
        code: wire.error.unwrap_or(ErrorCode::Other(RawCode::Absent)),
        status,
        description,
        raw_body: None,
    }))
}

fn not_an_envelope(method: &str, status: u16, body: &[u8]) -> Error {
    Error::Api(Box::new(ApiError {
        method: method.to_owned(),
        code: ErrorCode::Other(RawCode::Absent),
        status,
        description: String::new(),
        raw_body: Some(excerpt(body)),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_accepts_integers_and_missing_fields() {
        let body = br#"{"result":"2024-08-05T09:02:13+00:00","time":{"start":1772527966,"finish":1772527966.08,"duration":0.08,"processing":0,"date_start":"2026-03-03T11:52:46+01:00","date_finish":"2026-03-03T11:52:46+01:00"}}"#;
        let envelope: Envelope<String> = decode("server.time", 200, body).unwrap();
        let time = envelope.time.unwrap();
        assert_eq!(time.start, 1772527966.0);
        assert_eq!(time.operating, None);
        assert_eq!(time.operating_reset_at, None);
    }

    #[test]
    fn error_envelope_with_status_200_is_an_error() {
        let body = br#"{"error":"","error_description":"Parameter 'filter' must be array."}"#;
        let error = decode::<serde_json::Value>("crm.deal.list", 200, body).unwrap_err();
        let Error::Api(api) = error else {
            panic!("expected an API error")
        };
        assert_eq!(api.code, ErrorCode::Other(RawCode::Text(String::new())));
        assert_eq!(api.description, "Parameter 'filter' must be array.");
    }

    #[test]
    fn html_pages_keep_their_body() {
        let body = b"<html><body>502 Bad Gateway</body></html>";
        let error = decode::<serde_json::Value>("profile", 502, body).unwrap_err();
        assert!(error.is_retryable());
        let Error::Api(api) = error else {
            panic!("expected an API error")
        };
        assert_eq!(api.code, ErrorCode::Other(RawCode::Absent));
        assert_eq!(
            api.raw_body.as_deref(),
            Some("<html><body>502 Bad Gateway</body></html>")
        );
    }

    #[test]
    fn decode_errors_name_the_path() {
        let body = br#"{"result":{"automatedSolution":{"id":"x"}}}"#;
        #[derive(Debug, Deserialize)]
        struct Inner {
            #[allow(dead_code)]
            id: u64,
        }
        #[derive(Debug, Deserialize)]
        #[serde(rename_all = "camelCase")]
        struct Outer {
            #[allow(dead_code)]
            automated_solution: Inner,
        }
        let error = decode::<Outer>("crm.automatedsolution.get", 200, body).unwrap_err();
        let Error::Decode { path, method, .. } = error else {
            panic!("expected a decode error")
        };
        assert_eq!(method, "crm.automatedsolution.get");
        assert_eq!(path, "result.automatedSolution.id");
    }

    #[test]
    fn truncated_json_is_a_malformed_answer() {
        let error =
            decode::<serde_json::Value>("profile", 200, br#"{"result":{"ID":"1""#).unwrap_err();
        assert!(matches!(error, Error::MalformedAnswer { .. }));
    }
}
