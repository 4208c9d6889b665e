//! Writing results: JSON, NDJSON, CSV or an aligned table, one item at a time where the format
//! allows it, so that lists of any length take constant memory.
//!
//! Data goes to stdout (or `--output FILE`); a reader that goes away ends the command quietly
//! (see [`crate::exit::Class::BrokenPipe`]).

use std::io::{IsTerminal, Write};

use clap::ValueEnum;
use serde_json::{Map, Value};

use crate::exit::Failure;

/// `--format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Pretty JSON (a list streams as one array with --slurp, else as NDJSON).
    Json,
    /// One compact JSON value per line.
    Ndjson,
    /// Comma-separated values with a header; columns follow `select` when given.
    Csv,
    /// Aligned columns, for a terminal only.
    Table,
}

/// Where data goes: stdout or a file.
pub fn open_output(
    path: Option<&std::path::Path>,
    append: bool,
) -> Result<Box<dyn Write>, Failure> {
    Ok(match path {
        None => Box::new(std::io::BufWriter::with_capacity(
            64 * 1024,
            std::io::stdout(),
        )),
        Some(path) => {
            let file = std::fs::OpenOptions::new()
                .create(true)
                .write(true)
                .append(append)
                .truncate(!append)
                .open(path)
                .map_err(|e| Failure::usage(format!("cannot write `{}`: {e}", path.display())))?;
            Box::new(std::io::BufWriter::with_capacity(64 * 1024, file))
        }
    })
}

/// Refuses `table` when stdout is not a terminal.
pub fn check_format(format: Format, to_file: bool) -> Result<(), Failure> {
    if format == Format::Table && (to_file || !std::io::stdout().is_terminal()) {
        return Err(Failure::usage(
            "--format table is for a terminal; use csv or ndjson when writing to a pipe or file",
        ));
    }
    Ok(())
}

/// Column names from a `select` parameter (without masks like `*` or `UF_*`).
pub fn columns_from_select(params: &Value) -> Option<Vec<String>> {
    let select = params
        .as_object()?
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case("select"))?
        .1;
    let names: Vec<String> = match select {
        Value::Array(items) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        Value::Object(map) => map
            .values()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        _ => return None,
    };
    let plain: Vec<String> = names
        .into_iter()
        .filter(|name| !name.contains('*'))
        .collect();
    (!plain.is_empty()).then_some(plain)
}

/// A CSV or table cell.
fn cell(value: Option<&Value>) -> String {
    match value {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(text)) => text.clone(),
        Some(other) => other.to_string(),
    }
}

/// Writes list items one by one.
pub struct ItemWriter {
    format: Format,
    slurp: bool,
    out: Box<dyn Write>,
    csv: Option<csv::Writer<Box<dyn Write>>>,
    columns: Option<Vec<String>>,
    written: u64,
    table: Vec<Vec<String>>,
}

impl ItemWriter {
    /// A writer in `format`; `columns` fixes the CSV/table columns (else the first item's keys).
    pub fn new(
        format: Format,
        slurp: bool,
        out: Box<dyn Write>,
        columns: Option<Vec<String>>,
    ) -> Self {
        ItemWriter {
            format,
            slurp,
            out,
            csv: None,
            columns,
            written: 0,
            table: Vec::new(),
        }
    }

    /// Whether a CSV header must be written (false when appending to an existing file).
    pub fn skip_header(&mut self) {
        if self.format == Format::Csv && self.csv.is_none() {
            let out = std::mem::replace(&mut self.out, Box::new(std::io::sink()));
            self.csv = Some(
                csv::WriterBuilder::new()
                    .has_headers(false)
                    .from_writer(out),
            );
        }
    }

    fn row(&mut self, item: &Value) -> Vec<String> {
        let columns = self.columns.get_or_insert_with(|| match item {
            Value::Object(map) => map.keys().cloned().collect(),
            _ => vec![String::from("value")],
        });
        match item {
            Value::Object(map) => columns.iter().map(|c| cell(map.get(c))).collect(),
            other => vec![cell(Some(other))],
        }
    }

    /// Writes one item.
    pub fn push(&mut self, item: &Value) -> Result<(), Failure> {
        match self.format {
            Format::Ndjson => {
                serde_json::to_writer(&mut self.out, item).map_err(json_io)?;
                self.out.write_all(b"\n")?;
            }
            Format::Json if !self.slurp => {
                serde_json::to_writer(&mut self.out, item).map_err(json_io)?;
                self.out.write_all(b"\n")?;
            }
            Format::Json => {
                self.out
                    .write_all(if self.written == 0 { b"[\n" } else { b",\n" })?;
                serde_json::to_writer(&mut self.out, item).map_err(json_io)?;
            }
            Format::Csv => {
                let header = self.csv.is_none();
                let row = self.row(item);
                let csv = match &mut self.csv {
                    Some(csv) => csv,
                    None => {
                        let out = std::mem::replace(&mut self.out, Box::new(std::io::sink()));
                        self.csv.insert(
                            csv::WriterBuilder::new()
                                .has_headers(false)
                                .from_writer(out),
                        )
                    }
                };
                if header {
                    let columns = self.columns.clone().unwrap_or_default();
                    csv.write_record(&columns).map_err(csv_io)?;
                }
                csv.write_record(&row).map_err(csv_io)?;
            }
            Format::Table => {
                let row = self.row(item);
                self.table.push(row);
            }
        }
        self.written += 1;
        Ok(())
    }

    /// Writes one line of plain text (for lists of names).
    pub fn push_line(&mut self, text: &str) -> Result<(), Failure> {
        self.out.write_all(text.as_bytes())?;
        self.out.write_all(b"\n")?;
        self.written += 1;
        Ok(())
    }

    /// Items written so far.
    pub fn written(&self) -> u64 {
        self.written
    }

    /// Ends the output (closing the JSON array, printing the table) and flushes.
    pub fn finish(mut self) -> Result<(), Failure> {
        match self.format {
            Format::Json if self.slurp => {
                self.out
                    .write_all(if self.written == 0 { b"[]\n" } else { b"\n]\n" })?;
            }
            Format::Table => {
                let columns = self.columns.clone().unwrap_or_default();
                write_table(&mut self.out, &columns, &self.table)?;
            }
            _ => {}
        }
        if let Some(mut csv) = self.csv.take() {
            csv.flush()?;
        }
        self.out.flush()?;
        Ok(())
    }
}

fn json_io(error: serde_json::Error) -> Failure {
    Failure::from(std::io::Error::from(error))
}

fn csv_io(error: csv::Error) -> Failure {
    match error.into_kind() {
        csv::ErrorKind::Io(error) => Failure::from(error),
        other => Failure::api(format!("cannot write CSV: {other:?}")),
    }
}

const MAX_CELL: usize = 40;

fn write_table(
    out: &mut dyn Write,
    columns: &[String],
    rows: &[Vec<String>],
) -> Result<(), Failure> {
    let clip = |text: &str| -> String {
        let one_line = text.replace(['\n', '\r', '\t'], " ");
        if one_line.chars().count() > MAX_CELL {
            let mut cut: String = one_line.chars().take(MAX_CELL - 1).collect();
            cut.push('…');
            cut
        } else {
            one_line
        }
    };
    let header: Vec<String> = columns.iter().map(|c| clip(c)).collect();
    let body: Vec<Vec<String>> = rows
        .iter()
        .map(|r| r.iter().map(|c| clip(c)).collect())
        .collect();
    let widths: Vec<usize> = (0..header.len())
        .map(|i| {
            body.iter()
                .filter_map(|r| r.get(i))
                .chain(std::iter::once(&header[i]))
                .map(|c| c.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |cells: &[String]| -> String {
        cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect::<Vec<_>>()
            .join("  ")
            .trim_end()
            .to_owned()
    };
    writeln!(out, "{}", line(&header))?;
    for row in &body {
        writeln!(out, "{}", line(row))?;
    }
    Ok(())
}

/// The items of a list `result`: the array itself, the array under `key`, or `None`.
pub fn list_items(result: &Value, key: Option<&str>) -> Option<Vec<Value>> {
    let list = match key {
        Some(key) => result.get(key)?,
        None => result,
    };
    match list {
        Value::Array(items) => Some(items.clone()),
        // PHP sends an empty list as `[]` but a keyed one as an object.
        Value::Object(map) if key.is_some() => Some(map.values().cloned().collect()),
        _ => None,
    }
}

/// Writes one result (not paginated) in `format`.
pub fn write_result(
    format: Format,
    out: Box<dyn Write>,
    result: &Value,
    items: Option<Vec<Value>>,
    columns: Option<Vec<String>>,
) -> Result<(), Failure> {
    if format == Format::Json {
        let mut out = out;
        serde_json::to_writer_pretty(&mut out, result).map_err(json_io)?;
        out.write_all(b"\n")?;
        out.flush()?;
        return Ok(());
    }
    let rows = match items {
        Some(items) => items,
        None => match result {
            Value::Array(items) => items.clone(),
            Value::Object(_) => vec![result.clone()],
            scalar => {
                let mut map = Map::new();
                map.insert(String::from("result"), scalar.clone());
                vec![Value::Object(map)]
            }
        },
    };
    let mut writer = ItemWriter::new(format, false, out, columns);
    for row in &rows {
        writer.push(row)?;
    }
    writer.finish()
}
