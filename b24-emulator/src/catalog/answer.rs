//! The answer of a documented method: the documented example's `result` where the page has
//! one, else one generated from the response table; list methods paged by `start`; `*.fields`
//! methods describing their fields.

use super::sample::{self, ENVELOPE};
use super::table::{self, Entry, Field};
use crate::envelope::MethodOutput;
use crate::list::Page;
use crate::value::Value;

/// The answer of `entry` to `params` (already checked).
pub fn answer(entry: &Entry, params: &Value) -> MethodOutput {
    if describes_fields(entry.name) {
        return MethodOutput::new(entry.example().unwrap_or_else(|| describe(entry)));
    }
    let list = is_list(entry);
    let result = entry
        .example()
        .unwrap_or_else(|| sample::result(&entry.response(), list, entry.one_object));
    if !list {
        return MethodOutput::new(result);
    }
    let start = params.get_ci("start").map_or(0, Value::php_intval);
    page(result, start)
}

/// Whether the method's last segment ends in `fields` (`crm.deal.fields`, `tasks.task.getFields`).
fn describes_fields(name: &str) -> bool {
    name.rsplit('.').next().unwrap_or(name).ends_with("fields")
}

/// Whether the method pages: a `*.list`/`*.getlist` name, a `start` parameter, or `next` or
/// `total` in its documented response.
fn is_list(entry: &Entry) -> bool {
    let last = entry.name.rsplit('.').next().unwrap_or(entry.name);
    matches!(last, "list" | "getlist")
        || entry.params().iter().any(|p| p.name() == "start")
        || entry
            .response()
            .iter()
            .any(|row| matches!(row.name(), "next" | "total"))
}

/// The page of `start` out of the result's items: the result itself when it is a list, else
/// its one list-valued key (`{"tasks": […]}`); anything else is one page as it is.
fn page(result: Value, start: i64) -> MethodOutput {
    match result {
        Value::List(items) => Page::of(items, start).into_output(|rows| rows),
        Value::Map(mut entries) => {
            let lists: Vec<usize> = entries
                .iter()
                .enumerate()
                .filter(|(_, (_, v))| matches!(v, Value::List(_)))
                .map(|(i, _)| i)
                .collect();
            let [at] = lists[..] else {
                return MethodOutput::new(Value::Map(entries));
            };
            let items = std::mem::take(&mut entries[at].1)
                .entries()
                .into_iter()
                .map(|(_, v)| v.clone())
                .collect::<Vec<_>>();
            Page::of(items, start).into_output(|rows| {
                entries[at].1 = rows;
                Value::Map(entries)
            })
        }
        other => MethodOutput::new(other),
    }
}

/// The field description of a `*.fields` method without an example: the rows of its response
/// table, else the `fields` parameter of the `add` method beside it.
fn describe(entry: &Entry) -> Value {
    let rows = entry.response();
    let mut fields: Vec<Field> = match rows.iter().find(|row| row.name() == "result") {
        Some(result) if !result.children.is_empty() => result.children.clone(),
        _ => rows
            .into_iter()
            .filter(|row| row.name() != "result" && !ENVELOPE.contains(&row.name()))
            .collect(),
    };
    if fields.is_empty() {
        let prefix = entry.name.rsplit_once('.').map_or("", |(prefix, _)| prefix);
        fields = table::entry(&format!("{prefix}.add"))
            .and_then(|add| add.params().into_iter().find(|p| p.name() == "fields"))
            .map(|param| param.children)
            .unwrap_or_default();
    }
    Value::Map(
        fields
            .iter()
            .filter(|field| field.is_plain())
            .map(|field| (field.name().to_owned(), description(field)))
            .collect(),
    )
}

/// `{"type", "isRequired", "isReadOnly", "isImmutable", "isMultiple", "isDynamic", "title"}`.
fn description(field: &Field) -> Value {
    let token = field.tokens().next().unwrap_or("string");
    let multiple = token.ends_with("[]");
    Value::object([
        ("type", Value::from(token.trim_end_matches("[]"))),
        ("isRequired", Value::Bool(field.required)),
        ("isReadOnly", Value::Bool(false)),
        ("isImmutable", Value::Bool(false)),
        ("isMultiple", Value::Bool(multiple)),
        ("isDynamic", Value::Bool(false)),
        ("title", Value::from(field.name())),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(n: i64) -> Vec<Value> {
        (1..=n).map(Value::Int).collect()
    }

    #[test]
    fn a_root_list_pages_by_start() {
        let first = page(Value::List(items(120)), 0);
        assert_eq!((first.total, first.next), (Some(120), Some(50)));
        let last = page(Value::List(items(120)), 100);
        assert_eq!((last.total, last.next), (Some(120), None));
        assert_eq!(
            last.result,
            Value::List((101..=120).map(Value::Int).collect())
        );
    }

    #[test]
    fn a_keyed_list_pages_inside_its_object() {
        let result = Value::object([
            ("tasks", Value::List(items(3))),
            ("other", Value::from("kept")),
        ]);
        let out = page(result, 50);
        assert_eq!(out.total, Some(3));
        assert_eq!(out.result.get("tasks"), Some(&Value::List(Vec::new())));
        assert_eq!(out.result.get("other"), Some(&Value::from("kept")));
    }

    #[test]
    fn fields_methods_are_recognised_by_their_last_segment() {
        assert!(describes_fields("crm.deal.fields"));
        assert!(describes_fields("crm.deal.userfield.getfields"));
        assert!(!describes_fields("crm.fields.list"));
    }
}
