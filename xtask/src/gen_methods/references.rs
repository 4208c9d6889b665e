//! Records documented by reference: a `get` or `list` whose table says only `object` /
//! `object[]` / `array` (or names an object type, `catalog_catalog[]`) takes the record
//! documented elsewhere in its folder — the `fields` / `getFields` method's table, or the field
//! descriptions of its example (`{"ID": {"type": "integer", …}}`) — and its list items or
//! result are that record.

use serde_json::{Map, Value};

use super::inference;
use super::model::{Entry, Field, example_result};
use super::paging::{self, ENVELOPE, ListKind};
use super::records::{FieldDef, StructDef};
use super::types::{Ty, reconcile};

/// The verbs of the methods documenting a folder's fields.
const FIELDS_VERBS: &[&str] = &["fields", "getFields", "getfields"];

/// The rows of the record of `folder` as its `fields` / `getFields` method documents them: the
/// rows of its table (or of its `result`), else the field descriptions of its example.
pub(super) fn fields_rows(
    entries: &[Entry],
    folder: &str,
    response_example: impl Fn(&str) -> Option<Value>,
) -> Vec<Field> {
    let methods: Vec<String> = FIELDS_VERBS
        .iter()
        .map(|verb| format!("{folder}.{verb}"))
        .collect();
    let Some(entry) = entries
        .iter()
        .find(|entry| !entry.is_v3() && methods.contains(&entry.method))
    else {
        return Vec::new();
    };
    let rows = entry.response_rows();
    let table: Vec<Field> = match rows.iter().find(|row| row.name == "result") {
        Some(result) if !result.children.is_empty() => result.children.clone(),
        _ => rows
            .into_iter()
            .filter(|row| row.name != "result" && !ENVELOPE.contains(&row.name.as_str()))
            .filter(|row| !row.ty.is_empty() && row.ty != "object")
            .collect(),
    };
    if !table.is_empty() && !describes_one_description(&table) {
        return table;
    }
    // A `fields` method takes no parameters: a table documented there lists the fields
    // (`crm.productsection.fields`).
    let params = entry.param_rows();
    if !params.is_empty() {
        return params;
    }
    let example = response_example(&entry.method);
    example_result(example.as_ref())
        .and_then(descriptions)
        .unwrap_or_default()
}

/// The attributes every field description has (`crm.address.fields` documents its `result` as
/// rows `type`, `isRequired`, `isReadOnly`, … — the shape of one field's description, not the
/// fields of the record).
const DESCRIPTION_ATTRIBUTES: &[&str] = &["type", "isRequired", "isReadOnly", "isMultiple"];

/// Whether a table documents the shape of one field description rather than the record's fields.
fn describes_one_description(rows: &[Field]) -> bool {
    DESCRIPTION_ATTRIBUTES
        .iter()
        .all(|attribute| rows.iter().any(|row| row.name == *attribute))
}

/// Rows from field descriptions (`{"ID": {"type": "integer", "isMultiple": false}, …}`),
/// directly in `result` or under its one key (`{"shipment": {…}}`).
fn descriptions(result: &Value) -> Option<Vec<Field>> {
    let map = result.as_object()?;
    let described = |map: &Map<String, Value>| {
        !map.is_empty()
            && map
                .values()
                .all(|value| value.get("type").is_some_and(Value::is_string))
    };
    let map = if described(map) {
        map
    } else {
        match map.values().next() {
            Some(Value::Object(inner)) if map.len() == 1 && described(inner) => inner,
            _ => return None,
        }
    };
    Some(
        map.iter()
            .map(|(name, description)| {
                let token = description["type"].as_str().unwrap_or_default();
                let multiple = description
                    .get("isMultiple")
                    .and_then(Value::as_bool)
                    .unwrap_or(false);
                Field {
                    name: name.clone(),
                    ty: if multiple {
                        format!("{token}[]")
                    } else {
                        token.to_owned()
                    },
                    required: false,
                    children: Vec::new(),
                }
            })
            .collect(),
    )
}

/// Whether a `get` / `list` describes its answer only by reference: its `result` is a bare
/// `object`, `object[]` or `array` with no rows under it or beside it, a `get` takes the
/// record's `id` and its documented `result` (when shown) is no wrapper holding a list of
/// objects, a list's documented items (when shown) are no scalars.
pub(super) fn refers(entry: &Entry, example_result: Option<&Value>) -> bool {
    let method = entry.method.as_str();
    let verb = method.rsplit('.').next().unwrap_or_default();
    if !matches!(verb, "get" | "list") {
        return false;
    }
    // A `get` of one record takes its `id` (`event.offline.get` reads a queue instead).
    let by_id = entry
        .param_rows()
        .iter()
        .any(|row| row.name.eq_ignore_ascii_case("id"));
    let wrapper = verb == "get"
        && example_result
            .and_then(Value::as_object)
            .is_some_and(|map| {
                map.values().any(|value| {
                    value
                        .as_array()
                        .is_some_and(|items| items.first().is_some_and(Value::is_object))
                })
            });
    // A list whose example shows scalars (`bizproc.activity.list`'s codes) lists no records.
    let scalars = verb == "list"
        && example_result.is_some_and(|result| inference::scalar_items(result, None).is_some());
    let rows = entry.response_rows();
    // A `list` the generator does not page (`bizproc.robot.list`) keeps its answer.
    let pages = || {
        paging::list_kind(
            method,
            entry.deprecated,
            &entry.param_rows(),
            &rows,
            example_result,
        )
        .is_some()
    };
    let mut payload = rows
        .iter()
        .filter(|row| !ENVELOPE.contains(&row.name.as_str()));
    (if verb == "list" { pages() } else { by_id })
        && !wrapper
        && !scalars
        && matches!(
            (payload.next(), payload.next()),
            (Some(result), None) if result.name == "result" && is_bare(result)
        )
}

/// A row typed `object` / `array` (or a list of them) without documented rows under it.
fn is_bare(row: &Field) -> bool {
    let lower = row.ty.to_ascii_lowercase();
    row.children.is_empty()
        && matches!(
            lower.trim_end_matches("[]"),
            "object" | "array" | "" | "object|null" | "array|null"
        )
}

/// Reconciles the fields of a record with the items of its documented list example: a type an
/// item contradicts becomes what fits (a flag shown with other letters, `SHOW_FILTER: "I"`,
/// is a string; otherwise as `types::reconcile` says).
pub(super) fn reconcile_with_items(record: &mut StructDef, items: &[Value]) {
    for field in &mut record.fields {
        for value in items.iter().filter_map(|item| item.get(&field.wire)) {
            field.ty = match (&field.ty, value) {
                (Ty::Flag, Value::String(text)) if !matches!(text.as_str(), "Y" | "N") => Ty::Str,
                _ => reconcile(field.ty.clone(), Some(value)),
            };
        }
    }
}

/// Whether `ty` holds no typed record: a generic value, or a list of them.
pub(super) fn untyped(ty: &Ty) -> bool {
    match ty {
        Ty::Value => true,
        Ty::Vec(inner) => matches!(**inner, Ty::Value),
        _ => false,
    }
}

/// Puts a keyed list's items where its documented example shows them (`list = "vats"`) when
/// the result record has no such field: the record's one list field is that list under
/// another name (the table's `vat`), and a record without a list field describes one item
/// (`crm.stagehistory.list` documents the item's rows under `result`), which a new record
/// `page_name` holds as a list.
pub(super) fn place_keyed_items(
    response: Ty,
    list: &ListKind,
    structs: &mut Vec<StructDef>,
    page_name: impl FnOnce() -> String,
) -> Ty {
    let (ListKind::Key(key, _), Ty::Struct(name)) = (list, &response) else {
        return response;
    };
    let Some(record) = structs.iter_mut().find(|def| def.name == *name) else {
        return response;
    };
    if record.fields.iter().any(|field| field.wire == *key) {
        return response;
    }
    let mut lists = record
        .fields
        .iter_mut()
        .filter(|field| matches!(field.ty, Ty::Vec(_)));
    match (lists.next(), lists.next()) {
        (Some(field), None) => {
            field.wire = key.clone();
            field.ident = super::naming::snake(key);
            response
        }
        (None, _) => {
            let page = page_name();
            structs.push(page_of(&page, key, response.list_of()));
            Ty::Struct(page)
        }
        _ => response,
    }
}

/// A record holding only the list `key` of `items`.
fn page_of(name: &str, key: &str, items: Ty) -> StructDef {
    StructDef {
        name: name.to_owned(),
        doc: format!("The page of items under `{key}`."),
        fields: vec![FieldDef {
            ident: super::naming::snake(key),
            wire: key.to_owned(),
            ty: items,
            required: false,
            doc_type: String::from("array"),
        }],
        patterns: Vec::new(),
        request: false,
    }
}

/// Whether the items of a list answering `response` are untyped (see [`untyped`]).
pub(super) fn untyped_items(response: &Ty, list: &ListKind, structs: &[StructDef]) -> bool {
    match (list, response) {
        (ListKind::Root(_), _) | (ListKind::Key(..), Ty::Value) => untyped(response),
        (ListKind::Key(key, _), Ty::Struct(name)) => structs
            .iter()
            .filter(|def| def.name == *name)
            .flat_map(|def| def.fields.iter())
            .any(|field| field.wire == *key && untyped(&field.ty)),
        _ => false,
    }
}

/// The response of a list whose items are untyped, with `record` as the item type: a list at
/// the root becomes `Vec<record>`; the untyped `key` field of its result record becomes one, or
/// an untyped result becomes a new record `result_name` holding only that list. Typed items
/// are left as they are.
pub(super) fn follow_list(
    response: Ty,
    list: &ListKind,
    structs: &mut Vec<StructDef>,
    record: &Ty,
    result_name: impl FnOnce() -> String,
) -> Ty {
    match list {
        ListKind::Root(_) if untyped(&response) => record.clone().list_of(),
        ListKind::Root(_) => response,
        ListKind::Key(key, _) => match &response {
            Ty::Struct(name) => {
                let field = structs
                    .iter_mut()
                    .filter(|def| def.name == *name)
                    .flat_map(|def| def.fields.iter_mut())
                    .find(|field| field.wire == *key && untyped(&field.ty));
                if let Some(field) = field {
                    field.ty = record.clone().list_of();
                }
                response
            }
            Ty::Value => {
                let name = result_name();
                structs.push(page_of(&name, key, record.clone().list_of()));
                Ty::Struct(name)
            }
            _ => response,
        },
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::model::fixtures::{entry, name_types};
    use super::*;

    #[test]
    fn the_fields_table_or_its_example_documents_the_record() {
        let entries = [
            entry(json!({"method": "crm.company.fields", "response_fields": [
                {"name": "ID", "type": "integer"}, {"name": "TITLE", "type": "string"},
                {"name": "time", "type": "time"}]})),
            entry(
                json!({"method": "sale.shipment.getFields", "response_fields": [
                {"name": "result", "type": "object"}, {"name": "shipment", "type": "object"}]}),
            ),
        ];
        let example = |method: &str| {
            (method == "sale.shipment.getFields").then(|| {
                json!({"result": {"shipment": {
                    "id": {"type": "integer", "isReadOnly": true},
                    "tags": {"type": "string", "isMultiple": true}}}})
            })
        };
        let company = fields_rows(&entries, "crm.company", example);
        assert_eq!(
            name_types(&company),
            [("ID", "integer"), ("TITLE", "string")]
        );
        let shipment = fields_rows(&entries, "sale.shipment", example);
        assert_eq!(
            name_types(&shipment),
            [("id", "integer"), ("tags", "string[]")]
        );
        assert!(fields_rows(&entries, "crm.deal", example).is_empty());
    }

    #[test]
    fn a_table_of_one_description_s_attributes_is_not_the_record() {
        let described = |attribute: &str, ty: &str| json!({"name": attribute, "type": ty});
        let entries = [entry(
            json!({"method": "crm.address.fields", "response_fields": [
            {"name": "result", "type": "object", "children": [
                described("type", "string"), described("isRequired", "boolean"),
                described("isReadOnly", "boolean"), described("isMultiple", "boolean"),
                described("title", "string")]}]}),
        )];
        let example = |_: &str| {
            Some(json!({"result": {
                "TYPE_ID": {"type": "integer", "isRequired": true},
                "CITY": {"type": "string", "isRequired": false}}}))
        };
        let address = fields_rows(&entries, "crm.address", example);
        assert_eq!(
            name_types(&address),
            [("TYPE_ID", "integer"), ("CITY", "string")]
        );
    }

    #[test]
    fn a_bare_result_refers_to_the_record_a_typed_one_does_not() {
        let refers_with = |method: &str, rows: Value| {
            refers(
                &entry(json!({"method": method, "response_fields": rows})),
                None,
            )
        };
        let bare =
            json!([{"name": "result", "type": "object[]"}, {"name": "total", "type": "integer"}]);
        assert!(refers_with("crm.company.list", bare.clone()));
        // A `get` reading something else than one record by its `id`.
        assert!(!refers_with(
            "event.offline.get",
            json!([{"name": "result", "type": "object"}])
        ));
        assert!(!refers_with("crm.company.fields", bare.clone()));
        assert!(!refers_with("user.get", bare));
        let get = entry(json!({"method": "crm.x.get", "params": [{"name": "id"}],
            "response_fields": [{"name": "result", "type": "object"}]}));
        assert!(!refers(
            &get,
            Some(&json!({"events": [{"ID": 1}], "process_id": "x"}))
        ));
        assert!(refers(&get, Some(&json!({"ID": 1, "TAGS": ["a"]}))));
        let list = entry(
            json!({"method": "bizproc.activity.list", "response_fields": [
            {"name": "result", "type": "array"}]}),
        );
        assert!(refers(&list, Some(&json!([{"CODE": "a"}]))));
        assert!(!refers(&list, Some(&json!(["a", "b"]))));
        // No paging evidence: not a list the generator pages, its answer stays as documented.
        assert!(!refers_with(
            "bizproc.robot.list",
            json!([{"name": "result", "type": "array"}])
        ));
        assert!(!refers_with(
            "crm.x.list",
            json!([{"name": "result", "type": "object", "children": [{"name": "ID"}]}])
        ));
        assert!(!refers_with(
            "catalog.vat.list",
            json!([{"name": "result", "type": "object"}, {"name": "vats", "type": "x[]"}])
        ));
    }

    #[test]
    fn keyed_items_go_where_the_example_shows_them() {
        let def = |name: &str, fields: &[(&str, Ty)]| StructDef {
            name: name.to_owned(),
            doc: String::new(),
            fields: fields
                .iter()
                .map(|(wire, ty)| FieldDef {
                    ident: wire.to_string(),
                    wire: wire.to_string(),
                    ty: ty.clone(),
                    required: false,
                    doc_type: String::new(),
                })
                .collect(),
            patterns: Vec::new(),
            request: false,
        };
        let vat = Ty::Struct(String::from("Vat"));
        let key = ListKind::Key(String::from("vats"), None);
        let result = Ty::Struct(String::from("R"));
        let mut structs = vec![def("R", &[("vat", vat.clone().list_of())])];
        let page = || String::from("Page");
        assert_eq!(
            place_keyed_items(result.clone(), &key, &mut structs, page),
            result
        );
        assert_eq!(structs[0].fields[0].wire, "vats");
        // The rows of one item under `result`: a page holds a list of them.
        let mut structs = vec![def("R", &[("ID", Ty::Id), ("STAGE_ID", Ty::Str)])];
        let placed = place_keyed_items(result.clone(), &key, &mut structs, page);
        assert_eq!(placed, Ty::Struct(String::from("Page")));
        assert_eq!(structs[1].fields[0].ty, result.clone().list_of());
        // Two lists: which one holds the items is not known.
        let two = [("a", vat.clone().list_of()), ("b", vat.list_of())];
        let mut structs = vec![def("R", &two)];
        assert_eq!(
            place_keyed_items(result.clone(), &key, &mut structs, page),
            result
        );
        assert_eq!(structs.len(), 1);
    }

    #[test]
    fn list_items_reconcile_the_record() {
        let field = |wire: &str, ty: Ty| FieldDef {
            ident: wire.to_lowercase(),
            wire: wire.to_owned(),
            ty,
            required: false,
            doc_type: String::new(),
        };
        let mut record = StructDef {
            name: String::from("Userfield"),
            doc: String::new(),
            fields: vec![
                field("SHOW_FILTER", Ty::Flag),
                field("MANDATORY", Ty::Flag),
                field("SORT", Ty::Str),
            ],
            patterns: Vec::new(),
            request: false,
        };
        let items = [
            json!({"SHOW_FILTER": "N", "MANDATORY": "Y", "SORT": 100}),
            json!({"SHOW_FILTER": "I"}),
        ];
        reconcile_with_items(&mut record, &items);
        let types: Vec<&Ty> = record.fields.iter().map(|field| &field.ty).collect();
        assert_eq!(types, [&Ty::Str, &Ty::Flag, &Ty::Numeric]);
    }

    #[test]
    fn untyped_items_take_the_record_typed_ones_stay() {
        let record = Ty::Struct(String::from("crate::crm::company::Company"));
        let root = ListKind::Root(None);
        let mut structs = Vec::new();
        let name = || String::from("Page");
        assert_eq!(
            follow_list(Ty::Value, &root, &mut structs, &record, name),
            record.clone().list_of()
        );
        let typed = Ty::Struct(String::from("Other")).list_of();
        assert_eq!(
            follow_list(typed.clone(), &root, &mut structs, &record, name),
            typed
        );
        let keyed = ListKind::Key(String::from("categories"), None);
        let page = follow_list(Ty::Value, &keyed, &mut structs, &record, name);
        assert_eq!(page, Ty::Struct(String::from("Page")));
        assert_eq!(structs[0].fields[0].wire, "categories");
        assert_eq!(structs[0].fields[0].ty, record.clone().list_of());
        // A result record's untyped list field takes the record.
        structs[0].fields[0].ty = Ty::Value.list_of();
        follow_list(page, &keyed, &mut structs, &record, name);
        assert_eq!(structs[0].fields[0].ty, record.list_of());
    }
}
