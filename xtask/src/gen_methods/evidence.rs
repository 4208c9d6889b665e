//! Evidence from the whole catalog's examples about what a field name holds, for the rows
//! whose own example does not tell: the catalog has no descriptions, so a `char` row without
//! an example is only known to be a Y/N flag when no example anywhere shows that name holding
//! anything else, and a foreign key (`COMPANY_ID`) is only an ID when no example shows it
//! holding a word (`ENTITY_ID: "CRM_DEAL"`).

use std::collections::BTreeSet;

use serde_json::Value;

/// Field names some documented example shows holding something other than a flag, or other
/// than an ID.
#[derive(Debug, Default)]
pub(super) struct Evidence {
    not_flags: BTreeSet<String>,
    not_ids: BTreeSet<String>,
}

/// No evidence at all: every name may be a flag or an ID (used where no catalog is read).
pub(super) static NO_EVIDENCE: Evidence = Evidence {
    not_flags: BTreeSet::new(),
    not_ids: BTreeSet::new(),
};

impl Evidence {
    /// Learns from one documented example (a request or a response), at any depth.
    pub(super) fn learn(&mut self, example: &Value) {
        match example {
            Value::Object(map) => {
                // Objects and lists under a name describe it (`crm.deal.fields` answers
                // `{"OPENED": {"type": "char", …}}`) or hold other rows: only scalars tell.
                for (key, value) in map.iter().filter(|(_, value)| !is_nested(value)) {
                    if !is_flag(value) {
                        self.not_flags.insert(key.clone());
                    }
                    if !is_id(value) && !is_sort_direction(value) {
                        self.not_ids.insert(key.clone());
                    }
                }
                map.values().for_each(|value| self.learn(value));
            }
            Value::Array(items) => items.iter().for_each(|item| self.learn(item)),
            _ => {}
        }
    }

    /// Whether no example shows `name` holding anything but a flag (`Y`/`N`, a boolean, …).
    pub(super) fn may_be_flag(&self, name: &str) -> bool {
        !self.not_flags.contains(name)
    }

    /// Whether no example shows `name` holding anything but an ID (an unsigned integer, as a
    /// number or as digits; or "not set").
    pub(super) fn may_be_id(&self, name: &str) -> bool {
        !self.not_ids.contains(name)
    }
}

fn is_nested(value: &Value) -> bool {
    value.is_object() || value.as_array().is_some_and(|items| !items.is_empty())
}

/// Whether `value` decodes as an optional `b24_core::types::Flag`: what it reads, and PHP's
/// "not set" forms.
pub(super) fn is_flag(value: &Value) -> bool {
    match value {
        Value::Null | Value::Bool(_) => true,
        Value::Number(number) => matches!(number.as_u64(), Some(0 | 1)),
        Value::String(text) => matches!(
            text.as_str(),
            "Y" | "N" | "y" | "n" | "0" | "1" | "true" | "false" | ""
        ),
        Value::Array(items) => items.is_empty(),
        Value::Object(_) => false,
    }
}

/// Whether `value` decodes as an optional `b24_core::Id`: an unsigned integer, as a number or
/// as digits, or PHP's "not set" forms (`null`, `false`, `""`, `[]`).
pub(super) fn is_id(value: &Value) -> bool {
    match value {
        Value::Null | Value::Bool(false) => true,
        Value::Number(number) => number.is_u64(),
        Value::String(text) => text.is_empty() || text.parse::<u64>().is_ok(),
        Value::Array(items) => items.is_empty(),
        _ => false,
    }
}

/// A sort direction (`"ASC"`) is no evidence against an ID: it is what `order` objects hold
/// under field names.
fn is_sort_direction(value: &Value) -> bool {
    value
        .as_str()
        .is_some_and(|text| text.eq_ignore_ascii_case("asc") || text.eq_ignore_ascii_case("desc"))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_name_shown_holding_a_word_anywhere_is_no_flag() {
        let mut evidence = Evidence::default();
        evidence.learn(&json!({"result": [
            {"OPENED": "Y", "IS_LIMIT": "D", "ACTIVE": true},
            {"nested": {"SHOW_FILTER": "I", "CLOSED": "N", "EMPTY": ""}},
            // A field description (`*.fields`) says nothing about the value.
            {"IS_NEW": {"type": "char"}, "LIST": ["A"]},
        ]}));
        evidence.learn(&json!({"fields": {"ACTIVE": "live"}}));
        for flag in ["OPENED", "CLOSED", "EMPTY", "IS_NEW"] {
            assert!(evidence.may_be_flag(flag), "{flag}");
        }
        assert!(evidence.may_be_flag("nested"));
        assert!(evidence.may_be_flag("LIST"));
        for word in ["IS_LIMIT", "SHOW_FILTER", "ACTIVE"] {
            assert!(!evidence.may_be_flag(word), "{word}");
        }
        // Names are matched exactly: `opened` is another field.
        assert!(evidence.may_be_flag("opened"));
        assert!(NO_EVIDENCE.may_be_flag("IS_LIMIT"));
    }

    #[test]
    fn a_name_shown_holding_no_unsigned_integer_is_no_id() {
        let mut evidence = Evidence::default();
        evidence.learn(
            &json!({"result": {"COMPANY_ID": "12", "CONTACT_ID": 0, "LEAD_ID": null,
            "QUOTE_ID": "", "ENTITY_ID": "CRM_DEAL", "OWNER_ID": -1, "chatId": 1.5,
            "order": {"ASSIGNED_BY_ID": "ASC", "MOVED_BY_ID": "desc"}}}),
        );
        for id in [
            "COMPANY_ID",
            "CONTACT_ID",
            "LEAD_ID",
            "QUOTE_ID",
            "ASSIGNED_BY_ID",
            "MOVED_BY_ID",
        ] {
            assert!(evidence.may_be_id(id), "{id}");
        }
        for word in ["ENTITY_ID", "OWNER_ID", "chatId"] {
            assert!(!evidence.may_be_id(word), "{word}");
        }
    }

    #[test]
    fn flag_and_id_values_match_what_the_runtime_types_decode() {
        for flag in [
            json!("Y"),
            json!("n"),
            json!(false),
            json!(1),
            json!(""),
            json!([]),
        ] {
            assert!(is_flag(&flag), "{flag}");
        }
        for other in [json!("D"), json!(2), json!({}), json!(["Y"])] {
            assert!(!is_flag(&other), "{other}");
        }
        for id in [json!(5), json!("37"), json!(null), json!(false), json!("")] {
            assert!(is_id(&id), "{id}");
        }
        for other in [
            json!(true),
            json!("s1"),
            json!("ASC"),
            json!(-3),
            json!({"ID": 1}),
        ] {
            assert!(!is_id(&other), "{other}");
        }
    }
}
