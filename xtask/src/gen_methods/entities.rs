//! Shared entity records: one struct per folder (`crm.deal` → `crm::deal::Deal`), used by the
//! folder's `get` result, `list` items and `add` / `update` `fields`.
//!
//! The rule: a folder of classic methods whose `get` documents a returned row typed as the
//! entity (`deal`, `item`) or whose `add` / `update` document a `fields` object. The entity's
//! fields are the union of the documented rows — the `get` row's fields first, then those of
//! `add` and `update` (a name documented twice keeps its first type). A row typed as the entity
//! (`deal`, `item[]`) anywhere in these methods' responses names the entity, which is how a list
//! item described only as "a deal" follows the reference. User fields (`UF_*`) and the fields of
//! one entity type only (`crm.item`) stay in `extra`. At least two of the four methods must use
//! it, in the same scopes as the entity, else each method keeps its own records.

use std::collections::BTreeMap;

use serde_json::Value;

use super::evidence::Evidence;
use super::model::{Entry, Field, example_result};
use super::naming::{TypeNames, pascal};
use super::records::{Mapper, StructDef};
use super::types::{reconcile, scalar};
use super::{inference, references};

/// The verbs whose methods share their folder's entity.
const USERS: &[&str] = &["get", "list", "add", "update"];

/// One folder's entity record.
pub(super) struct Entity {
    /// The folder (`crm.deal`), whose documented type tokens name the entity.
    pub(super) folder: String,
    /// The full path of the struct (`crate::crm::deal::Deal`).
    pub(super) path: String,
    /// The scopes its users are documented in.
    pub(super) scopes: Vec<String>,
    /// The record, then the records of its nested rows.
    pub(super) structs: Vec<StructDef>,
}

/// How a method uses its folder's entity, given to the records mapper.
#[derive(Clone)]
pub(super) struct EntityUse {
    /// The folder (`crm.deal`), whose documented type tokens name the entity (see
    /// [`names_entity`]).
    pub(super) folder: String,
    /// The struct's full path.
    pub(super) path: String,
    /// Whether the method's `fields` parameter is the entity (`add`, `update`).
    pub(super) fields: bool,
}

/// A folder's entity before it is named and built.
struct Candidate<'e> {
    folder: &'e str,
    module: String,
    rows: Vec<Field>,
    users: Vec<&'e Entry>,
    scopes: Vec<String>,
    /// The record the `get` example shows.
    example: Option<Value>,
    /// Whether the tables document it (rows, and two methods naming it), not only references.
    documented: bool,
}

/// The entities of a catalog, by folder (`crm.deal`).
#[derive(Default)]
pub(super) struct Entities {
    by_folder: BTreeMap<String, Entity>,
}

impl Entities {
    /// The entities of `entries`; `module_of` gives a folder's module path (`crm::deal`) or
    /// `None` where the folder is also a method (its file holds the method's items).
    pub(super) fn collect(
        entries: &[Entry],
        get_example: impl Fn(&str) -> Option<Value>,
        request_example: impl Fn(&str) -> Option<Value>,
        module_of: impl Fn(&str) -> Option<String>,
        names: &mut TypeNames,
        evidence: &Evidence,
    ) -> Self {
        let mut folders: BTreeMap<&str, Vec<&Entry>> = BTreeMap::new();
        for entry in entries.iter().filter(|entry| !entry.is_v3()) {
            if let Some((folder, verb)) = entry.method.rsplit_once('.')
                && USERS.contains(&verb)
            {
                folders.entry(folder).or_default().push(entry);
            }
        }
        // Phase 1: each folder's rows and users. Phase 2 names and builds the records, those
        // the tables document first, so that a record found by reference (`crm.activity.type`)
        // never takes the name of a documented one (`crm.type`'s `Type`).
        let mut candidates: Vec<Candidate> = Vec::new();
        for (folder, mut members) in folders {
            // The `get` row's fields first: they describe what the server sends.
            members.sort_by_key(|entry| {
                let verb = entry.method.rsplit('.').next().unwrap_or_default();
                USERS.iter().position(|user| *user == verb)
            });
            let last = folder.rsplit('.').next().unwrap_or(folder).to_lowercase();
            let Some(module) = module_of(folder) else {
                continue;
            };
            let mut rows: Vec<Field> = Vec::new();
            let mut users: Vec<(&Entry, bool)> = Vec::new();
            for entry in &members {
                let (own_rows, uses) = documented_rows(entry, folder);
                merge_rows(&mut rows, own_rows);
                let example = get_example(&entry.method);
                if uses || references::refers(entry, example_result(example.as_ref())) {
                    users.push((entry, uses));
                }
            }
            let Some((first, _)) = users.first() else {
                continue;
            };
            let scopes = first.scopes.clone();
            users.retain(|(entry, _)| entry.scopes == scopes);
            if users.len() < 2 {
                continue;
            }
            let documented =
                !rows.is_empty() && users.iter().filter(|(_, uses)| *uses).count() >= 2;
            merge_rows(
                &mut rows,
                references::fields_rows(entries, folder, &get_example),
            );
            let users: Vec<&Entry> = users.into_iter().map(|(entry, _)| entry).collect();
            let get = format!("{folder}.get");
            let example = get_example(&get);
            let example = example_result(example.as_ref()).map(|result| {
                result
                    .as_object()
                    .and_then(|map| map.iter().find(|(key, _)| key.eq_ignore_ascii_case(&last)))
                    .map(|(_, inner)| inner)
                    .filter(|inner| inner.is_object())
                    .unwrap_or(result)
                    .clone()
            });
            // No table: the fields the documented `get` or `list` example shows.
            if rows.is_empty() {
                let list = get_example(&format!("{folder}.list"));
                let item = example
                    .as_ref()
                    .filter(|_| users.iter().any(|user| user.method == get))
                    .and_then(Value::as_object)
                    .or_else(|| {
                        example_result(list.as_ref())
                            .and_then(|result| inference::first_item(result, None))
                    });
                rows = item.map(inference::rows_of).unwrap_or_default();
            }
            if rows.is_empty() {
                continue;
            }
            candidates.push(Candidate {
                folder,
                module,
                rows,
                users,
                scopes,
                example,
                documented,
            });
        }
        candidates.sort_by_key(|candidate| !candidate.documented);
        let mut by_folder = BTreeMap::new();
        for candidate in candidates {
            let Candidate {
                folder,
                module,
                mut rows,
                users,
                scopes,
                example,
                ..
            } = candidate;
            let name = names.unique(entity_name(folder, names));
            if let Some(Value::Object(sent)) = &example {
                rows.extend(sent_rows(sent, &rows));
            }
            let roles: Vec<String> = users
                .iter()
                .map(|entry| format!("`{}`", entry.method))
                .collect();
            let mut mapper = Mapper::new(names);
            mapper.evidence = evidence;
            // Its IDs are typed as answered; `add` sends none, which is why they are optional.
            mapper.shared = true;
            let mut def = mapper.build_struct(
                name.clone(),
                format!(
                    "A `{folder}` entity, shared by {}: the union of their documented fields \
                     (all optional: `add` sends no `ID`).",
                    roles.join(", ")
                ),
                &rows,
                true,
                example.as_ref().filter(|value| value.is_object()),
            );
            // The `add` / `update` examples reconcile the fields too: a type one example
            // contradicts becomes what fits (a generic value at worst).
            let sent: Vec<Value> = users
                .iter()
                .filter_map(|entry| request_example(&entry.method))
                .filter_map(|body| fields_example(&body))
                .collect();
            for field in &mut def.fields {
                for body in &sent {
                    field.ty = reconcile(field.ty.clone(), body.get(&field.wire));
                }
            }
            let list = get_example(&format!("{folder}.list"));
            if let Some(result) = example_result(list.as_ref()) {
                let key = result.as_object().and_then(|map| {
                    map.iter()
                        .find(|(_, value)| value.is_array())
                        .map(|(key, _)| key.as_str())
                });
                references::reconcile_with_items(&mut def, &inference::items(result, key));
            }
            let mut structs = vec![def];
            structs.append(&mut mapper.structs);
            // One record for what is sent and what is answered: nothing is required.
            for field in structs.iter_mut().flat_map(|def| def.fields.iter_mut()) {
                field.required = false;
            }
            by_folder.insert(
                folder.to_owned(),
                Entity {
                    folder: folder.to_owned(),
                    path: format!("crate::{module}::{name}"),
                    scopes,
                    structs,
                },
            );
        }
        Entities { by_folder }
    }

    /// How `method` (documented in `scopes`) uses its folder's entity, if it does.
    pub(super) fn use_of(&self, method: &str, scopes: &[String]) -> Option<EntityUse> {
        let (folder, verb) = method.rsplit_once('.')?;
        let entity = self.by_folder.get(folder)?;
        (USERS.contains(&verb) && entity.scopes == scopes).then(|| EntityUse {
            folder: entity.folder.clone(),
            path: entity.path.clone(),
            fields: matches!(verb, "add" | "update"),
        })
    }

    /// The entities of `entries` alone (no examples, each folder its own module), for tests.
    #[cfg(test)]
    pub(super) fn of_entries(entries: &[Entry]) -> (Self, TypeNames) {
        let mut names = TypeNames::default();
        let entities = Entities::collect(
            entries,
            |_| None,
            |_| None,
            |folder| Some(folder.replace('.', "::")),
            &mut names,
            &Evidence::default(),
        );
        (entities, names)
    }

    /// Every entity, to share the identical ones (see `sharing`).
    pub(super) fn all_mut(&mut self) -> impl Iterator<Item = &mut Entity> {
        self.by_folder.values_mut()
    }

    /// The entity defined in the module of `folder` (`crm.deal`), if any.
    pub(super) fn of_folder(&self, folder: &str) -> Option<&Entity> {
        self.by_folder.get(folder)
    }
}

/// The entity's type name: the folder's last segment (`Deal`), or with its parent's when that
/// is taken (`crm.deal.userfield` → `DealUserfield`).
fn entity_name(folder: &str, names: &TypeNames) -> String {
    let mut segments = folder.rsplit('.');
    let last = pascal(segments.next().unwrap_or(folder));
    match segments.next() {
        Some(parent) if !names.is_free(&last) => format!("{}{last}", pascal(parent)),
        _ => last,
    }
}

/// Rows for the IDs and times the `get` example sends but no table documents (`crm.item.get`
/// sends `id`, `createdBy`, `createdTime`, … while its tables document only what `add` takes):
/// an integer named as an ID (`id`, `…Id`, `…By`) or an ISO date-time string. Other keys,
/// and names with digits (one portal's or one entity type's fields: `parentId1222`), stay in
/// `extra`.
fn sent_rows(sent: &serde_json::Map<String, Value>, documented: &[Field]) -> Vec<Field> {
    sent.iter()
        .filter(|(key, _)| !key.chars().any(|c| c.is_ascii_digit()))
        .filter(|(key, _)| {
            !documented
                .iter()
                .any(|row| row.name.eq_ignore_ascii_case(key))
        })
        .filter_map(|(key, value)| {
            let id_like = key == "id" || key.ends_with("Id") || key.ends_with("By");
            let ty = match value {
                Value::Number(number) if id_like && number.is_u64() => "integer",
                Value::String(text) if inference::is_date_time(text) => "datetime",
                _ => return None,
            };
            Some(Field {
                name: key.clone(),
                ty: ty.to_owned(),
                required: false,
                children: Vec::new(),
            })
        })
        .collect()
}

/// Adds `more` to `rows`; a scalar row documented again with another type becomes the union
/// of both (`string` and `integer`: a number or a string; otherwise a generic value).
fn merge_rows(rows: &mut Vec<Field>, more: Vec<Field>) {
    for row in more {
        match rows
            .iter_mut()
            .find(|known| known.name.eq_ignore_ascii_case(&row.name))
        {
            Some(known) if known.children.is_empty() && row.children.is_empty() => {
                let mapped = |ty: &str| scalar(&ty.to_ascii_lowercase());
                let known_tokens: Vec<&str> = known.ty.split('|').map(str::trim).collect();
                if !row.ty.is_empty()
                    && !known_tokens
                        .iter()
                        .any(|token| mapped(token) == mapped(&row.ty))
                {
                    known.ty = format!("{}|{}", known.ty, row.ty);
                }
            }
            Some(_) => {}
            None => rows.push(row),
        }
    }
}

/// The `fields` object of a documented request (the first item where it is a list).
fn fields_example(body: &Value) -> Option<Value> {
    let (_, fields) = body
        .as_object()?
        .iter()
        .find(|(key, _)| key.eq_ignore_ascii_case("fields"))?;
    match fields {
        Value::Array(items) => items.first().filter(|item| item.is_object()).cloned(),
        Value::Object(_) => Some(fields.clone()),
        _ => None,
    }
}

/// Whether a documented type names the entity of `folder`: its last segment or the folder
/// joined by `_` (`crm.deal`: `deal`, `deal[]`, `deal | null`; `sale.order`: `sale_order[]`).
/// Underscores do not count: `sale_status_lang` names `sale.statusLang`.
pub(super) fn names_entity(ty: &str, folder: &str) -> bool {
    let last = folder.rsplit('.').next().unwrap_or(folder);
    let joined = folder.replace('.', "");
    ty.split('|')
        .map(str::trim)
        .filter(|part| *part != "null")
        .map(|part| part.trim_end_matches("[]").replace('_', ""))
        .all(|part| part.eq_ignore_ascii_case(last) || part.eq_ignore_ascii_case(&joined))
}

/// The entity rows a method documents, and whether the method would use the entity: a
/// response row typed as the entity (its fields, if documented), or the `fields` parameter of
/// `add` / `update`.
fn documented_rows(entry: &Entry, folder: &str) -> (Vec<Field>, bool) {
    let mut rows = Vec::new();
    let mut uses = false;
    let mut pending = entry.response_rows();
    while let Some(row) = pending.pop() {
        if names_entity(&row.ty, folder) {
            uses = true;
            rows.extend(row.children.iter().cloned());
        } else {
            pending.extend(row.children.iter().cloned());
        }
    }
    if entry.method.ends_with(".add") || entry.method.ends_with(".update") {
        for row in entry.param_rows() {
            if row.name.eq_ignore_ascii_case("fields") && !row.children.is_empty() {
                uses = true;
                rows.extend(row.children);
            }
        }
    }
    (rows, uses)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::super::model::fixtures::{entry, name_types};
    use super::*;
    use crate::gen_methods::types::Ty;

    #[test]
    fn an_entity_is_the_union_of_get_and_add_rows_used_by_both() {
        let entries = [
            entry(
                json!({"method": "crm.deal.get", "scopes": ["crm"], "response_fields": [
                {"name": "result", "type": "deal", "children": [
                    {"name": "ID", "type": "integer"}, {"name": "TITLE", "type": "string"}]}]}),
            ),
            entry(
                json!({"method": "crm.deal.list", "scopes": ["crm"], "response_fields": [
                {"name": "result", "type": "deal[]"}]}),
            ),
            entry(
                json!({"method": "crm.deal.add", "scopes": ["crm"], "params": [
                {"name": "fields", "type": "object", "children": [
                    {"name": "TITLE", "type": "string", "required": true},
                    {"name": "OPENED", "type": "char"}, {"name": "UF_*", "type": "any"}]}]}),
            ),
            entry(
                json!({"method": "crm.deal.update", "scopes": ["other"], "params": [
                {"name": "fields", "type": "object", "children": [
                    {"name": "EXTRA", "type": "string"}]}]}),
            ),
        ];
        let (entities, _) = Entities::of_entries(&entries);
        let deal = entities.of_folder("crm.deal").expect("an entity");
        assert_eq!(deal.path, "crate::crm::deal::Deal");
        let wires: Vec<&str> = deal.structs[0]
            .fields
            .iter()
            .map(|field| field.wire.as_str())
            .collect();
        // The update in other scopes adds its rows but does not use the entity.
        assert_eq!(wires, ["ID", "TITLE", "OPENED", "EXTRA"]);
        // Sent and answered alike: the ID is typed as answered, the char as a flag.
        let types: Vec<&Ty> = deal.structs[0]
            .fields
            .iter()
            .map(|field| &field.ty)
            .collect();
        assert_eq!(types, [&Ty::Id, &Ty::Str, &Ty::Flag, &Ty::Str]);
        assert!(deal.structs[0].fields.iter().all(|field| !field.required));
        assert_eq!(deal.structs[0].patterns, ["UF_*"]);
        let crm = [String::from("crm")];
        assert!(entities.use_of("crm.deal.add", &crm).unwrap().fields);
        assert!(!entities.use_of("crm.deal.list", &crm).unwrap().fields);
        assert!(
            entities
                .use_of("crm.deal.update", &[String::from("other")])
                .is_none()
        );
        assert!(entities.use_of("crm.deal.delete", &crm).is_none());
    }

    #[test]
    fn ids_and_times_of_the_get_example_join_the_entity() {
        let sent = json!({"id": 5, "title": "t", "createdBy": 1, "createdTime": "2024-07-22T18:00:08+02:00",
            "parentId1222": 3, "opportunity": 10, "isNew": "Y", "movedBy": null});
        let documented: Vec<Field> =
            serde_json::from_value(json!([{"name": "title", "type": "string"}])).unwrap();
        let rows = sent_rows(sent.as_object().unwrap(), &documented);
        assert_eq!(
            name_types(&rows),
            [
                ("id", "integer"),
                ("createdBy", "integer"),
                ("createdTime", "datetime")
            ]
        );
    }

    #[test]
    fn a_row_documented_with_two_types_takes_both() {
        let mut rows: Vec<Field> =
            serde_json::from_value(json!([{"name": "description", "type": "string"}])).unwrap();
        let more: Vec<Field> = serde_json::from_value(
            json!([{"name": "DESCRIPTION", "type": "integer"}, {"name": "n", "type": "string"},
                {"name": "description", "type": "text"}]),
        )
        .unwrap();
        merge_rows(&mut rows, more);
        let types: Vec<&str> = rows.iter().map(|row| row.ty.as_str()).collect();
        assert_eq!(types, ["string|integer", "string"]);
    }

    #[test]
    fn one_user_or_a_folder_that_is_a_method_makes_no_entity() {
        let entries = [entry(
            json!({"method": "a.b.add", "scopes": ["x"], "params": [
            {"name": "fields", "type": "object", "children": [{"name": "N", "type": "string"}]}]}),
        )];
        let mut names = TypeNames::default();
        let entities = Entities::collect(
            &entries,
            |_| None,
            |_| None,
            |_| Some(String::from("a::b")),
            &mut names,
            &Evidence::default(),
        );
        assert!(entities.of_folder("a.b").is_none());
        assert!(names_entity("item[] | null", "crm.item"));
        assert!(names_entity("sale_order[]", "sale.order"));
        assert!(names_entity("sale_status_lang[]", "sale.statusLang"));
        assert!(!names_entity("items", "crm.item"));
    }
}
