//! Request parameter decoding: PHP's `parse_str`, multipart form fields, JSON bodies, and the
//! portal's query/body merge (PROTOCOL §2).
//!
//! Everything here is a pure function of its input. Values decoded from query strings and form
//! bodies are always strings; JSON bodies keep their JSON types.

use std::collections::HashMap;

use crate::value::{JsonError, Value};

/// PHP's `max_input_nesting_level` default: deeper variables are dropped.
const MAX_NESTING: usize = 64;

/// PHP's `max_input_vars` as Bitrix24 requires it of a portal (PHP's own default is 1,000):
/// the default number of variables one query string, form body or `batch` command may hold.
pub const DEFAULT_MAX_INPUT_VARS: usize = 10_000;

/// Values a JSON body may hold. PHP's `json_decode` has no such count, but the portal's
/// `memory_limit` stops a body that expands enough; the emulator answers a clear error
/// instead of building a tree 30 times the size of the body.
pub const MAX_JSON_VALUES: usize = 200_000;

/// Why the parameters of a request could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputError {
    /// More variables than `max_input_vars` (the limit it carries). PHP keeps the first ones
    /// and warns; the emulator refuses, so that a client never mistakes a cut request for a
    /// whole one.
    TooManyVars(usize),
    /// A JSON body with more values than [`MAX_JSON_VALUES`].
    TooManyJsonValues(usize),
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            InputError::TooManyVars(limit) => write!(
                f,
                "Input variables exceeded {limit}. To increase the limit change max_input_vars in php.ini."
            ),
            InputError::TooManyJsonValues(limit) => {
                write!(f, "The JSON body holds more than {limit} values.")
            }
        }
    }
}

impl std::error::Error for InputError {}

/// Arrays up to this many entries are searched linearly; larger ones get a hash index.
const INDEX_FROM: usize = 16;

/// A PHP array under construction: entries in insertion order with an index by key (built
/// once the array grows), and PHP's next free integer key, so that placing a variable costs
/// the same however many came before.
#[derive(Debug, Default)]
struct Arr {
    /// Keys are canonical strings; integer keys in decimal form.
    entries: Vec<(String, Node)>,
    index: Option<HashMap<String, usize>>,
    /// The largest integer key so far (`nNextFreeElement - 1`).
    max_int: Option<i64>,
}

#[derive(Debug)]
enum Node {
    Leaf(String),
    Arr(Arr),
}

impl Arr {
    fn position(&self, key: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(key).copied(),
            None => self.entries.iter().position(|(k, _)| k == key),
        }
    }

    /// PHP's next free integer key; `None` when it would overflow (PHP drops the element).
    fn next_index(&self) -> Option<i64> {
        self.max_int.map_or(Some(0), |max| max.checked_add(1))
    }

    /// The slot of `key`, created (holding `node()`) when missing; an existing slot is left
    /// as it is.
    fn slot(&mut self, key: String, node: impl FnOnce() -> Node) -> &mut Node {
        let pos = match self.position(&key) {
            Some(pos) => pos,
            None => {
                if let Some(i) = int_key(&key) {
                    self.max_int = Some(self.max_int.map_or(i, |max| max.max(i)));
                }
                let pos = self.entries.len();
                if let Some(index) = &mut self.index {
                    index.insert(key.clone(), pos);
                }
                self.entries.push((key, node()));
                if self.index.is_none() && self.entries.len() > INDEX_FROM {
                    let keys = self.entries.iter().enumerate();
                    self.index = Some(keys.map(|(i, (k, _))| (k.clone(), i)).collect());
                }
                pos
            }
        };
        &mut self.entries[pos].1
    }

    /// Sets `key` (replacing the value in place, as PHP does).
    fn set(&mut self, key: String, value: String) {
        *self.slot(key, || Node::Leaf(String::new())) = Node::Leaf(value);
    }

    /// The array at `key` (`None` = the next free integer key), replacing a scalar there by an
    /// empty array. `None` when the next integer key would overflow.
    fn child(&mut self, key: Option<String>) -> Option<&mut Arr> {
        let key = match key {
            Some(key) => key,
            None => self.next_index()?.to_string(),
        };
        let slot = self.slot(key, || Node::Arr(Arr::default()));
        if let Node::Leaf(_) = slot {
            *slot = Node::Arr(Arr::default());
        }
        match slot {
            Node::Arr(arr) => Some(arr),
            Node::Leaf(_) => None,
        }
    }
}

/// A form being decoded: the top-level array and the variables registered so far.
struct Form {
    root: Arr,
    vars: usize,
    max_vars: usize,
}

impl Form {
    fn new(max_vars: usize) -> Form {
        Form {
            root: Arr::default(),
            vars: 0,
            max_vars,
        }
    }

    /// Registers one variable, counting it against `max_input_vars` first.
    fn add(&mut self, name: &str, value: String) -> Result<(), InputError> {
        self.vars += 1;
        if self.vars > self.max_vars {
            return Err(InputError::TooManyVars(self.max_vars));
        }
        register(&mut self.root, name, value);
        Ok(())
    }

    fn finish(self) -> Value {
        finish_map(self.root.entries)
    }
}

/// Parameters that the portal consumes itself and never passes to a method.
pub const RESERVED_PARAMS: &[&str] = &[
    "auth",
    "access_token",
    "auth_connector",
    "aplogin",
    "ap",
    "state",
    "method",
];

/// Decodes `application/x-www-form-urlencoded` text (or a query string) the way PHP's
/// `parse_str` does and returns the resulting map, however many variables it holds (see
/// [`parse_str_limited`]).
///
/// * `a[b][c]=1` builds nested maps, `a[]=1&a[]=2` appends, numeric keys are PHP integer keys;
/// * a repeated key keeps the last value; `+` is a space; `%XX` is percent-decoded (invalid
///   escapes stay literal, invalid UTF-8 is replaced);
/// * in the top-level name, `.` and space become `_` and leading spaces are dropped;
/// * an unterminated bracket (`a[b=1`) turns into `_` (`a_b`), as in PHP.
///
/// Arrays whose keys are exactly `0..n` in order come out as [`Value::List`], others as
/// [`Value::Map`] (what `json_encode` would do). The top level is always a map. Time and
/// memory are linear in the input.
pub fn parse_str(input: &str) -> Value {
    parse_str_limited(input, usize::MAX).unwrap_or_else(|_| Value::empty_map())
}

/// [`parse_str`] with PHP's `max_input_vars`: more than `max_vars` variables (non-empty
/// `&`-separated parts) is an error, found before the rest of the input is decoded.
pub fn parse_str_limited(input: &str, max_vars: usize) -> Result<Value, InputError> {
    let mut form = Form::new(max_vars);
    for pair in input.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        form.add(&url_decode(k), url_decode(v))?;
    }
    Ok(form.finish())
}

/// Registers already-decoded `(name, value)` pairs as PHP would register form variables
/// (bracket syntax in `name`), e.g. fields of a `multipart/form-data` body.
pub fn from_pairs(pairs: impl IntoIterator<Item = (String, String)>) -> Value {
    let mut form = Form::new(usize::MAX);
    for (name, value) in pairs {
        // An unlimited form never refuses a variable.
        let _ = form.add(&name, value);
    }
    form.finish()
}

/// PHP `urldecode`: `+` → space, `%XX` → byte; malformed escapes are kept as they are.
pub fn url_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// PHP `urlencode`: alphanumerics and `-_.` stay, space → `+`, everything else `%XX`
/// (upper-case hex).
pub fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => out.push(char::from(b)),
            b' ' => out.push('+'),
            _ => {
                const HEX: &[u8; 16] = b"0123456789ABCDEF";
                out.push('%');
                out.push(char::from(HEX[usize::from(b >> 4)]));
                out.push(char::from(HEX[usize::from(b & 15)]));
            }
        }
    }
    out
}

/// PHP `http_build_query` of a map or list: nested arrays in bracket syntax (brackets
/// percent-encoded), `null` skipped, `true`/`false` as `1`/`0`, `&` as the separator.
pub fn build_query(value: &Value) -> String {
    let mut parts = Vec::new();
    for (k, v) in value.entries() {
        build_pair(&url_encode(&k), v, &mut parts);
    }
    parts.join("&")
}

fn build_pair(prefix: &str, value: &Value, parts: &mut Vec<String>) {
    match value {
        Value::Null => {}
        Value::List(_) | Value::Map(_) => {
            for (k, v) in value.entries() {
                build_pair(&format!("{prefix}%5B{}%5D", url_encode(&k)), v, parts);
            }
        }
        Value::Bool(b) => parts.push(format!("{prefix}={}", u8::from(*b))),
        scalar => parts.push(format!(
            "{prefix}={}",
            url_encode(&scalar.php_string().unwrap_or_default())
        )),
    }
}

/// Percent-decodes a URL path segment (`+` stays a plus).
pub fn path_decode(s: &str) -> String {
    url_decode(&s.replace('+', "%2B"))
}

fn hex(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Whether `k` is a canonical PHP integer key (`"0"`, `"17"`, `"-3"`, not `"05"` or `"-0"`).
fn int_key(k: &str) -> Option<i64> {
    let digits = k.strip_prefix('-').unwrap_or(k);
    let canonical = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" && !k.starts_with('-') || !digits.starts_with('0'));
    if canonical { k.parse().ok() } else { None }
}

/// `php_register_variable_ex` for one variable. Works on bytes: every character it looks for
/// is ASCII, so every cut falls on a character boundary.
fn register(root: &mut Arr, name: &str, value: String) {
    let name = name.trim_start_matches(' ');
    let bytes = name.as_bytes();
    let mangle = |part: &str, also: &[char]| -> String {
        part.chars()
            .map(|c| {
                if c == ' ' || c == '.' || also.contains(&c) {
                    '_'
                } else {
                    c
                }
            })
            .collect()
    };
    let bracket = bytes.iter().position(|&b| b == b'[');
    let base_end = bracket.unwrap_or(bytes.len());
    let mut base = mangle(&name[..base_end], &[]);
    if base.is_empty() {
        return;
    }
    // Index segments after the base: `None` = append (`[]`).
    let mut path: Vec<Option<String>> = Vec::new();
    if let Some(mut open) = bracket {
        loop {
            let start = open + 1;
            let mut j = start;
            if bytes.get(j) == Some(&b' ') {
                j += 1;
            }
            let close;
            if bytes.get(j) == Some(&b']') {
                path.push(None);
                close = j;
            } else {
                match bytes[j.min(bytes.len())..].iter().position(|&b| b == b']') {
                    Some(off) => {
                        close = j + off;
                        path.push(Some(name[start..close].to_owned()));
                    }
                    None => {
                        // Not an index: the `[` becomes `_` when it follows the base name;
                        // deeper, the rest of the name is ignored.
                        if path.is_empty() {
                            base.push('_');
                            base.push_str(&mangle(&name[start.min(bytes.len())..], &['[']));
                        }
                        break;
                    }
                }
            }
            if path.len() > MAX_NESTING {
                return;
            }
            if bytes.get(close + 1) == Some(&b'[') {
                open = close + 1;
            } else {
                break;
            }
        }
    }
    // Walk down to the array that holds the last segment.
    let mut arr = root;
    let mut key = Some(base);
    for next in path {
        let Some(child) = arr.child(key) else {
            return;
        };
        arr = child;
        key = next;
    }
    match key {
        Some(key) => arr.set(key, value),
        None => {
            if let Some(i) = arr.next_index() {
                arr.set(i.to_string(), value);
            }
        }
    }
}

fn finish(node: Node) -> Value {
    match node {
        Node::Leaf(s) => Value::Str(s),
        Node::Arr(arr) => {
            let entries = arr.entries;
            let is_list = entries
                .iter()
                .enumerate()
                .all(|(i, (k, _))| int_key(k).is_some_and(|k| usize::try_from(k) == Ok(i)));
            if is_list && !entries.is_empty() {
                Value::List(entries.into_iter().map(|(_, n)| finish(n)).collect())
            } else {
                finish_map(entries)
            }
        }
    }
}

fn finish_map(entries: Vec<(String, Node)>) -> Value {
    Value::Map(entries.into_iter().map(|(k, n)| (k, finish(n))).collect())
}

/// Parses the fields of a `multipart/form-data` body (file parts are skipped).
pub fn parse_multipart(body: &[u8], boundary: &str) -> Value {
    parse_multipart_limited(body, boundary, usize::MAX).unwrap_or_else(|_| Value::empty_map())
}

/// [`parse_multipart`] with PHP's `max_input_vars` (every field counts).
fn parse_multipart_limited(
    body: &[u8],
    boundary: &str,
    max_vars: usize,
) -> Result<Value, InputError> {
    let delimiter = format!("--{boundary}");
    let text = String::from_utf8_lossy(body);
    let mut form = Form::new(max_vars);
    for part in text.split(delimiter.as_str()).skip(1) {
        if part.starts_with("--") {
            break;
        }
        let part = part.strip_prefix("\r\n").unwrap_or(part);
        let Some((head, content)) = part.split_once("\r\n\r\n") else {
            continue;
        };
        let content = content.strip_suffix("\r\n").unwrap_or(content);
        let mut name = None;
        let mut is_file = false;
        for line in head.lines() {
            let lower = line.to_ascii_lowercase();
            if !lower.starts_with("content-disposition:") {
                continue;
            }
            for attr in line.split(';').map(str::trim) {
                if let Some(v) = attr.strip_prefix("name=") {
                    name = Some(v.trim_matches('"').to_owned());
                } else if attr.starts_with("filename=") {
                    is_file = true;
                }
            }
        }
        if let (Some(name), false) = (name, is_file) {
            form.add(&name, content.to_owned())?;
        }
    }
    Ok(form.finish())
}

/// Decodes a request body according to its `Content-Type` (PROTOCOL §2 step 2).
///
/// * `application/x-www-form-urlencoded` → [`parse_str_limited`];
/// * `multipart/form-data` → [`parse_multipart`] (at most `max_vars` fields);
/// * `application/json` → JSON (at most [`MAX_JSON_VALUES`] values); invalid JSON or a
///   non-array value → no parameters;
/// * anything else → the raw body parsed as a query string.
///
/// Time and memory are linear in the body; a limit is reported as soon as it is crossed.
pub fn decode_body(
    content_type: Option<&str>,
    body: &[u8],
    max_vars: usize,
) -> Result<Value, InputError> {
    if body.is_empty() {
        return Ok(Value::empty_map());
    }
    let ct = content_type.unwrap_or("");
    let mime = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match mime.as_str() {
        "application/json" => match Value::from_json_limited(body, MAX_JSON_VALUES) {
            Ok(map @ Value::Map(_)) => Ok(map),
            Ok(Value::List(items)) => Ok(Value::Map(
                items
                    .into_iter()
                    .enumerate()
                    .map(|(i, v)| (i.to_string(), v))
                    .collect(),
            )),
            Err(JsonError::TooManyValues(limit)) => Err(InputError::TooManyJsonValues(limit)),
            Ok(_) | Err(JsonError::Invalid) => Ok(Value::empty_map()),
        },
        "multipart/form-data" => {
            let boundary = ct.split(';').skip(1).find_map(|attr| {
                attr.trim()
                    .strip_prefix("boundary=")
                    .map(|b| b.trim_matches('"').to_owned())
            });
            match boundary {
                Some(b) if !b.is_empty() => parse_multipart_limited(body, &b, max_vars),
                _ => Ok(Value::empty_map()),
            }
        }
        _ => parse_str_limited(&String::from_utf8_lossy(body), max_vars),
    }
}

/// Shallow overlay: every top-level key of `top` replaces the same key of `base` (linear
/// time, however many keys either side has).
pub fn overlay(mut base: Value, top: Value) -> Value {
    if let Value::Map(entries) = top {
        base.extend(entries);
    }
    base
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(s: &str) -> String {
        parse_str(s).to_json()
    }

    fn body_json(content_type: Option<&str>, body: &[u8]) -> String {
        decode_body(content_type, body, DEFAULT_MAX_INPUT_VARS)
            .map(|v| v.to_json())
            .unwrap_or_else(|e| e.to_string())
    }

    #[test]
    fn flat_and_last_wins() {
        assert_eq!(json("a=1&b=2&a=3"), r#"{"a":"3","b":"2"}"#);
        assert_eq!(json(""), "[]");
        assert_eq!(json("a&b="), r#"{"a":"","b":""}"#);
        assert_eq!(json("&&a=1&&"), r#"{"a":"1"}"#);
        assert_eq!(json("=1"), "[]");
    }

    #[test]
    fn decoding() {
        assert_eq!(json("a=hello+world%21"), r#"{"a":"hello world!"}"#);
        assert_eq!(json("a=%D0%9F%D1%80"), r#"{"a":"Пр"}"#);
        assert_eq!(
            json("a=100%&b=%zz&c=%4"),
            r#"{"a":"100%","b":"%zz","c":"%4"}"#
        );
        assert_eq!(json("a%5Bb%5D=1"), r#"{"a":{"b":"1"}}"#);
        assert_eq!(json("x=a%26b%3Dc"), r#"{"x":"a\u0026b=c"}"#);
    }

    #[test]
    fn nested_maps() {
        assert_eq!(
            json(
                "fields[TITLE]=Deal&fields[PHONE][0][VALUE]=123&fields[PHONE][0][VALUE_TYPE]=WORK"
            ),
            r#"{"fields":{"TITLE":"Deal","PHONE":[{"VALUE":"123","VALUE_TYPE":"WORK"}]}}"#
        );
        assert_eq!(
            json("a[b][c]=1&a[b][d]=2"),
            r#"{"a":{"b":{"c":"1","d":"2"}}}"#
        );
    }

    #[test]
    fn append_and_numeric_keys() {
        assert_eq!(json("a[]=1&a[]=2"), r#"{"a":["1","2"]}"#);
        assert_eq!(json("a[5]=x&a[]=y"), r#"{"a":{"5":"x","6":"y"}}"#);
        assert_eq!(json("a[0]=x&a[1]=y"), r#"{"a":["x","y"]}"#);
        assert_eq!(json("a[1]=x&a[0]=y"), r#"{"a":{"1":"x","0":"y"}}"#);
        assert_eq!(json("a[05]=x&a[]=y"), r#"{"a":{"05":"x","0":"y"}}"#);
        assert_eq!(json("a[][x]=1&a[][x]=2"), r#"{"a":[{"x":"1"},{"x":"2"}]}"#);
        assert_eq!(json("a[ ]=1"), r#"{"a":["1"]}"#);
    }

    #[test]
    fn scalar_replaced_by_array_and_back() {
        assert_eq!(json("a=1&a[b]=2"), r#"{"a":{"b":"2"}}"#);
        assert_eq!(json("a[b]=2&a=1"), r#"{"a":"1"}"#);
    }

    #[test]
    fn php_name_mangling() {
        assert_eq!(json("a.b=1"), r#"{"a_b":"1"}"#);
        assert_eq!(json("a+b=1"), r#"{"a_b":"1"}"#);
        assert_eq!(json("+a=1"), r#"{"a":"1"}"#);
        assert_eq!(json("a[b.c]=1"), r#"{"a":{"b.c":"1"}}"#);
        assert_eq!(json("a[b=1"), r#"{"a_b":"1"}"#);
        assert_eq!(json("a[b.c=1"), r#"{"a_b_c":"1"}"#);
        assert_eq!(json("a[b][c=1"), r#"{"a":{"b":"1"}}"#);
        assert_eq!(json("a[b]c=1"), r#"{"a":{"b":"1"}}"#);
        assert_eq!(json("a]=1"), r#"{"a]":"1"}"#);
        assert_eq!(json("[a]=1"), "[]");
        assert_eq!(json("a["), r#"{"a_":""}"#);
    }

    #[test]
    fn garbage_never_panics() {
        let samples = [
            "%",
            "%%",
            "%e",
            "%\u{00e9}",
            "[[[",
            "a[[]]]=1",
            "]]",
            "a[]]]",
            "a[[b]]=1",
            "\u{0434}[\u{0436}]=\u{044f}",
            "a[b][c][=1",
            "a[ [ ]=1",
            "==",
            "&=&",
            "a[]=1&a[x][]=2&a[]=3",
            "a[9223372036854775807]=1&a[]=2",
            "a[-5]=1&a[]=2",
        ];
        for s in samples {
            let _ = parse_str(s).to_json();
        }
        assert_eq!(json("a[-5]=1&a[]=2"), r#"{"a":{"-5":"1","-4":"2"}}"#);
        assert_eq!(
            json("a[9223372036854775807]=1&a[]=2"),
            r#"{"a":{"9223372036854775807":"1"}}"#
        );
    }

    #[test]
    fn http_build_query() {
        let v = Value::object([
            ("event", Value::from("ONCRMDEALADD")),
            (
                "data",
                Value::object([("FIELDS", Value::object([("ID", Value::from("6641"))]))]),
            ),
            ("n", Value::Null),
            ("t", Value::Bool(true)),
            (
                "l",
                Value::List(vec![Value::from("a b"), Value::from("&=")]),
            ),
        ]);
        let q = build_query(&v);
        assert_eq!(
            q,
            "event=ONCRMDEALADD&data%5BFIELDS%5D%5BID%5D=6641&t=1&l%5B0%5D=a+b&l%5B1%5D=%26%3D"
        );
        assert_eq!(
            json(&q),
            r#"{"event":"ONCRMDEALADD","data":{"FIELDS":{"ID":"6641"}},"t":"1","l":["a b","\u0026="]}"#
        );
    }

    #[test]
    fn deep_nesting_is_dropped() {
        let key = format!("a{}", "[x]".repeat(70));
        assert_eq!(json(&format!("{key}=1&b=2")), r#"{"b":"2"}"#);
    }

    #[test]
    fn bodies() {
        let ct = Some("application/json; charset=utf-8");
        assert_eq!(
            body_json(ct, br#"{"fields":{"title":"HR","typeIds":[1,2]}}"#),
            r#"{"fields":{"title":"HR","typeIds":[1,2]}}"#
        );
        assert_eq!(body_json(ct, b"{not json"), "[]");
        assert_eq!(body_json(ct, b"42"), "[]");
        assert_eq!(body_json(ct, b"[1,2]"), r#"{"0":1,"1":2}"#);
        assert_eq!(
            body_json(Some("application/x-www-form-urlencoded"), b"a[]=1"),
            r#"{"a":["1"]}"#
        );
        // JSON with a non-JSON content type is parsed as a query string.
        assert_eq!(
            body_json(Some("text/plain"), b"a=1&b=2"),
            r#"{"a":"1","b":"2"}"#
        );
        assert_eq!(body_json(None, b"a=1"), r#"{"a":"1"}"#);
    }

    #[test]
    fn multipart() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"fields[title]\"\r\n\r\nHR\r\n--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\n\r\ndata\r\n--XyZ--\r\n";
        assert_eq!(
            body_json(Some("multipart/form-data; boundary=XyZ"), body),
            r#"{"fields":{"title":"HR"}}"#
        );
    }

    /// `name(i)=1` for `i` in `0..n`, joined by `&`.
    fn form_of(n: usize, name: impl Fn(usize) -> String) -> String {
        (0..n)
            .map(|i| format!("{}=1", name(i)))
            .collect::<Vec<_>>()
            .join("&")
    }

    #[test]
    fn decoding_time_is_linear_in_the_keys() {
        // Placing each key by a linear search took 2.2 s for 40,000 flat keys and 8.6 s for
        // 40,000 appends (release build); 200,000 would have taken minutes.
        let n = 200_000;
        type Name = fn(usize) -> String;
        let shapes: [(&str, Name); 3] = [
            ("flat", |i| format!("k{i}")),
            ("nested", |i| format!("a[k{i}]")),
            ("append", |_| "a[]".to_owned()),
        ];
        for (shape, name) in shapes {
            let form = form_of(n, name);
            let started = std::time::Instant::now();
            let value = parse_str(&form);
            let elapsed = started.elapsed();
            println!("{n} {shape} keys decoded in {elapsed:?}");
            let entries = match (shape, &value) {
                ("flat", v) => v.entries().len(),
                (_, v) => v.get("a").map_or(0, |a| a.entries().len()),
            };
            assert_eq!(entries, n, "{shape}");
            assert!(elapsed.as_secs_f64() < 10.0, "{shape}: {elapsed:?}");
        }
        assert_eq!(
            parse_str(&form_of(3, |_| "a[]".to_owned())).to_json(),
            r#"{"a":["1","1","1"]}"#
        );
    }

    #[test]
    fn max_input_vars_like_php() {
        let limit = |s: &str, n| parse_str_limited(s, n).map(|v| v.to_json());
        // Empty parts do not count, empty names do (PHP 8.2: `max_input_vars=2`).
        assert_eq!(
            limit("a=1&&&&b=2", 2),
            Ok(r#"{"a":"1","b":"2"}"#.to_owned())
        );
        assert_eq!(limit("=1&=2&a=1", 2), Err(InputError::TooManyVars(2)));
        assert_eq!(
            limit("a[]=1&a[]=2&a[]=3", 2),
            Err(InputError::TooManyVars(2))
        );
        assert_eq!(
            InputError::TooManyVars(1000).to_string(),
            "Input variables exceeded 1000. To increase the limit change max_input_vars in php.ini."
        );
        // A million variables are refused after the first 10,001, not decoded.
        let huge = form_of(1_000_000, |i| format!("k{i}"));
        let started = std::time::Instant::now();
        let refused = parse_str_limited(&huge, DEFAULT_MAX_INPUT_VARS);
        assert_eq!(
            refused,
            Err(InputError::TooManyVars(DEFAULT_MAX_INPUT_VARS))
        );
        assert!(
            started.elapsed().as_secs_f64() < 1.0,
            "{:?}",
            started.elapsed()
        );
        // Multipart fields count too.
        let part = "--b\r\nContent-Disposition: form-data; name=\"x[]\"\r\n\r\n1\r\n";
        let body = format!("{}--b--\r\n", part.repeat(3));
        let ct = Some("multipart/form-data; boundary=b");
        assert_eq!(body_json(ct, body.as_bytes()), r#"{"x":["1","1","1"]}"#);
        assert_eq!(
            decode_body(ct, body.as_bytes(), 2),
            Err(InputError::TooManyVars(2))
        );
        // JSON bodies have their own ceiling, on values rather than variables.
        let json = format!("[{}0]", "0,".repeat(MAX_JSON_VALUES));
        assert_eq!(
            decode_body(Some("application/json"), json.as_bytes(), 1),
            Err(InputError::TooManyJsonValues(MAX_JSON_VALUES))
        );
    }

    #[test]
    fn overlay_is_shallow() {
        let merged = overlay(parse_str("a[x]=1&b=2"), parse_str("a[y]=3"));
        assert_eq!(merged.to_json(), r#"{"a":{"y":"3"},"b":"2"}"#);
    }
}
