//! The REST 3.0 batch: a bare JSON array `[{"method", "query"}]` sent to `batch`, answered
//! with `result` as an array in call order. A later command may take a value from an earlier
//! one's result through a reference, and references exist only for methods whose result is
//! an `item` or `items` (the server resolves `$ref` / `$refArray` against those alone): a
//! reference to any other result does not compile.
//!
//! ```no_run
//! # use b24_core::{b24_method, v3::{Batch, Item}};
//! # #[derive(serde::Deserialize)] struct Task { id: u64 }
//! # #[b24_method("tasks.task.add", scope = "tasks", version = 3, response = Item<Task>)]
//! # #[derive(serde::Serialize)] struct AddTask { fields: serde_json::Value }
//! # #[b24_method("tasks.task.get", scope = "tasks", version = 3, response = Item<Task>, read_only)]
//! # #[derive(serde::Serialize)] struct GetTask { id: u64 }
//! # async fn demo(client: b24_core::Client) -> Result<(), b24_core::Error> {
//! let mut batch = Batch::new();
//! let added = batch.push(&AddTask { fields: serde_json::json!({"title": "x"}) })?;
//! let fetched = batch.push_with(&GetTask { id: 0 }, [("id", added.item("id"))])?;
//! let results = client.v3().batch(&batch).await?;
//! let task = results.get(&fetched)?.item;
//! # let _ = task.id; Ok(()) }
//! ```

use std::marker::PhantomData;

use serde_json::{Map, Value, json};

use super::error::V3Error;
use super::{Answer, IdempotencyKey, Item, Items, Method, V3};
use crate::error::Error;
use crate::scope::Scope;

/// Commands per batch, the server's limit.
pub const MAX_COMMANDS: usize = 50;

/// The name the batch is sent to.
const BATCH: &str = "batch";

/// REST 3.0 method calls to send in one request with [`V3::batch`].
#[derive(Clone, Debug, Default)]
pub struct Batch {
    commands: Vec<Command>,
}

#[derive(Clone, Debug)]
struct Command {
    method: &'static str,
    scope: Scope,
    read_only: bool,
    query: Value,
}

/// Reads one command's typed result back from [`BatchResults`].
pub struct Handle<M> {
    index: usize,
    method: PhantomData<fn() -> M>,
}

impl<M> Clone for Handle<M> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M> Copy for Handle<M> {}

impl<M> std::fmt::Debug for Handle<M> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Handle")
            .field("index", &self.index)
            .finish()
    }
}

/// A result with one object, `{"item": …}`: a reference may take a field of it.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an `item` result; a REST 3.0 batch reference can only take a field of `Item<T>`",
    note = "the server resolves `$ref` against `item` and `items` results only"
)]
pub trait ItemResult {}
impl<T> ItemResult for Item<T> {}

/// A result with a list, `{"items": […]}`: a reference may take a field of every item.
#[diagnostic::on_unimplemented(
    message = "`{Self}` is not an `items` result; a REST 3.0 batch array reference can only take a field of `Items<T>`",
    note = "the server resolves `$refArray` against `items` results only"
)]
pub trait ItemsResult {}
impl<T> ItemsResult for Items<T> {}

/// A value of an earlier command's result, placed into a later command's query.
#[derive(Clone, Debug, PartialEq)]
pub struct ItemRef {
    index: usize,
    wire: Value,
}

impl<M: Method> Handle<M> {
    /// The position of the command in its batch.
    pub fn index(&self) -> usize {
        self.index
    }

    /// `field` of the command's `item`: `{"$ref": "<index>.item.<field>"}`.
    pub fn item(&self, field: &str) -> ItemRef
    where
        M::Response: ItemResult,
    {
        self.reference("$ref", "item", field)
    }

    /// `field` of every one of the command's `items`, as an array:
    /// `{"$refArray": "<index>.items.<field>"}`.
    pub fn items(&self, field: &str) -> ItemRef
    where
        M::Response: ItemsResult,
    {
        self.reference("$refArray", "items", field)
    }

    /// `{marker: "<index>.<part>.<field>"}`.
    fn reference(&self, marker: &str, part: &str, field: &str) -> ItemRef {
        let mut wire = Map::new();
        wire.insert(
            marker.to_owned(),
            Value::String(format!("{}.{part}.{field}", self.index)),
        );
        ItemRef {
            index: self.index,
            wire: Value::Object(wire),
        }
    }
}

impl Batch {
    /// An empty batch.
    pub fn new() -> Self {
        Batch::default()
    }

    /// Number of commands.
    pub fn len(&self) -> usize {
        self.commands.len()
    }

    /// Whether the batch has no command.
    pub fn is_empty(&self) -> bool {
        self.commands.is_empty()
    }

    /// Adds a call of a REST 3.0 method.
    pub fn push<M: Method>(&mut self, request: &M) -> Result<Handle<M>, Error> {
        self.push_with(request, [])
    }

    /// Adds a call whose query at `path` (dot-separated keys, e.g. `"id"` or
    /// `"fields.parentId"`) takes a value from an earlier command's result.
    pub fn push_with<M: Method, const N: usize>(
        &mut self,
        request: &M,
        references: [(&str, ItemRef); N],
    ) -> Result<Handle<M>, Error> {
        let refused = |reason: String| Error::BatchReference {
            method: M::NAME.to_owned(),
            reason,
        };
        if !M::META.batch {
            return Err(refused(String::from(
                "this method may not run inside a batch",
            )));
        }
        if self.commands.len() >= MAX_COMMANDS {
            return Err(refused(format!(
                "a REST 3.0 batch holds at most {MAX_COMMANDS} commands"
            )));
        }
        let mut query = crate::method::params_of(M::NAME, request)?;
        for (path, reference) in references {
            if reference.index >= self.commands.len() {
                return Err(refused(format!(
                    "the reference at `{path}` points at command {}, which is not an earlier \
                     command of this batch",
                    reference.index
                )));
            }
            place(&mut query, path, reference.wire).map_err(refused)?;
        }
        self.commands.push(Command {
            method: M::NAME,
            scope: M::SCOPE,
            read_only: M::META.read_only,
            query,
        });
        Ok(Handle {
            index: self.commands.len() - 1,
            method: PhantomData,
        })
    }

    /// The body: `[{"method", "query"}, …]`.
    fn wire(&self) -> Value {
        Value::Array(
            self.commands
                .iter()
                .map(|command| json!({"method": command.method, "query": command.query}))
                .collect(),
        )
    }
}

/// Puts `value` at the dot-separated `path` of `query`, creating objects on the way.
fn place(query: &mut Value, path: &str, value: Value) -> Result<(), String> {
    let mut at = query;
    let mut keys = path.split('.').peekable();
    while let Some(key) = keys.next() {
        if key.is_empty() {
            return Err(format!("`{path}` is not a parameter path"));
        }
        let Value::Object(object) = at else {
            return Err(format!("`{path}` crosses a value that is not an object"));
        };
        if keys.peek().is_none() {
            object.insert(key.to_owned(), value);
            return Ok(());
        }
        at = object
            .entry(key.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
    }
    Err(format!("`{path}` is not a parameter path"))
}

/// The results of a batch, in call order.
#[derive(Clone, Debug)]
pub struct BatchResults {
    methods: Vec<&'static str>,
    results: Vec<Value>,
    /// The server replayed the whole batch from its idempotency store.
    pub replayed: bool,
}

impl BatchResults {
    /// The typed result of one command; its error answer as [`Error::V3`]; a command the
    /// answer has no result for as [`Error::NotExecuted`].
    pub fn get<M: Method>(&self, handle: &Handle<M>) -> Result<M::Response, Error> {
        let method = self.methods.get(handle.index).copied().unwrap_or(M::NAME);
        let Some(result) = self.results.get(handle.index) else {
            return Err(Error::NotExecuted {
                method: method.to_owned(),
                cause: None,
            });
        };
        if result.get("error").is_some() {
            let body = result.to_string();
            return Err(Error::V3(Box::new(V3Error::from_answer(
                method,
                400,
                body.as_bytes(),
            ))));
        }
        serde_json::from_value(result.clone()).map_err(|error| Error::Decode {
            method: method.to_owned(),
            path: format!("result[{}]", handle.index),
            message: error.to_string(),
            body: String::new(),
        })
    }

    /// Number of results.
    pub fn len(&self) -> usize {
        self.results.len()
    }

    /// Whether there is no result.
    pub fn is_empty(&self) -> bool {
        self.results.is_empty()
    }
}

impl V3<'_> {
    /// Sends a batch in one request. A batch with a write carries a fresh `Idempotency-Key`,
    /// so that a lost answer is repeated without running its writes twice.
    pub async fn batch(&self, batch: &Batch) -> Result<BatchResults, Error> {
        for command in &batch.commands {
            self.client
                .check_scope(command.method, &command.scope)
                .await?;
        }
        let read_only = batch.commands.iter().all(|command| command.read_only);
        let key = (!read_only).then(IdempotencyKey::fresh);
        let answer: Answer<Vec<Value>> = self
            .send(BATCH, &Scope::Basic, &batch.wire(), read_only, key.as_ref())
            .await?;
        Ok(BatchResults {
            methods: batch
                .commands
                .iter()
                .map(|command| command.method)
                .collect(),
            results: answer.result,
            replayed: answer.replayed,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_placed_at_their_path() {
        let mut query = json!({"fields": {"title": "x"}});
        place(&mut query, "fields.parentId", json!({"$ref": "0.item.id"})).unwrap();
        place(&mut query, "ids", json!({"$refArray": "1.items.id"})).unwrap();
        assert_eq!(
            query,
            json!({"fields": {"title": "x", "parentId": {"$ref": "0.item.id"}}, "ids": {"$refArray": "1.items.id"}})
        );
        assert!(place(&mut query, "fields.title.deeper", json!(1)).is_err());
        assert!(place(&mut query, "a..b", json!(1)).is_err());
    }
}
