//! `record!`, the implementation behind every generated struct: PHP's forms of "not set", lists
//! sent as numeric maps or as one object, and errors that name the field. An integration test
//! rather than unit tests, so that `cargo test` does not compile the whole catalog a second time
//! in test mode (the library's `test = false`).

use b24_methods::record;
use b24_methods::wire::{Map, Numeric, Value};
use serde_json::json;

/// A record as the generator writes one.
#[derive(Debug, Default, PartialEq)]
struct Sample {
    id: Numeric,
    name: Option<String>,
    tags: Option<Vec<String>>,
    files: Option<Vec<Sample>>,
    extra: Map<String, Value>,
}

record!(Sample {
    req id: "ID",
    opt name: "NAME",
    opt tags: "TAGS",
    opt files: "FILES",
});

#[test]
fn php_not_set_forms_read_as_none_and_are_sent_back_as_they_came() {
    let body = json!({"ID": 1, "NAME": false, "TAGS": "", "FILES": null});
    let sample: Sample = serde_json::from_value(body.clone()).unwrap();
    assert_eq!(sample.name, None);
    assert_eq!(sample.tags, None);
    assert_eq!(sample.files, None);
    assert_eq!(serde_json::to_value(&sample).unwrap(), body);
}

#[test]
fn lists_arrive_as_numeric_maps_or_as_one_object() {
    let body = json!({
        "ID": "1",
        "TAGS": {"1": "b", "0": "a"},
        "FILES": {"ID": 2, "NAME": "a.txt"},
    });
    let sample: Sample = serde_json::from_value(body).unwrap();
    assert_eq!(
        sample.tags,
        Some(vec![String::from("a"), String::from("b")])
    );
    let files = sample.files.unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0].id.as_u64(), Some(2));
    assert_eq!(files[0].name.as_deref(), Some("a.txt"));
}

/// A field spelt one way in requests and another in answers.
#[derive(Debug, Default, PartialEq)]
struct Spelt {
    title: Option<String>,
    extra: Map<String, Value>,
}

record!(Spelt {
    opt title: "TITLE" | "title",
});

#[test]
fn a_field_with_two_spellings_reads_either_and_writes_the_first() {
    let answer: Spelt = serde_json::from_value(json!({"title": "a"})).unwrap();
    assert_eq!(answer.title.as_deref(), Some("a"));
    assert!(answer.extra.is_empty());
    assert_eq!(
        serde_json::to_value(&answer).unwrap(),
        json!({"TITLE": "a"})
    );
    // Both there: the first spelling is the field, the other stays in `extra`.
    let both: Spelt = serde_json::from_value(json!({"TITLE": "a", "title": "b"})).unwrap();
    assert_eq!(both.title.as_deref(), Some("a"));
    assert_eq!(both.extra.get("title"), Some(&json!("b")));
    // A `null` under the other spelling is kept as it came.
    let unset: Spelt = serde_json::from_value(json!({"title": null})).unwrap();
    assert_eq!(unset.title, None);
    assert_eq!(
        serde_json::to_value(&unset).unwrap(),
        json!({"title": null})
    );
}

#[test]
fn a_value_of_no_lenient_form_is_still_an_error_naming_the_field() {
    let error = serde_json::from_value::<Sample>(json!({"ID": 1, "NAME": {"a": 1}}))
        .unwrap_err()
        .to_string();
    assert!(error.starts_with("`NAME`: invalid type"), "{error}");
    let error = serde_json::from_value::<Sample>(json!({"NAME": "x"}))
        .unwrap_err()
        .to_string();
    assert_eq!(error, "missing field `ID`");
}
