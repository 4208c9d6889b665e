//! An order-preserving, PHP-flavoured JSON value.
//!
//! The portal is written in PHP: request parameters become PHP arrays (ordered maps whose keys
//! are strings or integers) and responses are produced by `json_encode`. [`Value`] models that:
//! maps keep insertion order, an empty map serialises as `[]` (a PHP empty array), and the
//! writer escapes `< > & ' " /` the way the portal's JSON encoder does.

use std::cell::Cell;
use std::collections::HashMap;
use std::fmt::Write as _;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

/// A JSON-like value with ordered maps, used for request parameters and response payloads.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Value {
    /// `null`.
    #[default]
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A floating-point number.
    Float(f64),
    /// A string.
    Str(String),
    /// A list (a PHP array with keys `0..n`).
    List(Vec<Value>),
    /// An ordered map (a PHP array with arbitrary keys). Keys are unique.
    Map(Vec<(String, Value)>),
}

impl Value {
    /// An empty map (serialised as `[]`, like an empty PHP array).
    pub fn empty_map() -> Value {
        Value::Map(Vec::new())
    }

    /// Builds a map from `(key, value)` pairs, keeping their order.
    pub fn object<K: Into<String>>(pairs: impl IntoIterator<Item = (K, Value)>) -> Value {
        Value::Map(pairs.into_iter().map(|(k, v)| (k.into(), v)).collect())
    }

    /// Looks up `key` in a map (exact match). Lists are indexed by their decimal position.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            Value::List(items) => key.parse::<usize>().ok().and_then(|i| items.get(i)),
            _ => None,
        }
    }

    /// Looks up `key` in a map, ignoring ASCII case (exact match preferred).
    pub fn get_ci(&self, key: &str) -> Option<&Value> {
        self.get(key).or_else(|| match self {
            Value::Map(entries) => entries
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(key))
                .map(|(_, v)| v),
            _ => None,
        })
    }

    /// The entries of a map, a list turned into a map first, anything else an empty map.
    fn map_entries(&mut self) -> &mut Vec<(String, Value)> {
        if let Value::List(items) = self {
            let entries = std::mem::take(items)
                .into_iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), v))
                .collect();
            *self = Value::Map(entries);
        }
        if !matches!(self, Value::Map(_)) {
            *self = Value::empty_map();
        }
        match self {
            Value::Map(entries) => entries,
            _ => unreachable!("made a map above"),
        }
    }

    /// Inserts or replaces `key` in a map (a non-map becomes an empty map first).
    pub fn insert(&mut self, key: impl Into<String>, value: Value) {
        let key = key.into();
        let entries = self.map_entries();
        if let Some(slot) = entries.iter_mut().find(|(k, _)| *k == key) {
            slot.1 = value;
        } else {
            entries.push((key, value));
        }
    }

    /// [`Value::insert`] of every pair in order (a repeated key keeps its first place and its
    /// last value), in time linear in both sides.
    pub fn extend(&mut self, pairs: impl IntoIterator<Item = (String, Value)>) {
        let entries = self.map_entries();
        let mut index: HashMap<String, usize> = entries
            .iter()
            .enumerate()
            .map(|(i, (k, _))| (k.clone(), i))
            .collect();
        for (key, value) in pairs {
            match index.get(&key) {
                Some(&i) => entries[i].1 = value,
                None => {
                    index.insert(key.clone(), entries.len());
                    entries.push((key, value));
                }
            }
        }
    }

    /// Removes `key` from a map, returning its value.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        match self {
            Value::Map(entries) => {
                let pos = entries.iter().position(|(k, _)| k == key)?;
                Some(entries.remove(pos).1)
            }
            _ => None,
        }
    }

    /// The string, if this is a string.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Whether this is a scalar (string, number, bool or null).
    pub fn is_scalar(&self) -> bool {
        !matches!(self, Value::List(_) | Value::Map(_))
    }

    /// Entries of a list or map as `(key, value)` pairs (list keys are positions).
    pub fn entries(&self) -> Vec<(String, &Value)> {
        match self {
            Value::List(items) => items
                .iter()
                .enumerate()
                .map(|(i, v)| (i.to_string(), v))
                .collect(),
            Value::Map(entries) => entries.iter().map(|(k, v)| (k.clone(), v)).collect(),
            _ => Vec::new(),
        }
    }

    /// The value as an integer if it is one "strictly": an int, an integral float, or a
    /// string holding a (trimmed) decimal integer.
    pub fn as_int_strict(&self) -> Option<i64> {
        match self {
            Value::Int(i) => Some(*i),
            Value::Float(f) if f.fract() == 0.0 && f.is_finite() && f.abs() < 9.0e15 => {
                Some(*f as i64)
            }
            Value::Str(s) => {
                let t = s.trim();
                let digits = t.strip_prefix(['-', '+']).unwrap_or(t);
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                t.parse::<i64>().ok()
            }
            Value::Bool(b) => Some(i64::from(*b)),
            _ => None,
        }
    }

    /// PHP `intval()`: leading integer of a string (`"12abc"` → 12), 0 for non-numbers.
    pub fn php_intval(&self) -> i64 {
        match self {
            Value::Int(i) => *i,
            Value::Float(f) if f.is_finite() => *f as i64,
            Value::Bool(b) => i64::from(*b),
            Value::Str(s) => {
                let t = s.trim_start();
                let (neg, rest) = match t.as_bytes().first() {
                    Some(b'-') => (true, &t[1..]),
                    Some(b'+') => (false, &t[1..]),
                    _ => (false, t),
                };
                let digits: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
                let n =
                    digits
                        .parse::<i64>()
                        .unwrap_or(if digits.is_empty() { 0 } else { i64::MAX });
                if neg { -n } else { n }
            }
            Value::List(items) => i64::from(!items.is_empty()),
            Value::Map(entries) => i64::from(!entries.is_empty()),
            _ => 0,
        }
    }

    /// PHP boolean conversion (`"0"`, `""`, `0`, empty arrays and `null` are false).
    pub fn php_truthy(&self) -> bool {
        match self {
            Value::Null => false,
            Value::Bool(b) => *b,
            Value::Int(i) => *i != 0,
            Value::Float(f) => *f != 0.0,
            Value::Str(s) => !(s.is_empty() || s == "0"),
            Value::List(items) => !items.is_empty(),
            Value::Map(entries) => !entries.is_empty(),
        }
    }

    /// A scalar rendered as PHP would cast it to a string (`true` → `"1"`, `null` → `""`).
    pub fn php_string(&self) -> Option<String> {
        match self {
            Value::Null => Some(String::new()),
            Value::Bool(b) => Some(if *b { "1".into() } else { String::new() }),
            Value::Int(i) => Some(i.to_string()),
            Value::Float(f) => Some(format_float(*f)),
            Value::Str(s) => Some(s.clone()),
            _ => None,
        }
    }

    /// A PHP array from ordered entries: a list when the keys are exactly `0..n`, else a map.
    pub fn php_array(entries: Vec<(String, Value)>) -> Value {
        let is_list = !entries.is_empty()
            && entries
                .iter()
                .enumerate()
                .all(|(i, (k, _))| *k == i.to_string());
        if is_list {
            Value::List(entries.into_iter().map(|(_, v)| v).collect())
        } else {
            Value::Map(entries)
        }
    }

    /// A list parameter of integers: a list/map of ints, a single int, or numeric strings.
    /// `None` when any element is not an integer.
    pub fn int_list(&self) -> Option<Vec<i64>> {
        match self {
            Value::List(_) | Value::Map(_) => self
                .entries()
                .into_iter()
                .map(|(_, v)| v.as_int_strict())
                .collect(),
            scalar => scalar.as_int_strict().map(|i| vec![i]),
        }
    }

    /// A scalar parameter as non-empty text (`None` for arrays, `null` and `""`).
    pub fn scalar_text(&self) -> Option<String> {
        Some(self)
            .filter(|v| v.is_scalar())
            .and_then(Value::php_string)
            .filter(|s| !s.is_empty())
    }

    /// Serialises as compact JSON the way the portal does (see module docs).
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        write_json(self, &mut out);
        out
    }

    /// Parses JSON text, keeping object key order. `None` when the text is not valid JSON.
    pub fn from_json(text: &[u8]) -> Option<Value> {
        serde_json::from_slice::<Value>(text).ok()
    }

    /// [`Value::from_json`] that stops as soon as the text has held more than `max_values`
    /// values (every scalar, list and map counts), so that memory stays proportional to the
    /// limit, not to what the text would expand to.
    pub fn from_json_limited(text: &[u8], max_values: usize) -> Result<Value, JsonError> {
        let budget = Budget {
            left: Cell::new(max_values),
            exhausted: Cell::new(false),
        };
        let mut de = serde_json::Deserializer::from_slice(text);
        let parsed = Counted(&budget)
            .deserialize(&mut de)
            .and_then(|v| de.end().map(|()| v));
        match parsed {
            Ok(v) => Ok(v),
            Err(_) if budget.exhausted.get() => Err(JsonError::TooManyValues(max_values)),
            Err(_) => Err(JsonError::Invalid),
        }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Str(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::Str(s)
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Self {
        Value::Int(i)
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<Vec<Value>> for Value {
    fn from(items: Vec<Value>) -> Self {
        Value::List(items)
    }
}

impl<T: Into<Value>> From<Option<T>> for Value {
    fn from(v: Option<T>) -> Self {
        v.map_or(Value::Null, Into::into)
    }
}

/// Formats a float like PHP's `json_encode` with `serialize_precision = -1`.
fn format_float(f: f64) -> String {
    if !f.is_finite() {
        return "0".into();
    }
    let s = format!("{f:?}");
    // Rust's Debug gives the shortest round-trip form ("1.0", "0.25", "1e-7").
    if let Some((mantissa, exp)) = s.split_once('e') {
        let mantissa = if mantissa.contains('.') {
            mantissa.to_owned()
        } else {
            format!("{mantissa}.0")
        };
        let exp = exp
            .strip_prefix('-')
            .map_or_else(|| format!("+{exp}"), |e| format!("-{e}"));
        format!("{mantissa}e{exp}")
    } else {
        s
    }
}

fn write_json(value: &Value, out: &mut String) {
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Int(i) => {
            let _ = write!(out, "{i}");
        }
        Value::Float(f) => out.push_str(&format_float(*f)),
        Value::Str(s) => write_string(s, out),
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, out);
            }
            out.push(']');
        }
        Value::Map(entries) if entries.is_empty() => out.push_str("[]"),
        Value::Map(entries) => {
            out.push('{');
            for (i, (k, v)) in entries.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(k, out);
                out.push(':');
                write_json(v, out);
            }
            out.push('}');
        }
    }
}

/// Writes a JSON string with PHP's `JSON_HEX_TAG|HEX_AMP|HEX_APOS|HEX_QUOT|UNESCAPED_UNICODE`
/// escaping and the default escaped slash.
fn write_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\u0022"),
            '\'' => out.push_str("\\u0027"),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '&' => out.push_str("\\u0026"),
            '\\' => out.push_str("\\\\"),
            '/' => out.push_str("\\/"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 || c == '\u{2028}' || c == '\u{2029}' => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Why JSON text did not become a [`Value`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsonError {
    /// Not valid JSON.
    Invalid,
    /// More values than the limit it carries.
    TooManyValues(usize),
}

/// How many more values a JSON text may hold.
struct Budget {
    left: Cell<usize>,
    exhausted: Cell<bool>,
}

impl Budget {
    fn take<E: de::Error>(&self) -> Result<(), E> {
        match self.left.get().checked_sub(1) {
            Some(left) => {
                self.left.set(left);
                Ok(())
            }
            None => {
                self.exhausted.set(true);
                Err(E::custom("too many values"))
            }
        }
    }
}

impl<'de> Deserialize<'de> for Value {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let budget = Budget {
            left: Cell::new(usize::MAX),
            exhausted: Cell::new(false),
        };
        Counted(&budget).deserialize(deserializer)
    }
}

/// Deserialises one value, counting it and everything inside against the budget.
#[derive(Clone, Copy)]
struct Counted<'b>(&'b Budget);

impl<'de> DeserializeSeed<'de> for Counted<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Counted<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        self.0.take()?;
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        self.0.take()?;
        Ok(Value::Int(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        self.0.take()?;
        Ok(i64::try_from(v).map_or(Value::Float(v as f64), Value::Int))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        self.0.take()?;
        Ok(Value::Float(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        self.0.take()?;
        Ok(Value::Str(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        self.0.take()?;
        Ok(Value::Str(v))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        self.0.take()?;
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        self.visit_unit()
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.0.take()?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self)? {
            items.push(item);
        }
        Ok(Value::List(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        self.0.take()?;
        let mut pairs = Vec::new();
        while let Some(key) = map.next_key::<String>()? {
            pairs.push((key, map.next_value_seed(self)?));
        }
        // Duplicate keys: last one wins (in the first one's place), like PHP's json_decode.
        let mut out = Value::empty_map();
        out.extend(pairs);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn php_escaping() {
        let v = Value::from("<a href='x'>\"&\"</a>");
        assert_eq!(
            v.to_json(),
            r#""\u003Ca href=\u0027x\u0027\u003E\u0022\u0026\u0022\u003C\/a\u003E""#
        );
        assert_eq!(Value::from("Привет").to_json(), "\"Привет\"");
    }

    #[test]
    fn empty_map_is_empty_array() {
        assert_eq!(Value::empty_map().to_json(), "[]");
        assert_eq!(
            Value::object([("a", Value::Int(1)), ("b", Value::Null)]).to_json(),
            r#"{"a":1,"b":null}"#
        );
    }

    #[test]
    fn floats() {
        assert_eq!(Value::Float(1.0).to_json(), "1.0");
        assert_eq!(
            Value::Float(1715849396.642359).to_json(),
            "1715849396.642359"
        );
        assert_eq!(Value::Float(1e-7).to_json(), "1.0e-7");
    }

    #[test]
    fn json_roundtrip_keeps_order() {
        let v = Value::from_json(br#"{"z":1,"a":[1,2.5,"x",null,true],"m":{}}"#);
        assert_eq!(
            v.map(|v| v.to_json()).as_deref(),
            Some(r#"{"z":1,"a":[1,2.5,"x",null,true],"m":[]}"#)
        );
        assert_eq!(Value::from_json(b"{bad"), None);
    }

    #[test]
    fn json_duplicates_and_limits() {
        // A repeated key keeps its first place and its last value, like PHP's json_decode.
        let v = Value::from_json(br#"{"a":1,"b":2,"a":3}"#).map(|v| v.to_json());
        assert_eq!(v.as_deref(), Some(r#"{"a":3,"b":2}"#));
        // Counting stops at the limit: the list and its three items are four values.
        assert!(Value::from_json_limited(b"[1,2,3]", 4).is_ok());
        assert_eq!(
            Value::from_json_limited(b"[1,2,3]", 3),
            Err(JsonError::TooManyValues(3))
        );
        assert_eq!(
            Value::from_json_limited(b"[1,2", 100),
            Err(JsonError::Invalid)
        );
        assert_eq!(
            Value::from_json_limited(b"{} x", 100),
            Err(JsonError::Invalid)
        );
        // 200,000 distinct keys: duplicates were searched linearly, now by a hash index.
        let n = 200_000;
        let text = format!(
            "{{{}}}",
            (0..n)
                .map(|i| format!("\"k{i}\":{i}"))
                .collect::<Vec<_>>()
                .join(",")
        );
        let started = std::time::Instant::now();
        let parsed = Value::from_json_limited(text.as_bytes(), n + 1);
        assert!(
            started.elapsed().as_secs_f64() < 10.0,
            "{:?}",
            started.elapsed()
        );
        assert_eq!(parsed.map(|v| v.entries().len()), Ok(n));
    }

    #[test]
    fn extend_replaces_in_place() {
        let mut v = Value::List(vec![Value::from("x")]);
        v.extend([
            ("b".to_owned(), Value::Int(1)),
            ("0".to_owned(), Value::Int(2)),
            ("b".to_owned(), Value::Int(3)),
        ]);
        assert_eq!(v.to_json(), r#"{"0":2,"b":3}"#);
    }

    #[test]
    fn conversions() {
        assert_eq!(Value::from(" 42 ").as_int_strict(), Some(42));
        assert_eq!(Value::from("4x").as_int_strict(), None);
        assert_eq!(Value::from("12abc").php_intval(), 12);
        assert_eq!(Value::from("-7").php_intval(), -7);
        assert_eq!(Value::from("abc").php_intval(), 0);
        assert!(!Value::from("0").php_truthy());
        assert!(Value::from("false").php_truthy());
    }

    #[test]
    fn int_lists() {
        assert_eq!(Value::Int(5).int_list(), Some(vec![5]));
        assert_eq!(Value::from("7").int_list(), Some(vec![7]));
        assert_eq!(
            Value::List(vec![Value::from("1"), Value::Int(2)]).int_list(),
            Some(vec![1, 2])
        );
        assert_eq!(Value::List(vec![Value::from("x")]).int_list(), None);
    }
}
