//! One object or a list of them, where the response table cannot say.
//!
//! PHP-era pages document `result` as `array` with the fields listed beside it, whether the
//! answer is one record (an associative array: `disk.file.get`) or a list of records
//! (`disk.rights.getTasks`). Where a method has no example, the examples of the other methods
//! of its scope documented the same way decide: most `disk.*` examples show one object.

use std::collections::HashMap;

use serde_json::Value;

use super::model::Field;
use super::paging::ENVELOPE;

/// Per scope (the method name's first segment): how many examples of a `result` documented as
/// `array` beside its fields show one object, and how many a list.
#[derive(Debug, Default)]
pub(super) struct ArrayBesideFields {
    votes: HashMap<String, (usize, usize)>,
}

impl ArrayBesideFields {
    /// Counts one documented method's example, if its table has the ambiguous shape.
    pub(super) fn learn(&mut self, method: &str, rows: &[Field], example_result: Option<&Value>) {
        if !is_array_beside_fields(rows) {
            return;
        }
        let (objects, lists) = self.votes.entry(scope_of(method)).or_default();
        match example_result {
            Some(Value::Object(_)) => *objects += 1,
            Some(Value::Array(_)) => *lists += 1,
            _ => {}
        }
    }

    /// Whether `method`, documented with the ambiguous shape and shown by no example, answers
    /// one object: most examples of its scope documented the same way do.
    pub(super) fn means_one_object(&self, method: &str, rows: &[Field]) -> bool {
        is_array_beside_fields(rows)
            && self
                .votes
                .get(&scope_of(method))
                .is_some_and(|(objects, lists)| objects > lists)
    }
}

/// `result` typed exactly `array` (not `item[]`), without children, with fields beside it.
fn is_array_beside_fields(rows: &[Field]) -> bool {
    let Some(result) = rows.iter().find(|row| row.name == "result") else {
        return false;
    };
    result.ty.trim().eq_ignore_ascii_case("array")
        && result.children.is_empty()
        && rows
            .iter()
            .any(|row| row.name != "result" && !ENVELOPE.contains(&row.name.as_str()))
}

fn scope_of(method: &str) -> String {
    method
        .split('.')
        .next()
        .unwrap_or(method)
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn rows() -> Vec<Field> {
        ["result", "ID", "NAME", "time"]
            .iter()
            .map(|name| Field {
                name: (*name).to_owned(),
                ty: String::from(if *name == "result" { "array" } else { "string" }),
                required: false,
                children: Vec::new(),
            })
            .collect()
    }

    #[test]
    fn the_scope_s_examples_decide() {
        let mut shapes = ArrayBesideFields::default();
        let object = json!({"ID": 1});
        let list = json!([{"ID": 1}]);
        shapes.learn("disk.folder.get", &rows(), Some(&object));
        shapes.learn("disk.storage.get", &rows(), Some(&object));
        shapes.learn("disk.rights.getTasks", &rows(), Some(&list));
        shapes.learn("sonet_group.user.get", &rows(), Some(&list));
        assert!(shapes.means_one_object("disk.file.get", &rows()));
        assert!(!shapes.means_one_object("sonet_group.user.groups", &rows()));
        // No example of the shape in the scope: the table's `array` stands.
        assert!(!shapes.means_one_object("calendar.section.get", &rows()));
    }

    #[test]
    fn other_shapes_are_not_counted_nor_changed() {
        let mut typed = rows();
        typed[0].ty = String::from("object[]");
        let mut shapes = ArrayBesideFields::default();
        shapes.learn("disk.a.get", &typed, Some(&json!({"ID": 1})));
        assert!(!shapes.means_one_object("disk.b.get", &rows()));
        shapes.learn("disk.a.get", &rows(), Some(&json!({"ID": 1})));
        assert!(!shapes.means_one_object("disk.b.get", &typed));
        assert!(shapes.means_one_object("disk.b.get", &rows()));
    }
}
