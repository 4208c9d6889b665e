//! `b24 export METHOD`: every item of a list method, with the fast cursor, in constant memory,
//! as NDJSON or CSV; `--resume` continues after the last ID already written.

use std::io::{BufRead, Read, Seek, SeekFrom};
use std::path::Path;

use serde_json::{Map, Value};

use crate::cli::ExportArgs;
use crate::commands::call;
use crate::connect::ConnectionArgs;
use crate::exit::{Failure, Outcome};
use crate::output::{self, Format, ItemWriter};
use crate::pager::Pager;
use crate::progress;

/// Runs `b24 export`.
pub async fn run(connection: &ConnectionArgs, format: Option<Format>, args: ExportArgs) -> Outcome {
    let format = match format.unwrap_or(Format::Ndjson) {
        Format::Json | Format::Ndjson => Format::Ndjson,
        Format::Csv => Format::Csv,
        Format::Table => return Err(Failure::usage("export writes ndjson or csv")),
    };
    let mut spec = match b24_core::ListSpec::from_registry(&args.method) {
        Ok(spec) => spec,
        Err(_) => {
            crate::commands::catalog::find(&args.method)?;
            return Err(Failure::usage(format!(
                "`{}` is not a list method; export needs one",
                args.method
            )));
        }
    };
    if let Some(field) = &args.cursor {
        spec = spec.cursor(field);
    }
    let mut params = call::body(None, None, &[], &args.fields)?;
    if !args.select.is_empty() {
        let mut select = args.select.clone();
        // The cursor needs the ID of every item, and --resume reads it back.
        if let Some(field) = spec.cursor_field()
            && !select
                .iter()
                .any(|s| s.eq_ignore_ascii_case(field) || s == "*")
        {
            select.insert(0, field.to_owned());
        }
        params["select"] = Value::from(select);
    }
    if !args.filter.is_empty() {
        let mut filter = Map::new();
        for condition in &args.filter {
            // The key may start with an operator that holds `=` itself (`>=ID=5`, `!=STAGE_ID=WON`).
            let name_start = condition
                .find(|c: char| c.is_alphanumeric() || c == '_')
                .unwrap_or(condition.len());
            let split = condition[name_start..].find('=').map(|at| name_start + at);
            let (key, value) = split
                .map(|at| (&condition[..at], &condition[at + 1..]))
                .ok_or_else(|| {
                    Failure::usage(format!("--filter `{condition}` needs the form key=value"))
                })?;
            filter.insert(key.to_owned(), Value::String(value.to_owned()));
        }
        params["filter"] = Value::Object(filter);
    }
    let columns = output::columns_from_select(&params);
    let mut after = None;
    let mut appending = false;
    if args.resume {
        let path = args
            .output
            .as_deref()
            .ok_or_else(|| Failure::usage("--resume needs --output FILE"))?;
        let field = spec.cursor_field().map(str::to_owned).ok_or_else(|| {
            Failure::usage(format!(
                "`{}` has no ID cursor to resume from",
                spec.method()
            ))
        })?;
        if path.exists() {
            after = last_id(path, format, &field)?;
            appending = true;
        }
    }
    let session = connection.connect().await?;
    let mut pager = Pager::new(&session, spec, params, after.clone())?;
    let out = output::open_output(args.output.as_deref(), appending)?;
    let mut writer = ItemWriter::new(format, false, out, columns);
    if appending {
        writer.skip_header();
    }
    let bar = progress::bar("items");
    while let Some(item) = pager.next().await? {
        if let Some(total) = pager.total() {
            bar.set_length(total);
        }
        writer.push(&item)?;
        bar.inc(1);
    }
    bar.finish_and_clear();
    let written = writer.written();
    writer.finish()?;
    if args.output.is_some() {
        eprintln!(
            "exported {written} items in {} requests{}",
            pager.requests(),
            after
                .map(|id| format!(" (resumed after ID {id})"))
                .unwrap_or_default()
        );
    }
    Ok(())
}

/// The cursor value of the last complete record in `path`; a partial last line is cut off.
fn last_id(path: &Path, format: Format, field: &str) -> Result<Option<Value>, Failure> {
    let unreadable =
        |e: std::io::Error| Failure::usage(format!("cannot read `{}`: {e}", path.display()));
    let mut file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(path)
        .map_err(unreadable)?;
    // Cut an unfinished last line (the export was killed mid-write).
    let length = file.metadata().map_err(unreadable)?.len();
    let tail_start = length.saturating_sub(1 << 20);
    file.seek(SeekFrom::Start(tail_start)).map_err(unreadable)?;
    let mut tail = Vec::new();
    file.read_to_end(&mut tail).map_err(unreadable)?;
    let complete = match tail.iter().rposition(|b| *b == b'\n') {
        Some(end) => end + 1,
        None if tail_start == 0 => 0,
        None => {
            return Err(Failure::usage(format!(
                "`{}`: last line longer than 1 MiB",
                path.display()
            )));
        }
    };
    if complete < tail.len() {
        file.set_len(tail_start + complete as u64)
            .map_err(unreadable)?;
    }
    let text = String::from_utf8_lossy(&tail[..complete]);
    match format {
        Format::Csv => {
            let head = std::io::BufReader::new(std::fs::File::open(path).map_err(unreadable)?)
                .lines()
                .next()
                .transpose()
                .map_err(unreadable)?
                .unwrap_or_default();
            let column = csv::ReaderBuilder::new()
                .has_headers(false)
                .from_reader(head.as_bytes())
                .records()
                .next()
                .and_then(Result::ok)
                .and_then(|header| header.iter().position(|c| c.eq_ignore_ascii_case(field)));
            let Some(column) = column else {
                return Ok(None);
            };
            let last = text
                .lines()
                .rev()
                .find(|line| !line.is_empty() && *line != head);
            Ok(last.and_then(|line| {
                csv::ReaderBuilder::new()
                    .has_headers(false)
                    .from_reader(line.as_bytes())
                    .records()
                    .next()
                    .and_then(Result::ok)
                    .and_then(|record| record.get(column).map(|id| Value::String(id.to_owned())))
            }))
        }
        _ => Ok(text
            .lines()
            .rev()
            .find_map(|line| serde_json::from_str::<Value>(line).ok())
            .and_then(|item| item.get(field).cloned())),
    }
}
