//! The `result` of a `batch` call as the server sends it, sorted into one outcome per
//! command.

use std::collections::HashMap;

use serde::Deserialize;
use serde_json::Value;

use super::Outcome;
use crate::envelope::{Envelope, Time};
use crate::error::{ApiError, ErrorCode, RawCode};
use crate::types::de;

/// The `result` of a `batch` call as the server sends it; empty maps arrive as `[]`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct BatchWire {
    #[serde(deserialize_with = "keyed")]
    pub(crate) result: HashMap<String, Value>,
    #[serde(deserialize_with = "keyed")]
    pub(crate) result_error: HashMap<String, Value>,
    #[serde(deserialize_with = "keyed")]
    pub(crate) result_total: HashMap<String, Value>,
    #[serde(deserialize_with = "keyed")]
    pub(crate) result_next: HashMap<String, Value>,
    #[serde(deserialize_with = "keyed")]
    pub(crate) result_time: HashMap<String, Value>,
}

/// A map keyed by command key: an object, `[]` when empty, or an array for a list of commands.
fn keyed<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<HashMap<String, Value>, D::Error> {
    Ok(match Value::deserialize(deserializer)? {
        Value::Object(map) => map.into_iter().collect(),
        Value::Array(items) => items
            .into_iter()
            .enumerate()
            .map(|(i, v)| (i.to_string(), v))
            .collect(),
        _ => HashMap::new(),
    })
}

impl BatchWire {
    /// Sorts the answer into outcomes for `keys`; keys without an entry were not executed.
    pub(crate) fn outcomes(
        mut self,
        method_of: impl Fn(&str) -> String,
        keys: &[String],
    ) -> Vec<(String, Outcome)> {
        keys.iter()
            .map(|key| {
                let outcome = if let Some(error) = self.result_error.remove(key) {
                    Outcome::Failed(Box::new(sub_error(method_of(key), &error)))
                } else if let Some(result) = self.result.remove(key) {
                    let number =
                        |value: Option<Value>| value.and_then(|v| de::opt_u64(v).ok().flatten());
                    let time = self
                        .result_time
                        .remove(key)
                        .and_then(|t| serde_json::from_value::<Time>(t).ok());
                    Outcome::Done(Envelope {
                        result,
                        next: number(self.result_next.remove(key)),
                        total: number(self.result_total.remove(key)),
                        time,
                    })
                } else {
                    Outcome::NotExecuted
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
