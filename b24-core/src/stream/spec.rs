//! [`ListSpec`]: how to page a list method named at run time.

use crate::error::Error;
use crate::{method, registry};

/// How to page a list method named at run time, for [`Client::stream_list`](crate::Client::stream_list): where its items
/// are inside `result`, and the ID field of the fast cursor when it supports one.
///
/// ```no_run
/// # async fn demo(client: b24_core::Client) -> Result<(), b24_core::Error> {
/// use b24_core::stream::ListSpec;
/// use futures_util::StreamExt;
///
/// // What the registry knows, with the caller's own cursor field.
/// let list = ListSpec::from_registry("crm.item.list")?.cursor("id");
/// let params = serde_json::json!({"entityTypeId": 2});
/// let mut items = client.stream_list(&list, &params)?;
/// while let Some(item) = items.next().await {
///     println!("{}", item?);
/// }
/// # Ok(()) }
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListSpec {
    method: String,
    items: Option<String>,
    cursor: Option<String>,
    after: Option<serde_json::Value>,
}

impl ListSpec {
    /// A list method whose `result` is the array of items, paged by offset; the name must be
    /// a method name ([`Error::InvalidMethodName`] otherwise).
    pub fn new(method: &str) -> Result<ListSpec, Error> {
        method::check_name(method)?;
        Ok(ListSpec {
            method: method.to_owned(),
            items: None,
            cursor: None,
            after: None,
        })
    }

    /// A typed method's own declaration: its items under `items`, its cursor field.
    pub(crate) fn declared(method: &str, items: Option<&str>, cursor: Option<&str>) -> ListSpec {
        ListSpec {
            method: method.to_owned(),
            items: items.map(str::to_owned),
            cursor: cursor.map(str::to_owned),
            after: None,
        }
    }

    /// What the [registry] knows about `method`: where its items are and
    /// its cursor field. [`Error::UnknownMethod`] when no linked type declares it,
    /// [`Error::NotAListMethod`] when it is not declared a list method.
    pub fn from_registry(method: &str) -> Result<ListSpec, Error> {
        let info = registry::find(method).ok_or_else(|| Error::UnknownMethod(method.to_owned()))?;
        let shape = info.meta.list.ok_or_else(|| Error::NotAListMethod {
            method: info.name.to_owned(),
        })?;
        Ok(ListSpec {
            method: info.name.to_owned(),
            items: shape.key().map(str::to_owned),
            cursor: info.meta.cursor.map(str::to_owned),
            after: None,
        })
    }

    /// The items are under `key` inside `result` (`crm.item.list` → `items`).
    pub fn items_under(mut self, key: &str) -> Self {
        self.items = Some(key.to_owned());
        self
    }

    /// Pages with the fast cursor on the ID field `field` (when the parameters leave the
    /// order and the `>field` bound to it).
    pub fn cursor(mut self, field: &str) -> Self {
        self.cursor = Some(field.to_owned());
        self
    }

    /// Pages by offset even when the method supports the fast cursor.
    pub fn without_cursor(mut self) -> Self {
        self.cursor = None;
        self
    }

    /// Starts the fast cursor past the ID `id`: only the items with a higher ID, as when an
    /// export that stopped after `id` is resumed. The list must page by the fast cursor
    /// ([`Client::stream_list`](crate::Client::stream_list) fails with [`Error::Config`]
    /// otherwise, rather than start again from the first item).
    pub fn resume_after(mut self, id: impl Into<serde_json::Value>) -> Self {
        self.after = Some(id.into());
        self
    }

    /// The ID a resumed list starts after, if any.
    pub fn resume_point(&self) -> Option<&serde_json::Value> {
        self.after.as_ref()
    }

    /// The method name.
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The key of the items inside `result`, or `None` when `result` is the list.
    pub fn items_key(&self) -> Option<&str> {
        self.items.as_deref()
    }

    /// The ID field of the fast cursor, if used.
    pub fn cursor_field(&self) -> Option<&str> {
        self.cursor.as_deref()
    }
}
