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

use std::borrow::Cow;
pub(crate) use wire::BatchWire;

use std::collections::HashMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::envelope::Envelope;
use crate::error::{ApiError, Cause, Error};
use crate::form::to_query_string;
use crate::method::{self, Method};
use crate::registry;
use crate::retry;
use crate::scope::Scope;
use crate::transport::Secrets;

/// Commands per `batch` request, the server's limit.
pub const MAX_COMMANDS: usize = 50;

/// A list of method calls to run with [`Client::batch`](crate::Client::batch).
///
/// Any number of commands may be pushed: the client sends them 50 per request, resolving
/// references across requests itself.
///
/// Each command's outcome follows the rule of [`Error`] ("Did it run?"): a command whose
/// request failed after it left (a reset, a timeout, an answer too large or not a batch
/// result) is an [`Error::UnknownOutcome`], never "not executed"; a command is
/// [`Error::NotExecuted`] only when the server said so (`halt`, a refused batch) or its
/// request was never sent, and the error keeps the cause.
///
/// # Order
///
/// The portal runs the commands of one request in push order, but gives no order between
/// requests that are in flight at the same time. By default (`ordered` off) independent
/// requests run in parallel, so records created by a batch of more than 50 commands may get
/// IDs out of push order (each handle still reads its own command's result). With
/// [`Batch::ordered`] the commands are committed in push order: creation order = push order,
/// see [`Batch::ordered`] for how and what it costs.
#[derive(Clone, Debug, Default)]
pub struct Batch {
    pub(crate) commands: Vec<Command>,
    pub(crate) halt: bool,
    pub(crate) ordered: bool,
}

/// One command of a batch, already encoded.
#[derive(Clone, Debug)]
pub(crate) struct Command {
    pub(crate) key: String,
    pub(crate) method: Cow<'static, str>,
    /// The scope the method needs, when known (typed, or found in the registry).
    pub(crate) scope: Option<Scope>,
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

    /// Commits the commands in push order (default: off), so that records created by the
    /// batch get their IDs in push order.
    ///
    /// Each request carries the next (up to) 50 commands and is sent with the portal's `halt`
    /// flag, and the next request leaves when the answer of the one before it is in: the
    /// portal gives no order between concurrent requests, so this is the only way order holds.
    /// It costs little where the portal's bucket is the limit (2 requests per second on the
    /// standard plan): the client books each request's place in the bucket when it sends it,
    /// so a round trip shorter than the bucket's interval overlaps the wait for the next
    /// place, and an ordered import runs at the bucket's floor once the burst is spent.
    ///
    /// Order holds across retries too. When the portal refuses a command before running it
    /// (`QUERY_LIMIT_EXCEEDED`, `OPERATION_TIME_LIMIT`), `halt` stops the commands after it
    /// from running, and that command and the ones after it are sent again, in order. A
    /// command that fails for another reason is reported failed and the ones after it
    /// continue (unless [`Batch::halt_on_error`] is set). A request whose fate is unknown (it
    /// failed after it left) makes its unanswered commands [`Error::UnknownOutcome`] and
    /// every later command [`Error::NotExecuted`] with that cause: nothing is sent after a
    /// write that may or may not have landed, so the caller can settle it and resume without
    /// breaking the order.
    pub fn ordered(mut self, ordered: bool) -> Self {
        self.ordered = ordered;
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
        let params = method::params(request)?;
        let command = Command {
            key: String::new(),
            method: Cow::Borrowed(M::NAME),
            scope: Some(M::SCOPE),
            read_only: M::META.read_only,
            params,
        };
        self.add(command, &references)
    }

    /// Adds a call of a method given by name, with JSON parameters; the handle reads its
    /// result back as JSON. The scope check and whether a lost answer may be retried follow
    /// the [registry](crate::registry) when it knows the method (a write otherwise).
    pub fn push_raw(&mut self, method: &str, params: Value) -> Result<Handle<Value>, Error> {
        method::check_name(method)?;
        let info = registry::find(method);
        let command = Command {
            key: String::new(),
            method: Cow::Owned(method.to_owned()),
            scope: info.map(|info| info.scope.clone()),
            read_only: info.is_some_and(|info| info.meta.read_only),
            params: match params {
                Value::Null => Value::Object(serde_json::Map::new()),
                params => params,
            },
        };
        self.add(command, &[])
    }

    /// Places the references in `command`'s parameters, gives it its key and adds it.
    fn add<M>(
        &mut self,
        mut command: Command,
        references: &[(&str, Reference)],
    ) -> Result<Handle<M>, Error> {
        for (path, reference) in references {
            let reason = if self
                .commands
                .iter()
                .any(|earlier| earlier.key == reference.key)
            {
                let text = Value::String(reference.text.clone());
                reference::set_path(&mut command.params, path, text).err()
            } else {
                Some(format!(
                    "references command `{}`, which is not an earlier command of this batch",
                    reference.key
                ))
            };
            if let Some(reason) = reason {
                return Err(Error::BatchReference {
                    method: command.method.into_owned(),
                    reason,
                });
            }
        }
        command.key = format!("c{}", self.commands.len());
        let handle = Handle {
            key: command.key.clone(),
            method: command.method.clone(),
            _method: PhantomData,
        };
        self.commands.push(command);
        Ok(handle)
    }
}

/// What a [`Handle`] reads its command's result as: the response of a [`Method`], or JSON
/// for a command added with [`Batch::push_raw`].
pub trait HandleOutput {
    /// The type of the command's `result`.
    type Response: DeserializeOwned;
}

impl<M: Method> HandleOutput for M {
    type Response = M::Response;
}

impl HandleOutput for Value {
    type Response = Value;
}

/// Reads back one command's outcome from [`BatchResults`]; also the source of references.
pub struct Handle<M> {
    key: String,
    method: Cow<'static, str>,
    _method: PhantomData<fn() -> M>,
}

impl<M> Clone for Handle<M> {
    fn clone(&self) -> Self {
        Handle {
            key: self.key.clone(),
            method: self.method.clone(),
            _method: PhantomData,
        }
    }
}

impl<M> fmt::Debug for Handle<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Handle").field(&self.key).finish()
    }
}

impl<M> Handle<M> {
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
    Done(Box<Envelope<Value>>),
    /// The server answered it with an error (it ran and failed, or was refused).
    Failed(Box<ApiError>),
    /// Its request failed after it left: it may have run.
    Unknown(Cause),
    /// It did not run: the server said so, or its request was never sent.
    NotExecuted(Option<Cause>),
}

impl Outcome {
    /// The outcome of every command of a request that failed with `error`.
    pub(crate) fn of_failed_request(error: Error) -> Outcome {
        match error {
            Error::UnknownOutcome { reason, .. } => Outcome::Unknown(reason),
            error if retry::may_have_run(&error) => Outcome::Unknown(Cause::new(error)),
            error => Outcome::NotExecuted(Some(Cause::new(error))),
        }
    }

    /// The error a command of `method` reports when it did not succeed: its own when the
    /// server answered it with one, an unknown outcome, or "not executed" (also when it has
    /// no outcome at all), each with its cause. Callers read a [`Outcome::Done`] before
    /// asking.
    pub(crate) fn error_of(outcome: Option<&Outcome>, method: &str) -> Error {
        match outcome {
            Some(Outcome::Failed(api)) => Error::Api(api.clone()),
            Some(Outcome::Unknown(reason)) => Error::UnknownOutcome {
                method: method.to_owned(),
                reason: reason.clone(),
            },
            Some(Outcome::NotExecuted(cause)) => Error::NotExecuted {
                method: method.to_owned(),
                cause: cause.clone(),
            },
            Some(Outcome::Done(_)) | None => Error::NotExecuted {
                method: method.to_owned(),
                cause: None,
            },
        }
    }

    /// Whether the command may have run: not when the server refused it before running it.
    fn may_have_run(&self) -> bool {
        match self {
            Outcome::Done(_) | Outcome::Unknown(_) => true,
            Outcome::Failed(api) => !retry::refused_before_running(api),
            Outcome::NotExecuted(_) => false,
        }
    }
}

/// The outcome of every command of a batch.
///
/// Per command: its typed result ([`get`](Self::get)), the server's error for it
/// ([`error`](Self::error)), or one of the errors of the rule on [`Error`] ("Did it run?"):
/// [`Error::UnknownOutcome`] when its request failed after it left,
/// [`Error::NotExecuted`] only when the server said it did not run or nothing was sent.
/// [`was_executed`](Self::was_executed) agrees: it is `false` only for those.
#[derive(Clone, Debug, Default)]
pub struct BatchResults {
    pub(crate) outcomes: HashMap<String, Outcome>,
    /// The client's secrets, scrubbed from decode errors that quote a result.
    pub(crate) secrets: Secrets,
}

impl BatchResults {
    /// The command's typed result, or its own error.
    pub fn get<M: HandleOutput>(&self, handle: &Handle<M>) -> Result<M::Response, Error> {
        self.envelope(handle).map(|envelope| envelope.result)
    }

    /// The command's typed result with its `next`, `total` and `time`.
    pub fn envelope<M: HandleOutput>(
        &self,
        handle: &Handle<M>,
    ) -> Result<Envelope<M::Response>, Error> {
        match self.outcomes.get(&handle.key) {
            Some(Outcome::Done(envelope)) => {
                let result =
                    serde_path_to_error::deserialize(&envelope.result).map_err(|error| {
                        let decode = Error::Decode {
                            method: handle.method.to_string(),
                            path: format!("result.{}", error.path()),
                            message: error.inner().to_string(),
                            body: crate::transport::excerpt(envelope.result.to_string().as_bytes()),
                        };
                        decode.scrubbed(&self.secrets)
                    })?;
                Ok(Envelope {
                    result,
                    next: envelope.next,
                    total: envelope.total,
                    time: envelope.time.clone(),
                })
            }
            other => Err(Outcome::error_of(other, &handle.method)),
        }
    }

    /// Whether the command may have run: `true` when the server ran it (successfully or not)
    /// and when its outcome is unknown; `false` only when the server refused it before
    /// running it (a limit, the credentials, `halt`) or its request was never sent, so that
    /// sending it again cannot make a duplicate.
    pub fn was_executed<M>(&self, handle: &Handle<M>) -> bool {
        self.outcomes
            .get(&handle.key)
            .is_some_and(Outcome::may_have_run)
    }

    /// Whether the command's outcome is unknown: its request failed after it left.
    pub fn is_unknown<M>(&self, handle: &Handle<M>) -> bool {
        matches!(self.outcomes.get(&handle.key), Some(Outcome::Unknown(_)))
    }

    /// The command's error, if the server answered it with one.
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
            Outcome::Done(Box::new(Envelope {
                result: json!({"item": {"id": 7, "title": "T"}}),
                next: Some(50),
                total: None,
                time: None,
            })),
        );
        let command = Command {
            key: String::from("c60"),
            method: Cow::Borrowed("crm.item.get"),
            scope: Some(Scope::Crm),
            read_only: true,
            params: json!({"id": "$result[c0][item][id]", "note": "about $result[c0][item][title]!", "n": "$next[c0]", "keep": "$result[c9][x]"}),
        };
        let resolved = resolve(&command, &outcomes);
        assert_eq!(
            resolved.params,
            json!({"id": 7, "note": "about T!", "n": 50, "keep": "$result[c9][x]"})
        );
    }

    /// The outcomes of commands `c0` and `c1` of `method` in the batch `answer`.
    fn sorted(answer: Value, method: &str, halt: bool) -> Vec<(String, Outcome)> {
        let wire: BatchWire = serde_json::from_value(answer).unwrap();
        let keys = [String::from("c0"), String::from("c1")];
        wire.outcomes(|_| method.to_owned(), &keys, halt, &Secrets::default())
    }

    #[test]
    fn wire_maps_accept_empty_arrays() {
        let answer = json!({
            "result": {"c0": 5}, "result_error": [], "result_total": [], "result_next": [], "result_time": []
        });
        let outcomes = sorted(answer, "crm.deal.add", false);
        assert!(matches!(&outcomes[0].1, Outcome::Done(envelope) if envelope.result == json!(5)));
        // Without `halt` the server answers for every command: silence is not "not executed".
        assert!(matches!(outcomes[1].1, Outcome::Unknown(_)));
    }

    #[test]
    fn commands_after_a_halting_failure_were_not_executed_and_say_why() {
        let answer = json!({
            "result": [], "result_error": {"c0": {"error": "NOT_FOUND", "error_description": "gone"}}
        });
        let outcomes = sorted(answer, "crm.deal.get", true);
        assert!(matches!(&outcomes[0].1, Outcome::Failed(api) if api.description == "gone"));
        let Outcome::NotExecuted(Some(cause)) = &outcomes[1].1 else {
            panic!("{:?}", outcomes[1].1)
        };
        assert!(cause.to_string().contains("NOT_FOUND"), "{cause}");
    }

    #[test]
    fn answers_that_are_not_batch_results_do_not_decode() {
        for answer in [
            json!({}),
            json!({"result": 5, "result_error": []}),
            json!([1, 2]),
        ] {
            assert!(
                serde_json::from_value::<BatchWire>(answer.clone()).is_err(),
                "{answer}"
            );
        }
    }

    #[test]
    fn raw_commands_read_back_as_json_and_refuse_bad_names() {
        let mut batch = Batch::new();
        let handle = batch
            .push_raw("crm.deal.list", json!({"filter": {">ID": 5}}))
            .unwrap();
        assert_eq!(handle.key(), "c0");
        assert_eq!(
            batch.commands[0].encode(),
            "crm.deal.list?filter%5B%3EID%5D=5"
        );
        let error = batch
            .push_raw("crm.deal.add?fields[X]=1", json!({}))
            .unwrap_err();
        assert!(matches!(error, Error::InvalidMethodName { .. }), "{error}");
        let mut results = BatchResults::default();
        results.outcomes.insert(
            String::from("c0"),
            Outcome::Done(Box::new(Envelope {
                result: json!([{"ID": "7"}]),
                next: None,
                total: Some(1),
                time: None,
            })),
        );
        assert_eq!(results.get(&handle).unwrap(), json!([{"ID": "7"}]));
        assert!(results.was_executed(&handle) && !results.is_unknown(&handle));
    }
}
