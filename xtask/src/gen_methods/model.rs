//! The typed model of the documentation's structured catalog: `methods.json` (one [`Entry`]
//! per documented method, its parameter and response tables as [`Field`] rows) and the
//! request and response examples beside it (`requests/<method>.json`,
//! `responses/<method>.json`).

use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::Result;
use super::naming::is_wire_ident;
use crate::catalog::example_file_name;

/// One documented method of `methods.json`.
#[derive(Clone, Debug, Deserialize)]
pub(super) struct Entry {
    /// The method's name (`crm.deal.add`).
    pub(super) method: String,
    /// The scopes the documentation names (`crm`, `sonet`, `basic`, …), as written there.
    #[serde(default)]
    pub(super) scopes: Vec<String>,
    /// Whether the documentation marks the method deprecated.
    #[serde(default)]
    pub(super) deprecated: bool,
    /// `3` for REST 3.0 methods (served at `/rest/api/`), else `2`.
    #[serde(default)]
    pub(super) rest_version: Option<u64>,
    /// The page's path under the documentation site (`api-reference/…/x.md`).
    #[serde(default)]
    pub(super) docs_path: String,
    /// The parameter table.
    #[serde(default)]
    pub(super) params: Vec<Field>,
    /// The response table.
    #[serde(default)]
    pub(super) response_fields: Vec<Field>,
    /// The documented error codes.
    #[serde(default)]
    pub(super) error_codes: Vec<String>,
}

impl Entry {
    /// The parameter rows, dotted names moved under their parents.
    pub(super) fn param_rows(&self) -> Vec<Field> {
        normalize(self.params.clone())
    }

    /// The response rows, dotted names moved under their parents.
    pub(super) fn response_rows(&self) -> Vec<Field> {
        normalize(self.response_fields.clone())
    }

    /// Whether this is a REST 3.0 method.
    pub(super) fn is_v3(&self) -> bool {
        self.rest_version == Some(3)
    }
}

/// One row of a parameter or response table; nested rows in `children`.
#[derive(Clone, Debug, Deserialize)]
pub(super) struct Field {
    /// The row's name as documented (`FIELDS`, `result.users`, `UF_*`).
    #[serde(deserialize_with = "trimmed")]
    pub(super) name: String,
    /// The documented type (`integer`, `object`, `crm_status`, `string|null`, `item[]`, …).
    #[serde(rename = "type", default, deserialize_with = "trimmed")]
    pub(super) ty: String,
    /// Whether the documentation marks the row required.
    #[serde(default)]
    pub(super) required: bool,
    /// The nested rows of an object or an array of objects.
    #[serde(default)]
    pub(super) children: Vec<Field>,
}

fn trimmed<'de, D: Deserializer<'de>>(deserializer: D) -> std::result::Result<String, D::Error> {
    String::deserialize(deserializer).map(|text| text.trim().to_owned())
}

/// The catalog: its entries, and the folder holding their examples.
pub(super) struct Catalog {
    /// Every documented method, in the catalog's order.
    pub(super) entries: Vec<Entry>,
    /// Where the examples are read from.
    pub(super) examples: Examples,
}

impl Catalog {
    /// Reads `<dir>/methods.json`; the examples are read from `dir` when asked for.
    pub(super) fn load(dir: &Path) -> Result<Catalog> {
        let path = dir.join("methods.json");
        let text =
            fs::read_to_string(&path).map_err(|error| format!("{}: {error}", path.display()))?;
        let entries: Vec<Entry> =
            serde_json::from_str(&text).map_err(|error| format!("{}: {error}", path.display()))?;
        Ok(Catalog {
            entries,
            examples: Examples {
                dir: dir.to_path_buf(),
            },
        })
    }
}

/// The documented request and response examples of the catalog.
pub(super) struct Examples {
    dir: PathBuf,
}

impl Examples {
    /// The documented request body of `method`, if any.
    pub(super) fn request(&self, method: &str) -> Option<Value> {
        self.read("requests", method)
    }

    /// The documented response of `method`, if any.
    pub(super) fn response(&self, method: &str) -> Option<Value> {
        self.read("responses", method)
    }

    fn read(&self, folder: &str, method: &str) -> Option<Value> {
        let path = self
            .dir
            .join(folder)
            .join(format!("{}.json", example_file_name(method)));
        let text = fs::read_to_string(path).ok()?;
        serde_json::from_str(&text).ok()
    }
}

/// The documented example's `result`: some pages show only the content of `result`.
pub(super) fn example_result(example: Option<&Value>) -> Option<&Value> {
    example.and_then(|example| match example.get("result") {
        Some(result) => Some(result),
        None if example.get("error").is_none() => Some(example),
        None => None,
    })
}

/// Moves dotted rows (`result.users`, `fields.CONTACT_ID`, `events[].type`) under the row
/// they name, at every level.
pub(super) fn normalize(fields: Vec<Field>) -> Vec<Field> {
    let mut out: Vec<Field> = Vec::new();
    let mut dotted = Vec::new();
    for field in fields {
        let is_path = field.name.contains('.')
            && field
                .name
                .split('.')
                .all(|segment| is_wire_ident(segment.trim_end_matches("[]")));
        if is_path {
            dotted.push(field);
        } else {
            out.push(field);
        }
    }
    for mut field in dotted {
        let (head, rest) = field.name.split_once('.').expect("dotted");
        let head = head.trim_end_matches("[]").to_owned();
        field.name = rest.to_owned();
        match out.iter_mut().find(|parent| parent.name == head) {
            Some(parent) => {
                if !parent.children.iter().any(|child| child.name == field.name) {
                    parent.children.push(field);
                }
            }
            None => out.push(Field {
                name: head,
                ty: String::from("object"),
                required: false,
                children: vec![field],
            }),
        }
    }
    for field in &mut out {
        let children = std::mem::take(&mut field.children);
        field.children = normalize(children);
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn an_entry_reads_with_trimmed_names_and_defaults() {
        let entry: Entry = serde_json::from_value(json!({
            "method": "crm.deal.get",
            "scopes": ["crm"],
            "params": [{"name": " id ", "type": "integer ", "required": true, "children": []}],
            "response_fields": [],
        }))
        .expect("an entry");
        assert_eq!(entry.params[0].name, "id");
        assert_eq!(entry.params[0].ty, "integer");
        assert!(entry.params[0].required);
        assert!(!entry.deprecated && !entry.is_v3());
        assert!(entry.error_codes.is_empty());
    }

    #[test]
    fn dotted_rows_move_under_their_parents() {
        let row = |name: &str| Field {
            name: name.to_owned(),
            ty: String::from("string"),
            required: false,
            children: Vec::new(),
        };
        let rows = normalize(vec![
            row("fields"),
            row("fields.TITLE"),
            row("result.users[].name"),
        ]);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].children[0].name, "TITLE");
        assert_eq!(rows[1].name, "result");
        assert_eq!(rows[1].ty, "object");
        assert_eq!(rows[1].children[0].name, "users");
        assert_eq!(rows[1].children[0].children[0].name, "name");
    }

    #[test]
    fn the_example_result_is_the_content_of_result_or_the_whole_example() {
        let wrapped = json!({"result": 5});
        assert_eq!(example_result(Some(&wrapped)), Some(&json!(5)));
        let bare = json!({"ID": 1});
        assert_eq!(example_result(Some(&bare)), Some(&bare));
        assert_eq!(example_result(Some(&json!({"error": "x"}))), None);
    }
}

/// Builders of catalog rows for the generator's unit tests.
#[cfg(test)]
pub(super) mod fixtures {
    use serde_json::Value;

    use super::{Entry, Field};

    /// An entry written as `methods.json` writes it.
    pub(in crate::gen_methods) fn entry(value: Value) -> Entry {
        serde_json::from_value(value).expect("entry")
    }

    /// Each row's name and documented type.
    pub(in crate::gen_methods) fn name_types(rows: &[Field]) -> Vec<(&str, &str)> {
        rows.iter()
            .map(|row| (row.name.as_str(), row.ty.as_str()))
            .collect()
    }
}
