//! The `result` of a `batch` call as the server sends it, sorted into one outcome per
//! command.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::Value;

use super::Outcome;
use crate::envelope::{Envelope, Time};
use crate::error::{ApiError, Cause, Error, ErrorCode, RawCode};
use crate::transport::Secrets;
use crate::types::de;

/// The `result` of a `batch` call as the server sends it; empty maps arrive as `[]`. The
/// server always sends `result` and `result_error`: an answer without them is not a batch
/// result, and fails to decode rather than passing for "nothing ran".
#[derive(Debug, Deserialize)]
pub(crate) struct BatchWire {
    #[serde(deserialize_with = "keyed")]
    pub(crate) result: HashMap<String, Value>,
    #[serde(deserialize_with = "keyed")]
    pub(crate) result_error: HashMap<String, Value>,
    #[serde(default, deserialize_with = "keyed")]
    pub(crate) result_total: HashMap<String, Value>,
    #[serde(default, deserialize_with = "keyed")]
    pub(crate) result_next: HashMap<String, Value>,
    #[serde(default, deserialize_with = "keyed")]
    pub(crate) result_time: HashMap<String, Value>,
}

/// A map keyed by command key: an object, `[]` when empty, or an array for a list of commands.
fn keyed<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<HashMap<String, Value>, D::Error> {
    match Value::deserialize(deserializer)? {
        Value::Object(map) => Ok(map.into_iter().collect()),
        Value::Array(items) => Ok(items
            .into_iter()
            .enumerate()
            .map(|(i, v)| (i.to_string(), v))
            .collect()),
        other => Err(serde::de::Error::invalid_type(
            unexpected(&other),
            &"a map of command keys (an object or an array)",
        )),
    }
}

/// What serde reports for a value of the wrong kind.
fn unexpected(value: &Value) -> serde::de::Unexpected<'_> {
    use serde::de::Unexpected;
    match value {
        Value::Null => Unexpected::Unit,
        Value::Bool(flag) => Unexpected::Bool(*flag),
        Value::Number(_) => Unexpected::Other("a number"),
        Value::String(text) => Unexpected::Str(text),
        Value::Array(_) => Unexpected::Seq,
        Value::Object(_) => Unexpected::Map,
    }
}

impl BatchWire {
    /// Sorts the answer into outcomes for `keys`, with `secrets` scrubbed from the commands'
    /// errors. A key without an entry was not executed when a halting batch stopped at an
    /// earlier failure; otherwise the answer does not say what became of it, and its outcome
    /// is unknown.
    pub(crate) fn outcomes(
        mut self,
        method_of: impl Fn(&str) -> String,
        keys: &[String],
        halt: bool,
        secrets: &Secrets,
    ) -> Vec<(String, Outcome)> {
        let sub_error = |key: &str, error: &Value| {
            let mut api = sub_error(method_of(key), error);
            api.scrub(secrets);
            Box::new(api)
        };
        let stopped_by = keys
            .iter()
            .find_map(|key| self.result_error.get(key).map(|error| (key, error)))
            .filter(|_| halt)
            .map(|(key, error)| Cause::new(Error::Api(sub_error(key, error))));
        keys.iter()
            .map(|key| {
                let outcome = if let Some(error) = self.result_error.remove(key) {
                    Outcome::Failed(sub_error(key, &error))
                } else if let Some(result) = self.result.remove(key) {
                    let number =
                        |value: Option<Value>| value.and_then(|v| de::opt_u64(v).ok().flatten());
                    let time = self
                        .result_time
                        .remove(key)
                        .and_then(|t| serde_json::from_value::<Time>(t).ok());
                    Outcome::Done(Box::new(Envelope {
                        result,
                        next: number(self.result_next.remove(key)),
                        total: number(self.result_total.remove(key)),
                        time,
                    }))
                } else if let Some(stopped_by) = &stopped_by {
                    Outcome::NotExecuted(Some(stopped_by.clone()))
                } else {
                    Outcome::Unknown(Cause::new(Error::Decode {
                        method: method_of(key),
                        path: format!("result.result.{key}"),
                        message: String::from("the batch answer has no result and no error for it"),
                        body: String::new(),
                    }))
                };
                (key.clone(), outcome)
            })
            .collect()
    }
}

fn sub_error(method: String, error: &Value) -> ApiError {
    let code = error
        .get("error")
        .and_then(|code| serde_json::from_value::<ErrorCode>(code.clone()).ok())
        .unwrap_or(ErrorCode::Other(RawCode::Absent));
    let description = match error.get("error_description") {
        Some(Value::String(text)) => text.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    };
    // Inside a batch every sub-call answers with HTTP 200.
    ApiError {
        method,
        code,
        status: 200,
        description,
        raw_body: None,
    }
}
