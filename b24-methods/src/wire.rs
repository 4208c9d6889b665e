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
///
/// Exported (hidden) only so that the tests in `tests/wire.rs` can declare a record of their own.
#[doc(hidden)]
#[macro_export]
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
                    $( $field: input.$kind($crate::record!(@key input, $wire $(, $alias)?))?, )*
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
