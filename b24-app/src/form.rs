//! PHP's `parse_str`: the decoder of the form bodies Bitrix24 sends to applications
//! (`event=…&data[FIELDS][ID]=…&auth[member_id]=…`), the inverse of
//! [`b24_core::form::to_query_string`].
//!
//! It follows PHP's rules, checked against `php -r 'parse_str(…)'`: `+` and `%XX` decoding;
//! leading spaces of a name dropped, `.` and ` ` in the base name turned into `_`; a `[` without
//! its `]` becomes `_` (and ` `, `.`, `[` after it too); `[]` appends at the next integer key;
//! anything after a `]` that is not `[` is ignored; numeric keys (`"5"`, `"-3"`, not `"05"`)
//! are integers; a later value replaces an earlier one, a scalar by an array and back; names
//! nested deeper than 64 levels are dropped, and at most 1000 pairs are read.
//!
//! The result is JSON as PHP's `json_encode` writes the array: a list when the keys are
//! `0..n` in order (so nothing at all is `[]`), an object otherwise; every value a string.

use serde_json::{Map, Value};

/// Deepest nesting PHP accepts (`max_input_nesting_level`).
pub const MAX_DEPTH: usize = 64;
/// Most pairs PHP reads (`max_input_vars`).
pub const MAX_PAIRS: usize = 1000;

#[derive(Debug, Clone, PartialEq)]
enum Key {
    Int(i64),
    Text(String),
}

#[derive(Debug, Clone)]
enum Node {
    Leaf(String),
    Array(Array),
}

#[derive(Debug, Clone, Default)]
struct Array {
    entries: Vec<(Key, Node)>,
    next: Option<i64>,
}

impl Array {
    fn key(text: &str) -> Key {
        let canonical = text == "0"
            || (text
                .strip_prefix('-')
                .unwrap_or(text)
                .starts_with(|c: char| ('1'..='9').contains(&c))
                && text
                    .strip_prefix('-')
                    .unwrap_or(text)
                    .bytes()
                    .all(|b| b.is_ascii_digit()));
        match text.parse::<i64>() {
            Ok(n) if canonical => Key::Int(n),
            _ => Key::Text(text.to_owned()),
        }
    }

    fn note(&mut self, key: &Key) {
        if let Key::Int(n) = key {
            let after = n.saturating_add(1);
            self.next = Some(self.next.map_or(after, |m| m.max(after)));
        }
    }

    /// The slot for `key` (`None` = append), created empty if missing.
    fn slot(&mut self, key: Option<&str>) -> &mut Node {
        let key = match key {
            Some(text) => Array::key(text),
            None => Key::Int(self.next.unwrap_or(0)),
        };
        self.note(&key);
        match self.entries.iter().position(|(k, _)| *k == key) {
            Some(i) => &mut self.entries[i].1,
            None => {
                self.entries.push((key, Node::Leaf(String::new())));
                let last = self.entries.len() - 1;
                &mut self.entries[last].1
            }
        }
    }

    fn into_json(self) -> Value {
        let sequential = self
            .entries
            .iter()
            .enumerate()
            .all(|(i, (k, _))| *k == Key::Int(i as i64));
        if sequential {
            return Value::Array(
                self.entries
                    .into_iter()
                    .map(|(_, n)| n.into_json())
                    .collect(),
            );
        }
        let map: Map<String, Value> = self
            .entries
            .into_iter()
            .map(|(k, n)| {
                let key = match k {
                    Key::Int(i) => i.to_string(),
                    Key::Text(t) => t,
                };
                (key, n.into_json())
            })
            .collect();
        Value::Object(map)
    }
}

impl Node {
    fn into_json(self) -> Value {
        match self {
            Node::Leaf(s) => Value::String(s),
            Node::Array(a) => a.into_json(),
        }
    }

    /// This node as an array (a scalar is replaced by an empty one).
    fn array(&mut self) -> &mut Array {
        if !matches!(self, Node::Array(_)) {
            *self = Node::Array(Array::default());
        }
        match self {
            Node::Array(a) => a,
            Node::Leaf(_) => unreachable!("just made an array"),
        }
    }
}

/// Decodes a query string or form body as PHP's `parse_str` does.
pub fn parse_str(input: &str) -> Value {
    let mut root = Array::default();
    for pair in input.split('&').filter(|p| !p.is_empty()).take(MAX_PAIRS) {
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        register(&mut root, &decode(name), decode(value));
    }
    root.into_json()
}

/// `urldecode`: `+` is a space, `%XX` a byte; the bytes are read as UTF-8 (lossy).
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).ok();
                match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
                    Some(b) => {
                        out.push(b);
                        i += 2;
                    }
                    None => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// PHP's `php_register_variable_ex` for one decoded name and value.
fn register(root: &mut Array, name: &str, value: String) {
    let name = name.trim_start_matches(' ');
    let mut base = String::new();
    let mut rest = None;
    for (i, c) in name.char_indices() {
        match c {
            ' ' | '.' => base.push('_'),
            '[' => {
                rest = Some(&name[i + 1..]);
                break;
            }
            c => base.push(c),
        }
    }
    if base.is_empty() {
        return;
    }
    let Some(mut rest) = rest else {
        *root.slot(Some(&base)) = Node::Leaf(value);
        return;
    };
    // The indices, each `[...]`; collected first so that a too-deep name changes nothing.
    let mut indices: Vec<Option<String>> = Vec::new();
    loop {
        let Some(close) = rest.find(']') else {
            if indices.is_empty() {
                // Not an index: the `[` and the rest become part of the name.
                let tail: String = rest
                    .chars()
                    .map(|c| if matches!(c, ' ' | '.' | '[') { '_' } else { c })
                    .collect();
                *root.slot(Some(&format!("{base}_{tail}"))) = Node::Leaf(value);
                return;
            }
            break;
        };
        let index = &rest[..close];
        indices.push((!index.is_empty()).then(|| index.to_owned()));
        if indices.len() > MAX_DEPTH {
            return;
        }
        rest = &rest[close + 1..];
        match rest.strip_prefix('[') {
            Some(next) => rest = next,
            None => break,
        }
    }
    let mut node = root.slot(Some(&base));
    for index in &indices {
        node = node.array().slot(index.as_deref());
    }
    *node = Node::Leaf(value);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_what_php_reads() {
        // Expected values printed by PHP 8.2's parse_str + json_encode.
        let cases = [
            (
                "a.b=1&a[b=2&x[y][z=3&%20lead=4&a]b=5&[=6&k[]=1&k[]=2&n[-5]=1&n[]=2&q[b.c=7",
                json!({"a_b":"2","x":{"y":"3"},"lead":"4","a]b":"5","k":["1","2"],"n":{"-5":"1","-4":"2"},"q_b_c":"7"}),
            ),
            ("a=1&a[b]=2&c[x]=1&c=3", json!({"a": {"b": "2"}, "c": "3"})),
            (
                "l[0]=a&l[1]=b&m[1]=a&m[0]=b&o[05]=x",
                json!({"l":["a","b"],"m":{"1":"a","0":"b"},"o":{"05":"x"}}),
            ),
            (
                "s=a+b%26c%3D&t=%zz&u",
                json!({"s": "a b&c=", "t": "%zz", "u": ""}),
            ),
            ("", json!([])),
        ];
        for (query, expected) in cases {
            assert_eq!(parse_str(query), expected, "{query}");
        }
    }

    #[test]
    fn too_deep_names_are_dropped() {
        let deep = format!("a{}=x&b=1", "[k]".repeat(MAX_DEPTH + 1));
        assert_eq!(parse_str(&deep), json!({"b": "1"}));
        let ok = format!("a{}=x", "[k]".repeat(MAX_DEPTH));
        assert!(parse_str(&ok)["a"].is_object());
    }
}
