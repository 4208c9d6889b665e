//! Rows inferred from a documented example where no table documents a record: each key of the
//! example's object becomes an optional row typed by the JSON value it shows. The tokens are
//! those of the tables, so the records mapper types them by the same rules (`types.rs`): a `Y` /
//! `N` string is a `char` (a flag, given the example), digits sent as a string an `integer`
//! (which accepts a number or its string), an ISO date-time a `datetime`.

use serde_json::{Map, Value};

use super::model::Field;

/// The rows of the object `example`. A key shown as `null` (no type to infer), a user field
/// (`UF_*`) and a name with digits (one portal's fields: `ufCrm12_1700000000`) stay in `extra`.
pub(super) fn rows_of(example: &Map<String, Value>) -> Vec<Field> {
    example
        .iter()
        .filter(|(key, _)| !key.starts_with("UF_") && !key.chars().any(|c| c.is_ascii_digit()))
        .filter_map(|(key, value)| {
            Some(Field {
                name: key.clone(),
                ty: token_of(value)?.to_owned(),
                required: false,
                children: Vec::new(),
            })
        })
        .collect()
}

/// The first object item of a documented list `result`: the result itself when it is a list,
/// else the list under `key` (or under its one list-valued key when `key` is not known).
pub(super) fn first_item<'a>(
    result: &'a Value,
    key: Option<&str>,
) -> Option<&'a Map<String, Value>> {
    let list = match (result, key) {
        (Value::Array(_), _) => result,
        (Value::Object(map), Some(key)) => map.get(key)?,
        (Value::Object(map), None) => {
            let mut lists = map.values().filter(|value| value.is_array());
            let list = lists.next()?;
            if lists.next().is_some() {
                return None;
            }
            list
        }
        _ => return None,
    };
    match list {
        Value::Array(items) => items.iter().find_map(Value::as_object),
        // PHP writes a list with gaps as a map of numeric keys.
        Value::Object(map) if map.keys().all(|key| key.parse::<u64>().is_ok()) => {
            map.values().find_map(Value::as_object)
        }
        _ => None,
    }
}

/// The object items of a documented list `result` (see [`first_item`]).
pub(super) fn items(result: &Value, key: Option<&str>) -> Vec<Value> {
    let list = match key {
        Some(key) => result.get(key),
        None => Some(result),
    };
    match list {
        Some(Value::Array(items)) => items
            .iter()
            .filter(|item| item.is_object())
            .cloned()
            .collect(),
        Some(Value::Object(map)) if map.keys().all(|key| key.parse::<u64>().is_ok()) => map
            .values()
            .filter(|item| item.is_object())
            .cloned()
            .collect(),
        _ => Vec::new(),
    }
}

/// The table token of the scalar items of a documented list `result` (`[7811, 8017]`: task
/// IDs), when its first item is a scalar.
pub(super) fn scalar_items(result: &Value, key: Option<&str>) -> Option<&'static str> {
    let list = match key {
        Some(key) => result.get(key)?,
        None => result,
    };
    let first = list.as_array()?.first()?;
    match first {
        Value::Array(_) | Value::Object(_) => None,
        _ => token_of(first),
    }
}

/// The table token for one example value; `None` for `null`.
fn token_of(value: &Value) -> Option<&'static str> {
    Some(match value {
        Value::Null => return None,
        Value::Bool(_) => "boolean",
        Value::Number(number) if number.is_f64() => "double",
        Value::Number(_) => "integer",
        Value::String(text) if text == "Y" || text == "N" => "char",
        Value::String(text) if !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit()) => {
            "integer"
        }
        Value::String(text) if is_date_time(text) => "datetime",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    })
}

/// Whether `text` starts as an ISO date-time (`2024-07-22T18:00:08+02:00`).
pub(super) fn is_date_time(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.len() >= 19
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes[10] == b'T'
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::model::fixtures::name_types;
    use super::*;

    #[test]
    fn each_json_value_gives_the_token_of_its_table_type_in_the_example_order() {
        let example = json!({"ID": "40", "id": 9, "NAME": "Organization", "ACTIVE": "N",
            "sort": 1.5, "isDefault": true, "DATE_CREATE": "2024-05-31T13:09:14+03:00",
            "ORIGIN": "", "TAGS": [], "SETTINGS": {}, "MOVED_BY": null, "UF_CRM_X": "1",
            "ufCrm12Field": 1});
        let rows = rows_of(example.as_object().unwrap());
        assert_eq!(
            name_types(&rows),
            [
                ("ID", "integer"),
                ("id", "integer"),
                ("NAME", "string"),
                ("ACTIVE", "char"),
                ("sort", "double"),
                ("isDefault", "boolean"),
                ("DATE_CREATE", "datetime"),
                ("ORIGIN", "string"),
                ("TAGS", "array"),
                ("SETTINGS", "object"),
            ]
        );
        assert!(rows.iter().all(|row| !row.required));
    }

    #[test]
    fn the_first_item_is_found_at_the_root_under_the_key_or_the_one_list() {
        let root = json!([{"ID": "1"}]);
        assert_eq!(first_item(&root, None).unwrap()["ID"], "1");
        let keyed = json!({"categories": [{"id": 9}], "other": [{"id": 1}]});
        assert_eq!(first_item(&keyed, Some("categories")).unwrap()["id"], 9);
        // Two lists and no key: which one holds the items is not known.
        assert!(first_item(&keyed, None).is_none());
        let one = json!({"items": {"3": {"id": 3}}, "total": 1});
        assert!(first_item(&one, None).is_none());
        assert_eq!(first_item(&one, Some("items")).unwrap()["id"], 3);
        assert!(first_item(&json!([1, 2]), None).is_none());
        assert_eq!(scalar_items(&json!([7811, 8017]), None), Some("integer"));
        assert_eq!(
            scalar_items(&json!({"ids": ["a"]}), Some("ids")),
            Some("string")
        );
        assert_eq!(scalar_items(&root, None), None);
    }
}
