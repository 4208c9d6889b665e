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

use std::collections::{BTreeSet, HashMap};
use std::fmt;
use std::marker::PhantomData;

use serde::Deserialize;
use serde_json::Value;

use crate::client::Client;
use crate::envelope::{Envelope, Time};
use crate::error::{ApiError, Error, ErrorCode};
use crate::form::to_query_string;
use crate::method::Method;
use crate::scope::Scope;
use crate::types::de;

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
        let mut found = Vec::new();
        collect_references(&self.params, &mut found);
        found
    }
}

fn collect_references(value: &Value, found: &mut Vec<String>) {
    match value {
        Value::String(text) => {
            for collection in ["$result[", "$next[", "$total[", "$time[", "$error["] {
                let mut rest = text.as_str();
                while let Some(start) = rest.find(collection) {
                    let after = &rest[start + collection.len()..];
                    if let Some(end) = after.find(']') {
                        found.push(after[..end].to_owned());
                    }
                    rest = after;
                }
            }
        }
        Value::Array(items) => items
            .iter()
            .for_each(|item| collect_references(item, found)),
        Value::Object(map) => map
            .values()
            .for_each(|item| collect_references(item, found)),
        _ => {}
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
                return Err(Error::Config(format!(
                    "`{}` references command `{}`, which is not an earlier command of this batch",
                    M::NAME,
                    reference.key
                )));
            }
            set_path(&mut params, path, Value::String(reference.text))
                .map_err(|problem| Error::Config(format!("`{}`: {problem}", M::NAME)))?;
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

fn set_path(params: &mut Value, path: &str, value: Value) -> Result<(), String> {
    let mut target = params;
    let mut segments = path.split('.').peekable();
    while let Some(segment) = segments.next() {
        let Value::Object(map) = target else {
            return Err(format!(
                "cannot place a reference at `{path}`: not an object"
            ));
        };
        if segments.peek().is_none() {
            map.insert(segment.to_owned(), value);
            return Ok(());
        }
        target = map
            .entry(segment.to_owned())
            .or_insert_with(|| Value::Object(serde_json::Map::new()));
    }
    Err(String::from("an empty parameter path"))
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
    Done(Envelope<Value>),
    Failed(Box<ApiError>),
    Unknown(String),
    NotExecuted,
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
                            body: crate::envelope::excerpt(envelope.result.to_string().as_bytes()),
                        }
                    })?;
                Ok(Envelope {
                    result,
                    next: envelope.next,
                    total: envelope.total,
                    time: envelope.time.clone(),
                })
            }
            Some(Outcome::Failed(api)) => Err(Error::Api(api.clone())),
            Some(Outcome::Unknown(reason)) => Err(Error::UnknownOutcome {
                method: M::NAME.to_owned(),
                reason: reason.clone(),
            }),
            Some(Outcome::NotExecuted) | None => Err(Error::NotExecuted {
                method: M::NAME.to_owned(),
            }),
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

impl Client {
    /// Runs a batch: 50 commands per HTTP request, independent requests in parallel (within
    /// the rate limit), references across requests resolved by the client.
    ///
    /// Commands the portal refused before running them (`QUERY_LIMIT_EXCEEDED`,
    /// `OPERATION_TIME_LIMIT`) are sent again, alone; commands that ran are never repeated.
    /// With [`Batch::halt_on_error`] the requests run one after another and the first failure
    /// stops the rest, which are reported as not executed.
    pub async fn batch(&self, batch: &Batch) -> Result<BatchResults, Error> {
        for command in &batch.commands {
            self.check_scope(command.method, &command.scope).await?;
        }
        let chunks: Vec<&[Command]> = batch.commands.chunks(MAX_COMMANDS).collect();
        let chunk_of: HashMap<&str, usize> = chunks
            .iter()
            .enumerate()
            .flat_map(|(index, chunk)| {
                chunk
                    .iter()
                    .map(move |command| (command.key.as_str(), index))
            })
            .collect();
        let depends_on: Vec<BTreeSet<usize>> = chunks
            .iter()
            .enumerate()
            .map(|(index, chunk)| {
                chunk
                    .iter()
                    .flat_map(Command::references)
                    .filter_map(|key| chunk_of.get(key.as_str()).copied())
                    .filter(|other| *other != index)
                    .collect()
            })
            .collect();

        let mut results = BatchResults::default();
        let mut done = vec![false; chunks.len()];
        let mut halted = false;
        while done.iter().any(|finished| !finished) {
            let ready: Vec<usize> = (0..chunks.len())
                .filter(|index| {
                    !done[*index] && depends_on[*index].iter().all(|other| done[*other])
                })
                .take(if batch.halt { 1 } else { usize::MAX })
                .collect();
            let runs = ready.iter().map(|index| {
                let commands: Vec<Command> = chunks[*index]
                    .iter()
                    .map(|command| resolve(command, &results.outcomes))
                    .collect();
                async move {
                    if halted {
                        commands
                            .iter()
                            .map(|command| (command.key.clone(), Outcome::NotExecuted))
                            .collect()
                    } else {
                        self.run_chunk(commands, batch.halt).await
                    }
                }
            });
            for outcomes in futures_util::future::join_all(runs).await {
                if batch.halt
                    && outcomes
                        .iter()
                        .any(|(_, outcome)| !matches!(outcome, Outcome::Done(_)))
                {
                    halted = true;
                }
                results.outcomes.extend(outcomes);
            }
            for index in ready {
                done[index] = true;
            }
        }
        Ok(results)
    }

    /// Sends one request's worth of commands, repeating only the ones refused before running.
    pub(crate) async fn run_chunk(
        &self,
        commands: Vec<Command>,
        halt: bool,
    ) -> Vec<(String, Outcome)> {
        let methods: HashMap<String, &'static str> = commands
            .iter()
            .map(|command| (command.key.clone(), command.method))
            .collect();
        let method_of = |key: &str| methods.get(key).copied().unwrap_or("batch").to_owned();
        let mut finished: HashMap<String, Outcome> = HashMap::new();
        let mut pending = commands;
        for attempt in 1u32.. {
            let cmd: serde_json::Map<String, Value> = pending
                .iter()
                .map(|command| (command.key.clone(), Value::String(command.encode())))
                .collect();
            let body = serde_json::json!({ "halt": u8::from(halt), "cmd": cmd });
            let safe = pending.iter().all(|command| command.read_only);
            let keys: Vec<String> = pending.iter().map(|command| command.key.clone()).collect();
            let wire = match self.send::<BatchWire>("batch", &body, safe).await {
                Ok(envelope) => envelope.result,
                Err(error) => {
                    let outcome = match &error {
                        Error::UnknownOutcome { reason, .. } => Outcome::Unknown(reason.clone()),
                        Error::Api(api) => Outcome::Failed(api.clone()),
                        _ => Outcome::NotExecuted,
                    };
                    finished.extend(keys.into_iter().map(|key| (key, outcome.clone())));
                    break;
                }
            };
            let mut refused = Vec::new();
            for (key, outcome) in wire.outcomes(method_of, &keys) {
                let was_refused = matches!(&outcome, Outcome::Failed(api)
                    if matches!(api.code, ErrorCode::QueryLimitExceeded | ErrorCode::OperationTimeLimit));
                if was_refused && attempt < self.retry_policy().max_attempts && !halt {
                    refused.push(key);
                } else {
                    finished.insert(key, outcome);
                }
            }
            if refused.is_empty() {
                break;
            }
            tracing::debug!(
                commands = refused.len(),
                "repeating the refused batch commands"
            );
            pending = pending
                .into_iter()
                .filter(|command| refused.contains(&command.key))
                .map(|command| resolve(&command, &finished))
                .collect();
            tokio::time::sleep(self.retry_policy().backoff(attempt)).await;
        }
        finished.into_iter().collect()
    }
}

/// Replaces references to commands that already ran in an earlier request with their values,
/// following the server's rules: a placeholder that is the whole value takes the referenced
/// value's type; one inside a longer string is replaced only by a string.
fn resolve(command: &Command, outcomes: &HashMap<String, Outcome>) -> Command {
    let mut resolved = command.clone();
    resolve_value(&mut resolved.params, outcomes);
    resolved
}

fn resolve_value(value: &mut Value, outcomes: &HashMap<String, Outcome>) {
    match value {
        Value::String(text) if text.contains('$') => {
            if let Some(replacement) = substitute(text, outcomes) {
                *value = replacement;
            }
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| resolve_value(item, outcomes)),
        Value::Object(map) => map
            .values_mut()
            .for_each(|item| resolve_value(item, outcomes)),
        _ => {}
    }
}

fn substitute(text: &str, outcomes: &HashMap<String, Outcome>) -> Option<Value> {
    let (start, length, found) = find_placeholder(text, outcomes)?;
    if start == 0 && length == text.len() {
        return Some(found);
    }
    let Value::String(found) = found else {
        return None;
    };
    let mut replaced = String::with_capacity(text.len());
    replaced.push_str(&text[..start]);
    replaced.push_str(&found);
    replaced.push_str(&text[start + length..]);
    Some(Value::String(replaced))
}

/// The first placeholder in `text` that points at a finished command: its start, its length
/// and the value it stands for.
fn find_placeholder(
    text: &str,
    outcomes: &HashMap<String, Outcome>,
) -> Option<(usize, usize, Value)> {
    let mut from = 0;
    while let Some(offset) = text[from..].find('$') {
        let start = from + offset;
        let rest = &text[start + 1..];
        let name_end = rest.find('[').unwrap_or(rest.len());
        let collection = &rest[..name_end];
        let mut segments = Vec::new();
        let mut cursor = &rest[name_end..];
        let mut consumed = 1 + name_end;
        while let Some(inner) = cursor.strip_prefix('[') {
            let Some(end) = inner.find(']') else { break };
            segments.push(&inner[..end]);
            consumed += end + 2;
            cursor = &inner[end + 1..];
        }
        if let Some((key, path)) = segments.split_first()
            && let Some(Outcome::Done(envelope)) = outcomes.get(*key)
        {
            let root = match collection {
                "result" => Some(envelope.result.clone()),
                "next" => envelope.next.map(Value::from),
                "total" => envelope.total.map(Value::from),
                _ => None,
            };
            if let Some(mut value) = root {
                for segment in path {
                    let next = match &value {
                        Value::Object(map) => map.get(*segment).cloned(),
                        Value::Array(items) => segment
                            .parse::<usize>()
                            .ok()
                            .and_then(|i| items.get(i).cloned()),
                        _ => None,
                    };
                    match next {
                        Some(next) => value = next,
                        None => break,
                    }
                }
                return Some((start, consumed, value));
            }
        }
        from = start + 1;
    }
    None
}

/// The `result` of a `batch` call as the server sends it; empty maps arrive as `[]`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct BatchWire {
    #[serde(deserialize_with = "keyed")]
    pub(crate) result: HashMap<String, Value>,
    #[serde(deserialize_with = "keyed")]
    pub(crate) result_error: HashMap<String, Value>,
    #[serde(deserialize_with = "keyed")]
    pub(crate) result_total: HashMap<String, Value>,
    #[serde(deserialize_with = "keyed")]
    pub(crate) result_next: HashMap<String, Value>,
    #[serde(deserialize_with = "keyed")]
    pub(crate) result_time: HashMap<String, Value>,
}

/// A map keyed by command key: an object, `[]` when empty, or an array for a list of commands.
fn keyed<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<HashMap<String, Value>, D::Error> {
    Ok(match Value::deserialize(deserializer)? {
        Value::Object(map) => map.into_iter().collect(),
        Value::Array(items) => items
            .into_iter()
            .enumerate()
            .map(|(i, v)| (i.to_string(), v))
            .collect(),
        _ => HashMap::new(),
    })
}

impl BatchWire {
    /// Sorts the answer into outcomes for `keys`; keys without an entry were not executed.
    pub(crate) fn outcomes(
        mut self,
        method_of: impl Fn(&str) -> String,
        keys: &[String],
    ) -> Vec<(String, Outcome)> {
        keys.iter()
            .map(|key| {
                let outcome = if let Some(error) = self.result_error.remove(key) {
                    Outcome::Failed(Box::new(sub_error(method_of(key), &error)))
                } else if let Some(result) = self.result.remove(key) {
                    let number =
                        |value: Option<Value>| value.and_then(|v| de::opt_u64(v).ok().flatten());
                    let time = self
                        .result_time
                        .remove(key)
                        .and_then(|t| serde_json::from_value::<Time>(t).ok());
                    Outcome::Done(Envelope {
                        result,
                        next: number(self.result_next.remove(key)),
                        total: number(self.result_total.remove(key)),
                        time,
                    })
                } else {
                    Outcome::NotExecuted
                };
                (key.clone(), outcome)
            })
            .collect()
    }
}

fn sub_error(method: String, error: &Value) -> ApiError {
    let code = error
        .get("error")
        .and_then(|code| serde_json::from_value::<ErrorCode>(code.clone()).ok())
        .unwrap_or(ErrorCode::Other(crate::error::RawCode::Absent));
    let description = match error.get("error_description") {
        Some(Value::String(text)) => text.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    };
    // Inside a batch every sub-call answers with HTTP 200.
    ApiError {
        method,
        code,
        status: 200,
        description,
        raw_body: None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

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
