//! Request parameter decoding: PHP's `parse_str`, multipart form fields, JSON bodies, and the
//! portal's query/body merge (PROTOCOL §2).
//!
//! Everything here is a pure function of its input. Values decoded from query strings and form
//! bodies are always strings; JSON bodies keep their JSON types.

use crate::value::Value;

/// PHP's `max_input_nesting_level` default: deeper variables are dropped.
const MAX_NESTING: usize = 64;

/// A PHP array under construction (keys are canonical strings; int keys in decimal form).
#[derive(Debug)]
enum Node {
    Leaf(String),
    Arr(Vec<(String, Node)>),
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
/// `parse_str` does and returns the resulting map.
///
/// * `a[b][c]=1` builds nested maps, `a[]=1&a[]=2` appends, numeric keys are PHP integer keys;
/// * a repeated key keeps the last value; `+` is a space; `%XX` is percent-decoded (invalid
///   escapes stay literal, invalid UTF-8 is replaced);
/// * in the top-level name, `.` and space become `_` and leading spaces are dropped;
/// * an unterminated bracket (`a[b=1`) turns into `_` (`a_b`), as in PHP.
///
/// Arrays whose keys are exactly `0..n` in order come out as [`Value::List`], others as
/// [`Value::Map`] (what `json_encode` would do). The top level is always a map.
pub fn parse_str(input: &str) -> Value {
    let pairs = input.split('&').filter(|p| !p.is_empty()).map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (url_decode(k), url_decode(v))
    });
    from_pairs(pairs)
}

/// Registers already-decoded `(name, value)` pairs as PHP would register form variables
/// (bracket syntax in `name`), e.g. fields of a `multipart/form-data` body.
pub fn from_pairs(pairs: impl IntoIterator<Item = (String, String)>) -> Value {
    let mut root: Vec<(String, Node)> = Vec::new();
    for (name, value) in pairs {
        register(&mut root, &name, value);
    }
    finish_map(root)
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

/// PHP's next free integer key; `None` when it would overflow (PHP drops the element).
fn next_index(entries: &[(String, Node)]) -> Option<i64> {
    match entries.iter().filter_map(|(k, _)| int_key(k)).max() {
        None => Some(0),
        Some(max) => max.checked_add(1),
    }
}

fn set(entries: &mut Vec<(String, Node)>, key: String, node: Node) {
    if let Some(slot) = entries.iter_mut().find(|(k, _)| *k == key) {
        slot.1 = node;
    } else {
        entries.push((key, node));
    }
}

/// `php_register_variable_ex` for one variable.
fn register(root: &mut Vec<(String, Node)>, name: &str, value: String) {
    let name = name.trim_start_matches(' ');
    let chars: Vec<char> = name.chars().collect();
    let bracket = chars.iter().position(|&c| c == '[');
    let base_end = bracket.unwrap_or(chars.len());
    let mut base: String = chars[..base_end]
        .iter()
        .map(|&c| if c == ' ' || c == '.' { '_' } else { c })
        .collect();
    if base.is_empty() {
        return;
    }
    // Index segments after the base: `None` = append (`[]`).
    let mut path: Vec<Option<String>> = Vec::new();
    if let Some(mut open) = bracket {
        loop {
            let start = open + 1;
            let mut j = start;
            if chars.get(j) == Some(&' ') {
                j += 1;
            }
            let close;
            if chars.get(j) == Some(&']') {
                path.push(None);
                close = j;
            } else {
                match chars[j.min(chars.len())..].iter().position(|&c| c == ']') {
                    Some(off) => {
                        close = j + off;
                        path.push(Some(chars[start..close].iter().collect()));
                    }
                    None => {
                        // Not an index: the `[` becomes `_` when it follows the base name;
                        // deeper, the rest of the name is ignored.
                        if path.is_empty() {
                            base.push('_');
                            base.extend(
                                chars[start.min(chars.len())..]
                                    .iter()
                                    .map(|&c| if matches!(c, ' ' | '.' | '[') { '_' } else { c }),
                            );
                        }
                        break;
                    }
                }
            }
            if path.len() > MAX_NESTING {
                return;
            }
            if chars.get(close + 1) == Some(&'[') {
                open = close + 1;
            } else {
                break;
            }
        }
    }
    insert_path(root, Some(base), &path, value);
}

fn insert_path(
    entries: &mut Vec<(String, Node)>,
    key: Option<String>,
    rest: &[Option<String>],
    value: String,
) {
    match rest.split_first() {
        None => match key {
            Some(k) => set(entries, k, Node::Leaf(value)),
            None => {
                if let Some(k) = next_index(entries) {
                    entries.push((k.to_string(), Node::Leaf(value)));
                }
            }
        },
        Some((next, tail)) => {
            let k = match key {
                Some(k) => k,
                None => {
                    let Some(k) = next_index(entries) else {
                        return;
                    };
                    let k = k.to_string();
                    entries.push((k.clone(), Node::Arr(Vec::new())));
                    k
                }
            };
            let pos = match entries.iter().position(|(ek, _)| *ek == k) {
                Some(p) => p,
                None => {
                    entries.push((k, Node::Arr(Vec::new())));
                    entries.len() - 1
                }
            };
            let slot = &mut entries[pos].1;
            if let Node::Leaf(_) = slot {
                *slot = Node::Arr(Vec::new());
            }
            if let Node::Arr(children) = slot {
                insert_path(children, next.clone(), tail, value);
            }
        }
    }
}

fn finish(node: Node) -> Value {
    match node {
        Node::Leaf(s) => Value::Str(s),
        Node::Arr(entries) => {
            let is_list = entries
                .iter()
                .enumerate()
                .all(|(i, (k, _))| *k == i.to_string());
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
    let delimiter = format!("--{boundary}");
    let text = String::from_utf8_lossy(body);
    let mut pairs = Vec::new();
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
            pairs.push((name, content.to_owned()));
        }
    }
    from_pairs(pairs)
}

/// Decodes a request body according to its `Content-Type` (PROTOCOL §2 step 2).
///
/// * `application/x-www-form-urlencoded` → [`parse_str`];
/// * `multipart/form-data` → [`parse_multipart`];
/// * `application/json` → JSON; invalid JSON or a non-array value → no parameters;
/// * anything else → the raw body parsed as a query string.
pub fn decode_body(content_type: Option<&str>, body: &[u8]) -> Value {
    if body.is_empty() {
        return Value::empty_map();
    }
    let ct = content_type.unwrap_or("");
    let mime = ct
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    match mime.as_str() {
        "application/json" => match Value::from_json(body) {
            Some(map @ Value::Map(_)) => map,
            Some(Value::List(items)) => Value::Map(
                items
                    .into_iter()
                    .enumerate()
                    .map(|(i, v)| (i.to_string(), v))
                    .collect(),
            ),
            _ => Value::empty_map(),
        },
        "multipart/form-data" => {
            let boundary = ct.split(';').skip(1).find_map(|attr| {
                attr.trim()
                    .strip_prefix("boundary=")
                    .map(|b| b.trim_matches('"').to_owned())
            });
            match boundary {
                Some(b) if !b.is_empty() => parse_multipart(body, &b),
                _ => Value::empty_map(),
            }
        }
        _ => parse_str(&String::from_utf8_lossy(body)),
    }
}

/// Shallow overlay: every top-level key of `top` replaces the same key of `base`.
pub fn overlay(mut base: Value, top: Value) -> Value {
    if let Value::Map(entries) = top {
        for (k, v) in entries {
            base.insert(k, v);
        }
    }
    base
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(s: &str) -> String {
        parse_str(s).to_json()
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
            decode_body(ct, br#"{"fields":{"title":"HR","typeIds":[1,2]}}"#).to_json(),
            r#"{"fields":{"title":"HR","typeIds":[1,2]}}"#
        );
        assert_eq!(decode_body(ct, b"{not json").to_json(), "[]");
        assert_eq!(decode_body(ct, b"42").to_json(), "[]");
        assert_eq!(decode_body(ct, b"[1,2]").to_json(), r#"{"0":1,"1":2}"#);
        assert_eq!(
            decode_body(Some("application/x-www-form-urlencoded"), b"a[]=1").to_json(),
            r#"{"a":["1"]}"#
        );
        // JSON with a non-JSON content type is parsed as a query string.
        assert_eq!(
            decode_body(Some("text/plain"), b"a=1&b=2").to_json(),
            r#"{"a":"1","b":"2"}"#
        );
        assert_eq!(decode_body(None, b"a=1").to_json(), r#"{"a":"1"}"#);
    }

    #[test]
    fn multipart() {
        let body = b"--XyZ\r\nContent-Disposition: form-data; name=\"fields[title]\"\r\n\r\nHR\r\n--XyZ\r\nContent-Disposition: form-data; name=\"f\"; filename=\"a.txt\"\r\n\r\ndata\r\n--XyZ--\r\n";
        assert_eq!(
            decode_body(Some("multipart/form-data; boundary=XyZ"), body).to_json(),
            r#"{"fields":{"title":"HR"}}"#
        );
    }

    #[test]
    fn overlay_is_shallow() {
        let merged = overlay(parse_str("a[x]=1&b=2"), parse_str("a[y]=3"));
        assert_eq!(merged.to_json(), r#"{"a":{"y":"3"},"b":"2"}"#);
    }
}
