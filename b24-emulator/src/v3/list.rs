//! REST 3.0 list semantics: `filter` triples and `or` groups, `select` with relations,
//! `order`, and `pagination` with a silent page cap.

use std::cmp::Ordering;

use serde_json::{Map, Value};

use super::answer::{V3Failure, code};

/// Relations a `select` may reach into, and the fields of the related object.
const RELATIONS: &[(&str, &str, &[&str])] = &[
    ("responsible", "responsibleId", &["id", "name"]),
    ("creator", "createdBy", &["id", "name"]),
];

/// Whether `item` passes `filter` (an array of conditions; `None` keeps everything).
pub fn matches(item: &Map<String, Value>, filter: &[Value]) -> Result<bool, V3Failure> {
    for condition in filter {
        if !condition_holds(item, condition)? {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Checks every condition of `filter` (operators, shapes), whether or not any record is there
/// to test it on.
pub fn validate(filter: &[Value]) -> Result<(), V3Failure> {
    let empty = Map::new();
    for condition in filter {
        condition_holds(&empty, condition)?;
    }
    Ok(())
}

/// Reads `filter`: absent or an array.
pub fn filter_of(query: &Map<String, Value>) -> Result<Vec<Value>, V3Failure> {
    match query.get("filter") {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(conditions)) => Ok(conditions.clone()),
        Some(_) => Err(V3Failure::new(
            400,
            code!("INVALIDFILTEREXCEPTION"),
            "filter must be an array of conditions",
        )),
    }
}

fn condition_holds(item: &Map<String, Value>, condition: &Value) -> Result<bool, V3Failure> {
    match condition {
        Value::Array(triple) => {
            let [Value::String(field), Value::String(op), value] = triple.as_slice() else {
                return Err(V3Failure::new(
                    400,
                    code!("INVALIDFILTEREXCEPTION"),
                    "a condition is [field, operator, value]",
                ));
            };
            let actual = item.get(field).unwrap_or(&Value::Null);
            compare(actual, op, value)
        }
        Value::Object(group) => {
            let logic = group.get("logic").and_then(Value::as_str).unwrap_or("and");
            let Some(Value::Array(conditions)) = group.get("conditions") else {
                return Err(V3Failure::new(
                    400,
                    code!("INVALIDFILTEREXCEPTION"),
                    "a group has `conditions`",
                ));
            };
            let mut results = Vec::with_capacity(conditions.len());
            for condition in conditions {
                results.push(condition_holds(item, condition)?);
            }
            match logic.to_ascii_lowercase().as_str() {
                "or" => Ok(results.iter().any(|r| *r)),
                "and" => Ok(results.iter().all(|r| *r)),
                _ => Err(V3Failure::new(
                    400,
                    code!("INVALIDFILTEREXCEPTION"),
                    format!("unknown logic `{logic}`"),
                )),
            }
        }
        _ => Err(V3Failure::new(
            400,
            code!("INVALIDFILTEREXCEPTION"),
            "a condition is a triple or a group",
        )),
    }
}

fn order(a: &Value, b: &Value) -> Option<Ordering> {
    let number = |value: &Value| match value {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => s.parse::<f64>().ok(),
        _ => None,
    };
    match (number(a), number(b)) {
        (Some(a), Some(b)) => a.partial_cmp(&b),
        _ => match (a, b) {
            (Value::String(a), Value::String(b)) => Some(a.cmp(b)),
            (Value::Null, Value::Null) => Some(Ordering::Equal),
            _ => None,
        },
    }
}

fn compare(actual: &Value, op: &str, value: &Value) -> Result<bool, V3Failure> {
    let ord = order(actual, value);
    Ok(match op.to_ascii_lowercase().as_str() {
        "=" => ord == Some(Ordering::Equal),
        "!=" => ord != Some(Ordering::Equal),
        ">" => ord == Some(Ordering::Greater),
        ">=" => matches!(ord, Some(Ordering::Greater | Ordering::Equal)),
        "<" => ord == Some(Ordering::Less),
        "<=" => matches!(ord, Some(Ordering::Less | Ordering::Equal)),
        "in" => match value {
            Value::Array(values) => values
                .iter()
                .any(|v| order(actual, v) == Some(Ordering::Equal)),
            _ => return Err(V3Failure::invalid("filter", "`in` takes an array")),
        },
        "between" => match value.as_array().map(Vec::as_slice) {
            Some([from, to]) => {
                matches!(
                    order(actual, from),
                    Some(Ordering::Greater | Ordering::Equal)
                ) && matches!(order(actual, to), Some(Ordering::Less | Ordering::Equal))
            }
            _ => return Err(V3Failure::invalid("filter", "`between` takes [from, to]")),
        },
        _ => {
            return Err(V3Failure::new(
                400,
                code!("UNKNOWNFILTEROPERATOREXCEPTION"),
                format!("Unknown filter operator `{op}`"),
            ));
        }
    })
}

/// Sorts by `order` (`{field: "ASC"|"DESC"}`; by `id` ascending when absent).
pub fn sort(items: &mut [Map<String, Value>], query: &Map<String, Value>) -> Result<(), V3Failure> {
    let mut keys: Vec<(String, bool)> = Vec::new();
    match query.get("order") {
        None | Some(Value::Null) => {}
        Some(Value::Object(order)) => {
            for (field, direction) in order {
                let descending = match direction.as_str().map(str::to_ascii_uppercase).as_deref() {
                    Some("ASC") => false,
                    Some("DESC") => true,
                    _ => {
                        return Err(V3Failure::new(
                            400,
                            code!("INVALIDORDEREXCEPTION"),
                            format!("order of `{field}` is ASC or DESC"),
                        ));
                    }
                };
                keys.push((field.clone(), descending));
            }
        }
        Some(_) => {
            return Err(V3Failure::new(
                400,
                code!("INVALIDORDEREXCEPTION"),
                "order is an object",
            ));
        }
    }
    keys.push((String::from("id"), false));
    items.sort_by(|a, b| {
        for (field, descending) in &keys {
            let null = Value::Null;
            let ord = order(a.get(field).unwrap_or(&null), b.get(field).unwrap_or(&null))
                .unwrap_or(Ordering::Equal);
            let ord = if *descending { ord.reverse() } else { ord };
            if ord != Ordering::Equal {
                return ord;
            }
        }
        Ordering::Equal
    });
    Ok(())
}

/// `(skip, take)` from `pagination`: `limit` absent → the cap, above the cap → the cap
/// (silently), 0 → 400, negative → 500 (as the server does).
pub fn page(query: &Map<String, Value>, cap: usize) -> Result<(usize, usize), V3Failure> {
    let Some(pagination) = query.get("pagination") else {
        return Ok((0, cap));
    };
    let Value::Object(pagination) = pagination else {
        return Err(V3Failure::new(
            400,
            code!("INVALIDPAGINATIONEXCEPTION"),
            "pagination is an object",
        ));
    };
    let number = |key: &str| -> Result<Option<i64>, V3Failure> {
        match pagination.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(value) => value
                .as_i64()
                .or_else(|| value.as_str().and_then(|s| s.parse().ok()))
                .map(Some)
                .ok_or_else(|| V3Failure::invalid(key, "must be an integer")),
        }
    };
    let limit = match number("limit")? {
        None => cap,
        Some(0) => {
            return Err(V3Failure::new(
                400,
                code!("INVALIDPAGINATIONEXCEPTION"),
                "limit must be greater than 0",
            ));
        }
        Some(negative) if negative < 0 => {
            return Err(V3Failure::new(
                500,
                code!("INTERNALEXCEPTION"),
                "Internal server error",
            ));
        }
        Some(limit) => usize::try_from(limit).unwrap_or(cap).min(cap),
    };
    let page = number("page")?.unwrap_or(1).max(1) as usize;
    let offset = number("offset")?.unwrap_or(0).max(0) as usize;
    Ok((offset + (page - 1) * limit, limit))
}

/// The item as `select` asks: own fields (unknown ones silently dropped), and related ones
/// (`responsible.name`) looked up with `user`; an unknown relation or related field is a 400.
pub fn project(
    item: &Map<String, Value>,
    query: &Map<String, Value>,
    user: &dyn Fn(i64) -> Option<(i64, String)>,
) -> Result<Map<String, Value>, V3Failure> {
    let select = match query.get("select") {
        None | Some(Value::Null) => return Ok(item.clone()),
        Some(Value::Array(select)) => select,
        Some(_) => {
            return Err(V3Failure::new(
                400,
                code!("INVALIDSELECTEXCEPTION"),
                "select is an array",
            ));
        }
    };
    let mut out = Map::new();
    for path in select {
        let Some(path) = path.as_str() else {
            return Err(V3Failure::new(
                400,
                code!("INVALIDSELECTEXCEPTION"),
                "select holds field names",
            ));
        };
        match path.split_once('.') {
            None => {
                if let Some(value) = item.get(path) {
                    out.insert(path.to_owned(), value.clone());
                }
            }
            Some((relation, field)) => {
                let known = RELATIONS
                    .iter()
                    .find(|(name, _, fields)| *name == relation && fields.contains(&field));
                let Some((_, key, _)) = known else {
                    return Err(V3Failure::new(
                        400,
                        code!("INVALIDSELECTEXCEPTION"),
                        format!("Unknown field `{path}`"),
                    ));
                };
                let id = item.get(*key).and_then(Value::as_i64).unwrap_or(0);
                let related = user(id);
                let value = match (field, related) {
                    ("id", Some((id, _))) => Value::from(id),
                    ("name", Some((_, name))) => Value::from(name),
                    _ => Value::Null,
                };
                let entry = out
                    .entry(relation.to_owned())
                    .or_insert_with(|| Value::Object(Map::new()));
                if let Value::Object(entry) = entry {
                    entry.insert(field.to_owned(), value);
                }
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn query(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => Map::new(),
        }
    }

    #[test]
    fn page_caps_are_silent_and_bad_limits_are_refused() {
        let page_of = |pagination: Value| page(&query(json!({"pagination": pagination})), 50);
        assert_eq!(page_of(json!({"limit": 1000})), Ok((0, 50)));
        assert_eq!(page_of(json!({"limit": 20, "page": 3})), Ok((40, 20)));
        assert_eq!(page_of(json!({"limit": 10, "offset": 5})), Ok((5, 10)));
        assert_eq!(page(&Map::new(), 50), Ok((0, 50)));
        assert_eq!(page_of(json!({"limit": 0})).unwrap_err().status, 400);
        assert_eq!(page_of(json!({"limit": -1})).unwrap_err().status, 500);
        assert_eq!(page_of(json!({"limit": "x"})).unwrap_err().status, 400);
    }

    #[test]
    fn filters_hold_and_unknown_operators_are_refused() {
        let item = query(json!({"id": 7, "title": "a", "status": "pending"}));
        let holds = |filter: Value| matches(&item, filter.as_array().unwrap());
        assert_eq!(
            holds(json!([["id", ">=", 7], ["status", "in", ["pending"]]])),
            Ok(true)
        );
        assert_eq!(holds(json!([["id", "between", [1, 6]]])), Ok(false));
        assert_eq!(
            holds(json!([{"logic": "or", "conditions": [["id", "=", 1], ["title", "!=", "b"]]}])),
            Ok(true)
        );
        let unknown = validate(&[json!(["id", "~", 1])]).unwrap_err();
        assert_eq!(unknown.code, code!("UNKNOWNFILTEROPERATOREXCEPTION"));
    }

    #[test]
    fn select_drops_unknown_own_fields_and_refuses_unknown_related_ones() {
        let item = query(json!({"id": 7, "responsibleId": 1}));
        let users = |id: i64| Some((id, String::from("Ann")));
        let projected = project(
            &item,
            &query(json!({"select": ["id", "nope", "responsible.name"]})),
            &users,
        )
        .unwrap();
        assert_eq!(
            Value::Object(projected),
            json!({"id": 7, "responsible": {"name": "Ann"}})
        );
        let refused = project(
            &item,
            &query(json!({"select": ["responsible.salary"]})),
            &users,
        );
        assert_eq!(refused.unwrap_err().status, 400);
    }
}
