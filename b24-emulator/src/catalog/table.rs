//! The embedded catalog table (written by `build.rs`, one line per documented classic method)
//! and its reader: an index by lower-cased name built on first use, and each line's columns
//! parsed when a call needs them.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::value::Value;

/// The table: `name \t scopes \t deprecated \t params \t response \t error codes \t example`.
static TABLE: &str = include_str!(concat!(env!("OUT_DIR"), "/catalog.tsv"));

/// One documented method, its columns still as text.
#[derive(Debug)]
pub struct Entry {
    /// Lower-cased method name.
    pub name: &'static str,
    /// The documented scopes (`basic` for the global scope).
    pub scopes: Vec<&'static str>,
    /// Whether the documentation marks the method deprecated (it still answers).
    pub deprecated: bool,
    /// Whether a bare `array` result beside its fields is one object (decided at build time by
    /// the family's documented examples).
    pub one_object: bool,
    params: &'static str,
    response: &'static str,
    /// The documented error codes that are words.
    pub error_codes: Vec<&'static str>,
    example: &'static str,
}

/// One row of a parameter or response table.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The documented name and its aliases (at least one).
    pub names: Vec<String>,
    /// The type tokens of the documentation (`integer`, `string[]`, `object | null`, …).
    pub ty: String,
    /// The required marker (after the documented request example had its say).
    pub required: bool,
    /// Rows of the sub-table.
    pub children: Vec<Field>,
}

impl Field {
    /// The documented name.
    pub fn name(&self) -> &str {
        self.names.first().map_or("", String::as_str)
    }

    /// The type tokens without `null`, trimmed.
    pub fn tokens(&self) -> impl Iterator<Item = &str> {
        self.ty
            .split('|')
            .map(str::trim)
            .filter(|token| !token.is_empty() && *token != "null")
    }

    /// Whether the name is a plain key (not a pattern such as `UF_*` or `<FIELD>`).
    pub fn is_plain(&self) -> bool {
        let name = self.name();
        !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-'))
    }

    fn parse(value: &serde_json::Value) -> Option<Field> {
        let row = value.as_array()?;
        Some(Field {
            names: row
                .first()?
                .as_str()?
                .split('|')
                .map(str::to_owned)
                .collect(),
            ty: row.get(1).and_then(|t| t.as_str()).unwrap_or("").to_owned(),
            required: row.get(2).and_then(|r| r.as_i64()) == Some(1),
            children: row
                .get(3)
                .map(|children| parse_rows(&children.to_string()))
                .unwrap_or_default(),
        })
    }
}

fn parse_rows(text: &str) -> Vec<Field> {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(serde_json::Value::Array(rows)) => rows.iter().filter_map(Field::parse).collect(),
        _ => Vec::new(),
    }
}

impl Entry {
    /// Reads one line of the table.
    pub(super) fn parse(line: &'static str) -> Option<Entry> {
        let mut columns = line.split('\t');
        let mut next = || columns.next();
        let name = next()?;
        let scopes = next()?.split(',').filter(|s| !s.is_empty()).collect();
        let flags = next()?;
        let params = next()?;
        let response = next()?;
        let error_codes = next()?.split(',').filter(|c| !c.is_empty()).collect();
        let example = next()?;
        Some(Entry {
            name,
            scopes,
            deprecated: flags.contains('d'),
            one_object: flags.contains('o'),
            params,
            response,
            error_codes,
            example,
        })
    }

    /// The parameter table.
    pub fn params(&self) -> Vec<Field> {
        parse_rows(self.params)
    }

    /// The response table (envelope rows such as `result` and `time` included).
    pub fn response(&self) -> Vec<Field> {
        parse_rows(self.response)
    }

    /// The documented example's `result`.
    pub fn example(&self) -> Option<Value> {
        if self.example.is_empty() {
            return None;
        }
        Value::from_json(self.example.as_bytes())
    }
}

struct Index {
    entries: Vec<Entry>,
    by_name: HashMap<&'static str, usize>,
}

fn index() -> &'static Index {
    static INDEX: OnceLock<Index> = OnceLock::new();
    INDEX.get_or_init(|| {
        let entries: Vec<Entry> = TABLE.lines().filter_map(Entry::parse).collect();
        let by_name = entries
            .iter()
            .enumerate()
            .map(|(i, entry)| (entry.name, i))
            .collect();
        Index { entries, by_name }
    })
}

/// The position in [`entries`] of the documented method with this lower-cased name.
pub fn position(name: &str) -> Option<usize> {
    index().by_name.get(name).copied()
}

/// The documented method with this lower-cased name.
pub fn entry(name: &str) -> Option<&'static Entry> {
    position(name).map(|i| &index().entries[i])
}

/// Every documented classic method, sorted by name.
pub fn entries() -> &'static [Entry] {
    &index().entries
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_reads_into_its_columns() {
        let line = "a.b.add\tcrm,task\td\t[[\"ID|id\",\"integer\",1],[\"fields\",\"object\",0,[[\"TITLE\",\"string\",1]]]]\t[[\"result\",\"integer\"]]\tNOT_FOUND,ID_EMPTY\t7";
        let entry = Entry::parse(line).expect("a complete line");
        assert_eq!(entry.name, "a.b.add");
        assert_eq!(entry.scopes, ["crm", "task"]);
        assert!(entry.deprecated);
        assert_eq!(entry.error_codes, ["NOT_FOUND", "ID_EMPTY"]);
        assert_eq!(entry.example(), Some(Value::Int(7)));
        let params = entry.params();
        assert_eq!(params[0].names, ["ID", "id"]);
        assert!(params[0].required);
        assert_eq!(params[1].children[0].name(), "TITLE");
        assert!(params[1].children[0].required);
        assert_eq!(entry.response()[0].ty, "integer");
    }

    #[test]
    fn the_embedded_table_holds_the_classic_methods() {
        assert!(entries().len() > 1500, "{}", entries().len());
        let deal = entry("crm.deal.add").expect("crm.deal.add is documented");
        assert_eq!(deal.scopes, ["crm"]);
        assert!(deal.params().iter().any(|p| p.name() == "fields"));
    }
}
