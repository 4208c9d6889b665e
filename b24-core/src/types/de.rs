//! Lenient field decoders, for `#[serde(deserialize_with = "...")]`, and the reshaping rules
//! ([`lenient`], [`lenient_opt`]) that generated records apply to every field.

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

/// Whether a value is one of the forms PHP sends for "not set": `false`, `""` or `[]`.
pub fn is_unset(value: &serde_json::Value) -> bool {
    use serde_json::Value;
    match value {
        Value::Bool(false) => true,
        Value::String(text) => text.is_empty(),
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
}

/// The other shapes a value may stand for, most likely first: a map whose keys are all
/// integers is the list of its values in key order (a PHP array that lost its order, or was
/// filtered), any other object is a one-item list (one-item answers), and a non-empty list is
/// a map keyed by position (the reverse of the first rule).
fn reshaped(value: &serde_json::Value) -> Vec<serde_json::Value> {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            let mut shapes = Vec::with_capacity(2);
            let keyed: Option<Vec<(u64, &Value)>> = map
                .iter()
                .map(|(key, item)| key.parse::<u64>().ok().map(|index| (index, item)))
                .collect();
            if let Some(mut keyed) = keyed.filter(|keyed| !keyed.is_empty()) {
                keyed.sort_by_key(|(index, _)| *index);
                shapes.push(Value::Array(
                    keyed.into_iter().map(|(_, item)| item.clone()).collect(),
                ));
            }
            shapes.push(Value::Array(vec![value.clone()]));
            shapes
        }
        Value::Array(items) if !items.is_empty() => vec![Value::Object(
            items
                .iter()
                .enumerate()
                .map(|(index, item)| (index.to_string(), item.clone()))
                .collect(),
        )],
        _ => Vec::new(),
    }
}

/// Decodes a value as leniently as the server sends it: as it is, or, when that fails, from
/// the list or map it stands for — a map with numeric keys where a list is expected (and a list
/// where a map is), or a single object where a list is expected. The error is the one of the
/// value as it is.
pub fn lenient<T: DeserializeOwned>(value: &serde_json::Value) -> Result<T, serde_json::Error> {
    T::deserialize(value).or_else(|error| {
        reshaped(value)
            .iter()
            .find_map(|shape| T::deserialize(shape).ok())
            .ok_or(error)
    })
}

/// An optional value decoded as [`lenient`]: `None` for `null`, and for PHP's "not set" forms
/// (`false`, `""`, `[]`, see [`is_unset`]) where the type does not take them itself (a
/// [`Flag`](crate::types::Flag) reads `false` as false, a `Vec` reads `[]` as empty).
pub fn lenient_opt<T: DeserializeOwned>(
    value: &serde_json::Value,
) -> Result<Option<T>, serde_json::Error> {
    if value.is_null() {
        return Ok(None);
    }
    match lenient(value) {
        Ok(decoded) => Ok(Some(decoded)),
        Err(_) if is_unset(value) => Ok(None),
        Err(error) => Err(error),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;
    use crate::types::{Flag, Numeric};

    #[test]
    fn php_not_set_forms_are_none_where_the_type_does_not_take_them() {
        for unset in [json!(false), json!(""), json!([]), json!(null)] {
            assert_eq!(lenient_opt::<u64>(&unset).unwrap(), None, "{unset}");
            assert_eq!(
                lenient_opt::<std::collections::BTreeMap<String, u64>>(&unset).unwrap(),
                None,
                "{unset}"
            );
        }
        // A string takes `""` and a flag takes `false`: they are values there, not "not set".
        assert_eq!(
            lenient_opt::<String>(&json!("")).unwrap(),
            Some(String::new())
        );
        assert_eq!(
            lenient_opt::<String>(&json!(false)).unwrap(),
            None,
            "a string does not take false"
        );
        assert_eq!(
            lenient_opt::<Flag>(&json!(false)).unwrap(),
            Some(Flag::bool(false))
        );
        assert_eq!(
            lenient_opt::<Vec<u64>>(&json!([])).unwrap(),
            Some(Vec::new())
        );
        // Anything else that does not decode is still an error.
        assert!(lenient_opt::<u64>(&json!(true)).is_err());
        assert!(lenient_opt::<u64>(&json!("abc")).is_err());
        assert!(!is_unset(&json!(0)));
        assert!(!is_unset(&json!({})));
    }

    #[test]
    fn a_map_with_numeric_keys_is_the_list_of_its_values_in_key_order() {
        let map = json!({"10": "c", "2": "b", "0": "a"});
        assert_eq!(lenient::<Vec<String>>(&map).unwrap(), vec!["a", "b", "c"]);
        // Not every key numeric: no list (and not one item either, a string is no object).
        assert!(lenient::<Vec<String>>(&json!({"0": "a", "x": "b"})).is_err());
    }

    #[test]
    fn a_single_object_is_a_one_item_list() {
        let one = json!({"ID": "5", "NAME": "file.txt"});
        let items = lenient::<Vec<std::collections::BTreeMap<String, Value>>>(&one).unwrap();
        assert_eq!(items.len(), 1);
        assert_eq!(items[0]["ID"], json!("5"));
        // A numeric-keyed map of objects is its values, not one item.
        let keyed = json!({"0": {"ID": 1}, "1": {"ID": 2}});
        let items = lenient::<Vec<std::collections::BTreeMap<String, Numeric>>>(&keyed).unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(items[1]["ID"].as_u64(), Some(2));
    }

    #[test]
    fn a_list_where_a_map_is_expected_is_keyed_by_position() {
        let map = lenient::<std::collections::BTreeMap<String, u64>>(&json!([4, 5])).unwrap();
        assert_eq!(map["0"], 4);
        assert_eq!(map["1"], 5);
        // A value that decodes as it is keeps its shape.
        assert_eq!(lenient::<Vec<u64>>(&json!([4, 5])).unwrap(), vec![4, 5]);
        // The error reported is the one of the value as sent.
        let error = lenient::<Vec<u64>>(&json!("x")).unwrap_err().to_string();
        assert!(error.contains("expected a sequence"), "{error}");
    }
}
