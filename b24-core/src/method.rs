//! The [`Method`] trait that `#[b24_method]` implements, and its metadata.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::error::Error;
use crate::scope::Scope;

/// Longest method name accepted at run time.
const MAX_NAME: usize = 255;

/// Checks a method name given at run time: dot-separated ASCII letters, digits and `_`,
/// the form that cannot change the URL or the `batch` command it is placed in.
pub(crate) fn check_name(name: &str) -> Result<(), Error> {
    let valid = !name.is_empty()
        && name.len() <= MAX_NAME
        && name.split('.').all(|segment| {
            !segment.is_empty()
                && segment
                    .bytes()
                    .all(|byte| byte.is_ascii_alphanumeric() || byte == b'_')
        });
    if valid {
        Ok(())
    } else {
        Err(Error::InvalidMethodName {
            method: name.chars().take(MAX_NAME).collect(),
        })
    }
}

/// A Bitrix24 REST method: a request value that knows its name, scope and response type.
///
/// Implement it with [`#[b24_method]`](crate::b24_method) rather than by hand. The request
/// itself is the method's parameters: it serialises to the JSON body of the call.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a classic Bitrix24 REST method",
    label = "not a classic (REST v2) method",
    note = "a method declared with `version = 3` is a REST 3.0 method: call it with `client.v3()` and batch it in `b24_core::v3::Batch`"
)]
pub trait Method: Serialize {
    /// The method name as documented, e.g. `crm.automatedsolution.add`.
    const NAME: &'static str;
    /// The scope a credential needs to call this method.
    const SCOPE: Scope;
    /// What the runtime needs to know to batch, retry and page this method.
    const META: MethodMeta;
    /// The type of the envelope's `result`.
    type Response: DeserializeOwned;
}

/// A list method: a [`Method`] whose items [`Client::stream`](crate::Client::stream) and
/// [`Client::export`](crate::Client::export) yield one at a time, decoded into [`Item`](Self::Item).
///
/// `#[b24_method(..., list)]` and `#[b24_method(..., list = "key")]` implement it. The item type
/// is `item = T` when given, else `T` for a `response = Vec<T>` with `list`, else
/// `serde_json::Value`. [`Client::stream_as`](crate::Client::stream_as) decodes into another
/// type.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not a list method, so it cannot be streamed",
    label = "not declared with `list` in its `#[b24_method]`",
    note = "only methods declared `#[b24_method(..., list)]` or `list = \"key\"` page; call this one with `client.call(&request)`"
)]
pub trait ListMethod: Method {
    /// The type of one item of the list.
    type Item: DeserializeOwned + Send + 'static;
}

/// A request's parameters as JSON, always an object (a unit request's `null` becomes `{}`).
pub(crate) fn params<M: Method>(request: &M) -> Result<Value, Error> {
    params_of(M::NAME, request)
}

/// The parameters of a call of `method` as JSON, always an object; shared by both APIs.
pub(crate) fn params_of(method: &str, request: &impl Serialize) -> Result<Value, Error> {
    match serde_json::to_value(request) {
        Ok(Value::Null) => Ok(Value::Object(serde_json::Map::new())),
        Ok(params) => Ok(params),
        Err(source) => Err(Error::Encode {
            method: method.to_owned(),
            source,
        }),
    }
}

/// Where a list method keeps its items inside `result`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ListShape {
    /// `result` is the array of items (legacy methods: `crm.deal.list`, `user.get`).
    Root,
    /// `result` is an object holding the array under this key (`crm.item.list` → `items`).
    Key(&'static str),
}

impl ListShape {
    /// The key of the items inside `result`, or `None` when `result` is the list.
    pub(crate) fn key(self) -> Option<&'static str> {
        match self {
            ListShape::Root => None,
            ListShape::Key(key) => Some(key),
        }
    }
}

/// Facts about a method that the runtime uses to batch, retry and page it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct MethodMeta {
    /// The method only reads, so repeating it after an unknown outcome is safe.
    pub read_only: bool,
    /// The method may run inside `batch`.
    pub batch: bool,
    /// The documentation marks the method deprecated.
    pub deprecated: bool,
    /// For list methods: where the items are.
    pub list: Option<ListShape>,
    /// For list methods that support the fast cursor (`order` by ID, `filter` `>ID`,
    /// `start = -1`): the name of the ID field.
    pub cursor: Option<&'static str>,
}

impl MethodMeta {
    /// A method that writes, may be batched, is current and is not a list.
    pub const DEFAULT: MethodMeta = MethodMeta {
        read_only: false,
        batch: true,
        deprecated: false,
        list: None,
        cursor: None,
    };

    /// Sets whether the method only reads.
    pub const fn read_only(mut self, read_only: bool) -> Self {
        self.read_only = read_only;
        self
    }

    /// Sets whether the method may run inside `batch`.
    pub const fn batch(mut self, batch: bool) -> Self {
        self.batch = batch;
        self
    }

    /// Marks the method deprecated.
    pub const fn deprecated(mut self) -> Self {
        self.deprecated = true;
        self
    }

    /// Marks the method as a list method with items at `shape`.
    pub const fn list(mut self, shape: ListShape) -> Self {
        self.list = Some(shape);
        self
    }

    /// Names the ID field used by the fast cursor.
    pub const fn cursor(mut self, field: &'static str) -> Self {
        self.cursor = Some(field);
        self
    }
}

impl Default for MethodMeta {
    fn default() -> Self {
        MethodMeta::DEFAULT
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_time_method_names_cannot_inject_parameters() {
        for name in [
            "crm.deal.list",
            "imbot.v2.Chat.Message.send",
            "profile",
            "user_get.json",
        ] {
            assert!(check_name(name).is_ok(), "{name}");
        }
        for name in [
            "",
            "crm.deal.add?fields[TITLE]=x",
            "a&b",
            "crm..list",
            ".x",
            "a/b",
            "a b",
        ] {
            assert!(
                matches!(check_name(name), Err(Error::InvalidMethodName { .. })),
                "{name}"
            );
        }
    }
}
