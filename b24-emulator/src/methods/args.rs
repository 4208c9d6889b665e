//! Argument readers shared by the method handlers of the newer (camelCase) methods.

use crate::envelope::ApiError;
use crate::value::Value;

/// The required `id` argument (`ERROR_ARGUMENT` when missing), PHP `intval`.
pub fn required_id(params: &Value) -> Result<i64, ApiError> {
    match params.get("id") {
        None | Some(Value::Null) => Err(ApiError::argument(
            "id",
            "Could not find value for parameter {id}",
        )),
        Some(v) => Ok(v.php_intval()),
    }
}

/// `fields` as given (anything but an array counts as no fields).
pub fn fields(params: &Value) -> Value {
    match params.get("fields") {
        Some(v @ (Value::Map(_) | Value::List(_))) => v.clone(),
        _ => Value::empty_map(),
    }
}

fn empty_title() -> ApiError {
    ApiError::new(
        400,
        "BX_EMPTY_REQUIRED",
        "The required field 'Title' is not filled",
    )
}

/// The trimmed `title` of `fields`: `None` when absent, `BX_EMPTY_REQUIRED` when blank.
pub fn title(fields: &Value) -> Option<Result<String, ApiError>> {
    let raw = fields.get("title")?;
    Some(
        raw.php_string()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .ok_or_else(empty_title),
    )
}

/// The `title` of `fields` for a new record: required.
pub fn required_title(fields: &Value) -> Result<String, ApiError> {
    title(fields).unwrap_or_else(|| Err(empty_title()))
}

/// A `Y`/`N` or boolean flag: `true` for `Y` (any case) and `true`.
pub fn yes(value: &Value) -> bool {
    value
        .php_string()
        .is_some_and(|s| s.eq_ignore_ascii_case("Y"))
        || *value == Value::Bool(true)
}

/// `INVALID_ARG_VALUE` (400).
pub fn invalid(description: impl Into<String>) -> ApiError {
    ApiError::new(400, "INVALID_ARG_VALUE", description)
}
