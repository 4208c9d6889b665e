//! Records: the structs generated for documented rows with fields (a request, a nested
//! parameter object, a returned object), built from the tables and their examples.

use std::collections::HashSet;

use serde_json::Value;

use super::entities::{EntityUse, names_entity};
use super::evidence::{Evidence, NO_EVIDENCE};
use super::model::Field;
use super::naming::{TypeNames, is_wire_ident, pascal, snake};
use super::types::{Ty, id_like, reconcile, refine, scalar};

/// A generated struct.
pub(super) struct StructDef {
    pub name: String,
    pub doc: String,
    pub fields: Vec<FieldDef>,
    /// Documented rows whose names are patterns (`UF_...`, `<FIELD_CODE>`), kept in `extra`.
    pub patterns: Vec<String>,
    /// A request record (its optional fields get setters); else a returned one.
    pub request: bool,
}

/// A field of a generated struct.
pub(super) struct FieldDef {
    /// The Rust name.
    pub ident: String,
    /// The key on the wire.
    pub wire: String,
    pub ty: Ty,
    pub required: bool,
    /// The documented type, for the field's doc comment.
    pub doc_type: String,
}

/// Maps documented rows to types, generating a record for every row with fields.
pub(super) struct Mapper<'a> {
    names: &'a mut TypeNames,
    /// The records generated so far, nested ones before their parents.
    pub(super) structs: Vec<StructDef>,
    /// Rows whose documented type the documentation's own example contradicts.
    pub(super) reconciled: usize,
    /// The folder's entity, when the method shares it (see `entities`).
    pub(super) entity: Option<EntityUse>,
    /// What the catalog's examples show field names holding (see `evidence`).
    pub(super) evidence: &'a Evidence,
    /// The records are sent and returned alike (an entity): their IDs are typed as returned.
    pub(super) shared: bool,
}

impl<'a> Mapper<'a> {
    /// A mapper taking its record names from `names`.
    pub(super) fn new(names: &'a mut TypeNames) -> Self {
        Mapper {
            names,
            structs: Vec::new(),
            reconciled: 0,
            entity: None,
            evidence: &NO_EVIDENCE,
            shared: false,
        }
    }

    /// Maps a documented row to a Rust type, generating records for rows with children; the
    /// second value says whether the row is documented nullable (`T | null`).
    pub(super) fn map_type(
        &mut self,
        row: &Field,
        struct_name: &str,
        request: bool,
        example: Option<&Value>,
    ) -> (Ty, bool) {
        // An example that is no object nor list (`null` for `checklistitem`) keeps the row's
        // own type.
        let fits_entity = example.is_none_or(|value| value.is_object() || value.is_array());
        if fits_entity && let Some(ty) = self.entity_type(row, request) {
            // The example decides between one object and a list, as for any record.
            return (reconcile(ty, example), row.ty.contains("null"));
        }
        let tokens: Vec<&str> = row
            .ty
            .split('|')
            .map(str::trim)
            .filter(|token| !token.is_empty())
            .collect();
        let nullable = tokens.contains(&"null");
        let tokens: Vec<&str> = tokens
            .into_iter()
            .filter(|token| *token != "null")
            .collect();
        let has_children = !row.children.is_empty();
        // The documentation's example contradicts a nested object: keep a generic value.
        if has_children
            && let Some(value) = example
            && !(value.is_null() || value.is_object() || value.is_array())
        {
            self.reconciled += 1;
            return (Ty::Value, nullable);
        }
        let ty = if tokens.len() > 1 {
            if tokens
                .iter()
                .all(|token| matches!(scalar(token), Some(Ty::Numeric)) || *token == "string")
            {
                Ty::Numeric
            } else if has_children
                && tokens
                    .iter()
                    .any(|token| token.starts_with("object") || token.starts_with("array"))
            {
                let is_list = tokens
                    .iter()
                    .all(|token| token.ends_with("[]") || *token == "array");
                let inner = self.record(row, struct_name, request, example);
                if is_list { inner.list_of() } else { inner }
            } else {
                Ty::Value
            }
        } else if let Some(token) = tokens.first() {
            let lower = token.to_ascii_lowercase();
            let is_array = lower.ends_with("[]") || lower == "array";
            if is_array && has_children {
                self.record(row, struct_name, request, example).list_of()
            } else if let Some(element) = lower.strip_suffix("[]") {
                match scalar(element) {
                    Some(Ty::Vec(inner)) => Ty::Vec(inner),
                    Some(ty) => ty.list_of(),
                    None => id_like(&row.name, true).list_of(),
                }
            } else if lower == "array" {
                Ty::Value.list_of()
            } else if has_children {
                self.record(row, struct_name, request, example)
            } else if lower == "object" {
                Ty::Value
            } else {
                scalar(&lower).unwrap_or_else(|| id_like(&row.name, false))
            }
        } else if has_children {
            self.record(row, struct_name, request, example)
        } else {
            Ty::Value
        };
        let reconciled = reconcile(ty.clone(), example);
        if ty != reconciled {
            self.reconciled += 1;
        }
        (reconciled, nullable)
    }

    /// The entity's type for a row typed as the entity (`deal`, `deal[]`) or for the `fields`
    /// parameter of a method whose fields are the entity.
    fn entity_type(&self, row: &Field, request: bool) -> Option<Ty> {
        let entity = self.entity.as_ref()?;
        let fields = entity.fields
            && request
            && row.name.eq_ignore_ascii_case("fields")
            && !row.children.is_empty();
        // A row typed as a known scalar (`currency`: a code) stays that scalar.
        let documented_scalar = || {
            let lower = row.ty.to_ascii_lowercase();
            scalar(lower.trim_end_matches("[]")).is_some()
        };
        if !fields && (!names_entity(&row.ty, &entity.folder) || documented_scalar()) {
            return None;
        }
        let record = Ty::Struct(entity.path.clone());
        // `deal[]`, or `fields` documented as a list of objects (`lists.element.add`).
        let lower = row.ty.to_ascii_lowercase();
        Some(if lower.contains("[]") || lower.contains("array") {
            record.list_of()
        } else {
            record
        })
    }

    /// Generates the record of a row with children and returns its type.
    fn record(
        &mut self,
        row: &Field,
        struct_name: &str,
        request: bool,
        example: Option<&Value>,
    ) -> Ty {
        // The example of a nested object: the object itself, or the first item of an array.
        let object_example = match example {
            Some(Value::Array(items)) => items.first(),
            other => other,
        };
        let name = self.names.unique(struct_name.to_owned());
        let role = if request {
            "parameter"
        } else {
            "returned field"
        };
        let def = self.build_struct(
            name.clone(),
            format!("`{}` ({role}).", row.name),
            &row.children,
            request,
            object_example,
        );
        self.structs.push(def);
        Ty::Struct(name)
    }

    /// The record of `rows`, named `name`; the records of nested rows go to `structs`.
    pub(super) fn build_struct(
        &mut self,
        name: String,
        doc: String,
        rows: &[Field],
        request: bool,
        example: Option<&Value>,
    ) -> StructDef {
        let mut fields: Vec<FieldDef> = Vec::new();
        let mut patterns = Vec::new();
        let mut wires = HashSet::new();
        let mut idents: HashSet<String> = HashSet::from([String::from("extra")]);
        let example_map = example.and_then(Value::as_object);
        for row in rows {
            if !is_wire_ident(&row.name) {
                if !patterns.contains(&row.name) {
                    patterns.push(row.name.clone());
                }
                continue;
            }
            // The examples' spelling wins when it differs only in case (`FIELDS` vs `fields`).
            let wire = if request {
                example_map
                    .and_then(|map| {
                        map.keys()
                            .find(|key| *key != &row.name && key.eq_ignore_ascii_case(&row.name))
                            .filter(|_| !map.contains_key(&row.name))
                            .cloned()
                    })
                    .unwrap_or_else(|| row.name.clone())
            } else {
                row.name.clone()
            };
            if !wires.insert(wire.to_ascii_lowercase()) {
                continue;
            }
            let mut ident = snake(&row.name);
            if ident == "extra" {
                ident.push('_');
            }
            while !idents.insert(ident.clone()) {
                ident.push('_');
            }
            let child_name = format!("{name}{}", pascal(&row.name));
            let child_example = example_map.and_then(|map| map.get(&wire));
            let (ty, _) = self.map_type(row, &child_name, request, child_example);
            let returned = !request || self.shared;
            let ty = refine(ty, row, rows, returned, child_example, self.evidence);
            // A required row the documentation's own example leaves out is optional.
            let required =
                request && row.required && example_map.is_none_or(|map| map.contains_key(&wire));
            fields.push(FieldDef {
                ident,
                wire,
                ty,
                required,
                doc_type: row.ty.clone(),
            });
        }
        StructDef {
            name,
            doc,
            fields,
            patterns,
            request,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// Runs `check` with a fresh mapper over `table`, rows written as the catalog writes them.
    fn with_mapper(table: Value, check: impl FnOnce(&mut Mapper, &[Field])) {
        let mut names = TypeNames::default();
        let rows: Vec<Field> = serde_json::from_value(table).expect("rows");
        check(&mut Mapper::new(&mut names), &rows);
    }

    #[test]
    fn tokens_map_with_nullability_and_unions() {
        let cases = [
            ("string|null", Ty::Str, true),
            ("integer|string", Ty::Numeric, false),
            ("integer|boolean", Ty::Value, false),
            ("integer[]", Ty::Numeric.list_of(), false),
            ("crm_multifield[]", Ty::MultiField.list_of(), false),
            ("crm_company[]", Ty::Value.list_of(), false),
            ("array", Ty::Value.list_of(), false),
            ("object", Ty::Value, false),
            ("", Ty::Value, false),
        ];
        for (token, ty, nullable) in cases {
            with_mapper(json!([{"name": "X", "type": token}]), |mapper, rows| {
                assert_eq!(
                    mapper.map_type(&rows[0], "T", false, None),
                    (ty, nullable),
                    "{token}"
                );
                assert!(mapper.structs.is_empty());
                assert_eq!(mapper.reconciled, 0);
            });
        }
    }

    #[test]
    fn rows_with_children_become_records_named_after_their_owner() {
        let table = json!([{"name": "items", "type": "object[]", "children": [
            {"name": "ID", "type": "integer", "required": true},
            {"name": "UF_*", "type": "any"},
        ]}]);
        with_mapper(table, |mapper, rows| {
            let (ty, _) = mapper.map_type(&rows[0], "ListResultItems", false, None);
            assert_eq!(ty, Ty::Struct(String::from("ListResultItems")).list_of());
            let def = &mapper.structs[0];
            assert_eq!(def.doc, "`items` (returned field).");
            assert_eq!(def.patterns, ["UF_*"]);
            assert_eq!(def.fields[0].ident, "id");
            // Only requests have required fields.
            assert!(!def.fields[0].required);
            // The same name again is made unique.
            let (again, _) = mapper.map_type(&rows[0], "ListResultItems", false, None);
            assert_eq!(
                again,
                Ty::Struct(String::from("ListResultItems2")).list_of()
            );
        });
    }

    #[test]
    fn examples_reconcile_rows_and_count_the_contradictions() {
        let table = json!([{"name": "fields", "type": "object", "required": true, "children": [
            {"name": "TITLE", "type": "string", "required": true},
            {"name": "OPPORTUNITY", "type": "string"},
            {"name": "COMMENTS", "type": "string", "required": true},
        ]}]);
        let example = json!({"FIELDS": {"title": "A", "OPPORTUNITY": 10}});
        with_mapper(table, |mapper, rows| {
            let def = mapper.build_struct(
                String::from("Add"),
                String::new(),
                rows,
                true,
                Some(&example),
            );
            // The example's spelling of the key wins.
            assert_eq!(def.fields[0].wire, "FIELDS");
            let nested = &mapper.structs[0];
            assert_eq!(nested.name, "AddFields");
            assert_eq!(nested.fields[0].wire, "title");
            assert!(nested.fields[0].required);
            // A number where the table says `string`.
            assert_eq!(nested.fields[1].ty, Ty::Numeric);
            // Required, but left out by the example: optional.
            assert!(!nested.fields[2].required);
            assert_eq!(mapper.reconciled, 1);
        });
    }

    #[test]
    fn a_scalar_example_for_a_nested_object_keeps_a_generic_value() {
        let table = json!([{"name": "data", "type": "object", "children": [
            {"name": "a", "type": "string"},
        ]}]);
        with_mapper(table, |mapper, rows| {
            let (ty, _) = mapper.map_type(&rows[0], "Data", false, Some(&json!("text")));
            assert_eq!(ty, Ty::Value);
            assert!(mapper.structs.is_empty());
            assert_eq!(mapper.reconciled, 1);
        });
    }

    #[test]
    fn keys_differing_in_case_only_are_one_field_and_extra_is_renamed() {
        let table = json!([
            {"name": "id", "type": "integer"},
            {"name": "ID", "type": "integer"},
            {"name": "extra", "type": "string"},
            {"name": "type", "type": "string"},
        ]);
        with_mapper(table, |mapper, rows| {
            let def = mapper.build_struct(String::from("R"), String::new(), rows, false, None);
            let idents: Vec<&str> = def
                .fields
                .iter()
                .map(|field| field.ident.as_str())
                .collect();
            assert_eq!(idents, ["id", "extra_", "type_"]);
        });
    }
}
