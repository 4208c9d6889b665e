//! Record and replay: the emulator writes every REST call it answers (method, parameters and
//! the answer) to a file, and a later emulator answers the same calls from that file, so a
//! scenario captured once runs in tests without the portal that answered it.
//!
//! The file has one JSON object per line, in call order:
//! `{"method", "params", "result", "next", "total"}` for an answer, or
//! `{"method", "params", "error": {"status", "code", "description", "extra"}}` for an error.
//! Parameters are recorded after the credentials (`auth`, `access_token`) were taken out, and
//! webhook codes travel in the URL path, never in the file.
//!
//! On replay a call gets the answer recorded for the same method and parameters: the first
//! one the first time, the second the second time (the last one again beyond them). A call the
//! recording does not hold gets `REPLAY_NOT_RECORDED` (404). Authentication still applies;
//! scope, limits and the handlers do not run.

use std::collections::HashMap;
use std::fs::File;
use std::io::{self, BufRead, BufReader, Write};
use std::path::{Path, PathBuf};

use crate::envelope::{ApiError, MethodOutput};
use crate::value::Value;

/// What the emulator does with the calls it answers (set with the builder).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum SessionMode {
    /// Neither records nor replays (default).
    #[default]
    Off,
    /// Records every call to this file (created or truncated at start).
    Record(PathBuf),
    /// Answers from the recording in this file (read at start).
    Replay(PathBuf),
}

/// The running session: a recorder, a replayer, or nothing.
#[derive(Debug, Default)]
pub enum Session {
    /// Neither records nor replays.
    #[default]
    Off,
    /// Appends each call to the file, one line per call, flushed at once.
    Record(File),
    /// The recorded answers by (method, parameters), with how many were served.
    Replay(HashMap<(String, String), Replayed>),
}

/// The answers recorded for one (method, parameters) and how many of them were served.
#[derive(Debug, Default)]
pub struct Replayed {
    answers: Vec<Result<MethodOutput, ApiError>>,
    served: usize,
}

impl Session {
    /// Opens the session `mode` asks for: creates the recording file, or reads a recording
    /// (a line that is not a recorded call is an [`io::ErrorKind::InvalidData`] error naming
    /// its line number).
    pub fn open(mode: &SessionMode) -> io::Result<Session> {
        match mode {
            SessionMode::Off => Ok(Session::Off),
            SessionMode::Record(path) => Ok(Session::Record(File::create(path)?)),
            SessionMode::Replay(path) => read(path).map(Session::Replay),
        }
    }

    /// On replay, the recorded answer of this call (`REPLAY_NOT_RECORDED` when there is none);
    /// `None` when not replaying.
    pub fn replay(
        &mut self,
        method: &str,
        params: &Value,
    ) -> Option<Result<MethodOutput, ApiError>> {
        let Session::Replay(recorded) = self else {
            return None;
        };
        let Some(replayed) = recorded.get_mut(&(method.to_owned(), params.to_json())) else {
            return Some(Err(ApiError::new(
                404,
                "REPLAY_NOT_RECORDED",
                format!("The recording holds no call of {method} with these parameters"),
            )));
        };
        let at = replayed
            .served
            .min(replayed.answers.len().saturating_sub(1));
        replayed.served += 1;
        replayed.answers.get(at).cloned()
    }

    /// When recording, writes one call and its answer. A failed write is reported on stderr
    /// and stops the recording: a half-written scenario would replay wrongly.
    pub fn record(
        &mut self,
        method: &str,
        params: &Value,
        outcome: &Result<MethodOutput, ApiError>,
    ) {
        let Session::Record(file) = self else {
            return;
        };
        let line = line(method, params, outcome).to_json();
        if let Err(error) = writeln!(file, "{line}").and_then(|()| file.flush()) {
            eprintln!("b24-emulator: recording stopped: {error}");
            *self = Session::Off;
        }
    }
}

/// The recorded form of one call.
fn line(method: &str, params: &Value, outcome: &Result<MethodOutput, ApiError>) -> Value {
    let mut line = Value::object([("method", Value::from(method)), ("params", params.clone())]);
    match outcome {
        Ok(output) => {
            line.insert("result", output.result.clone());
            line.insert("next", Value::from(output.next));
            line.insert("total", Value::from(output.total));
        }
        Err(error) => line.insert(
            "error",
            Value::object([
                ("status", Value::Int(i64::from(error.status))),
                ("code", Value::from(error.code.as_str())),
                ("description", Value::from(error.description.as_str())),
                ("extra", Value::Map(error.extra.clone())),
            ]),
        ),
    }
    line
}

fn invalid(path: &Path, number: usize, what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("{}:{number}: {what}", path.display()),
    )
}

/// One recorded line back as (method, parameters as JSON, answer).
fn parse(line: &Value) -> Option<(String, String, Result<MethodOutput, ApiError>)> {
    let method = line.get("method")?.as_str()?.to_owned();
    let params = line.get("params")?.to_json();
    let outcome = match line.get("error") {
        Some(error) => {
            let status = u16::try_from(error.get("status")?.as_int_strict()?).ok()?;
            let mut api = ApiError::new(
                status,
                error.get("code")?.as_str()?,
                error.get("description")?.as_str()?,
            );
            if let Some(Value::Map(extra)) = error.get("extra") {
                api.extra = extra.clone();
            }
            Err(api)
        }
        None => Ok(MethodOutput {
            result: line.get("result")?.clone(),
            next: line.get("next").and_then(Value::as_int_strict),
            total: line.get("total").and_then(Value::as_int_strict),
        }),
    };
    Some((method, params, outcome))
}

fn read(path: &Path) -> io::Result<HashMap<(String, String), Replayed>> {
    let mut recorded: HashMap<(String, String), Replayed> = HashMap::new();
    for (i, text) in BufReader::new(File::open(path)?).lines().enumerate() {
        let text = text?;
        if text.trim().is_empty() {
            continue;
        }
        let value =
            Value::from_json(text.as_bytes()).ok_or_else(|| invalid(path, i + 1, "not JSON"))?;
        let (method, params, outcome) =
            parse(&value).ok_or_else(|| invalid(path, i + 1, "not a recorded call"))?;
        recorded
            .entry((method, params))
            .or_default()
            .answers
            .push(outcome);
    }
    Ok(recorded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recorded_call_reads_back_as_the_same_answer() {
        let params = Value::object([("id", Value::Int(3))]);
        let ok = Ok(MethodOutput {
            result: Value::List(vec![Value::from("a")]),
            next: Some(50),
            total: Some(51),
        });
        let err = Err(ApiError::argument(
            "id",
            "Could not find value for parameter {id}",
        ));
        for outcome in [ok, err] {
            let parsed = parse(&line("m.get", &params, &outcome)).expect("a recorded call");
            assert_eq!(parsed, ("m.get".to_owned(), params.to_json(), outcome));
        }
    }

    #[test]
    fn replay_serves_answers_in_order_and_refuses_unrecorded_calls() {
        let key = ("m.get".to_owned(), "[]".to_owned());
        let answers = (1..=2)
            .map(|i| Ok(MethodOutput::new(Value::Int(i))))
            .collect();
        let mut session = Session::Replay(HashMap::from([(key, Replayed { answers, served: 0 })]));
        let mut next = || {
            session
                .replay("m.get", &Value::empty_map())
                .and_then(Result::ok)
                .map(|out| out.result)
        };
        assert_eq!(next(), Some(Value::Int(1)));
        assert_eq!(next(), Some(Value::Int(2)));
        assert_eq!(next(), Some(Value::Int(2)));
        let other = session.replay("m.list", &Value::empty_map());
        assert_eq!(
            other.and_then(Result::err).map(|e| e.code),
            Some("REPLAY_NOT_RECORDED".to_owned())
        );
        assert!(Session::Off.replay("m.get", &Value::empty_map()).is_none());
    }
}
