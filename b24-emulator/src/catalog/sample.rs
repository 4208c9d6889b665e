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

/// The `result` described by a response table: its `result` row (with the rows beside it as
/// its fields when it has none of its own), else an object of the rows beside the envelope,
/// else `true`.
pub fn result(rows: &[Field]) -> Value {
    let siblings: Vec<Field> = rows
        .iter()
        .filter(|row| row.name() != "result" && !ENVELOPE.contains(&row.name()))
        .cloned()
        .collect();
    match rows.iter().find(|row| row.name() == "result") {
        Some(row) if row.children.is_empty() && !siblings.is_empty() && is_container(row) => {
            let mut row = row.clone();
            row.children = siblings;
            value(&row)
        }
        Some(row) => value(row),
        None if !siblings.is_empty() => object(&siblings),
        None => Value::Bool(true),
    }
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
        "string" | "text" | "char" | "enum" | "crm_status" | "crm_currency" => {
            Value::from(if name.eq_ignore_ascii_case("id") {
                "1"
            } else {
                "text"
            })
        }
        "boolean" | "bool" => Value::from("Y"),
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
                row("TAGS", "string[]", vec![]),
                row("UF_*", "string", vec![]),
                row("OWNER", "crm_entity", vec![]),
            ],
        );
        assert_eq!(
            value(&item).to_json(),
            r#"[{"ID":1,"TITLE":"text","ACTIVE":"Y","TAGS":["text"],"OWNER":null}]"#
        );
    }

    #[test]
    fn rows_beside_an_empty_result_row_are_its_fields() {
        let rows = vec![
            row("result", "object", vec![]),
            row("ID", "integer", vec![]),
            row("time", "time", vec![]),
        ];
        assert_eq!(result(&rows).to_json(), r#"{"ID":1}"#);
        assert_eq!(result(&[row("time", "time", vec![])]), Value::Bool(true));
        assert_eq!(
            result(&[row("result", "integer | null", vec![])]),
            Value::Int(1)
        );
    }
}
