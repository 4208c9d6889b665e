//! Generated records: values computed from the record ID, the seeding API that appends
//! millions of them at once, and reading a record's values whether generated or stored.

use std::collections::BTreeMap;

use super::schema::{COMPANY, CONTACT, FIRST_SPA, LEAD, noun};
use super::{CrmStore, Record, Stored, Table, multi_value};
use crate::envelope::format_atom;
use crate::value::Value;

/// Base Unix time of generated records (record `n` is created `n` minutes later).
const SEED_BASE_TS: i64 = 1_700_000_000;

const FIRST_NAMES: &[&str] = &[
    "Anna", "Boris", "Clara", "Dmitri", "Elena", "Fedor", "Galina", "Igor",
];
const LAST_NAMES: &[&str] = &[
    "Ivanova",
    "Petrov",
    "Smirnova",
    "Kuznetsov",
    "Popova",
    "Sokolov",
    "Lebedeva",
    "Kozlov",
];
const USERS: &[i64] = &[1, 11, 13, 103, 105];
const SOURCES: &[&str] = &["WEB", "CALL", "EMAIL", "ADVERTISING"];
const STAGES: &[&str] = &[
    "NEW",
    "PREPARATION",
    "PREPAYMENT_INVOICE",
    "EXECUTING",
    "WON",
];
const STATUSES: &[&str] = &["NEW", "IN_PROCESS", "PROCESSED", "JUNK"];

/// The value of field `idx` of the generated record `id`.
pub fn generated(table: &Table, id: i64, idx: usize) -> Value {
    let Some(def) = table.fields.get(idx) else {
        return Value::Null;
    };
    let n = id.unsigned_abs();
    let pick = |list: &[&str], k: u64| -> Value {
        Value::from(list[usize::try_from(k % list.len() as u64).unwrap_or(0)])
    };
    match def.name {
        "ID" => Value::Int(id),
        "TITLE" => Value::from(format!("{} #{id}", noun(table.entity_type_id))),
        "NAME" => pick(FIRST_NAMES, n),
        "LAST_NAME" => pick(LAST_NAMES, n / 8),
        "STAGE_ID" => pick(STAGES, n),
        "STATUS_ID" => pick(STATUSES, n),
        "CATEGORY_ID" => Value::Int(0),
        "PROBABILITY" => Value::Int(i64::try_from(n % 100).unwrap_or(0)),
        "CURRENCY_ID" => Value::from("USD"),
        "OPPORTUNITY" | "REVENUE" => {
            Value::Float((n.wrapping_mul(7919) % 10_000_000) as f64 / 100.0)
        }
        "IS_MANUAL_OPPORTUNITY" | "CLOSED" => Value::from("N"),
        "OPENED" | "HAS_PHONE" | "HAS_EMAIL" => Value::from("Y"),
        "TYPE_ID" => Value::from(if table.entity_type_id == CONTACT {
            "CLIENT"
        } else {
            "SALE"
        }),
        "COMPANY_TYPE" => Value::from("CUSTOMER"),
        "SOURCE_ID" => pick(SOURCES, n),
        "ASSIGNED_BY_ID" | "CREATED_BY_ID" | "MODIFY_BY_ID" => {
            Value::Int(USERS[usize::try_from(n % 5).unwrap_or(0)])
        }
        "DATE_CREATE" | "DATE_MODIFY" => {
            Value::from(format_atom(SEED_BASE_TS + id.saturating_mul(60)))
        }
        "PHONE" => Value::List(vec![multi_value(
            id.saturating_mul(2),
            "WORK",
            &format!("+1555{:07}", n % 10_000_000),
            "PHONE",
        )]),
        "EMAIL" => Value::List(vec![multi_value(
            id.saturating_mul(2).saturating_add(1),
            "WORK",
            &format!("client{id}@example.com"),
            "EMAIL",
        )]),
        _ => Value::Null,
    }
}

impl Table {
    /// The value of field `idx` of record `id` (canonical form).
    pub fn value(&self, id: i64, record: &Record, idx: usize) -> Value {
        if idx == 0 {
            return Value::Int(id);
        }
        match record {
            Record::Stored(s) => s.values.get(idx).cloned().unwrap_or(Value::Null),
            Record::Generated => generated(self, id, idx),
        }
    }

    /// Every value of a record, ready to be changed and stored.
    pub(super) fn materialize(&self, id: i64, record: &Record) -> Stored {
        match record {
            Record::Stored(s) => (**s).clone(),
            Record::Generated => Stored {
                values: (0..self.fields.len())
                    .map(|i| generated(self, id, i))
                    .collect(),
                uf: Vec::new(),
            },
        }
    }
}

impl CrmStore {
    /// Appends `count` generated records to an entity type; returns `(first ID, last ID)`.
    /// A missing smart-process type (≥ 128) is created. `None` for invalid entity types.
    pub fn seed(&mut self, entity_type_id: i64, count: u64, now: i64) -> Option<(i64, i64)> {
        if !(LEAD..=COMPANY).contains(&entity_type_id) && entity_type_id < FIRST_SPA {
            return None;
        }
        if !self.exists(entity_type_id) {
            self.add_type(
                format!("Smart process {entity_type_id}"),
                Some(entity_type_id),
                1,
                now,
            );
        }
        let table = self.table_mut(entity_type_id);
        let count = i64::try_from(count).unwrap_or(i64::MAX).min(50_000_000);
        let first = table.next_id;
        let last = first.saturating_add(count).saturating_sub(1);
        // Appending in ascending key order: BTreeMap's bulk path keeps this fast.
        let mut tail: BTreeMap<i64, Record> =
            (first..=last).map(|id| (id, Record::Generated)).collect();
        table.records.append(&mut tail);
        table.next_id = last.saturating_add(1);
        Some((first, last))
    }
}
