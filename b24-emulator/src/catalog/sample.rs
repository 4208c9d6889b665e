//! Values generated from a documented table, for methods whose page shows no response example:
//! one plausible value per row, by its type token.
//!
//! A value the documentation types too loosely to guess (`any`, `file`, a linked entity type)
//! is `null`: every documented response row is optional, so `null` reads as "not set" on the
//! client side rather than as a wrong shape.

use super::table::Field;
use crate::value::Value;

/// Rows of the envelope, not of `result`.
pub const ENVELOPE: &[&str] = &["time", "total", "next"];

/// A timestamp in the portal's format (`date('c')`).
const DATETIME: &str = "2024-01-01T10:00:00+00:00";

/// The `result` described by a response table, read as b24-methods' generator reads it: its
/// `result` row, with the rows beside it as its fields when it has none of its own; else the
/// rows beside the envelope; else an empty list for a list method, `true` for another. Rows beside the envelope describe one record: a bare
/// `array` of them is a list unless `one_object` (the family's examples say so) for a method
/// that does not page; an object of
/// them is a list for a list method that has no one list-valued row to page.
pub fn result(rows: &[Field], list: bool, one_object: bool) -> Value {
    let siblings: Vec<Field> = rows
        .iter()
        .filter(|row| row.name() != "result" && !ENVELOPE.contains(&row.name()))
        .cloned()
        .collect();
    let keyed = siblings.iter().filter(|row| is_list_row(row)).count() == 1;
    let record = |as_list: bool| {
        let one = object(&siblings);
        if as_list { Value::List(vec![one]) } else { one }
    };
    match rows.iter().find(|row| row.name() == "result") {
        Some(row) if row.children.is_empty() && !siblings.is_empty() && is_container(row) => {
            let ty = row.ty.to_ascii_lowercase();
            if ty.contains("array") && !ty.contains("object") {
                // The family's examples decide for a method that does not page.
                record(list || !one_object)
            } else {
                record(list && !keyed)
            }
        }
        Some(row) => value(row),
        None if !siblings.is_empty() => record(list && !keyed),
        // A list the documentation describes no further: an empty page, not a bare `true`.
        None if list => Value::List(Vec::new()),
        None => Value::Bool(true),
    }
}

/// Whether a row is typed as a list (`array`, `T[]`).
fn is_list_row(row: &Field) -> bool {
    row.tokens()
        .next()
        .is_some_and(|token| token.eq_ignore_ascii_case("array") || token.ends_with("[]"))
}

fn is_container(row: &Field) -> bool {
    let ty = row.ty.to_ascii_lowercase();
    ty.is_empty() || ty.contains("object") || ty.contains("array")
}

/// An object of `rows`, patterns (`UF_*`, `<CODE>`) left out.
pub fn object(rows: &[Field]) -> Value {
    Value::Map(
        rows.iter()
            .filter(|row| row.is_plain())
            .map(|row| (row.name().to_owned(), value(row)))
            .collect(),
    )
}

/// The value of one row.
pub fn value(row: &Field) -> Value {
    let token = row.tokens().next().unwrap_or("").to_ascii_lowercase();
    if !row.children.is_empty() {
        let item = object(&row.children);
        return if token == "array" || token.ends_with("[]") {
            Value::List(vec![item])
        } else {
            item
        };
    }
    if let Some(base) = token.strip_suffix("[]") {
        let item = scalar(base, row.name());
        return Value::List(if item == Value::Null {
            Vec::new()
        } else {
            vec![item]
        });
    }
    scalar(&token, row.name())
}

/// A value of a type token without children.
fn scalar(token: &str, name: &str) -> Value {
    match token {
        "integer" | "int" | "double" | "float" | "number" => Value::Int(1),
        t if t.ends_with(".id") => Value::Int(1),
        // A `char` is a Y/N flag in all but a few documented fields, which take any text.
        "boolean" | "bool" | "char" => Value::from("Y"),
        "string" | "text" | "enum" | "crm_status" | "crm_currency" => {
            Value::from(if name.eq_ignore_ascii_case("id") {
                "1"
            } else {
                "text"
            })
        }
        "date" => Value::from("2024-01-01"),
        "datetime" | "time" => Value::from(DATETIME),
        "object" | "lang_map" => Value::empty_map(),
        "array" => Value::List(Vec::new()),
        _ => Value::Null,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(name: &str, ty: &str, children: Vec<Field>) -> Field {
        Field {
            names: vec![name.to_owned()],
            ty: ty.to_owned(),
            required: false,
            children,
        }
    }

    #[test]
    fn types_give_values_and_children_give_objects() {
        let item = row(
            "result",
            "object[]",
            vec![
                row("ID", "integer", vec![]),
                row("TITLE", "string", vec![]),
                row("ACTIVE", "boolean", vec![]),
                row("OPENED", "char", vec![]),
                row("TAGS", "string[]", vec![]),
                row("UF_*", "string", vec![]),
                row("OWNER", "crm_entity", vec![]),
            ],
        );
        assert_eq!(
            value(&item).to_json(),
            r#"[{"ID":1,"TITLE":"text","ACTIVE":"Y","OPENED":"Y","TAGS":["text"],"OWNER":null}]"#
        );
    }

    #[test]
    fn rows_beside_an_empty_result_row_are_its_fields() {
        let rows = vec![
            row("result", "object", vec![]),
            row("ID", "integer", vec![]),
            row("time", "time", vec![]),
        ];
        assert_eq!(result(&rows, false, false).to_json(), r#"{"ID":1}"#);
        assert_eq!(result(&rows, true, false).to_json(), r#"[{"ID":1}]"#);
        let array = vec![row("result", "array", vec![]), row("ID", "integer", vec![])];
        assert_eq!(result(&array, false, true).to_json(), r#"{"ID":1}"#);
        assert_eq!(result(&array, false, false).to_json(), r#"[{"ID":1}]"#);
        let keyed = vec![
            row("result", "object", vec![]),
            row("items", "array", vec![]),
        ];
        assert_eq!(result(&keyed, true, false).to_json(), r#"{"items":[]}"#);
        assert_eq!(
            result(&[row("time", "time", vec![])], false, false),
            Value::Bool(true)
        );
        assert_eq!(
            result(&[row("time", "time", vec![])], true, false),
            Value::List(Vec::new()),
            "a list described no further is an empty page"
        );
        assert_eq!(
            result(&[row("result", "integer | null", vec![])], false, false),
            Value::Int(1)
        );
    }
}
