//! References between commands: the `$result[key][path]` placeholders the server substitutes,
//! found in a command's parameters, placed at a parameter path, and resolved by the client
//! when the referenced command ran in an earlier request.

use std::collections::HashMap;

use serde_json::Value;

use super::{Command, Outcome};

/// Collections a placeholder may read: `$result[key]`, `$next[key]`, ...
const COLLECTIONS: [&str; 5] = ["result", "next", "total", "time", "error"];

/// One `$collection[key][segment]…` placeholder inside a text.
struct Placeholder<'a> {
    /// Byte offset of the `$`.
    start: usize,
    /// Length in bytes, from the `$` to the last `]`.
    length: usize,
    /// The name after `$`.
    collection: &'a str,
    /// The bracketed segments: the command key first, then the path inside its value.
    segments: Vec<&'a str>,
}

/// Every placeholder in `text`, in order; a `$` without a bracketed key is skipped.
fn placeholders(text: &str) -> impl Iterator<Item = Placeholder<'_>> {
    let mut from = 0;
    std::iter::from_fn(move || {
        while let Some(offset) = text[from..].find('$') {
            let start = from + offset;
            from = start + 1;
            let rest = &text[start + 1..];
            let name_end = rest.find('[').unwrap_or(rest.len());
            let mut segments = Vec::new();
            let mut cursor = &rest[name_end..];
            let mut length = 1 + name_end;
            while let Some(inner) = cursor.strip_prefix('[') {
                let Some(end) = inner.find(']') else { break };
                segments.push(&inner[..end]);
                length += end + 2;
                cursor = &inner[end + 1..];
            }
            if !segments.is_empty() {
                return Some(Placeholder {
                    start,
                    length,
                    collection: &rest[..name_end],
                    segments,
                });
            }
        }
        None
    })
}

/// Every string inside a JSON value, depth first.
fn strings(value: &Value) -> impl Iterator<Item = &str> {
    let mut stack = vec![value];
    std::iter::from_fn(move || {
        while let Some(value) = stack.pop() {
            match value {
                Value::String(text) => return Some(text.as_str()),
                Value::Array(items) => stack.extend(items.iter().rev()),
                Value::Object(map) => stack.extend(map.values().rev()),
                _ => {}
            }
        }
        None
    })
}

/// Keys of the commands that `params` references.
pub(super) fn referenced_keys(params: &Value) -> Vec<String> {
    strings(params)
        .flat_map(placeholders)
        .filter(|placeholder| COLLECTIONS.contains(&placeholder.collection))
        .map(|placeholder| placeholder.segments[0].to_owned())
        .collect()
}

/// Places `value` at the dot-separated `path` inside `params`, creating objects on the way.
pub(super) fn set_path(params: &mut Value, path: &str, value: Value) -> Result<(), String> {
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

/// Replaces references to commands that already ran in an earlier request with their values,
/// following the server's rules: a placeholder that is the whole value takes the referenced
/// value's type; one inside a longer string is replaced only by a string.
pub(super) fn resolve(command: &Command, outcomes: &HashMap<String, Outcome>) -> Command {
    let mut resolved = command.clone();
    resolve_value(&mut resolved.params, outcomes);
    resolved
}

fn resolve_value(value: &mut Value, outcomes: &HashMap<String, Outcome>) {
    match value {
        Value::String(text) => {
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
    let (placeholder, found) = placeholders(text)
        .find_map(|placeholder| lookup(&placeholder, outcomes).map(|found| (placeholder, found)))?;
    if placeholder.start == 0 && placeholder.length == text.len() {
        return Some(found);
    }
    let Value::String(found) = found else {
        return None;
    };
    let mut replaced = String::with_capacity(text.len());
    replaced.push_str(&text[..placeholder.start]);
    replaced.push_str(&found);
    replaced.push_str(&text[placeholder.start + placeholder.length..]);
    Some(Value::String(replaced))
}

/// The value a placeholder stands for, when it points at a command that finished; a path
/// that leads nowhere stops at the last value found, as the server does.
fn lookup(placeholder: &Placeholder<'_>, outcomes: &HashMap<String, Outcome>) -> Option<Value> {
    let (key, path) = placeholder.segments.split_first()?;
    let Some(Outcome::Done(envelope)) = outcomes.get(*key) else {
        return None;
    };
    let mut value = match placeholder.collection {
        "result" => envelope.result.clone(),
        "next" => Value::from(envelope.next?),
        "total" => Value::from(envelope.total?),
        _ => return None,
    };
    for segment in path {
        let next = match &value {
            Value::Object(map) => map.get(*segment).cloned(),
            Value::Array(items) => segment
                .parse::<usize>()
                .ok()
                .and_then(|index| items.get(index).cloned()),
            _ => None,
        };
        match next {
            Some(next) => value = next,
            None => break,
        }
    }
    Some(value)
}
