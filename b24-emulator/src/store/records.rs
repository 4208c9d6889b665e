//! Lists of plain UPPER_CASE records (application storage items, universal-list elements):
//! `FILTER` with the portal's operator prefixes over the record's fields or, with
//! `PROPERTY_<CODE>`, its property values; sorting by any of them, then by arrival; pages of
//! 50 by `start`.

use std::cmp::Ordering;

use crate::envelope::ApiError;
use crate::list::{self, Page};
use crate::store::crm::query::scalar_matches;
use crate::store::crm::schema::Kind;
use crate::value::Value;

/// A number, written as one or as a numeric string.
fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Int(i) => Some(*i as f64),
        Value::Float(x) => Some(*x),
        Value::Str(s) => s.trim().parse().ok(),
        _ => None,
    }
}

/// A field of the record (any case), else for `PROPERTY_<CODE>` the value of that property in
/// `PROPERTY_VALUES`; `null` when neither is there.
fn field(record: &Value, name: &str) -> Value {
    if let Some(value) = record.get_ci(name) {
        return value.clone();
    }
    name.get(..9)
        .filter(|prefix| prefix.eq_ignore_ascii_case("PROPERTY_"))
        .and_then(|_| record.get("PROPERTY_VALUES")?.get_ci(&name[9..]))
        .cloned()
        .unwrap_or_default()
}

/// Orders two values: as numbers when both are, else as text.
fn compare(a: &Value, b: &Value) -> Ordering {
    match (number(a), number(b)) {
        (Some(x), Some(y)) => x.total_cmp(&y),
        _ => a.php_string().cmp(&b.php_string()),
    }
}

/// The page of `start` of `rows` that `filter` admits, sorted by `sort` (a map of field to
/// `ASC`/`DESC`; ties keep the order of `rows`). An unknown operator prefix is
/// `ERROR_ARGUMENT`, a direction other than `ASC`/`DESC` the portal's order error.
pub fn page<'a>(
    rows: impl Iterator<Item = &'a Value>,
    filter: Option<&Value>,
    sort: Option<&Value>,
    start: i64,
) -> Result<Page<Value>, ApiError> {
    let mut conds = Vec::new();
    for (key, want) in filter.map(Value::entries).unwrap_or_default() {
        let (prefix, name) = list::split_key(&key);
        let op = list::parse_op(prefix)
            .ok_or_else(|| ApiError::new(400, "ERROR_ARGUMENT", "Invalid filter"))?;
        conds.push((name.to_owned(), op, want.clone()));
    }
    let mut order = Vec::new();
    for (key, direction) in sort.map(Value::entries).unwrap_or_default() {
        order.push((key, list::descending(direction)?));
    }
    let mut rows: Vec<&Value> = rows
        .filter(|record| {
            conds.iter().all(|(name, op, want)| {
                let have = field(record, name);
                let kind = if number(&have).is_some() {
                    Kind::Int
                } else {
                    Kind::Str
                };
                list::test(*op, want, |op, want| {
                    scalar_matches(Some(kind), &have, op, want)
                })
            })
        })
        .collect();
    rows.sort_by(|a, b| {
        order
            .iter()
            .map(|(name, descending)| {
                let ordering = compare(&field(a, name), &field(b, name));
                if *descending {
                    ordering.reverse()
                } else {
                    ordering
                }
            })
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
    });
    Ok(Page::of(rows.into_iter().cloned(), start))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_fields_and_properties_and_sorts_numbers_as_numbers() {
        let record = |id: i64, price: i64| {
            Value::object([
                ("ID", Value::from(id.to_string())),
                (
                    "PROPERTY_VALUES",
                    Value::object([("price", Value::Int(price))]),
                ),
            ])
        };
        let rows = [record(1, 9), record(2, 10), record(3, 100)];
        let filter = Value::object([(">=PROPERTY_PRICE", Value::Int(10))]);
        let sort = Value::object([("property_price", Value::from("desc"))]);
        let page = page(rows.iter(), Some(&filter), Some(&sort), 0).expect("valid");
        let ids: Vec<Value> = page
            .rows
            .iter()
            .filter_map(|r| r.get("ID").cloned())
            .collect();
        assert_eq!(ids, [Value::from("3"), Value::from("2")]);
        assert_eq!(page.total, Some(2));
        let bad = Value::object([("?ID", Value::Int(1))]);
        assert!(super::page(rows.iter(), Some(&bad), None, 0).is_err());
    }
}
