//! The first pass over an answer, before anything is built: is it an error envelope, is its
//! top level well formed (no key twice), and how much memory would its `result` take as a
//! JSON tree.
//!
//! The pass allocates nothing per value, so it is safe on any body the transport accepted.
//! The tree estimate exists because a `serde_json::Value` takes many times the bytes of its
//! text — a 64 MiB `[1,1,…]` becomes about 2.4 GB — so a limit on the body alone does not
//! bound memory.

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::HashSet;
use std::fmt;

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// Bytes one JSON value takes in a tree: the `Value` itself (its slot in an array or map).
const VALUE_BYTES: usize = std::mem::size_of::<Value>();
/// Bytes an object entry adds beyond its value: the key's `String`, the stored hash and the
/// index slot of the ordered map.
const ENTRY_BYTES: usize = std::mem::size_of::<String>() + 3 * std::mem::size_of::<usize>();

/// What the first pass found.
#[derive(Debug, Default, PartialEq)]
pub(super) struct Scan {
    /// The top level has an `error` key: an error envelope.
    pub(super) error: bool,
    /// Estimated bytes of `result` held as a `serde_json::Value`.
    pub(super) tree_bytes: usize,
    /// The first top-level key that appears twice: the answer is malformed, as no reader can
    /// tell which of the two the server meant.
    pub(super) duplicate: Option<String>,
}

/// Scans `body`; the error is the JSON reader's (a body cut short, not JSON, not an object).
pub(super) fn scan(body: &[u8]) -> Result<Scan, serde_json::Error> {
    let mut deserializer = serde_json::Deserializer::from_slice(body);
    let scan = deserializer.deserialize_map(TopLevel)?;
    deserializer.end()?;
    Ok(scan)
}

struct TopLevel;

impl<'de> Visitor<'de> for TopLevel {
    type Value = Scan;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Scan, A::Error> {
        let mut scan = Scan::default();
        let mut seen = HashSet::new();
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            match key.as_ref() {
                "error" => scan.error = true,
                "result" => {
                    let bytes = Cell::new(VALUE_BYTES);
                    map.next_value_seed(Measure(&bytes))?;
                    scan.tree_bytes = bytes.get();
                }
                _ => {}
            }
            if key != "result" {
                map.next_value::<IgnoredAny>()?;
            }
            if !seen.insert(key.clone()) && scan.duplicate.is_none() {
                scan.duplicate = Some(key.into_owned());
            }
        }
        Ok(scan)
    }
}

/// Adds the tree bytes of one value (beyond its own slot, counted by its container) to the
/// counter.
struct Measure<'a>(&'a Cell<usize>);

impl Measure<'_> {
    fn add(&self, bytes: usize) {
        self.0.set(self.0.get().saturating_add(bytes));
    }

    /// Heap bytes of a string of `len` bytes: nothing when empty, else at least one small
    /// allocation.
    fn add_string(&self, len: usize) {
        if len > 0 {
            self.add(len.next_multiple_of(16).max(16) + 16);
        }
    }
}

impl<'de> DeserializeSeed<'de> for Measure<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Measure<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E>(self, _: i64) -> Result<(), E> {
        Ok(())
    }

    fn visit_u64<E>(self, _: u64) -> Result<(), E> {
        Ok(())
    }

    fn visit_f64<E>(self, _: f64) -> Result<(), E> {
        Ok(())
    }

    fn visit_unit<E>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_str<E>(self, text: &str) -> Result<(), E> {
        self.add_string(text.len());
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while seq.next_element_seed(Measure(self.0))?.is_some() {
            self.add(VALUE_BYTES);
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<Cow<'de, str>>()? {
            self.add(VALUE_BYTES + ENTRY_BYTES);
            self.add_string(key.len());
            map.next_value_seed(Measure(self.0))?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_envelopes_are_recognised() {
        assert!(
            scan(br#"{"error":"NOT_FOUND","error_description":"x"}"#)
                .unwrap()
                .error
        );
        assert!(!scan(br#"{"result":1}"#).unwrap().error);
    }

    #[test]
    fn duplicate_top_level_keys_are_found() {
        for (body, key) in [
            (&br#"{"result":1,"result":2}"#[..], "result"),
            (br#"{"error":"A","error":"B"}"#, "error"),
            (br#"{"result":1,"time":{},"time":{}}"#, "time"),
        ] {
            assert_eq!(scan(body).unwrap().duplicate.as_deref(), Some(key));
        }
        // Nested objects are the decoder's business, not the envelope's.
        assert_eq!(
            scan(br#"{"result":{"a":1,"a":2}}"#).unwrap().duplicate,
            None
        );
    }

    #[test]
    fn cut_bodies_are_end_of_file_errors() {
        let error = scan(br#"{"result":[1,2"#).unwrap_err();
        assert_eq!(error.classify(), serde_json::error::Category::Eof);
    }

    #[test]
    fn the_tree_estimate_follows_the_number_of_values() {
        let small = scan(br#"{"result":[1,1]}"#).unwrap().tree_bytes;
        assert_eq!(small, 3 * VALUE_BYTES);
        let body = format!(r#"{{"result":[{}1]}}"#, "1,".repeat(9_999));
        let large = scan(body.as_bytes()).unwrap().tree_bytes;
        assert_eq!(large, 10_001 * VALUE_BYTES);
        // Thirty-odd times the text: why a limit on bytes alone does not bound memory.
        assert!(large > 30 * body.len(), "{large} for {} bytes", body.len());
        let object = scan(br#"{"result":{"TITLE":"deal"}}"#).unwrap().tree_bytes;
        assert_eq!(object, 2 * VALUE_BYTES + ENTRY_BYTES + 2 * 32);
    }
}
