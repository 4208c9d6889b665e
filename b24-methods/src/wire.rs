//! What the generated method files use: the value types, and `record!`, which implements
//! `Serialize` and `Deserialize` for a generated struct with one line per field.
//!
//! Hand-written; not generated. The generated code stays small because the per-struct work is
//! done by the non-generic [`In`] and [`Out`] helpers here instead of serde's derive: a record
//! is read from a JSON object (or `[]`, PHP's empty array) by taking its documented keys one by
//! one, and everything left over lands in the struct's `extra` map, so nothing is dropped and a
//! body round-trips unchanged.

pub use b24_core::b24_method;
pub use b24_core::types::{DateTime, Decimal, FileData, Flag, Id, MultiField, Numeric};
pub use serde_json::{Map, Value};

use b24_core::types::de;
use serde::de::DeserializeOwned;
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize};

/// Implements `Serialize` and `Deserialize` for a struct with named fields and an
/// `extra: Map<String, Value>` catch-all: `record!(Name { req id: "ID", opt title: "TITLE" })`.
///
/// `req` fields must be present when deserialising; `opt` fields are `Option`s, skipped when
/// `None`. A `null` given for an `opt` field reads as `None` and is kept in `extra`, so it is
/// sent back as `null`.
///
/// An `opt` field written `opt start: "start" => with_start(Numeric)` also gets a builder
/// setter taking anything that converts into its type, so a request is built in one
/// expression: `CrmItemList::new(2).with_start(50)`. The setters are generic, so only the ones
/// a program calls are compiled into it.
///
/// A field written `opt title: "TITLE" | "title"` is written under its first key and read
/// from either (the first wins when both are there), for entities whose requests and answers
/// spell the same field differently (`tasks.task.add` takes `TITLE`, answers `title`).
macro_rules! record {
    (@key $input:ident, $wire:literal) => { $wire };
    (@key $input:ident, $wire:literal, $alias:literal) => { $input.key_of($wire, $alias) };
    ($name:ident { $($kind:ident $field:ident: $wire:literal $(| $alias:literal)? $(=> $setter:ident($ty:ty))?),* $(,)? }) => {
        #[allow(deprecated)]
        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                #[allow(unused_mut)]
                let mut out = $crate::wire::Out::new(serializer)?;
                $( out.$kind($wire, &self.$field)?; )*
                out.end(&self.extra)
            }
        }
        #[allow(deprecated)]
        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                #[allow(unused_mut)]
                let mut input = $crate::wire::In::<D::Error>::new(deserializer)?;
                ::core::result::Result::Ok($name {
                    $( $field: input.$kind($crate::wire::record!(@key input, $wire $(, $alias)?))?, )*
                    extra: input.rest(),
                })
            }
        }
        #[allow(deprecated)]
        impl $name {
            $($(
                #[doc = concat!("Sets `", $wire, "`.")]
                #[must_use]
                pub fn $setter(mut self, value: impl ::core::convert::Into<$ty>) -> Self {
                    self.$field = ::core::option::Option::Some(value.into());
                    self
                }
            )?)*
        }
    };
}
pub(crate) use record;

/// Writes a record as a JSON object.
pub struct Out<M> {
    map: M,
}

impl<M: SerializeMap> Out<M> {
    /// Starts the object.
    pub fn new<S: serde::Serializer<SerializeMap = M>>(serializer: S) -> Result<Self, S::Error> {
        Ok(Out {
            map: serializer.serialize_map(None)?,
        })
    }

    /// A required field.
    pub fn req<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), M::Error> {
        self.map.serialize_entry(key, value)
    }

    /// An optional field, skipped when `None`.
    pub fn opt<T: Serialize>(&mut self, key: &str, value: &Option<T>) -> Result<(), M::Error> {
        match value {
            Some(value) => self.map.serialize_entry(key, value),
            None => Ok(()),
        }
    }

    /// The `extra` entries, then the end of the object.
    pub fn end(mut self, extra: &Map<String, Value>) -> Result<M::Ok, M::Error> {
        for (key, value) in extra {
            self.map.serialize_entry(key, value)?;
        }
        self.map.end()
    }
}

/// Reads a record from a JSON object, field by field.
pub struct In<E> {
    map: Map<String, Value>,
    error: std::marker::PhantomData<E>,
}

impl<E: serde::de::Error> In<E> {
    /// Reads the object; `[]` and `{}` are an empty record.
    pub fn new<'de, D: Deserializer<'de, Error = E>>(deserializer: D) -> Result<Self, E> {
        let map = match Value::deserialize(deserializer)? {
            Value::Object(map) => map,
            Value::Array(items) if items.is_empty() => Map::new(),
            other => {
                return Err(E::custom(format_args!(
                    "invalid type: {}, expected an object",
                    kind(&other)
                )));
            }
        };
        Ok(In {
            map,
            error: std::marker::PhantomData,
        })
    }

    /// A required field.
    pub fn req<T: DeserializeOwned>(&mut self, key: &str) -> Result<T, E> {
        match self.map.remove(key) {
            Some(value) => decode(key, value),
            None => Err(E::custom(format_args!("missing field `{key}`"))),
        }
    }

    /// An optional field. `null`, and PHP's `false` / `""` / `[]` for "not set" where the type
    /// does not take them, read as `None` and stay in `extra`, so they are sent back as they came.
    pub fn opt<T: DeserializeOwned>(&mut self, key: &str) -> Result<Option<T>, E> {
        let Some(value) = self.map.remove(key) else {
            return Ok(None);
        };
        match de::lenient_opt(&value) {
            Ok(Some(decoded)) => Ok(Some(decoded)),
            Ok(None) => {
                self.map.insert(key.to_owned(), value);
                Ok(None)
            }
            Err(error) => Err(field_error(key, error)),
        }
    }

    /// The key a field arrived under: `key`, else `alias` when only that one is there.
    pub fn key_of<'k>(&self, key: &'k str, alias: &'k str) -> &'k str {
        if !self.map.contains_key(key) && self.map.contains_key(alias) {
            alias
        } else {
            key
        }
    }

    /// What is left: the `extra` map.
    pub fn rest(self) -> Map<String, Value> {
        self.map
    }
}

/// A field's value, as [`de::lenient`] reads it (a map with numeric keys or one object where a
/// list is documented, a list where a map is).
fn decode<T: DeserializeOwned, E: serde::de::Error>(key: &str, value: Value) -> Result<T, E> {
    de::lenient(&value).map_err(|error| field_error(key, error))
}

fn field_error<E: serde::de::Error>(key: &str, error: serde_json::Error) -> E {
    E::custom(format_args!("`{key}`: {error}"))
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// A record as the generator writes one.
    #[derive(Debug, Default, PartialEq)]
    struct Sample {
        id: Numeric,
        name: Option<String>,
        tags: Option<Vec<String>>,
        files: Option<Vec<Sample>>,
        extra: Map<String, Value>,
    }

    record!(Sample {
        req id: "ID",
        opt name: "NAME",
        opt tags: "TAGS",
        opt files: "FILES",
    });

    #[test]
    fn php_not_set_forms_read_as_none_and_are_sent_back_as_they_came() {
        let body = json!({"ID": 1, "NAME": false, "TAGS": "", "FILES": null});
        let sample: Sample = serde_json::from_value(body.clone()).unwrap();
        assert_eq!(sample.name, None);
        assert_eq!(sample.tags, None);
        assert_eq!(sample.files, None);
        assert_eq!(serde_json::to_value(&sample).unwrap(), body);
    }

    #[test]
    fn lists_arrive_as_numeric_maps_or_as_one_object() {
        let body = json!({
            "ID": "1",
            "TAGS": {"1": "b", "0": "a"},
            "FILES": {"ID": 2, "NAME": "a.txt"},
        });
        let sample: Sample = serde_json::from_value(body).unwrap();
        assert_eq!(
            sample.tags,
            Some(vec![String::from("a"), String::from("b")])
        );
        let files = sample.files.unwrap();
        assert_eq!(files.len(), 1);
        assert_eq!(files[0].id.as_u64(), Some(2));
        assert_eq!(files[0].name.as_deref(), Some("a.txt"));
    }

    /// A field spelt one way in requests and another in answers.
    #[derive(Debug, Default, PartialEq)]
    struct Spelt {
        title: Option<String>,
        extra: Map<String, Value>,
    }

    record!(Spelt {
        opt title: "TITLE" | "title",
    });

    #[test]
    fn a_field_with_two_spellings_reads_either_and_writes_the_first() {
        let answer: Spelt = serde_json::from_value(json!({"title": "a"})).unwrap();
        assert_eq!(answer.title.as_deref(), Some("a"));
        assert!(answer.extra.is_empty());
        assert_eq!(
            serde_json::to_value(&answer).unwrap(),
            json!({"TITLE": "a"})
        );
        // Both there: the first spelling is the field, the other stays in `extra`.
        let both: Spelt = serde_json::from_value(json!({"TITLE": "a", "title": "b"})).unwrap();
        assert_eq!(both.title.as_deref(), Some("a"));
        assert_eq!(both.extra.get("title"), Some(&json!("b")));
        // A `null` under the other spelling is kept as it came.
        let unset: Spelt = serde_json::from_value(json!({"title": null})).unwrap();
        assert_eq!(unset.title, None);
        assert_eq!(
            serde_json::to_value(&unset).unwrap(),
            json!({"title": null})
        );
    }

    #[test]
    fn a_value_of_no_lenient_form_is_still_an_error_naming_the_field() {
        let error = serde_json::from_value::<Sample>(json!({"ID": 1, "NAME": {"a": 1}}))
            .unwrap_err()
            .to_string();
        assert!(error.starts_with("`NAME`: invalid type"), "{error}");
        let error = serde_json::from_value::<Sample>(json!({"NAME": "x"}))
            .unwrap_err()
            .to_string();
        assert_eq!(error, "missing field `ID`");
    }
}
