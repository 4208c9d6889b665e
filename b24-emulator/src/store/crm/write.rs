//! Writes: creating and changing records through the API (field coercion, multi-fields, the
//! portal's defaults and audit fields).

use super::query::{FieldRef, as_f64};
use super::schema::{Kind, Style, noun};
use super::{CrmStore, Record, Stored, Table, multi_value};
use crate::envelope::format_atom;
use crate::value::Value;

/// A value as a field of `kind` stores it.
fn coerce(kind: Kind, value: &Value) -> Value {
    match value {
        Value::Null => Value::Null,
        v if kind.is_integer() => {
            if v.php_string().is_some_and(|s| s.trim().is_empty()) {
                Value::Null
            } else {
                Value::Int(v.php_intval())
            }
        }
        v => match kind {
            Kind::Double => Value::Float(as_f64(v)),
            Kind::Char => match v {
                Value::Bool(b) => Value::from(if *b { "Y" } else { "N" }),
                other => Value::from(
                    other
                        .php_string()
                        .unwrap_or_default()
                        .trim()
                        .to_ascii_uppercase(),
                ),
            },
            Kind::Multi => Value::Null,
            _ => match v {
                Value::List(_) | Value::Map(_) => v.clone(),
                other => Value::from(other.php_string().unwrap_or_default()),
            },
        },
    }
}

impl Table {
    /// Applies multi-field input (`[{VALUE, VALUE_TYPE, ID?, DELETE?}]`) to the current entries:
    /// new values get an ID, an `ID` with an empty value or `DELETE=Y` removes the entry.
    fn apply_multi(&mut self, current: &Value, input: &Value, type_id: &str) -> Value {
        let mut items: Vec<Value> = match current {
            Value::List(items) => items.clone(),
            _ => Vec::new(),
        };
        let entries: Vec<Value> = match input {
            Value::List(_) | Value::Map(_) => input
                .entries()
                .into_iter()
                .map(|(_, v)| v.clone())
                .collect(),
            _ => Vec::new(),
        };
        let text = |e: &Value, key: &str| e.get_ci(key).and_then(Value::php_string);
        for e in entries {
            let value = text(&e, "VALUE").unwrap_or_default();
            let value_type = text(&e, "VALUE_TYPE")
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| "WORK".to_owned());
            let delete = text(&e, "DELETE").is_some_and(|d| d.eq_ignore_ascii_case("Y"));
            match text(&e, "ID").filter(|s| !s.is_empty()) {
                Some(id) => {
                    let pos = items.iter().position(|i| {
                        i.get("ID").and_then(Value::php_string).as_deref() == Some(&id)
                    });
                    if let Some(pos) = pos {
                        if delete || value.is_empty() {
                            items.remove(pos);
                        } else {
                            items[pos] =
                                multi_value(id.parse().unwrap_or(0), &value_type, &value, type_id);
                        }
                    }
                }
                None if !value.is_empty() && !delete => {
                    let new_id = 1_000_000_000 + self.next_multi_id;
                    self.next_multi_id += 1;
                    items.push(multi_value(new_id, &value_type, &value, type_id));
                }
                None => {}
            }
        }
        Value::List(items)
    }

    /// Applies `fields` to a record's stored values (read-only fields ignored).
    fn apply_fields(&mut self, stored: &mut Stored, fields: &Value, style: Style) {
        for (key, value) in fields.entries() {
            match self.resolve(style, &key) {
                None => {}
                Some(FieldRef::Std(i)) => {
                    let def = self.fields[i];
                    if def.read_only {
                        continue;
                    }
                    if def.kind != Kind::Multi {
                        stored.values[i] = coerce(def.kind, value);
                        continue;
                    }
                    let current = stored.values[i].clone();
                    stored.values[i] = self.apply_multi(&current, value, def.name);
                    let has = matches!(&stored.values[i], Value::List(l) if !l.is_empty());
                    let flag = if def.name == "PHONE" {
                        "HAS_PHONE"
                    } else {
                        "HAS_EMAIL"
                    };
                    self.set(stored, flag, Value::from(if has { "Y" } else { "N" }));
                }
                Some(FieldRef::Uf(name)) => {
                    let v = value.clone();
                    if let Some(slot) = stored.uf.iter_mut().find(|(k, _)| *k == name) {
                        slot.1 = v;
                    } else {
                        stored.uf.push((name, v));
                    }
                }
            }
        }
    }

    /// Sets a schema field by name (nothing when the entity has no such field).
    fn set(&self, stored: &mut Stored, name: &str, value: Value) {
        if let Some(i) = self.field_index(name) {
            stored.values[i] = value;
        }
    }
}

/// Text fields a new record starts with (where the entity has them).
const TEXT_DEFAULTS: &[(&str, &str)] = &[
    ("STAGE_ID", "NEW"),
    ("STATUS_ID", "NEW"),
    ("CURRENCY_ID", "USD"),
    ("IS_MANUAL_OPPORTUNITY", "N"),
    ("OPENED", "Y"),
    ("CLOSED", "N"),
    ("HAS_PHONE", "N"),
    ("HAS_EMAIL", "N"),
];

/// User fields a new record starts with: the creating user.
const USER_FIELDS: &[&str] = &["ASSIGNED_BY_ID", "CREATED_BY_ID", "MODIFY_BY_ID"];

impl CrmStore {
    /// Creates a record of `entity_type_id` from `fields` (named in `style`) for `user` at
    /// `now` (Unix seconds); returns its ID.
    pub fn create(
        &mut self,
        entity_type_id: i64,
        fields: &Value,
        style: Style,
        user: i64,
        now: i64,
    ) -> i64 {
        let now = format_atom(now);
        let table = self.table_mut(entity_type_id);
        let id = table.next_id;
        table.next_id += 1;
        let mut stored = Stored {
            values: vec![Value::Null; table.fields.len()],
            uf: Vec::new(),
        };
        let title = Value::from(format!("{} #{id}", noun(entity_type_id)));
        let typed = [
            ("ID", Value::Int(id)),
            ("TITLE", title.clone()),
            ("CATEGORY_ID", Value::Int(0)),
            ("OPPORTUNITY", Value::Float(0.0)),
            ("DATE_CREATE", Value::from(now.clone())),
            ("DATE_MODIFY", Value::from(now)),
        ];
        let texts = TEXT_DEFAULTS.iter().map(|(k, v)| (*k, Value::from(*v)));
        let users = USER_FIELDS.iter().map(|k| (*k, Value::Int(user)));
        for (name, v) in typed.into_iter().chain(texts).chain(users) {
            table.set(&mut stored, name, v);
        }
        table.apply_fields(&mut stored, fields, style);
        if let Some(i) = table.field_index("TITLE")
            && stored.values[i]
                .php_string()
                .is_none_or(|s| s.trim().is_empty())
        {
            stored.values[i] = title;
        }
        table.records.insert(id, Record::Stored(Box::new(stored)));
        id
    }

    /// Changes record `id` with `fields` (named in `style`) for `user` at `now` (Unix
    /// seconds); `false` when there is no such record.
    pub fn modify(
        &mut self,
        entity_type_id: i64,
        id: i64,
        fields: &Value,
        style: Style,
        user: i64,
        now: i64,
    ) -> bool {
        let Some(table) = self.tables.get_mut(&entity_type_id) else {
            return false;
        };
        let Some(record) = table.records.get(&id) else {
            return false;
        };
        let mut stored = table.materialize(id, record);
        table.apply_fields(&mut stored, fields, style);
        table.set(&mut stored, "MODIFY_BY_ID", Value::Int(user));
        table.set(&mut stored, "DATE_MODIFY", Value::from(format_atom(now)));
        table.records.insert(id, Record::Stored(Box::new(stored)));
        true
    }
}
