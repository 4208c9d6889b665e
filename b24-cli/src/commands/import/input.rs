//! Reading import rows: CSV with a header (by the `.csv` extension) or NDJSON, each row an
//! object of fields, with its line number; a broken row is reported with its line, not fatal.

use std::io::BufRead;
use std::path::Path;

use serde_json::{Map, Value};

use crate::exit::Failure;

/// One input row, or why it is broken.
pub struct InputRow {
    /// Line number in the file (1-based; the CSV header is line 1).
    pub line: i64,
    /// The fields, or the reason the row is broken.
    pub fields: Result<Map<String, Value>, String>,
}

/// Reads every row of `path`.
pub fn read(path: &Path) -> Result<Vec<InputRow>, Failure> {
    let unreadable = |e: &dyn std::fmt::Display| {
        Failure::usage(format!("cannot read `{}`: {e}", path.display()))
    };
    let is_csv = path
        .extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("csv"));
    let file = std::fs::File::open(path).map_err(|e| unreadable(&e))?;
    if is_csv {
        read_csv(file).map_err(|e| unreadable(&e))
    } else {
        let mut rows = Vec::new();
        for (index, line) in std::io::BufReader::new(file).lines().enumerate() {
            let line_no = index as i64 + 1;
            let text = line.map_err(|e| unreadable(&e))?;
            if text.trim().is_empty() {
                continue;
            }
            let fields = match serde_json::from_str::<Value>(&text) {
                Ok(Value::Object(map)) => Ok(map),
                Ok(_) => Err(String::from("the row is not a JSON object")),
                Err(e) => Err(format!("invalid JSON: {e}")),
            };
            rows.push(InputRow {
                line: line_no,
                fields,
            });
        }
        Ok(rows)
    }
}

fn read_csv(file: std::fs::File) -> Result<Vec<InputRow>, csv::Error> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(file);
    let header: Vec<String> = reader.headers()?.iter().map(str::to_owned).collect();
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    loop {
        let line_hint = reader.position().line() as i64;
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(line_hint, |p| p.line() as i64);
                let fields = if record.len() != header.len() {
                    Err(format!(
                        "{} values for {} columns",
                        record.len(),
                        header.len()
                    ))
                } else {
                    // Empty cells are left out: an import sets what the file gives.
                    Ok(header
                        .iter()
                        .zip(record.iter())
                        .filter(|(_, value)| !value.is_empty())
                        .map(|(key, value)| (key.clone(), Value::String(value.to_owned())))
                        .collect())
                };
                rows.push(InputRow { line, fields });
            }
            Err(error) => {
                let line = error.position().map_or(line_hint + 1, |p| p.line() as i64);
                rows.push(InputRow {
                    line,
                    fields: Err(error.to_string()),
                });
                if !matches!(
                    error.kind(),
                    csv::ErrorKind::Utf8 { .. } | csv::ErrorKind::UnequalLengths { .. }
                ) {
                    return Ok(rows);
                }
            }
        }
    }
    Ok(rows)
}

/// A fingerprint of the input (size and FNV-1a of the contents), to tie a journal to its file.
pub fn fingerprint(path: &Path) -> Result<String, Failure> {
    let bytes = std::fs::read(path)
        .map_err(|e| Failure::usage(format!("cannot read `{}`: {e}", path.display())))?;
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in &bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0100_0000_01b3);
    }
    Ok(format!("{}:{hash:016x}", bytes.len()))
}
