//! Reading a `batch` answer the command line built from JSON: a command's result or error by
//! its key.

use b24_core::ErrorCode;
use serde_json::Value;

use crate::exit::{Class, Failure, class_of_code};

/// Items per page of every list method.
pub const PAGE_SIZE: usize = 50;

/// `result.<collection>.<key>` of a batch answer (a map, or a list for numeric keys).
pub fn keyed<'v>(result: &'v Value, collection: &str, key: &str) -> Option<&'v Value> {
    match result.get(collection)? {
        Value::Object(map) => map.get(key),
        Value::Array(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
        _ => None,
    }
}

/// A failure for a command's entry in `result_error`.
pub fn sub_error(method: &str, error: &Value) -> Failure {
    let code = match error.get("error") {
        Some(Value::String(code)) => code.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    let description = error
        .get("error_description")
        .and_then(Value::as_str)
        .unwrap_or("");
    let class: Class = class_of_code(&ErrorCode::from(code.as_str()));
    Failure::new(
        class,
        format!("{code}: {description} (`{method}` in batch)"),
    )
}
