//! Running a batch: requests of 50 commands, in dependency order, independent ones in
//! parallel; commands refused before running are sent again.

use std::collections::{BTreeSet, HashMap};

use serde_json::Value;

use super::reference::resolve;
use super::wire::BatchWire;
use super::{Batch, BatchResults, Command, MAX_COMMANDS, Outcome};
use crate::client::Client;
use crate::error::{Cause, Error};
use crate::retry;

impl Client {
    /// Runs a batch: 50 commands per HTTP request, independent requests in parallel (within
    /// the rate limit), references across requests resolved by the client.
    ///
    /// Commands the portal refused before running them (`QUERY_LIMIT_EXCEEDED`,
    /// `OPERATION_TIME_LIMIT`) are sent again, alone; commands that ran are never repeated.
    /// With [`Batch::halt_on_error`] the requests run one after another and the first failure
    /// stops the rest, which are reported as not executed (with that failure as the cause).
    ///
    /// A request that fails after it left makes its commands unknown outcomes, one that was
    /// refused or never sent makes them not executed: see [`BatchResults`]. A request of
    /// read-only commands only is retried like a read.
    pub async fn batch(&self, batch: &Batch) -> Result<BatchResults, Error> {
        for command in &batch.commands {
            if let Some(scope) = &command.scope {
                self.check_scope(&command.method, scope).await?;
            }
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

        let mut results = BatchResults {
            outcomes: HashMap::new(),
            secrets: self.secrets(),
        };
        let mut done = vec![false; chunks.len()];
        // With `halt`: the failure that stopped the batch.
        let mut halted: Option<Cause> = None;
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
                let halted = halted.clone();
                async move {
                    match halted {
                        Some(cause) => commands
                            .iter()
                            .map(|command| {
                                (
                                    command.key.clone(),
                                    Outcome::NotExecuted(Some(cause.clone())),
                                )
                            })
                            .collect(),
                        None => self.run_chunk(commands, batch.halt).await,
                    }
                }
            });
            for outcomes in futures_util::future::join_all(runs).await {
                if batch.halt && halted.is_none() {
                    halted = outcomes.iter().find_map(|(key, outcome)| match outcome {
                        Outcome::Done(_) => None,
                        Outcome::Failed(api) => Some(Cause::new(Error::Api(api.clone()))),
                        Outcome::Unknown(cause) | Outcome::NotExecuted(Some(cause)) => {
                            Some(cause.clone())
                        }
                        Outcome::NotExecuted(None) => {
                            let method = batch
                                .commands
                                .iter()
                                .find(|command| &command.key == key)
                                .map_or("batch", |command| &command.method);
                            Some(Cause::new(Outcome::error_of(Some(outcome), method)))
                        }
                    });
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
        let methods: HashMap<String, String> = commands
            .iter()
            .map(|command| (command.key.clone(), command.method.to_string()))
            .collect();
        let method_of = |key: &str| {
            methods
                .get(key)
                .cloned()
                .unwrap_or_else(|| String::from("batch"))
        };
        let secrets = self.secrets();
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
                    let outcome = Outcome::of_failed_request(error);
                    finished.extend(keys.into_iter().map(|key| (key, outcome.clone())));
                    break;
                }
            };
            let mut refused = Vec::new();
            for (key, outcome) in wire.outcomes(method_of, &keys, halt, &secrets) {
                let was_refused = matches!(&outcome, Outcome::Failed(api)
                    if retry::classify_api(api).is_refusal());
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
