//! Typed `batch`: many method calls in one HTTP request, each with its own typed result.
//!
//! ```no_run
//! # async fn demo(client: b24_core::Client) -> Result<(), b24_core::Error> {
//! # use b24_core::b24_method;
//! # #[b24_method("crm.deal.add", scope = "crm", response = u64)]
//! # #[derive(serde::Serialize)] struct AddDeal { fields: serde_json::Value }
//! # #[b24_method("crm.deal.get", scope = "crm", response = serde_json::Value, read_only)]
//! # #[derive(serde::Serialize)] struct GetDeal { id: u64 }
//! use b24_core::Batch;
//!
//! let mut batch = Batch::new();
//! let added = batch.push(&AddDeal { fields: serde_json::json!({"TITLE": "New"}) })?;
//! // The ID is only known on the server: reference the first command's result.
//! let fetched = batch.push_with(&GetDeal { id: 0 }, [("id", added.result())])?;
//! let results = client.batch(&batch).await?;
//! let id: u64 = results.get(&added)?;
//! let deal = results.get(&fetched)?;
//! println!("{id}: {deal}");
//! # Ok(()) }
//! ```

mod reference;
mod run;
mod wire;

pub(crate) use wire::BatchWire;

use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;

use serde_json::Value;

use crate::envelope::Envelope;
use crate::error::{ApiError, Error};
use crate::form::to_query_string;
use crate::method::Method;
use crate::scope::Scope;

/// Commands per `batch` request, the server's limit.
pub const MAX_COMMANDS: usize = 50;

/// A list of method calls to run with [`Client::batch`](crate::Client::batch).
///
/// Any number of commands may be pushed: the client sends them 50 per request, resolving
/// references across requests itself.
#[derive(Clone, Debug, Default)]
pub struct Batch {
    pub(crate) commands: Vec<Command>,
    pub(crate) halt: bool,
}

/// One command of a batch, already encoded.
#[derive(Clone, Debug)]
pub(crate) struct Command {
    pub(crate) key: String,
    pub(crate) method: &'static str,
    pub(crate) scope: Scope,
    pub(crate) read_only: bool,
    pub(crate) params: Value,
}

impl Command {
    /// `method?query`, as the server's `parse_str` reads it.
    pub(crate) fn encode(&self) -> String {
        format!("{}?{}", self.method, to_query_string(&self.params))
    }

    /// Keys of the commands this one references with `$result[key]…` and friends.
    pub(crate) fn references(&self) -> Vec<String> {
        reference::referenced_keys(&self.params)
    }
}

impl Batch {
    /// An empty batch that runs every command even when an earlier one fails.
    pub fn new() -> Self {
        Batch::default()
    }

    /// Stops at the first failing command (`halt`); the rest are reported as not executed.
    pub fn halt_on_error(mut self, halt: bool) -> Self {
        self.halt = halt;
        self
    }

    /// Number of commands.
    pub fn len(&self) -> usize {
        self.commands.len()
    }

    /// Whether the batch has no command.
    pub fn is_empty(&self) -> bool {
        self.commands.is_empty()
    }

    /// Adds a call; the handle reads its typed result back.
    pub fn push<M: Method>(&mut self, request: &M) -> Result<Handle<M>, Error> {
        self.push_with(request, [])
    }

    /// Adds a call whose parameters at `path` (dot-separated keys into the request's JSON,
    /// e.g. `"id"` or `"fields.COMPANY_ID"`) take values from earlier commands' results.
    pub fn push_with<M: Method, const N: usize>(
        &mut self,
        request: &M,
        references: [(&str, Reference); N],
    ) -> Result<Handle<M>, Error> {
        let mut params = serde_json::to_value(request).map_err(|source| Error::Encode {
            method: M::NAME.to_owned(),
            source,
        })?;
        if params.is_null() {
            params = Value::Object(serde_json::Map::new());
        }
        for (path, reference) in references {
            if !self
                .commands
                .iter()
                .any(|command| command.key == reference.key)
            {
                return Err(Error::BatchReference {
                    method: M::NAME.to_owned(),
                    reason: format!(
                        "references command `{}`, which is not an earlier command of this batch",
                        reference.key
                    ),
                });
            }
            reference::set_path(&mut params, path, Value::String(reference.text)).map_err(
                |reason| Error::BatchReference {
                    method: M::NAME.to_owned(),
                    reason,
                },
            )?;
        }
        let key = format!("c{}", self.commands.len());
        self.commands.push(Command {
            key: key.clone(),
            method: M::NAME,
            scope: M::SCOPE,
            read_only: M::META.read_only,
            params,
        });
        Ok(Handle {
            key,
            _method: PhantomData,
        })
    }
}

/// Reads back one command's outcome from [`BatchResults`]; also the source of references.
pub struct Handle<M> {
    key: String,
    _method: PhantomData<fn() -> M>,
}

impl<M> Clone for Handle<M> {
    fn clone(&self) -> Self {
        Handle {
            key: self.key.clone(),
            _method: PhantomData,
        }
    }
}

impl<M> fmt::Debug for Handle<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Handle").field(&self.key).finish()
    }
}

impl<M: Method> Handle<M> {
    /// The command's key inside the batch.
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The command's `result`, to pass to a later command (`$result[key]`).
    pub fn result(&self) -> Reference {
        Reference::new("result", &self.key)
    }

    /// The command's `next` offset (`$next[key]`).
    pub fn next(&self) -> Reference {
        Reference::new("next", &self.key)
    }

    /// The command's `total` (`$total[key]`).
    pub fn total(&self) -> Reference {
        Reference::new("total", &self.key)
    }
}

/// A value of an earlier command, substituted by the server (`$result[key][path]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    key: String,
    text: String,
}

impl Reference {
    fn new(collection: &str, key: &str) -> Self {
        Reference {
            key: key.to_owned(),
            text: format!("${collection}[{key}]"),
        }
    }

    /// A field inside the referenced value (`…[ID]`).
    pub fn field(mut self, name: &str) -> Self {
        self.text.push('[');
        self.text.push_str(name);
        self.text.push(']');
        self
    }

    /// An element of a referenced list (`…[0]`).
    pub fn index(self, index: usize) -> Self {
        self.field(&index.to_string())
    }

    /// The placeholder text the server substitutes.
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

/// What happened to one command.
#[derive(Clone, Debug)]
pub(crate) enum Outcome {
    /// It ran and succeeded.
    Done(Envelope<Value>),
    /// It ran and failed.
    Failed(Box<ApiError>),
    /// Its request failed in a way that leaves unknown whether it ran.
    Unknown(String),
    /// It did not run.
    NotExecuted,
}

impl Outcome {
    /// The error a command of `method` reports when it did not succeed: its own when it ran
    /// and failed, an unknown outcome, or "not executed" (also when it has no outcome at all).
    /// Callers read a [`Outcome::Done`] before asking.
    pub(crate) fn error_of(outcome: Option<&Outcome>, method: &str) -> Error {
        match outcome {
            Some(Outcome::Failed(api)) => Error::Api(api.clone()),
            Some(Outcome::Unknown(reason)) => Error::UnknownOutcome {
                method: method.to_owned(),
                reason: reason.clone(),
            },
            Some(Outcome::NotExecuted | Outcome::Done(_)) | None => Error::NotExecuted {
                method: method.to_owned(),
            },
        }
    }
}

/// The outcome of every command of a batch.
#[derive(Clone, Debug, Default)]
pub struct BatchResults {
    pub(crate) outcomes: HashMap<String, Outcome>,
}

impl BatchResults {
    /// The command's typed result, or its own error.
    pub fn get<M: Method>(&self, handle: &Handle<M>) -> Result<M::Response, Error> {
        self.envelope(handle).map(|envelope| envelope.result)
    }

    /// The command's typed result with its `next`, `total` and `time`.
    pub fn envelope<M: Method>(&self, handle: &Handle<M>) -> Result<Envelope<M::Response>, Error> {
        match self.outcomes.get(&handle.key) {
            Some(Outcome::Done(envelope)) => {
                let result =
                    serde_path_to_error::deserialize(&envelope.result).map_err(|error| {
                        Error::Decode {
                            method: M::NAME.to_owned(),
                            path: format!("result.{}", error.path()),
                            message: error.inner().to_string(),
                            body: crate::transport::excerpt(envelope.result.to_string().as_bytes()),
                        }
                    })?;
                Ok(Envelope {
                    result,
                    next: envelope.next,
                    total: envelope.total,
                    time: envelope.time.clone(),
                })
            }
            other => Err(Outcome::error_of(other, M::NAME)),
        }
    }

    /// Whether the server ran the command (successfully or not).
    pub fn was_executed<M>(&self, handle: &Handle<M>) -> bool {
        matches!(
            self.outcomes.get(&handle.key),
            Some(Outcome::Done(_) | Outcome::Failed(_))
        )
    }

    /// The command's error, if it failed on the server.
    pub fn error<M>(&self, handle: &Handle<M>) -> Option<&ApiError> {
        match self.outcomes.get(&handle.key) {
            Some(Outcome::Failed(api)) => Some(api),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::reference::resolve;
    use super::wire::BatchWire;
    use super::*;

    #[crate::b24_method("crm.deal.add", scope = "crm", response = u64, crate = crate)]
    #[derive(serde::Serialize)]
    struct AddDeal {
        fields: Value,
    }

    #[crate::b24_method("crm.deal.get", scope = "crm", response = Value, read_only, crate = crate)]
    #[derive(serde::Serialize)]
    struct GetDeal {
        id: u64,
    }

    #[test]
    fn commands_encode_with_references() {
        let mut batch = Batch::new();
        let added = batch
            .push(&AddDeal {
                fields: json!({"TITLE": "A & B"}),
            })
            .unwrap();
        batch
            .push_with(&GetDeal { id: 0 }, [("id", added.result())])
            .unwrap();
        assert_eq!(
            batch.commands[0].encode(),
            "crm.deal.add?fields%5BTITLE%5D=A+%26+B"
        );
        assert_eq!(
            batch.commands[1].encode(),
            "crm.deal.get?id=%24result%5Bc0%5D"
        );
        assert_eq!(batch.commands[1].references(), vec![String::from("c0")]);
    }

    #[test]
    fn references_must_point_backwards() {
        let mut other = Batch::new();
        let foreign = other.push(&AddDeal { fields: json!({}) }).unwrap();
        let mut batch = Batch::new();
        assert!(
            batch
                .push_with(&GetDeal { id: 0 }, [("id", foreign.result())])
                .is_err()
        );
    }

    #[test]
    fn references_to_earlier_requests_resolve_on_the_client() {
        let mut outcomes = HashMap::new();
        outcomes.insert(
            String::from("c0"),
            Outcome::Done(Envelope {
                result: json!({"item": {"id": 7, "title": "T"}}),
                next: Some(50),
                total: None,
                time: None,
            }),
        );
        let command = Command {
            key: String::from("c60"),
            method: "crm.item.get",
            scope: Scope::Crm,
            read_only: true,
            params: json!({"id": "$result[c0][item][id]", "note": "about $result[c0][item][title]!", "n": "$next[c0]", "keep": "$result[c9][x]"}),
        };
        let resolved = resolve(&command, &outcomes);
        assert_eq!(
            resolved.params,
            json!({"id": 7, "note": "about T!", "n": 50, "keep": "$result[c9][x]"})
        );
    }

    #[test]
    fn wire_maps_accept_empty_arrays() {
        let wire: BatchWire = serde_json::from_value(json!({
            "result": {"c0": 5}, "result_error": [], "result_total": [], "result_next": [], "result_time": []
        }))
        .unwrap();
        let keys = [String::from("c0"), String::from("c1")];
        let outcomes = wire.outcomes(|_| String::from("crm.deal.add"), &keys);
        assert!(matches!(&outcomes[0].1, Outcome::Done(envelope) if envelope.result == json!(5)));
        assert!(matches!(outcomes[1].1, Outcome::NotExecuted));
    }
}
