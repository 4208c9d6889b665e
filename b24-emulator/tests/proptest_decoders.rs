//! Property tests: the PHP form decoder and the batch command parser never panic, and
//! `http_build_query` → `parse_str` round-trips nested structures.

use b24_emulator::Value;
use b24_emulator::methods::batch::{
    Collected, Expansion, parse_command, substitute, substitute_str,
};
use b24_emulator::params::{
    DEFAULT_MAX_INPUT_VARS, build_query, decode_body, parse_str, url_decode, url_encode,
};
use proptest::prelude::*;

/// Keys that survive PHP's name mangling unchanged: no brackets, dots or spaces, not purely
/// numeric (numeric keys turn maps into lists), non-empty.
fn key() -> impl Strategy<Value = String> {
    "[a-zA-Z_&+%=!$@\u{0430}-\u{044f}-][a-zA-Z0-9_&+%=!$@\u{0430}-\u{044f}-]{0,7}"
}

/// Nested values without nulls, empty arrays or non-string leaves (what a form can carry).
fn value() -> impl Strategy<Value = Value> {
    let leaf = any::<String>().prop_map(Value::Str);
    leaf.prop_recursive(4, 40, 5, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 1..5).prop_map(Value::List),
            prop::collection::btree_map(key(), inner, 1..5)
                .prop_map(|m| Value::Map(m.into_iter().collect())),
        ]
    })
}

fn top() -> impl Strategy<Value = Value> {
    prop::collection::btree_map(key(), value(), 0..5)
        .prop_map(|m| Value::Map(m.into_iter().collect()))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn parse_str_never_panics(s in any::<String>()) {
        let v = parse_str(&s);
        let _ = v.to_json();
        prop_assert!(matches!(v, Value::Map(_)));
    }

    #[test]
    fn bracket_soup_never_panics(s in "[\\[\\]a-z0-9=&%+. _\u{0434}]{0,40}") {
        let _ = parse_str(&s).to_json();
        let _ = decode_body(Some("application/x-www-form-urlencoded"), s.as_bytes(), 8);
        let _ = decode_body(Some("multipart/form-data; boundary=x"), s.as_bytes(), 8);
        let _ = decode_body(Some("application/json"), s.as_bytes(), 8);
    }

    #[test]
    fn url_encoding_round_trips(s in any::<String>()) {
        prop_assert_eq!(url_decode(&url_encode(&s)), s);
    }

    #[test]
    fn build_query_then_parse_str_round_trips(v in top()) {
        let query = build_query(&v);
        prop_assert_eq!(parse_str(&query), v, "query: {}", query);
    }

    #[test]
    fn batch_commands_round_trip(method in "[a-z][a-z.]{0,20}", params in top()) {
        let command = format!("{method}?{}", build_query(&params));
        let parsed = parse_command(&command, DEFAULT_MAX_INPUT_VARS);
        prop_assert_eq!(parsed, Ok((method, params)));
    }

    #[test]
    fn batch_parser_never_panics(s in any::<String>(), refs in "[$a-z\\[\\]_0-9 ]{0,30}") {
        let _ = parse_command(&s, DEFAULT_MAX_INPUT_VARS);
        let _ = parse_command(&refs, DEFAULT_MAX_INPUT_VARS);
        let collected = Collected {
            result: vec![("a".into(), Value::object([("ID", Value::from("1"))]))],
            ..Collected::default()
        };
        let budget = &mut Expansion::new(64);
        let _ = substitute_str(&s, &collected, budget);
        let _ = substitute_str(&refs, &collected, budget);
        let _ = substitute(&parse_str(&s), &collected, budget);
        // without references nothing changes, even with the budget spent
        if !s.contains('$') {
            let spent = &mut Expansion::new(0);
            prop_assert_eq!(substitute_str(&s, &collected, spent), Ok(Value::Str(s.clone())));
        }
    }
}
