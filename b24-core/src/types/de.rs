//! Lenient field decoders, for `#[serde(deserialize_with = "...")]`.

use serde::de::{self, DeserializeOwned, Unexpected};
use serde::{Deserialize, Deserializer};

#[derive(Deserialize)]
#[serde(untagged)]
enum Scalar {
    Bool(bool),
    Unsigned(u64),
    Signed(i64),
    Float(f64),
    Text(String),
}

/// A boolean from `"Y"`/`"N"`, `true`/`false`, `1`/`0` or `"1"`/`"0"`.
pub fn flag<'de, D: Deserializer<'de>>(deserializer: D) -> Result<bool, D::Error> {
    match Scalar::deserialize(deserializer)? {
        Scalar::Bool(value) => Ok(value),
        Scalar::Unsigned(number) => Ok(number != 0),
        Scalar::Signed(number) => Ok(number != 0),
        Scalar::Text(text) => match text.as_str() {
            "Y" | "y" | "1" | "true" => Ok(true),
            "N" | "n" | "0" | "false" | "" => Ok(false),
            other => Err(de::Error::invalid_value(Unexpected::Str(other), &"Y or N")),
        },
        Scalar::Float(number) => Err(de::Error::invalid_type(
            Unexpected::Float(number),
            &"Y or N",
        )),
    }
}

/// An unsigned integer from a number or a numeric string.
pub fn u64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    match Scalar::deserialize(deserializer)? {
        Scalar::Unsigned(number) => Ok(number),
        Scalar::Text(text) => text
            .trim()
            .parse()
            .map_err(|_| de::Error::invalid_value(Unexpected::Str(&text), &"an unsigned integer")),
        Scalar::Signed(number) => Err(de::Error::invalid_value(
            Unexpected::Signed(number),
            &"an unsigned integer",
        )),
        Scalar::Float(number) => Err(de::Error::invalid_type(
            Unexpected::Float(number),
            &"an unsigned integer",
        )),
        Scalar::Bool(value) => Err(de::Error::invalid_type(
            Unexpected::Bool(value),
            &"an unsigned integer",
        )),
    }
}

/// An optional unsigned integer from a number, a numeric string or `null`.
pub fn opt_u64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<u64>, D::Error> {
    Option::<crate::Id>::deserialize(deserializer).map(|id| id.map(u64::from))
}

/// An optional integer from an integer, a float (truncated) or a numeric string.
pub fn opt_i64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<i64>, D::Error> {
    let Some(value) = Option::<Scalar>::deserialize(deserializer)? else {
        return Ok(None);
    };
    match value {
        Scalar::Unsigned(number) => i64::try_from(number)
            .map(Some)
            .map_err(|_| de::Error::invalid_value(Unexpected::Unsigned(number), &"an integer")),
        Scalar::Signed(number) => Ok(Some(number)),
        Scalar::Float(number) => Ok(Some(number as i64)),
        Scalar::Text(text) => text
            .trim()
            .parse::<f64>()
            .map(|number| Some(number as i64))
            .map_err(|_| de::Error::invalid_value(Unexpected::Str(&text), &"an integer")),
        Scalar::Bool(value) => Err(de::Error::invalid_type(
            Unexpected::Bool(value),
            &"an integer",
        )),
    }
}

/// An optional string where the server sends `false` (or `null`, or `""`) for "not set",
/// as `im.*` methods do for dates.
pub fn string_or_false<'de, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<Option<String>, D::Error> {
    match Option::<Scalar>::deserialize(deserializer)? {
        None | Some(Scalar::Bool(false)) => Ok(None),
        Some(Scalar::Text(text)) if text.is_empty() => Ok(None),
        Some(Scalar::Text(text)) => Ok(Some(text)),
        Some(Scalar::Unsigned(number)) => Ok(Some(number.to_string())),
        Some(Scalar::Signed(number)) => Ok(Some(number.to_string())),
        Some(Scalar::Float(number)) => Ok(Some(number.to_string())),
        Some(Scalar::Bool(true)) => Err(de::Error::invalid_type(
            Unexpected::Bool(true),
            &"a string or false",
        )),
    }
}

/// A map-like value where the server sends `[]` for an empty one (PHP's empty array).
pub fn empty_array_as_default<'de, D, T>(deserializer: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: DeserializeOwned + Default,
{
    let value = serde_json::Value::deserialize(deserializer)?;
    match value {
        serde_json::Value::Array(items) if items.is_empty() => Ok(T::default()),
        serde_json::Value::Null => Ok(T::default()),
        other => T::deserialize(other).map_err(de::Error::custom),
    }
}
