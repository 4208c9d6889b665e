//! Compiles the documentation's structured catalog into a compact table that the emulator
//! embeds (`src/catalog/`), so that every documented classic method answers without a file to
//! find at run time.
//!
//! Input: `methods.json` and the response and request examples of the catalog at
//! `$B24_CATALOG_DIR`, else `../shared/bitrix24/catalog` beside the workspace root (where
//! `cargo xtask gen-methods` reads it too). Output: `$OUT_DIR/catalog.tsv`, one line per
//! classic (REST 2) method, sorted, with tab-separated columns:
//!
//! 1. the lower-cased method name;
//! 2. the documented scopes, comma-separated;
//! 3. flags: `d` when the documentation marks the method deprecated, `o` when a bare `array`
//!    result beside its fields means one object (the majority of the family's examples);
//! 4. the parameter table (sub-rows of `fields` only), 5. the response table (only its `next`
//!    and `total` rows when there is an example): compact JSON, one `[name, type, required,
//!    children]` array per row (trailing defaults left out);
//! 6. the documented error codes that are words (numeric codes and HTTP statuses left out),
//!    comma-separated;
//! 7. the documented example's `result`, minified JSON, or empty.
//!
//! A required parameter that the documented request example leaves out is kept optional, as the
//! generator of b24-methods does ("the example wins"). Without a catalog the table is empty and
//! the build warns: the emulator then answers only its hand-written methods.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

fn main() {
    println!("cargo:rerun-if-env-changed=B24_CATALOG_DIR");
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let catalog = match std::env::var_os("B24_CATALOG_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => manifest.join("../../shared/bitrix24/catalog"),
    };
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo")).join("catalog.tsv");
    let methods_json = catalog.join("methods.json");
    println!("cargo:rerun-if-changed={}", methods_json.display());
    println!(
        "cargo:rerun-if-changed={}",
        catalog.join("responses").display()
    );
    println!(
        "cargo:rerun-if-changed={}",
        catalog.join("requests").display()
    );
    let table = match fs::read_to_string(&methods_json) {
        Ok(text) => compile(&catalog, &text),
        Err(error) => {
            println!(
                "cargo:warning=no method catalog at {} ({error}): the emulator answers only its hand-written methods",
                methods_json.display()
            );
            String::new()
        }
    };
    fs::write(&out, table).expect("OUT_DIR is writable");
}

/// The table of every classic method of `methods.json`.
fn compile(catalog: &Path, text: &str) -> String {
    let methods: Value = serde_json::from_str(text).expect("methods.json is JSON");
    let classic: Vec<&Value> = methods
        .as_array()
        .expect("methods.json is an array")
        .iter()
        .filter(|entry| entry["rest_version"].as_i64() == Some(2))
        .collect();
    let results: Vec<Option<Value>> = classic
        .iter()
        .map(|entry| {
            example(
                catalog,
                "responses",
                entry["method"].as_str().unwrap_or_default(),
            )
            .and_then(|body| match body.get("result") {
                Some(result) => Some(result.clone()),
                // Some pages show the result alone, without its envelope.
                None if body.get("error").is_none() => Some(body),
                None => None,
            })
        })
        .collect();
    let votes = shape_votes(&classic, &results);
    let mut lines: Vec<String> = classic
        .iter()
        .zip(&results)
        .map(|(entry, result)| line(catalog, entry, result.as_ref(), &votes))
        .collect();
    lines.sort();
    lines.dedup_by(|a, b| a.split('\t').next() == b.split('\t').next());
    lines.concat()
}

fn example(catalog: &Path, folder: &str, method: &str) -> Option<Value> {
    let name: String = method
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-') {
                c
            } else {
                '_'
            }
        })
        .collect();
    let text = fs::read_to_string(catalog.join(folder).join(format!("{name}.json"))).ok()?;
    serde_json::from_str(&text).ok()
}

/// Rows of the envelope, not of `result`.
const ENVELOPE: &[&str] = &["time", "total", "next", "error", "error_description"];

/// Whether the response table documents `result` as a bare `array` beside the rows of its
/// fields: one record or a list of them, which the tables leave open.
fn array_beside_fields(entry: &Value) -> bool {
    let table = rows(&entry["response_fields"]);
    let name = |row: &Value| row["name"].as_str().unwrap_or_default().to_owned();
    table.iter().any(|row| {
        name(row) == "result"
            && row["type"]
                .as_str()
                .unwrap_or_default()
                .trim()
                .eq_ignore_ascii_case("array")
            && rows(&row["children"]).is_empty()
    }) && table
        .iter()
        .any(|row| name(row) != "result" && !ENVELOPE.contains(&name(row).as_str()))
}

/// The first segment of a method name, as b24-methods' generator groups shapes.
fn family(method: &str) -> String {
    method
        .split('.')
        .next()
        .unwrap_or(method)
        .to_ascii_lowercase()
}

/// Per family, how many documented examples of an "array beside fields" answer one object and
/// how many a list; b24-methods types the others of the family by the majority, and so does
/// the emulator's generated answer.
fn shape_votes(
    classic: &[&Value],
    results: &[Option<Value>],
) -> std::collections::HashMap<String, (usize, usize)> {
    let mut votes = std::collections::HashMap::new();
    for (entry, result) in classic.iter().zip(results) {
        if !array_beside_fields(entry) {
            continue;
        }
        let (objects, lists) = votes
            .entry(family(entry["method"].as_str().unwrap_or_default()))
            .or_insert((0, 0));
        match result {
            Some(Value::Object(_)) => *objects += 1,
            Some(Value::Array(_)) => *lists += 1,
            _ => {}
        }
    }
    votes
}

fn line(
    catalog: &Path,
    entry: &Value,
    result: Option<&Value>,
    votes: &std::collections::HashMap<String, (usize, usize)>,
) -> String {
    let method = entry["method"].as_str().unwrap_or_default();
    let request = example(catalog, "requests", method);
    let sent = |name: &str| match &request {
        Some(Value::Object(body)) => body.keys().any(|key| key.eq_ignore_ascii_case(name)),
        // Without an example nothing contradicts the table.
        _ => true,
    };
    let params: Vec<Value> = rows(&entry["params"])
        .iter()
        .map(|row| {
            let required = row["required"].as_bool() == Some(true)
                && std::iter::once(row["name"].as_str().unwrap_or_default())
                    .chain(strings(&row["aliases"]))
                    .any(sent);
            // Only a `fields` parameter's rows are read (to describe an entity's fields).
            let mut row = row.clone();
            if !row["name"]
                .as_str()
                .is_some_and(|name| name.eq_ignore_ascii_case("fields"))
            {
                row["children"] = Value::Array(Vec::new());
            }
            compact(&row, required)
        })
        .collect();
    // With an example, only the paging rows of the response table are read.
    let response: Vec<Value> = rows(&entry["response_fields"])
        .iter()
        .filter(|row| result.is_none() || matches!(row["name"].as_str(), Some("next" | "total")))
        .map(|row| compact(row, false))
        .collect();
    let scopes: Vec<&str> = strings(&entry["scopes"]).collect();
    let codes: Vec<&str> = strings(&entry["error_codes"])
        .filter(|code| {
            code.chars().any(|c| c.is_ascii_alphabetic())
                && code.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
        .collect();
    let one_object = result.is_none()
        && array_beside_fields(entry)
        && votes
            .get(&family(method))
            .is_some_and(|(objects, lists)| objects > lists);
    let mut flags = String::new();
    if entry["deprecated"].as_bool() == Some(true) {
        flags.push('d');
    }
    if one_object {
        flags.push('o');
    }
    let result = result.map(Value::to_string).unwrap_or_default();
    let mut line = String::new();
    writeln!(
        line,
        "{}\t{}\t{}\t{}\t{}\t{}\t{}",
        method.to_ascii_lowercase(),
        scopes.join(","),
        flags,
        Value::Array(params),
        Value::Array(response),
        codes.join(","),
        result,
    )
    .expect("writing to a String");
    line
}

fn rows(value: &Value) -> &[Value] {
    value.as_array().map_or(&[], Vec::as_slice)
}

fn strings(value: &Value) -> impl Iterator<Item = &str> {
    rows(value).iter().filter_map(Value::as_str)
}

/// `[name, type, required, children]` (`name` joined with its aliases by `|`) with trailing defaults left out; `required` applies to
/// this row only (nested rows keep their documented marker).
fn compact(row: &Value, required: bool) -> Value {
    let children: Vec<Value> = rows(&row["children"])
        .iter()
        .map(|child| compact(child, child["required"].as_bool() == Some(true)))
        .collect();
    // Alternative names of one parameter travel as `A|B`.
    let names: Vec<&str> = std::iter::once(row["name"].as_str().unwrap_or_default())
        .chain(strings(&row["aliases"]))
        .collect();
    let mut out = vec![
        Value::from(names.join("|")),
        Value::from(row["type"].as_str().unwrap_or_default()),
    ];
    if required || !children.is_empty() {
        out.push(Value::from(u8::from(required)));
    }
    if !children.is_empty() {
        out.push(Value::Array(children));
    }
    Value::Array(out)
}
