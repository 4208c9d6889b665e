//! `-f key=value` / `-F key=value`: parameters with PHP bracket keys, built into a nested JSON
//! body exactly as PHP's `parse_str` reads `key=value` pairs of a form.
//!
//! * `a[b][c]=1` nests maps; `a[]=x` appends at the next integer index (one more than the
//!   largest integer key so far, as PHP does); decimal keys without leading zeros (`0`, `12`,
//!   `-3`) are integers, everything else a string key.
//! * A later pair replaces an earlier scalar at the same place; a map that ends up with the keys
//!   `0, 1, …, n-1` in that order is sent as a JSON array, as PHP's `json_encode` would.
//! * `-f` values are strings. `-F` values are typed: integers and decimals become numbers,
//!   `true`/`false`/`null` booleans and null, `@path` the file's contents and `@-` stdin (as a
//!   string); anything else stays a string.
//!
//! A key with unbalanced brackets or text after a closing bracket is refused with a message
//! rather than silently mangled the way PHP would (`a[b=1` would become `a_b`).

use std::io::Read;

use serde_json::{Map, Value};

use crate::exit::Failure;

/// A key of a PHP array: an integer or a string.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Key {
    Int(i64),
    Str(String),
}

impl Key {
    fn parse(segment: &str) -> Key {
        let digits = segment.strip_prefix('-').unwrap_or(segment);
        let canonical = !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
            && (digits == "0" || !digits.starts_with('0'))
            && segment != "-0";
        match segment.parse::<i64>() {
            Ok(number) if canonical => Key::Int(number),
            _ => Key::Str(segment.to_owned()),
        }
    }

    fn text(&self) -> String {
        match self {
            Key::Int(number) => number.to_string(),
            Key::Str(text) => text.clone(),
        }
    }
}

/// An ordered PHP array (or a scalar leaf).
#[derive(Clone, Debug)]
enum Node {
    Leaf(Value),
    Array(Vec<(Key, Node)>),
}

impl Node {
    fn child(&mut self, key: Option<Key>) -> &mut Node {
        if !matches!(self, Node::Array(_)) {
            *self = Node::Array(Vec::new());
        }
        let Node::Array(entries) = self else {
            unreachable!("just made an array")
        };
        let key = key.unwrap_or_else(|| {
            let next = entries
                .iter()
                .filter_map(|(key, _)| match key {
                    Key::Int(number) => Some(*number + 1),
                    Key::Str(_) => None,
                })
                .max()
                .unwrap_or(0)
                .max(0);
            Key::Int(next)
        });
        let index = match entries.iter().position(|(existing, _)| *existing == key) {
            Some(index) => index,
            None => {
                entries.push((key, Node::Leaf(Value::Null)));
                entries.len() - 1
            }
        };
        &mut entries[index].1
    }

    fn into_json(self) -> Value {
        match self {
            Node::Leaf(value) => value,
            Node::Array(entries) => {
                let is_list = entries
                    .iter()
                    .enumerate()
                    .all(|(index, (key, _))| *key == Key::Int(index as i64));
                if is_list && !entries.is_empty() {
                    Value::Array(entries.into_iter().map(|(_, n)| n.into_json()).collect())
                } else {
                    let mut map = Map::new();
                    for (key, node) in entries {
                        map.insert(key.text(), node.into_json());
                    }
                    Value::Object(map)
                }
            }
        }
    }
}

/// Splits `name[a][b][]` into the name and its bracket segments (`None` for `[]`).
fn split_key(key: &str) -> Result<(String, Vec<Option<String>>), Failure> {
    let malformed = |why: &str| Failure::usage(format!("malformed field key `{key}`: {why}"));
    let (name, mut rest) = match key.find('[') {
        Some(open) => (&key[..open], &key[open..]),
        None => (key, ""),
    };
    if name.is_empty() {
        return Err(malformed("it needs a name before any `[`"));
    }
    if name.contains(']') {
        return Err(malformed("a `]` without its `[`"));
    }
    let mut segments = Vec::new();
    while !rest.is_empty() {
        let Some(inner) = rest.strip_prefix('[') else {
            return Err(malformed(
                "text after a closing `]` must start another `[...]`",
            ));
        };
        let Some(close) = inner.find(']') else {
            return Err(malformed("a `[` is never closed"));
        };
        let segment = &inner[..close];
        if segment.contains('[') {
            return Err(malformed("brackets cannot nest inside one segment"));
        }
        segments.push((!segment.is_empty()).then(|| segment.to_owned()));
        rest = &inner[close + 1..];
    }
    if segments.len() > 64 {
        return Err(malformed("more than 64 levels of nesting"));
    }
    Ok((name.to_owned(), segments))
}

/// How a `-F` value is read.
pub fn typed_value(raw: &str, stdin_used: &mut bool) -> Result<Value, Failure> {
    if let Some(path) = raw.strip_prefix('@') {
        let text = if path == "-" {
            if *stdin_used {
                return Err(Failure::usage("stdin (`@-`) can be read only once"));
            }
            *stdin_used = true;
            let mut text = String::new();
            std::io::stdin()
                .read_to_string(&mut text)
                .map_err(|e| Failure::usage(format!("cannot read stdin: {e}")))?;
            text
        } else {
            std::fs::read_to_string(path)
                .map_err(|e| Failure::usage(format!("cannot read `{path}`: {e}")))?
        };
        return Ok(Value::String(text));
    }
    Ok(match raw {
        "true" => Value::Bool(true),
        "false" => Value::Bool(false),
        "null" => Value::Null,
        _ => match serde_json::from_str::<Value>(raw) {
            Ok(number @ Value::Number(_)) => number,
            _ => Value::String(raw.to_owned()),
        },
    })
}

/// One `-f`/`-F` argument.
#[derive(Clone, Debug)]
pub struct FieldArg {
    /// The text after the flag, `key=value`.
    pub text: String,
    /// `-F` (typed) rather than `-f` (string).
    pub typed: bool,
}

/// Parses `key=value` arguments in order into one body.
pub fn build(args: &[FieldArg]) -> Result<Value, Failure> {
    let mut root = Node::Array(Vec::new());
    let mut stdin_used = false;
    for arg in args {
        let flag = if arg.typed { "-F" } else { "-f" };
        let Some((key, raw)) = arg.text.split_once('=') else {
            return Err(Failure::usage(format!(
                "{flag} `{}` needs the form key=value",
                arg.text
            )));
        };
        let (name, segments) = split_key(key)?;
        let value = if arg.typed {
            typed_value(raw, &mut stdin_used)?
        } else {
            Value::String(raw.to_owned())
        };
        let mut node = root.child(Some(Key::Str(name)));
        for segment in segments {
            node = node.child(segment.as_deref().map(Key::parse));
        }
        *node = Node::Leaf(value);
    }
    Ok(match root.into_json() {
        Value::Array(_) | Value::Null => Value::Object(Map::new()),
        object => object,
    })
}

/// Overlays `fields` on `base` recursively (maps merge, anything else is replaced), so that
/// `--json` or `--input` gives the body and `-f`/`-F` adjust it.
pub fn merge(base: &mut Value, fields: Value) {
    match (base, fields) {
        (Value::Object(base), Value::Object(fields)) => {
            for (key, value) in fields {
                match base.get_mut(&key) {
                    Some(existing) => merge(existing, value),
                    None => {
                        base.insert(key, value);
                    }
                }
            }
        }
        (base, fields) => *base = fields,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn f(text: &str) -> FieldArg {
        FieldArg {
            text: text.into(),
            typed: false,
        }
    }

    fn typed(text: &str) -> FieldArg {
        FieldArg {
            text: text.into(),
            typed: true,
        }
    }

    #[test]
    fn nested_brackets_build_maps_and_lists() {
        let body = build(&[
            typed("fields[OPPORTUNITY]=10"),
            f("fields[PHONE][0][VALUE]=+1"),
            f("fields[PHONE][0][VALUE_TYPE]=WORK"),
            f("fields[TITLE]=Deal"),
        ])
        .unwrap();
        assert_eq!(
            body,
            json!({"fields": {"OPPORTUNITY": 10, "PHONE": [{"VALUE": "+1", "VALUE_TYPE": "WORK"}], "TITLE": "Deal"}})
        );
    }

    #[test]
    fn empty_brackets_append_after_the_largest_integer_key() {
        let body = build(&[
            f("a[]=x"),
            f("a[5]=y"),
            f("a[]=z"),
            f("select[]=ID"),
            f("select[]=TITLE"),
        ])
        .unwrap();
        assert_eq!(
            body,
            json!({"a": {"0": "x", "5": "y", "6": "z"}, "select": ["ID", "TITLE"]})
        );
    }

    #[test]
    fn typed_values_and_strings() {
        let body = build(&[
            typed("n=-3"),
            typed("x=1.5"),
            typed("t=true"),
            typed("z=null"),
            typed("code=007"),
            f("s=true"),
        ])
        .unwrap();
        assert_eq!(
            body,
            json!({"n": -3, "x": 1.5, "t": true, "z": null, "code": "007", "s": "true"})
        );
    }

    #[test]
    fn later_pairs_replace_earlier_ones_like_php() {
        let body = build(&[f("a=1"), f("a[b]=2")]).unwrap();
        assert_eq!(body, json!({"a": {"b": "2"}}));
        let body = build(&[f("a[b]=2"), f("a=1")]).unwrap();
        assert_eq!(body, json!({"a": "1"}));
    }

    #[test]
    fn non_canonical_numbers_are_string_keys() {
        let body = build(&[f("a[01]=x"), f("a[1]=y")]).unwrap();
        assert_eq!(body, json!({"a": {"01": "x", "1": "y"}}));
    }

    #[test]
    fn malformed_keys_are_refused() {
        for bad in ["novalue", "=x", "a[b=1", "a]=1", "a[b]c=1", "a[[b]]=1"] {
            let error = build(&[typed(bad)]).unwrap_err();
            assert_eq!(error.class, crate::exit::Class::Usage, "{bad}");
        }
    }

    #[test]
    fn file_values_are_read() {
        let dir = std::env::temp_dir().join(format!("b24-fields-{}", std::process::id()));
        std::fs::write(&dir, "contents").unwrap();
        let body = build(&[typed(&format!("c=@{}", dir.display()))]).unwrap();
        std::fs::remove_file(&dir).unwrap();
        assert_eq!(body, json!({"c": "contents"}));
        assert!(build(&[typed("c=@/nonexistent/b24")]).is_err());
    }

    #[test]
    fn merge_overlays_maps() {
        let mut base = json!({"fields": {"TITLE": "a", "X": 1}, "id": 1});
        merge(&mut base, json!({"fields": {"TITLE": "b"}}));
        assert_eq!(base, json!({"fields": {"TITLE": "b", "X": 1}, "id": 1}));
    }
}
