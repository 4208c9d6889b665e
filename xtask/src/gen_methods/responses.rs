//! The response type of a method: the `result` row (or the rows beside it) mapped to a type,
//! corrected by the documented example, the list shape and the scope's other examples.

use serde_json::Value;

use super::model::{Entry, Field, example_result};
use super::naming::describes_fields;
use super::paging::{self, ENVELOPE, ListKind};
use super::records::{Mapper, StructDef};
use super::shapes::ArrayBesideFields;
use super::types::{Ty, scalar_fits};

/// The response type of a classic method and its list shape.
pub(super) fn classic(
    mapper: &mut Mapper,
    shapes: &ArrayBesideFields,
    entry: &Entry,
    params: &[Field],
    type_name: &str,
    example: Option<&Value>,
) -> (Ty, Option<ListKind>) {
    let method = entry.method.as_str();
    let rows = &entry.response_rows();
    let example_result = example_result(example);
    let list = paging::list_kind(method, entry.deprecated, params, rows, example_result);
    // `array` beside the fields is one object where the scope's examples say so.
    let one_object =
        example_result.is_none() && list.is_none() && shapes.means_one_object(method, rows);
    let result_row = rows.iter().find(|row| row.name == "result").cloned();
    let siblings: Vec<Field> = rows
        .iter()
        .filter(|row| row.name != "result" && !ENVELOPE.contains(&row.name.as_str()))
        .cloned()
        .collect();
    let result_name = format!("{type_name}Result");
    let mut ty = match result_row {
        // `*.fields` methods describe the entity's fields (`{"ID": {"type": …}}`), while their
        // tables list the fields themselves: a generic value is the honest type.
        _ if describes_fields(method) => Ty::Value,
        Some(mut row) => {
            let lower = row.ty.to_ascii_lowercase();
            if row.children.is_empty()
                && !siblings.is_empty()
                && (lower.contains("object") || lower.contains("array") || lower.is_empty())
            {
                row.children = siblings;
                if one_object || (!lower.contains("object") && !lower.contains("array")) {
                    row.ty = String::from("object");
                }
            }
            mapper.map_type(&row, &result_name, false, example_result).0
        }
        None if !siblings.is_empty() => {
            let row = object_row("result", siblings);
            mapper.map_type(&row, &result_name, false, example_result).0
        }
        None => Ty::Value,
    };

    // The example decides between one object and a list of them when the tables disagree.
    match (&ty, example_result) {
        (Ty::Struct(_), Some(Value::Array(_))) => ty = ty.list_of(),
        (Ty::Vec(inner), Some(Value::Object(_))) if ty.is_list_of_records() => {
            ty = (**inner).clone();
        }
        _ => {}
    }
    // A scalar `result` that the documented example contradicts stays a generic value.
    if let Some(result) = example_result
        && !scalar_fits(&ty, result)
    {
        ty = Ty::Value;
    }
    // A list at the root whose table describes one item: `result` is a list of them.
    if let (Some(ListKind::Root(_)), Ty::Struct(_)) = (&list, &ty) {
        ty = ty.list_of();
    }
    (ty, list)
}

/// The item type of a keyed list (`list = "key"`) as written: the element type of the
/// response record's `key` field, or `Value` when the record does not type it as a list.
/// `None` for a root list, whose `response = Vec<T>` names its item type itself.
pub(super) fn keyed_item(list: &ListKind, response: &Ty, records: &[StructDef]) -> Option<String> {
    let ListKind::Key(key, _) = list else {
        return None;
    };
    let element = match response {
        Ty::Struct(name) => records
            .iter()
            .find(|record| record.name == *name)
            .and_then(|record| record.fields.iter().find(|field| field.wire == *key))
            .and_then(|field| match &field.ty {
                Ty::Vec(inner) => Some(inner.rust()),
                _ => None,
            }),
        _ => None,
    };
    Some(element.unwrap_or_else(|| Ty::Value.rust()))
}

/// The response of a REST 3.0 method: `Item<Record>`, `Items<Record>`, `Done` or a generic
/// value; the second value says whether it is a list of items.
///
/// The REST 3.0 pages list `result`, `item` / `items` / `items[]` and the object's fields
/// side by side in one table (a documentation quirk): the fields are gathered from every
/// level into one record, and `item` / `items` decide the wrapper. The record follows the
/// documented example where the table disagrees, as for classic methods.
pub(super) fn v3(
    mapper: &mut Mapper,
    rows: Vec<Field>,
    type_name: &str,
    example: Option<&Value>,
) -> (String, bool) {
    const WRAPPERS: &[&str] = &["result", "item", "items", "items[]"];
    let mut flat: Vec<Field> = Vec::new();
    let mut wrappers: Vec<Field> = Vec::new();
    let mut pending: Vec<Field> = rows;
    while let Some(row) = pending.pop() {
        if WRAPPERS.contains(&row.name.as_str()) {
            pending.extend(row.children.iter().cloned());
            wrappers.push(row);
        } else if !ENVELOPE.contains(&row.name.as_str()) {
            flat.insert(0, row);
        }
    }
    let result = example_result(example);
    let example_item = result.and_then(|result| result.get("item"));
    let example_items = result
        .and_then(|result| result.get("items"))
        .and_then(Value::as_array);
    // A bare `"result": true` although the table says `result` holds `result`.
    if result.is_some_and(Value::is_boolean) {
        return (String::from("bool"), false);
    }
    let named = |name: &str| wrappers.iter().any(|row| row.name == name);
    let (wrapper, record_example) = if example_items.is_some()
        || (example_item.is_none() && (named("items") || named("items[]")))
    {
        ("Items", example_items.and_then(|items| items.first()))
    } else if example_item.is_some() || named("item") {
        ("Item", example_item)
    } else if result.is_some_and(|result| result.get("result").is_some_and(Value::is_boolean))
        || (flat.is_empty()
            && wrappers
                .iter()
                .any(|row| row.name == "result" && row.ty.contains("boolean")))
    {
        return (String::from("b24_core::v3::Done"), false);
    } else {
        return (String::from("Value"), false);
    };
    let record = if flat.is_empty() {
        String::from("Value")
    } else {
        let row = object_row("item", flat);
        let name = format!("{type_name}{wrapper}");
        mapper.map_type(&row, &name, false, record_example).0.rust()
    };
    (
        format!("b24_core::v3::{wrapper}<{record}>"),
        wrapper == "Items",
    )
}

/// An undocumented object row holding `children`.
fn object_row(name: &str, children: Vec<Field>) -> Field {
    Field {
        name: name.to_owned(),
        ty: String::from("object"),
        required: false,
        children,
    }
}
