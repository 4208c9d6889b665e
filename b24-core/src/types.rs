//! Value types and decoders for the forms Bitrix24 uses on the wire.
//!
//! The server is lenient and so must its clients be: IDs arrive as numbers or numeric strings,
//! booleans as `"Y"`/`"N"`, `true`/`false`, `1`/`0` or `"1"`/`"0"`, and an empty object as `[]`.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A Bitrix24 boolean in the legacy `"Y"`/`"N"` form.
///
/// Serialises as `"Y"` or `"N"`; deserialises from any form the server uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct YesNo(pub bool);

impl From<bool> for YesNo {
    fn from(value: bool) -> Self {
        YesNo(value)
    }
}

impl From<YesNo> for bool {
    fn from(value: YesNo) -> Self {
        value.0
    }
}

impl Serialize for YesNo {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(if self.0 { "Y" } else { "N" })
    }
}

impl<'de> Deserialize<'de> for YesNo {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        de::flag(deserializer).map(YesNo)
    }
}

/// A numeric identifier that the server may send as a number or as a numeric string.
///
/// Serialises as a JSON number.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Id(pub u64);

impl From<u64> for Id {
    fn from(value: u64) -> Self {
        Id(value)
    }
}

impl From<Id> for u64 {
    fn from(value: Id) -> Self {
        value.0
    }
}

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        de::u64(deserializer).map(Id)
    }
}

/// A result that carries nothing: accepts `null`, `true`, `[]` or `{}` (what delete methods
/// return), serialises as `null`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Empty;

impl<'de> Deserialize<'de> for Empty {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(deserializer).map(|_| Empty)
    }
}

/// Lenient field decoders, for `#[serde(deserialize_with = "...")]`.
pub mod de {
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
            Scalar::Text(text) => text.trim().parse().map_err(|_| {
                de::Error::invalid_value(Unexpected::Str(&text), &"an unsigned integer")
            }),
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
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yes_no_forms() {
        for (json, expected) in [
            ("\"Y\"", true),
            ("\"N\"", false),
            ("true", true),
            ("0", false),
            ("\"1\"", true),
        ] {
            let value: YesNo = serde_json::from_str(json).unwrap();
            assert_eq!(value.0, expected, "{json}");
        }
        assert!(serde_json::from_str::<YesNo>("\"maybe\"").is_err());
        assert_eq!(serde_json::to_string(&YesNo(true)).unwrap(), "\"Y\"");
    }

    #[test]
    fn ids_from_numbers_and_strings() {
        assert_eq!(serde_json::from_str::<Id>("37").unwrap(), Id(37));
        assert_eq!(serde_json::from_str::<Id>("\"37\"").unwrap(), Id(37));
        assert!(serde_json::from_str::<Id>("\"abc\"").is_err());
        assert!(serde_json::from_str::<Id>("-1").is_err());
        assert_eq!(serde_json::to_string(&Id(5)).unwrap(), "5");
    }

    #[test]
    fn empty_accepts_what_deletes_return() {
        for json in ["null", "true", "[]", "{}"] {
            assert_eq!(
                serde_json::from_str::<Empty>(json).unwrap(),
                Empty,
                "{json}"
            );
        }
    }

    #[test]
    fn strings_or_false() {
        #[derive(Deserialize)]
        struct Holder {
            #[serde(default, deserialize_with = "de::string_or_false")]
            idle: Option<String>,
        }
        let holder: Holder = serde_json::from_str(r#"{"idle": false}"#).unwrap();
        assert_eq!(holder.idle, None);
        let holder: Holder =
            serde_json::from_str(r#"{"idle": "2024-01-01T10:00:00+03:00"}"#).unwrap();
        assert_eq!(holder.idle.as_deref(), Some("2024-01-01T10:00:00+03:00"));
        let holder: Holder = serde_json::from_str(r#"{}"#).unwrap();
        assert_eq!(holder.idle, None);
    }

    #[test]
    fn empty_array_is_an_empty_map() {
        #[derive(Deserialize)]
        struct Holder {
            #[serde(deserialize_with = "de::empty_array_as_default")]
            map: std::collections::BTreeMap<String, u32>,
        }
        let holder: Holder = serde_json::from_str(r#"{"map": []}"#).unwrap();
        assert!(holder.map.is_empty());
        let holder: Holder = serde_json::from_str(r#"{"map": {"a": 1}}"#).unwrap();
        assert_eq!(holder.map["a"], 1);
    }
}
