//! `b24 import METHOD --input FILE`: CSV or NDJSON rows, 50 per `batch` request, paced, with a
//! SQLite [journal](crate::journal) that makes the job finish after any stop with no duplicates
//! and no lost rows. Rows whose outcome is unknown are looked up by their marker before
//! anything is sent again; the output maps each input line to its ID, in input order.

mod input;
mod reconcile;

use std::collections::HashMap;
use std::io::Write;
use std::path::PathBuf;

use b24_core::{Error, ErrorCode, form::to_query_string};
use clap::ValueEnum;
use serde_json::{Map, Value, json};

use crate::batch_answer::keyed;
use crate::cli::ImportArgs;
use crate::commands::{call, safety};
use crate::connect::{ConnectionArgs, Session};
use crate::exit::{Class, Failure, Outcome};
use crate::journal::{Change, Journal, Row, state};
use crate::output::{self, Format};
use crate::progress;
use reconcile::{Finder, id_of};

/// `--on-error`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum OnError {
    /// Record the failure and go on with the other rows.
    Continue,
    /// Stop at the first broken row or refused write.
    Stop,
}

/// Rows per `batch` request.
const ROWS_PER_REQUEST: usize = 50;
/// A row sent this many times without a known outcome is given up (and reported).
const MAX_ATTEMPTS: i64 = 10;
/// Rows left `sent` by a stopped process are looked up only once their request is this old,
/// so that a request the portal is still running is not mistaken for one that never arrived.
const SETTLE_SECONDS: f64 = 2.0;

/// Runs `b24 import`.
pub async fn run(
    connection: &ConnectionArgs,
    format: Option<Format>,
    yes: bool,
    args: ImportArgs,
) -> Outcome {
    safety::confirm(&args.method, yes)?;
    let format = match format.unwrap_or(Format::Ndjson) {
        Format::Csv => Format::Csv,
        Format::Table => {
            return Err(Failure::usage(
                "import writes its row → ID map as ndjson or csv",
            ));
        }
        _ => Format::Ndjson,
    };
    let base = call::body(None, None, &[], &args.fields)?;
    let fingerprint = input::fingerprint(&args.input)?;
    let journal_path = match &args.journal {
        Some(path) => path.clone(),
        None => default_journal(&args, connection)?,
    };
    let mut journal = Journal::open(&journal_path)?;
    match journal.meta("input")? {
        None => load(&mut journal, &args, &base, &fingerprint)?,
        Some(recorded) => {
            let method = journal.meta("method")?.unwrap_or_default();
            if recorded != fingerprint || method != args.method {
                return Err(Failure::usage(format!(
                    "the journal `{}` belongs to another job (method or input differ); \
                     remove it or pass another --journal",
                    journal_path.display()
                )));
            }
            eprintln!(
                "resuming from the journal: {} done, {} of unknown outcome, {} to send",
                journal.count(state::DONE)?,
                journal.count(state::SENT)? + journal.count(state::UNKNOWN)?,
                journal.count(state::PENDING)?
            );
        }
    }
    let session = connection.connect().await?;
    let finder = finder(&args, &base)?;
    let outcome = process(&session, &mut journal, &finder, &args).await;
    write_map(&journal, format, args.output.as_ref())?;
    outcome?;
    summarise(&journal)
}

fn default_journal(args: &ImportArgs, connection: &ConnectionArgs) -> Result<PathBuf, Failure> {
    let input = std::fs::canonicalize(&args.input).unwrap_or_else(|_| args.input.clone());
    let source = connection.resolve().map(|r| r.source).unwrap_or_default();
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in format!("{}\0{}\0{source}", args.method, input.display()).bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    let dir = crate::dirs::state_dir()?.join("imports");
    std::fs::create_dir_all(&dir)
        .map_err(|e| Failure::usage(format!("cannot create `{}`: {e}", dir.display())))?;
    Ok(dir.join(format!("{}-{hash:016x}.sqlite", args.method)))
}

/// Reads the input and records every row as pending (broken ones as failed).
fn load(journal: &mut Journal, args: &ImportArgs, base: &Value, fingerprint: &str) -> Outcome {
    let rows = input::read(&args.input)?;
    let job = format!(
        "{:x}{:x}",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64),
        std::process::id()
    );
    let mut seen: HashMap<String, i64> = HashMap::new();
    let mut journalled = Vec::with_capacity(rows.len());
    for row in rows {
        let mut entry = Row {
            line: row.line,
            marker: None,
            params: None,
            state: state::PENDING.into(),
            id: None,
            error: None,
            attempts: 0,
            sent_at: None,
        };
        let prepared = row.fields.and_then(|mut fields| {
            let marker = match &args.key {
                Some(column) => match fields.get(column) {
                    Some(Value::String(text)) if !text.is_empty() => text.clone(),
                    Some(Value::Number(number)) => number.to_string(),
                    _ => return Err(format!("no value in the key column `{column}`")),
                },
                None => {
                    let marker = format!("b24:{job}:{}", row.line);
                    fields.insert(args.marker_field.clone(), Value::String(marker.clone()));
                    marker
                }
            };
            if let Some(first) = seen.insert(marker.clone(), row.line) {
                return Err(format!("the key `{marker}` repeats line {first}"));
            }
            Ok((marker, fields))
        });
        match prepared {
            Ok((marker, fields)) => {
                let mut params = base.clone();
                params[args.params_key.as_str()] = Value::Object(fields);
                entry.marker = Some(marker);
                entry.params = Some(params.to_string());
            }
            Err(reason) => {
                if args.on_error == OnError::Stop {
                    return Err(Failure::usage(format!(
                        "{}: line {}: {reason}",
                        args.input.display(),
                        row.line
                    )));
                }
                eprintln!(
                    "b24: {}: line {}: {reason}; the row is skipped",
                    args.input.display(),
                    row.line
                );
                entry.state = state::FAILED.into();
                entry.error = Some(format!("line {}: {reason}", row.line));
            }
        }
        journalled.push(entry);
    }
    let meta = [
        ("input", fingerprint.to_owned()),
        ("method", args.method.clone()),
        ("job", job),
    ];
    journal.create(&meta, &journalled)
}

fn finder(args: &ImportArgs, base: &Value) -> Result<Finder, Failure> {
    let method = match &args.list_method {
        Some(method) => method.clone(),
        None => match args.method.rsplit_once('.') {
            Some((prefix, last)) if last.eq_ignore_ascii_case("add") => format!("{prefix}.list"),
            _ => {
                return Err(Failure::usage(format!(
                    "cannot tell which list method finds rows of `{}`; pass --list-method",
                    args.method
                )));
            }
        },
    };
    let items_key = b24_core::ListSpec::from_registry(&method)
        .ok()
        .and_then(|list| list.items_key().map(str::to_owned));
    Ok(Finder {
        method,
        items_key,
        field: args
            .key
            .clone()
            .unwrap_or_else(|| args.marker_field.clone()),
        base: base.clone(),
    })
}

/// Reconciles, then sends, until every row is done or failed.
async fn process(
    session: &Session,
    journal: &mut Journal,
    finder: &Finder,
    args: &ImportArgs,
) -> Outcome {
    let total = journal.all_rows()?.len() as u64;
    let bar = progress::bar("rows");
    bar.set_length(total);
    settle(journal).await?;
    loop {
        reconcile(session, journal, finder).await?;
        bar.set_position(journal.count(state::DONE)? + journal.count(state::FAILED)?);
        let rows = journal.rows_in(&[state::PENDING], ROWS_PER_REQUEST)?;
        if rows.is_empty() {
            break;
        }
        let stop = send(session, journal, &args.method, rows).await?;
        if stop && args.on_error == OnError::Stop {
            bar.finish_and_clear();
            return Err(Failure::api(
                "stopped at the first refused row (--on-error stop)",
            ));
        }
    }
    bar.finish_and_clear();
    Ok(())
}

/// Waits until requests a stopped process left in flight are old enough to have finished.
async fn settle(journal: &Journal) -> Outcome {
    let youngest = journal
        .rows_in(&[state::SENT], usize::MAX >> 2)?
        .iter()
        .filter_map(|row| row.sent_at)
        .fold(0.0_f64, f64::max);
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64());
    let wait = youngest + SETTLE_SECONDS - now;
    if wait > 0.0 {
        tokio::time::sleep(std::time::Duration::from_secs_f64(wait.min(SETTLE_SECONDS))).await;
    }
    Ok(())
}

/// Looks up every row whose outcome is unknown: found → done, not found → pending again.
async fn reconcile(session: &Session, journal: &mut Journal, finder: &Finder) -> Outcome {
    loop {
        let rows = journal.rows_in(&[state::SENT, state::UNKNOWN], 1000)?;
        if rows.is_empty() {
            return Ok(());
        }
        let markers: Vec<String> = rows.iter().filter_map(|row| row.marker.clone()).collect();
        let found = finder.find(session, &markers).await?;
        let changes: Vec<Change> = rows
            .iter()
            .map(
                |row| match row.marker.as_ref().and_then(|marker| found.get(marker)) {
                    Some(ids) => {
                        if ids.len() > 1 {
                            eprintln!(
                                "b24: warning: line {} was written {} times (IDs {ids:?})",
                                row.line,
                                ids.len()
                            );
                        }
                        Change::Done(row.line, ids[0])
                    }
                    None if row.attempts >= MAX_ATTEMPTS => Change::Failed(
                        row.line,
                        format!("not written after {MAX_ATTEMPTS} attempts"),
                    ),
                    None => Change::State(row.line, state::PENDING),
                },
            )
            .collect();
        journal.apply(&changes)?;
    }
}

/// Sends one request of rows; whether a row was refused.
async fn send(
    session: &Session,
    journal: &mut Journal,
    method: &str,
    rows: Vec<Row>,
) -> Result<bool, Failure> {
    let mut cmd = Map::new();
    for row in &rows {
        let params: Value = row
            .params
            .as_deref()
            .and_then(|text| serde_json::from_str(text).ok())
            .unwrap_or_else(|| json!({}));
        cmd.insert(
            format!("r{}", row.line),
            Value::String(format!("{method}?{}", to_query_string(&params))),
        );
    }
    let sent: Vec<Change> = rows.iter().map(|row| Change::Sent(row.line)).collect();
    journal.apply(&sent)?;
    let mut refused = false;
    let changes: Vec<Change> = match session
        .call("batch", &json!({ "halt": 0, "cmd": cmd }))
        .await
    {
        Ok(envelope) => rows
            .iter()
            .map(|row| {
                let key = format!("r{}", row.line);
                if let Some(error) = keyed(&envelope.result, "result_error", &key) {
                    let code = error.get("error").and_then(Value::as_str).unwrap_or("");
                    if matches!(code, "QUERY_LIMIT_EXCEEDED" | "OPERATION_TIME_LIMIT") {
                        Change::State(row.line, state::PENDING)
                    } else {
                        refused = true;
                        let description = error
                            .get("error_description")
                            .and_then(Value::as_str)
                            .unwrap_or("");
                        Change::Failed(row.line, format!("{code}: {description}"))
                    }
                } else if let Some(result) = keyed(&envelope.result, "result", &key) {
                    Change::Done(row.line, id_of(result).unwrap_or(0))
                } else {
                    // Neither a result nor an error: find out rather than guess.
                    Change::State(row.line, state::UNKNOWN)
                }
            })
            .collect(),
        Err(error) => {
            let next = match &error {
                Error::Transport { source, .. } if source.is_connect() => state::PENDING,
                Error::UnknownOutcome { .. } | Error::Transport { .. } | Error::Decode { .. } => {
                    state::UNKNOWN
                }
                _ => state::PENDING,
            };
            let changes: Vec<Change> = rows
                .iter()
                .map(|row| Change::State(row.line, next))
                .collect();
            journal.apply(&changes)?;
            return match &error {
                Error::UnknownOutcome { .. } | Error::Transport { .. } | Error::Decode { .. } => {
                    Ok(false)
                }
                Error::Api(api)
                    if matches!(
                        api.code,
                        ErrorCode::QueryLimitExceeded | ErrorCode::OperationTimeLimit
                    ) =>
                {
                    Err(Failure::new(
                        Class::RateLimit,
                        format!("{}; rerun to continue", crate::exit::describe(&error)),
                    ))
                }
                _ => Err(error.into()),
            };
        }
    };
    journal.apply(&changes)?;
    Ok(refused)
}

/// Writes `line → ID` (or error, or state) for every row, in input order.
fn write_map(journal: &Journal, format: Format, path: Option<&PathBuf>) -> Outcome {
    let out = output::open_output(path.map(PathBuf::as_path), false)?;
    let columns = vec![
        "line".to_owned(),
        "id".to_owned(),
        "state".to_owned(),
        "error".to_owned(),
    ];
    let mut writer = output::ItemWriter::new(format, false, out, Some(columns));
    for row in journal.all_rows()? {
        let mut entry = json!({ "line": row.line });
        match row.state.as_str() {
            state::DONE => entry["id"] = json!(row.id),
            state::FAILED => entry["error"] = json!(row.error),
            other => entry["state"] = json!(other),
        }
        if format == Format::Csv {
            entry["state"] = json!(row.state);
        }
        writer.push(&entry)?;
    }
    writer.finish()
}

fn summarise(journal: &Journal) -> Outcome {
    let done = journal.count(state::DONE)?;
    let failed = journal.count(state::FAILED)?;
    let unknown = journal.count(state::SENT)? + journal.count(state::UNKNOWN)?;
    let _ = writeln!(
        std::io::stderr(),
        "imported: {done} done, {failed} failed, {unknown} of unknown outcome"
    );
    if unknown > 0 {
        return Err(Failure::new(
            Class::UnknownOutcome,
            format!("{unknown} rows have an unknown outcome; rerun to finish"),
        ));
    }
    if failed > 0 {
        return Err(Failure::api(format!(
            "{failed} rows failed (see the output)"
        )));
    }
    Ok(())
}
