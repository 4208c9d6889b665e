//! Reading and changing a list request's parameters the way legacy methods read them: top-level
//! names case-insensitively, filters as `{"<prefix><FIELD>": value}`. Public for programs that
//! page lists themselves (the `b24` command's pager uses them).

use serde_json::{Map, Value};

/// The fast cursor needs the list ordered by ID ascending and no `>ID` bound of the caller's.
pub fn cursor_applies(params: &Value, field: &str) -> bool {
    let order_ok = match param(params, "order") {
        None => true,
        Some(Value::Object(order)) => {
            order.is_empty()
                || (order.len() == 1
                    && order.iter().all(|(key, direction)| {
                        key.eq_ignore_ascii_case(field)
                            && direction
                                .as_str()
                                .is_some_and(|d| d.eq_ignore_ascii_case("asc"))
                    }))
        }
        Some(_) => false,
    };
    let filter_ok = match param(params, "filter") {
        None => true,
        Some(Value::Object(filter)) => !filter.keys().any(|key| {
            let name = key.trim_start_matches(|c: char| !c.is_ascii_alphanumeric() && c != '_');
            name.eq_ignore_ascii_case(field) && key.starts_with('>')
        }),
        Some(_) => false,
    };
    order_ok && filter_ok
}

/// A top-level parameter, matched case-insensitively as legacy methods do.
pub fn param<'a>(params: &'a Value, name: &str) -> Option<&'a Value> {
    params
        .as_object()?
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case(name))
        .map(|(_, value)| value)
}

/// Sets a top-level parameter, replacing the caller's under any spelling.
pub fn set_param(params: &mut Value, name: &str, value: Value) {
    if let Value::Object(map) = params {
        let key = map
            .keys()
            .find(|key| key.eq_ignore_ascii_case(name))
            .cloned()
            .unwrap_or_else(|| name.to_owned());
        map.insert(key, value);
    }
}

/// `params` with the filter condition `{key: value}` added (replacing one with the same key).
pub fn with_filter(params: &Value, key: &str, value: Value) -> Value {
    let mut params = params.clone();
    let mut filter = match param(&params, "filter") {
        Some(Value::Object(filter)) => filter.clone(),
        _ => Map::new(),
    };
    filter.insert(key.to_owned(), value);
    set_param(&mut params, "filter", Value::Object(filter));
    params
}

/// An ID as a number, whether the server sent a number or a numeric string.
pub fn numeric_id(value: &Value) -> Option<u64> {
    match value {
        Value::Number(number) => number.as_u64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_cursor_needs_id_order_and_no_lower_id_bound_of_the_callers() {
        assert!(cursor_applies(&json!({}), "ID"));
        assert!(cursor_applies(&json!({"ORDER": {"id": "asc"}}), "ID"));
        assert!(cursor_applies(
            &json!({"filter": {"<=ID": 5, ">=DATE": 1}}),
            "ID"
        ));
        assert!(!cursor_applies(&json!({"order": {"TITLE": "ASC"}}), "ID"));
        assert!(!cursor_applies(&json!({"order": {"ID": "DESC"}}), "ID"));
        assert!(!cursor_applies(&json!({"filter": {">ID": 5}}), "ID"));
    }

    #[test]
    fn filters_are_added_under_the_callers_spelling() {
        let params = json!({"FILTER": {"STAGE_ID": "WON"}});
        assert_eq!(
            with_filter(&params, ">=ID", json!(7)),
            json!({"FILTER": {"STAGE_ID": "WON", ">=ID": 7}})
        );
        assert_eq!(numeric_id(&json!("42")), Some(42));
        assert_eq!(numeric_id(&json!(42)), Some(42));
        assert_eq!(numeric_id(&json!("x")), None);
    }
}
