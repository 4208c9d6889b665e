//! The success envelope `{result, next, total, time}` and its decoding.

mod scan;

use serde::Deserialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use self::scan::Scan;

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

/// Largest tree an answer's `result` may take in memory unless the caller gives a limit: the
/// transport's default body limit, now counted in memory.
const DEFAULT_MEMORY_LIMIT: usize = 256 * 1024 * 1024;

/// Reads the body of an answer: the typed envelope on success, a typed error otherwise.
pub(crate) fn decode<T: DeserializeOwned>(
    method: &str,
    status: u16,
    body: &[u8],
) -> Result<Envelope<T>, Error> {
    decode_within(method, status, body, DEFAULT_MEMORY_LIMIT)
}

/// [`decode`], refusing a `result` that would take more than `memory_limit` bytes as a JSON
/// tree when `T` keeps it as one (see [`keeps_a_tree`]).
///
/// Typed results are decoded straight from the body, without an intermediate tree; the body
/// is read once before that, without allocating, to find error envelopes, duplicate keys and
/// the tree's size.
pub(crate) fn decode_within<T: DeserializeOwned>(
    method: &str,
    status: u16,
    body: &[u8],
    memory_limit: usize,
) -> Result<Envelope<T>, Error> {
    let success = (200..300).contains(&status);
    match scan::scan(body) {
        Ok(Scan {
            duplicate: Some(key),
            ..
        }) => Err(Error::Decode {
            method: method.to_owned(),
            path: key.clone(),
            message: format!("the key `{key}` appears twice in the envelope"),
            body: excerpt(body),
        }),
        Ok(Scan { error: true, .. }) => Err(api_error(method, status, body)),
        Ok(_) if !success => Err(not_an_envelope(method, status, body)),
        Ok(Scan { tree_bytes, .. }) if tree_bytes > memory_limit && keeps_a_tree::<T>() => {
            tracing::warn!(
                method,
                body_bytes = body.len(),
                tree_bytes,
                memory_limit,
                "the answer would exceed the memory limit as a JSON tree"
            );
            Err(Error::ResponseTooLarge {
                method: method.to_owned(),
                limit: memory_limit,
            })
        }
        Ok(_) => decode_result(method, body),
        Err(_) if !success => Err(not_an_envelope(method, status, body)),
        Err(error) => Err(Error::MalformedAnswer {
            method: method.to_owned(),
            message: error.to_string(),
            body: excerpt(body),
        }),
    }
}

/// Whether `T` holds the whole `result` as a JSON tree (`serde_json::Value` and the
/// containers of it, the raw `batch` result), which takes many times the answer's bytes.
///
/// Compared by type name because `T` need not be `'static`; two types that share a name are
/// both trees of the same `serde_json`, so a match is never wrong in what it protects.
fn keeps_a_tree<T>() -> bool {
    use std::any::type_name;
    let trees = [
        type_name::<Value>(),
        type_name::<Option<Value>>(),
        type_name::<Vec<Value>>(),
        type_name::<serde_json::Map<String, Value>>(),
        type_name::<crate::batch::BatchWire>(),
    ];
    trees.contains(&type_name::<T>())
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

    #[test]
    fn duplicate_envelope_keys_are_decode_errors_not_lost_answers() {
        for body in [
            &br#"{"result":{"ID":"1"},"result":{"ID":"2"}}"#[..],
            br#"{"error":"QUERY_LIMIT_EXCEEDED","error":"NOT_FOUND"}"#,
            br#"{"result":1,"time":{"start":1},"time":{"start":2}}"#,
        ] {
            let error = decode::<serde_json::Value>("crm.deal.get", 200, body).unwrap_err();
            assert!(matches!(error, Error::Decode { .. }), "{error:?}");
            // A malformed answer does not heal by asking again.
            assert!(!error.is_retryable(), "{error:?}");
        }
    }

    /// `{"result":[1,1,…]}` with `count` ones.
    fn ones(count: usize) -> Vec<u8> {
        format!(r#"{{"result":[{}1]}}"#, "1,".repeat(count - 1)).into_bytes()
    }

    #[test]
    fn json_trees_are_bounded_in_memory_not_in_bytes() {
        // 200 KB of text, about 7 MB as a tree.
        let body = ones(100_000);
        let limit = 1024 * 1024;
        assert!(body.len() < limit);
        let error =
            decode_within::<serde_json::Value>("crm.deal.list", 200, &body, limit).unwrap_err();
        assert!(
            matches!(
                error,
                Error::ResponseTooLarge {
                    limit: 1_048_576,
                    ..
                }
            ),
            "{error:?}"
        );
        let error = decode_within::<Vec<serde_json::Value>>("crm.deal.list", 200, &body, limit)
            .unwrap_err();
        assert!(matches!(error, Error::ResponseTooLarge { .. }), "{error:?}");
        // Decoded straight into its type, the same answer takes 800 KB and is accepted.
        let typed = decode_within::<Vec<u64>>("crm.deal.list", 200, &body, limit).unwrap();
        assert_eq!(typed.result.len(), 100_000);
        // Under a limit that holds the tree, the tree is built.
        let tree =
            decode_within::<serde_json::Value>("crm.deal.list", 200, &body, 64 << 20).unwrap();
        assert_eq!(tree.result.as_array().map(Vec::len), Some(100_000));
    }

    #[test]
    fn batch_answers_count_as_trees() {
        let body = format!(
            r#"{{"result":{{"result":{{"p0":[{}1]}}}}}}"#,
            "1,".repeat(99_999)
        );
        let error =
            decode_within::<crate::batch::BatchWire>("batch", 200, body.as_bytes(), 1 << 20)
                .unwrap_err();
        assert!(matches!(error, Error::ResponseTooLarge { .. }), "{error:?}");
    }
}
