//! Which documented methods page, where their items are in `result`, and whether the fast
//! cursor applies — decided from the catalog alone (parameters, response table, example).

use serde_json::Value;

use super::model::Field;

/// Where a paged method's items are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum ListKind {
    /// `result` is the list; the items' ID field when known.
    Root(Option<String>),
    /// `result.<key>` is the list; the items' ID field when known.
    Key(String, Option<String>),
}

impl ListKind {
    /// The items' ID field, when the documentation shows one.
    fn id(&self) -> Option<&str> {
        match self {
            ListKind::Root(id) | ListKind::Key(_, id) => id.as_deref(),
        }
    }
}

/// The envelope's own rows, which a response table sometimes lists beside `result`.
pub(super) const ENVELOPE: &[&str] = &["time", "total", "next", "error", "error_description"];

/// The list shape of a documented method, or `None` when it does not page.
///
/// A method pages when it takes a `start` parameter, when its documented response carries
/// `next` or `total`, or when it is named `*.list` / `*.getlist`. Its items are where the
/// example shows the one array (`result` itself or one key of it); without an example, where
/// the response table puts the one array-typed row (`result`, a child of it, or a row listed
/// beside it). A named list without an example pages only with the evidence of its page or of
/// its family ([`pages_by_family`]): offset paging of a list that ignores `start` would read
/// its items again.
pub(super) fn list_kind(
    method: &str,
    deprecated: bool,
    params: &[Field],
    rows: &[Field],
    example_result: Option<&Value>,
) -> Option<ListKind> {
    let named_list = is_list_name(method);
    let legacy_crm = legacy_crm_list(method, deprecated, params);
    let paged = has_row(params, "start")
        || has_row(rows, "next")
        || has_row(rows, "total")
        || legacy_crm
        || pages_by_family(method);
    if !named_list && !paged {
        return None;
    }
    let documented = from_rows(rows, named_list);
    match example_result {
        Some(Value::Array(items)) => Some(ListKind::Root(id_key(items).or_else(|| {
            documented
                .as_ref()
                .and_then(|kind| kind.id().map(str::to_owned))
        }))),
        Some(Value::Object(map)) => {
            let arrays: Vec<(&String, &Vec<Value>)> = map
                .iter()
                .filter_map(|(key, value)| value.as_array().map(|items| (key, items)))
                .collect();
            let chosen = match (arrays.as_slice(), &documented) {
                ([(key, items)], _) => Some((*key, *items)),
                (_, Some(ListKind::Key(key, _))) => {
                    arrays.iter().find(|(name, _)| *name == key).copied()
                }
                _ => None,
            };
            chosen.map(|(key, items)| ListKind::Key(key.clone(), id_key(items)))
        }
        // Only a paged method documented without an example is read from its table; a legacy
        // CRM list that documents no item shape answers the array of records.
        None if paged => documented
            .or_else(|| legacy_crm.then_some(ListKind::Root(None)))
            .map(|kind| legacy_crm_id(method, kind)),
        _ => None,
    }
}

/// Whether the method is named as a list: `*.list` or `*.getlist`.
pub(super) fn is_list_name(method: &str) -> bool {
    let last = method.rsplit('.').next().unwrap_or(method);
    last.eq_ignore_ascii_case("list") || last.eq_ignore_ascii_case("getlist")
}

/// The fast cursor (`order` by ID, `filter` `>ID`, `start = -1`) needs all three paging
/// parameters, an `order` that maps fields to directions (`user.get`'s `order` is only a
/// direction, its field is `sort`), and an ID field.
pub(super) fn cursor(params: &[Field], list: &ListKind) -> Option<String> {
    let has_paging = ["filter", "start"].iter().all(|name| has_row(params, name));
    let order_is_a_map = params
        .iter()
        .find(|row| row.name.eq_ignore_ascii_case("order"))
        .is_some_and(|row| {
            let lower = row.ty.to_ascii_lowercase();
            lower.is_empty() || lower.contains("object") || lower.contains("array")
        });
    if !has_paging || !order_is_a_map {
        return None;
    }
    list.id().map(str::to_owned)
}

/// The lists of the CRM's first REST generation — the deprecated `crm.*.list` pages and the
/// `crm.<entity>.userfield.list` lists — all page by `start` through one service of the
/// portal and answer the array of records (with `total` and `next`), even where their pages
/// document neither parameters nor a response (`crm.product.list`, `crm.measure.list`). A list
/// taking other parameters than `order`, `filter`, `select` and `start` is another kind
/// (`crm.dealcategory.stage.list` answers the stages of one category, unpaged).
fn legacy_crm_list(method: &str, deprecated: bool, params: &[Field]) -> bool {
    const LIST_PARAMETERS: &[&str] = &["order", "filter", "select", "start"];
    let userfield = method.ends_with(".userfield.list");
    method.starts_with("crm.")
        && is_list_name(method)
        && (deprecated || userfield)
        && params.iter().all(|row| {
            LIST_PARAMETERS
                .iter()
                .any(|name| row.name.eq_ignore_ascii_case(name))
        })
}

/// The `*.list` methods of the `sale` and `catalog` REST controllers all page by `start` and
/// answer `total` and `next`, though some pages leave `start` out of their tables
/// (`sale.propertygroup.list`).
fn pages_by_family(method: &str) -> bool {
    (method.starts_with("sale.") || method.starts_with("catalog.")) && is_list_name(method)
}

/// Legacy CRM lists document their items only by name (`contact[]`), yet every one of them
/// carries, orders and filters by `ID`.
fn legacy_crm_id(method: &str, kind: ListKind) -> ListKind {
    match kind {
        ListKind::Root(None) if method.starts_with("crm.") => {
            ListKind::Root(Some(String::from("ID")))
        }
        other => other,
    }
}

/// The one array-typed row of a response table, as a list shape. A `*.list` method's table
/// may also name the items' type without `[]` (`propertyRelations`
/// `sale_order_property_relation`) or list only the items' fields, without `result`.
fn from_rows(rows: &[Field], named_list: bool) -> Option<ListKind> {
    let result = rows.iter().find(|row| row.name == "result");
    let siblings: Vec<&Field> = rows
        .iter()
        .filter(|row| row.name != "result" && !ENVELOPE.contains(&row.name.as_str()))
        .collect();
    if let Some(result) = result
        && is_array(&result.ty)
    {
        // Item fields are listed under `result` or beside it.
        let fields: Vec<&Field> = if result.children.is_empty() {
            siblings
        } else {
            result.children.iter().collect()
        };
        return Some(ListKind::Root(id_row(&fields)));
    }
    if result.is_none() && named_list && !siblings.is_empty() {
        return Some(ListKind::Root(id_row(&siblings)));
    }
    let inner: Vec<&Field> = match result {
        Some(result) if !result.children.is_empty() => result.children.iter().collect(),
        _ => siblings,
    };
    let arrays: Vec<&&Field> = inner.iter().filter(|row| is_array(&row.ty)).collect();
    let keyed = match (arrays.as_slice(), inner.as_slice()) {
        ([row], _) => **row,
        ([], [row]) if named_list && !is_scalar(&row.ty) => *row,
        _ => return None,
    };
    Some(ListKind::Key(
        keyed.name.clone(),
        id_row(&keyed.children.iter().collect::<Vec<_>>()),
    ))
}

fn is_array(ty: &str) -> bool {
    let lower = ty.trim().to_ascii_lowercase();
    lower.ends_with("[]") || lower == "array"
}

fn is_scalar(ty: &str) -> bool {
    matches!(
        ty.trim().to_ascii_lowercase().as_str(),
        "integer"
            | "int"
            | "string"
            | "boolean"
            | "bool"
            | "double"
            | "float"
            | "number"
            | "date"
            | "datetime"
            | "time"
    )
}

fn has_row(rows: &[Field], name: &str) -> bool {
    rows.iter().any(|row| row.name.eq_ignore_ascii_case(name))
}

fn id_row(fields: &[&Field]) -> Option<String> {
    ["ID", "id"]
        .iter()
        .find(|id| fields.iter().any(|field| field.name == **id))
        .map(|id| (*id).to_owned())
}

/// `ID` or `id` when the listed items carry one.
fn id_key(items: &[Value]) -> Option<String> {
    let first = items.first()?.as_object()?;
    ["ID", "id"]
        .iter()
        .find(|key| first.contains_key(**key))
        .map(|key| (*key).to_owned())
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn row(name: &str, ty: &str, children: Vec<Field>) -> Field {
        Field {
            name: name.to_owned(),
            ty: ty.to_owned(),
            required: false,
            children,
        }
    }

    /// The list shape of a method the documentation does not mark deprecated.
    fn current(
        method: &str,
        params: &[Field],
        rows: &[Field],
        example: Option<&Value>,
    ) -> Option<ListKind> {
        list_kind(method, false, params, rows, example)
    }

    fn leaf(name: &str, ty: &str) -> Field {
        row(name, ty, Vec::new())
    }

    fn leaves(rows: &[(&str, &str)]) -> Vec<Field> {
        rows.iter().map(|(name, ty)| leaf(name, ty)).collect()
    }

    /// A table with `result` as an object, `rows` beside it and the envelope's `total`.
    fn beside_result(rows: &[(&str, &str)]) -> Vec<Field> {
        let mut table = vec![leaf("result", "object")];
        table.extend(leaves(rows));
        table.push(leaf("total", "integer"));
        table
    }

    fn paging_params() -> Vec<Field> {
        ["select", "filter", "order", "start"]
            .iter()
            .map(|name| leaf(name, "object"))
            .collect()
    }

    #[test]
    fn a_legacy_list_without_example_is_a_root_list_with_the_id_cursor() {
        let rows = leaves(&[
            ("result", "contact[]"),
            ("total", "integer"),
            ("next", "integer"),
        ]);
        let params = paging_params();
        let kind = current("crm.contact.list", &params, &rows, None).unwrap();
        assert_eq!(kind, ListKind::Root(Some(String::from("ID"))));
        assert_eq!(cursor(&params, &kind).as_deref(), Some("ID"));
        // Outside the CRM an unknown ID field means offset paging.
        let kind = current("lists.element.get", &params, &rows, None).unwrap();
        assert_eq!(kind, ListKind::Root(None));
        assert_eq!(cursor(&params, &kind), None);
        // An example without IDs (addresses are keyed by owner) keeps offset paging too.
        let example = json!([{"TYPE_ID": "1", "ENTITY_ID": "4"}]);
        let kind = current("crm.address.list", &params, &rows, Some(&example)).unwrap();
        assert_eq!(cursor(&params, &kind), None);
    }

    #[test]
    fn a_keyed_list_is_read_from_the_row_beside_result() {
        let rows = [
            leaf("result", "object"),
            row("products", "object[]", leaves(&[("id", "integer")])),
            leaf("total", "integer"),
        ];
        let kind = current("catalog.product.list", &paging_params(), &rows, None).unwrap();
        assert_eq!(
            kind,
            ListKind::Key(String::from("products"), Some(String::from("id")))
        );
        assert_eq!(cursor(&paging_params(), &kind).as_deref(), Some("id"));
    }

    #[test]
    fn a_list_documented_by_item_type_or_item_fields_is_still_a_list() {
        let rows = beside_result(&[("propertyRelations", "sale_order_property_relation")]);
        assert_eq!(
            current("sale.propertyRelation.list", &paging_params(), &rows, None),
            Some(ListKind::Key(String::from("propertyRelations"), None))
        );
        let rows = leaves(&[("id", "integer"), ("name", "string")]);
        assert_eq!(
            current("tasks.api.scrum.epic.list", &paging_params(), &rows, None),
            Some(ListKind::Root(Some(String::from("id"))))
        );
        // A single scalar beside `result` is no list.
        let rows = beside_result(&[("count", "integer")]);
        assert_eq!(current("x.y.list", &paging_params(), &rows, None), None);
    }

    #[test]
    fn a_paged_get_follows_its_example() {
        let rows = beside_result(&[]);
        let example = json!([{"ID": "1", "NAME": "Ann"}]);
        let kind = current("user.get", &paging_params(), &rows, Some(&example)).unwrap();
        assert_eq!(kind, ListKind::Root(Some(String::from("ID"))));
        // `user.get` orders by `sort` (a field name) and `order` (a direction): no fast cursor.
        let params = leaves(&[
            ("sort", "string"),
            ("order", "string"),
            ("FILTER", "string"),
            ("start", "integer"),
        ]);
        assert_eq!(cursor(&params, &kind), None);
        assert_eq!(cursor(&paging_params(), &kind).as_deref(), Some("ID"));
    }

    #[test]
    fn one_object_with_a_total_is_not_a_list() {
        let rows = beside_result(&[("basketItem", "object")]);
        assert_eq!(current("sale.basketitem.add", &[], &rows, None), None);
        let example = json!({"basketItem": {"id": 1}});
        assert_eq!(
            current("sale.basketitem.add", &[], &rows, Some(&example)),
            None
        );
    }

    #[test]
    fn an_unpaged_method_is_not_a_list_whatever_its_result() {
        let rows = leaves(&[("result", "array")]);
        assert_eq!(
            current("crm.deal.contact.items.get", &[], &rows, None),
            None
        );
    }

    #[test]
    fn legacy_crm_lists_page_even_where_their_pages_document_nothing() {
        // `crm.product.list`: deprecated, no parameter table, no response table.
        assert_eq!(
            list_kind("crm.product.list", true, &[], &[], None),
            Some(ListKind::Root(Some(String::from("ID"))))
        );
        // `crm.lead.userfield.list`: `result` without fields beside the envelope's `total`.
        let rows = beside_result(&[]);
        let params = leaves(&[("filter", "object"), ("order", "object")]);
        assert_eq!(
            current("crm.lead.userfield.list", &params, &rows, None),
            Some(ListKind::Root(Some(String::from("ID"))))
        );
        // The stages of one category are not paged, nor is a current list without evidence.
        let category = leaves(&[("id", "integer")]);
        assert_eq!(
            list_kind("crm.dealcategory.stage.list", true, &category, &[], None),
            None
        );
        assert_eq!(current("crm.automation.trigger.list", &[], &[], None), None);
    }

    #[test]
    fn sale_and_catalog_lists_page_without_a_documented_start() {
        let rows = beside_result(&[("propertyGroups", "sale_order_property_group[]")]);
        let params = leaves(&[
            ("select", "array"),
            ("filter", "object"),
            ("order", "object"),
        ]);
        assert_eq!(
            current("sale.propertygroup.list", &params, &rows, None),
            Some(ListKind::Key(String::from("propertyGroups"), None))
        );
    }

    #[test]
    fn a_named_list_without_paging_needs_its_example() {
        let rows = leaves(&[("result", "array")]);
        assert_eq!(current("crm.status.entity.list", &[], &rows, None), None);
        let example = json!({"items": [{"id": 3}], "extra": 1});
        assert_eq!(
            current("crm.status.entity.list", &[], &rows, Some(&example)),
            Some(ListKind::Key(
                String::from("items"),
                Some(String::from("id"))
            ))
        );
    }
}
