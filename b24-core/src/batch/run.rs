//! Running a batch: requests of 50 commands, in dependency order, independent ones in
//! parallel; commands refused before running are sent again. An ordered batch
//! ([`Batch::ordered`]) commits its commands in push order instead.

use std::collections::{BTreeSet, HashMap, VecDeque};

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
    ///
    /// Order: by default requests run in parallel and records they create may get IDs out
    /// of push order; [`Batch::ordered`] commits the commands in push order (creation order
    /// = push order), one request after another, still at the pace the bucket allows.
    pub async fn batch(&self, batch: &Batch) -> Result<BatchResults, Error> {
        for command in &batch.commands {
            if let Some(scope) = &command.scope {
                self.check_scope(&command.method, scope).await?;
            }
        }
        if batch.ordered {
            return Ok(self.run_ordered(batch).await);
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

    /// Runs `batch` in push order: the next (up to) 50 pending commands per request, sent
    /// with `halt` when the previous request has answered. A refused command and the ones
    /// after it (which `halt` kept from running) go back to the front of the queue; after a
    /// request whose fate is unknown nothing more is sent.
    async fn run_ordered(&self, batch: &Batch) -> BatchResults {
        let mut results = BatchResults {
            outcomes: HashMap::new(),
            secrets: self.secrets(),
        };
        let secrets = self.secrets();
        let mut queue: VecDeque<&Command> = batch.commands.iter().collect();
        // Attempts made for the command at the front of the queue after it was refused.
        let mut refusals = 0u32;
        // Why nothing more may be sent (an unknown outcome, or `halt_on_error`'s failure).
        let mut stopped: Option<Cause> = None;
        while !queue.is_empty() {
            if let Some(cause) = &stopped {
                results.outcomes.extend(queue.drain(..).map(|command| {
                    (
                        command.key.clone(),
                        Outcome::NotExecuted(Some(cause.clone())),
                    )
                }));
                break;
            }
            let commands: Vec<Command> = queue
                .iter()
                .take(MAX_COMMANDS)
                .map(|command| resolve(command, &results.outcomes))
                .collect();
            let keys: Vec<String> = commands.iter().map(|command| command.key.clone()).collect();
            let wire = match self.send_commands(&commands, true).await {
                Ok(wire) => wire,
                Err(error) => {
                    let outcome = Outcome::of_failed_request(error);
                    if let Outcome::Unknown(cause) | Outcome::NotExecuted(Some(cause)) = &outcome {
                        stopped = Some(cause.clone());
                    }
                    for key in keys {
                        queue.pop_front();
                        results.outcomes.insert(key, outcome.clone());
                    }
                    continue;
                }
            };
            let (mut backoff, before) = (None, queue.len());
            let outcomes = wire.outcomes(|key| method_of(&commands, key), &keys, true, &secrets);
            for (key, outcome) in outcomes {
                match outcome {
                    // `halt` kept it from running: it goes again, in its place.
                    Outcome::NotExecuted(_) => break,
                    Outcome::Failed(api)
                        if retry::classify_api(&api).is_refusal()
                            && refusals + 1 < self.retry_policy().max_attempts =>
                    {
                        refusals += 1;
                        backoff = Some(self.retry_policy().backoff(refusals));
                        break;
                    }
                    outcome => {
                        queue.pop_front();
                        refusals = 0;
                        match &outcome {
                            Outcome::Unknown(cause) => stopped = Some(cause.clone()),
                            Outcome::Failed(api) if batch.halt => {
                                stopped = Some(Cause::new(Error::Api(api.clone())));
                            }
                            _ => {}
                        }
                        results.outcomes.insert(key, outcome);
                    }
                }
            }
            if backoff.is_none() && queue.len() == before {
                // An answer that ran nothing and refused nothing: sending it again would
                // loop; what remains is reported not executed.
                stopped = Some(Cause::new(Error::NotExecuted {
                    method: String::from("batch"),
                    cause: None,
                }));
            }
            if let Some(delay) = backoff {
                tracing::debug!(
                    delay_ms = delay.as_millis() as u64,
                    "a command of an ordered batch was refused; sending it and the rest again"
                );
                tokio::time::sleep(delay).await;
            }
        }
        results
    }

    /// Sends one request's worth of commands, repeating only the ones refused before running.
    pub(crate) async fn run_chunk(
        &self,
        commands: Vec<Command>,
        halt: bool,
    ) -> Vec<(String, Outcome)> {
        let secrets = self.secrets();
        let mut finished: HashMap<String, Outcome> = HashMap::new();
        let mut pending = commands;
        for attempt in 1u32.. {
            let keys: Vec<String> = pending.iter().map(|command| command.key.clone()).collect();
            let wire = match self.send_commands(&pending, halt).await {
                Ok(wire) => wire,
                Err(error) => {
                    let outcome = Outcome::of_failed_request(error);
                    finished.extend(keys.into_iter().map(|key| (key, outcome.clone())));
                    break;
                }
            };
            let mut refused = Vec::new();
            let outcomes = wire.outcomes(|key| method_of(&pending, key), &keys, halt, &secrets);
            for (key, outcome) in outcomes {
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

    /// Sends `commands` as one `batch` request. A request of read-only commands only is
    /// retried like a read.
    async fn send_commands(&self, commands: &[Command], halt: bool) -> Result<BatchWire, Error> {
        let cmd: serde_json::Map<String, Value> = commands
            .iter()
            .map(|command| (command.key.clone(), Value::String(command.encode())))
            .collect();
        let body = serde_json::json!({ "halt": u8::from(halt), "cmd": cmd });
        let safe = commands.iter().all(|command| command.read_only);
        let envelope = self.send::<BatchWire>("batch", &body, safe).await?;
        Ok(envelope.result)
    }
}

/// The method of the command `key` among `commands` (`batch` when it is not there).
fn method_of(commands: &[Command], key: &str) -> String {
    commands
        .iter()
        .find(|command| command.key == key)
        .map_or_else(
            || String::from("batch"),
            |command| command.method.to_string(),
        )
}
