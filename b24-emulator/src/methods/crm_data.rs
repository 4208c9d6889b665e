//! CRM records: smart-process types (`crm.type.*`), the universal `crm.item.*` methods and the
//! legacy `crm.deal.*`, `crm.contact.*`, `crm.lead.*`, `crm.company.*` methods, with the list
//! semantics of PROTOCOL §7 (select, order, filter prefixes, pages of 50, `start=-1`).
//!
//! # Storage
//!
//! Each entity type is a [`Table`]: a `BTreeMap` from ID to [`Record`]. Records created by the
//! seeding API are stored as [`Record::Generated`] (8 bytes): their field values are computed
//! from the ID on demand, so 1,000,000 records are seeded in well under a second. Records
//! created or changed through the API store their values. A list ordered by `ID` (or not
//! ordered) walks the map in key order from the bound given by an `ID` filter (`>ID`, `>=ID`,
//! `<ID`, `<=ID`, `=ID`), so the export pattern `order ID ASC` + `>ID` + `start=-1` costs
//! O(log n + 50); counting for `total` walks every match, as the real database does.
//!
//! # Naming
//!
//! Legacy methods use the UPPER_CASE field names (`ASSIGNED_BY_ID`), return IDs, integers and
//! money as strings (`"ID": "37"`, `"OPPORTUNITY": "19999.99"`) and match their parameter names
//! (`id`, `fields`, `select`, `filter`, `order`, `params`) case-insensitively. `crm.item.*`
//! uses camelCase (`assignedById`; `DATE_CREATE` is `createdTime`, `CREATED_BY_ID` is
//! `createdBy`, …; user fields `UF_CRM_1721244482250` ↔ `ufCrm_1721244482250`,
//! `UF_CRM_5_1721` ↔ `ufCrm5_1721`) and JSON numbers.

use super::filter::{Op, parse_op};
use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::ops::Bound;

use super::Call;
use super::events::fire_crm;
use crate::envelope::{ApiError, MethodOutput, format_atom};
use crate::value::Value;

/// Page size of list methods.
pub const PAGE_SIZE: usize = 50;

/// Entity type IDs of the legacy entities.
pub const LEAD: i64 = 1;
/// Deal.
pub const DEAL: i64 = 2;
/// Contact.
pub const CONTACT: i64 = 3;
/// Company.
pub const COMPANY: i64 = 4;
/// The first smart-process entity type ID.
pub const FIRST_SPA: i64 = 128;

/// Base Unix time of generated records (record `n` is created `n` minutes later).
const SEED_BASE_TS: i64 = 1_700_000_000;

/// How a field's value is stored and rendered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Integer (`"37"` in legacy output).
    Int,
    /// Money / double (`"19999.99"` in legacy output).
    Double,
    /// String.
    Str,
    /// `Y`/`N`.
    Char,
    /// ISO-8601 date-time string.
    DateTime,
    /// User ID.
    User,
    /// ID of another CRM record.
    Crm,
    /// Multi-field (`PHONE`, `EMAIL`): list of `{ID, VALUE_TYPE, VALUE, TYPE_ID}`.
    Multi,
}

/// A field of an entity.
#[derive(Debug, Clone, Copy)]
pub struct FieldDef {
    /// UPPER_CASE name.
    pub name: &'static str,
    /// Storage kind.
    pub kind: Kind,
    /// Read-only (set by the portal).
    pub read_only: bool,
    /// Human title (`*.fields`).
    pub title: &'static str,
}

const fn f(name: &'static str, kind: Kind, title: &'static str) -> FieldDef {
    FieldDef {
        name,
        kind,
        read_only: false,
        title,
    }
}

const fn ro(name: &'static str, kind: Kind, title: &'static str) -> FieldDef {
    FieldDef {
        name,
        kind,
        read_only: true,
        title,
    }
}

use Kind::{Char, Crm, DateTime, Double, Int, Multi, Str, User};

/// Deal fields.
pub static DEAL_FIELDS: &[FieldDef] = &[
    ro("ID", Int, "ID"),
    f("TITLE", Str, "Name"),
    f("TYPE_ID", Str, "Type"),
    f("CATEGORY_ID", Int, "Pipeline"),
    f("STAGE_ID", Str, "Stage"),
    f("PROBABILITY", Int, "Probability"),
    f("CURRENCY_ID", Str, "Currency"),
    f("OPPORTUNITY", Double, "Amount"),
    f("IS_MANUAL_OPPORTUNITY", Char, "Manual amount"),
    f("COMPANY_ID", Crm, "Company"),
    f("CONTACT_ID", Crm, "Contact"),
    f("BEGINDATE", DateTime, "Start date"),
    f("CLOSEDATE", DateTime, "End date"),
    f("OPENED", Char, "Available to everyone"),
    f("CLOSED", Char, "Closed"),
    f("COMMENTS", Str, "Comment"),
    f("SOURCE_ID", Str, "Source"),
    f("ASSIGNED_BY_ID", User, "Responsible person"),
    ro("CREATED_BY_ID", User, "Created by"),
    ro("MODIFY_BY_ID", User, "Modified by"),
    ro("DATE_CREATE", DateTime, "Created on"),
    ro("DATE_MODIFY", DateTime, "Modified on"),
];

/// Contact fields.
pub static CONTACT_FIELDS: &[FieldDef] = &[
    ro("ID", Int, "ID"),
    f("HONORIFIC", Str, "Salutation"),
    f("NAME", Str, "Name"),
    f("SECOND_NAME", Str, "Second name"),
    f("LAST_NAME", Str, "Last name"),
    f("POST", Str, "Position"),
    f("TYPE_ID", Str, "Contact type"),
    f("SOURCE_ID", Str, "Source"),
    f("COMPANY_ID", Crm, "Company"),
    f("OPENED", Char, "Available to everyone"),
    f("COMMENTS", Str, "Comment"),
    ro("HAS_PHONE", Char, "Has phone"),
    ro("HAS_EMAIL", Char, "Has email"),
    f("ASSIGNED_BY_ID", User, "Responsible person"),
    ro("CREATED_BY_ID", User, "Created by"),
    ro("MODIFY_BY_ID", User, "Modified by"),
    ro("DATE_CREATE", DateTime, "Created on"),
    ro("DATE_MODIFY", DateTime, "Modified on"),
    f("PHONE", Multi, "Phone"),
    f("EMAIL", Multi, "E-mail"),
];

/// Lead fields.
pub static LEAD_FIELDS: &[FieldDef] = &[
    ro("ID", Int, "ID"),
    f("TITLE", Str, "Lead name"),
    f("NAME", Str, "Name"),
    f("SECOND_NAME", Str, "Second name"),
    f("LAST_NAME", Str, "Last name"),
    f("COMPANY_TITLE", Str, "Company name"),
    f("STATUS_ID", Str, "Status"),
    f("SOURCE_ID", Str, "Source"),
    f("CURRENCY_ID", Str, "Currency"),
    f("OPPORTUNITY", Double, "Amount"),
    f("IS_MANUAL_OPPORTUNITY", Char, "Manual amount"),
    f("OPENED", Char, "Available to everyone"),
    f("COMMENTS", Str, "Comment"),
    ro("HAS_PHONE", Char, "Has phone"),
    ro("HAS_EMAIL", Char, "Has email"),
    f("ASSIGNED_BY_ID", User, "Responsible person"),
    ro("CREATED_BY_ID", User, "Created by"),
    ro("MODIFY_BY_ID", User, "Modified by"),
    ro("DATE_CREATE", DateTime, "Created on"),
    ro("DATE_MODIFY", DateTime, "Modified on"),
    f("PHONE", Multi, "Phone"),
    f("EMAIL", Multi, "E-mail"),
];

/// Company fields.
pub static COMPANY_FIELDS: &[FieldDef] = &[
    ro("ID", Int, "ID"),
    f("TITLE", Str, "Company name"),
    f("COMPANY_TYPE", Str, "Company type"),
    f("INDUSTRY", Str, "Industry"),
    f("EMPLOYEES", Str, "Employees"),
    f("CURRENCY_ID", Str, "Currency"),
    f("REVENUE", Double, "Annual revenue"),
    f("OPENED", Char, "Available to everyone"),
    f("COMMENTS", Str, "Comment"),
    ro("HAS_PHONE", Char, "Has phone"),
    ro("HAS_EMAIL", Char, "Has email"),
    f("ASSIGNED_BY_ID", User, "Responsible person"),
    ro("CREATED_BY_ID", User, "Created by"),
    ro("MODIFY_BY_ID", User, "Modified by"),
    ro("DATE_CREATE", DateTime, "Created on"),
    ro("DATE_MODIFY", DateTime, "Modified on"),
    f("PHONE", Multi, "Phone"),
    f("EMAIL", Multi, "E-mail"),
];

/// Smart-process item fields.
pub static SPA_FIELDS: &[FieldDef] = &[
    ro("ID", Int, "ID"),
    f("XML_ID", Str, "External ID"),
    f("TITLE", Str, "Name"),
    f("CATEGORY_ID", Int, "Pipeline"),
    f("STAGE_ID", Str, "Stage"),
    f("CURRENCY_ID", Str, "Currency"),
    f("OPPORTUNITY", Double, "Amount"),
    f("IS_MANUAL_OPPORTUNITY", Char, "Manual amount"),
    f("BEGINDATE", DateTime, "Start date"),
    f("CLOSEDATE", DateTime, "End date"),
    f("COMPANY_ID", Crm, "Company"),
    f("CONTACT_ID", Crm, "Contact"),
    f("OPENED", Char, "Available to everyone"),
    f("ASSIGNED_BY_ID", User, "Responsible person"),
    ro("CREATED_BY_ID", User, "Created by"),
    ro("MODIFY_BY_ID", User, "Modified by"),
    ro("DATE_CREATE", DateTime, "Created on"),
    ro("DATE_MODIFY", DateTime, "Modified on"),
];

/// Stored values of a record changed through the API.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    /// Values by field position (canonical: ints as `Int`, money as `Float`, others strings).
    pub values: Vec<Value>,
    /// User fields (`UF_CRM_…`) by UPPER name.
    pub uf: Vec<(String, Value)>,
}

/// A record: generated from its ID, or stored.
#[derive(Debug, Clone, PartialEq)]
pub enum Record {
    /// Values computed from the ID (seeded records).
    Generated,
    /// Values set through the API.
    Stored(Box<Stored>),
}

/// All records of one entity type.
#[derive(Debug, Clone)]
pub struct Table {
    /// Entity type ID.
    pub entity_type_id: i64,
    /// Fields.
    pub fields: &'static [FieldDef],
    /// Records by ID.
    pub records: BTreeMap<i64, Record>,
    /// Next ID to assign.
    pub next_id: i64,
    next_multi_id: i64,
}

impl Table {
    fn new(entity_type_id: i64) -> Table {
        let fields = match entity_type_id {
            LEAD => LEAD_FIELDS,
            DEAL => DEAL_FIELDS,
            CONTACT => CONTACT_FIELDS,
            COMPANY => COMPANY_FIELDS,
            _ => SPA_FIELDS,
        };
        Table {
            entity_type_id,
            fields,
            records: BTreeMap::new(),
            next_id: 1,
            next_multi_id: 1,
        }
    }

    fn field_index(&self, upper: &str) -> Option<usize> {
        self.fields
            .iter()
            .position(|f| f.name.eq_ignore_ascii_case(upper))
    }

    fn noun(&self) -> &'static str {
        match self.entity_type_id {
            LEAD => "Lead",
            DEAL => "Deal",
            CONTACT => "Contact",
            COMPANY => "Company",
            _ => "Item",
        }
    }

    /// The value of field `idx` of record `id` (canonical form).
    pub fn value(&self, id: i64, record: &Record, idx: usize) -> Value {
        if idx == 0 {
            return Value::Int(id);
        }
        match record {
            Record::Stored(s) => s.values.get(idx).cloned().unwrap_or(Value::Null),
            Record::Generated => self.generated(id, idx),
        }
    }

    fn generated(&self, id: i64, idx: usize) -> Value {
        const FIRST: &[&str] = &[
            "Anna", "Boris", "Clara", "Dmitri", "Elena", "Fedor", "Galina", "Igor",
        ];
        const LAST: &[&str] = &[
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
        let Some(def) = self.fields.get(idx) else {
            return Value::Null;
        };
        let n = id.unsigned_abs();
        let pick = |list: &[&str], k: u64| -> Value {
            Value::from(list[usize::try_from(k % list.len() as u64).unwrap_or(0)])
        };
        match def.name {
            "ID" => Value::Int(id),
            "TITLE" => Value::from(format!("{} #{id}", self.noun())),
            "NAME" => pick(FIRST, n),
            "LAST_NAME" => pick(LAST, n / 8),
            "STAGE_ID" => pick(
                &[
                    "NEW",
                    "PREPARATION",
                    "PREPAYMENT_INVOICE",
                    "EXECUTING",
                    "WON",
                ],
                n,
            ),
            "STATUS_ID" => pick(&["NEW", "IN_PROCESS", "PROCESSED", "JUNK"], n),
            "CATEGORY_ID" => Value::Int(0),
            "PROBABILITY" => Value::Int(i64::try_from(n % 100).unwrap_or(0)),
            "CURRENCY_ID" => Value::from("USD"),
            "OPPORTUNITY" | "REVENUE" => {
                Value::Float((n.wrapping_mul(7919) % 10_000_000) as f64 / 100.0)
            }
            "IS_MANUAL_OPPORTUNITY" | "CLOSED" => Value::from("N"),
            "OPENED" | "HAS_PHONE" | "HAS_EMAIL" => Value::from("Y"),
            "TYPE_ID" => Value::from(if self.entity_type_id == CONTACT {
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

    fn uf(record: &Record) -> &[(String, Value)] {
        match record {
            Record::Stored(s) => &s.uf,
            Record::Generated => &[],
        }
    }

    fn materialize(&self, id: i64, record: &Record) -> Stored {
        match record {
            Record::Stored(s) => (**s).clone(),
            Record::Generated => Stored {
                values: (0..self.fields.len())
                    .map(|i| self.generated(id, i))
                    .collect(),
                uf: Vec::new(),
            },
        }
    }
}

fn multi_value(id: i64, value_type: &str, value: &str, type_id: &str) -> Value {
    Value::object([
        ("ID", Value::from(id.to_string())),
        ("VALUE_TYPE", Value::from(value_type)),
        ("VALUE", Value::from(value)),
        ("TYPE_ID", Value::from(type_id)),
    ])
}

/// A smart-process type.
#[derive(Debug, Clone, PartialEq)]
pub struct SmartType {
    /// Type ID.
    pub id: i64,
    /// Entity type ID (≥ 128).
    pub entity_type_id: i64,
    /// Title.
    pub title: String,
    /// Symbolic code.
    pub code: String,
    /// Creator.
    pub created_by: i64,
    /// Creation time, Unix seconds.
    pub created: i64,
    /// Last update time, Unix seconds.
    pub updated: i64,
    /// Pipelines enabled.
    pub categories_enabled: bool,
}

/// CRM records of every entity type plus the smart-process types.
#[derive(Debug, Clone, Default)]
pub struct CrmStore {
    /// Tables by entity type ID.
    pub tables: BTreeMap<i64, Table>,
    /// Smart-process types by type ID.
    pub types: BTreeMap<i64, SmartType>,
    next_type_id: i64,
}

impl CrmStore {
    fn table_mut(&mut self, entity_type_id: i64) -> &mut Table {
        self.tables
            .entry(entity_type_id)
            .or_insert_with(|| Table::new(entity_type_id))
    }

    /// Whether `entity_type_id` names an existing entity (legacy ones always exist).
    pub fn exists(&self, entity_type_id: i64) -> bool {
        (LEAD..=COMPANY).contains(&entity_type_id)
            || self
                .types
                .values()
                .any(|t| t.entity_type_id == entity_type_id)
    }

    /// Creates a smart-process type (entity type ID chosen when `None`).
    pub fn add_type(
        &mut self,
        title: String,
        entity_type_id: Option<i64>,
        user: i64,
        now: i64,
    ) -> SmartType {
        let eid = entity_type_id.unwrap_or_else(|| {
            let mut e = FIRST_SPA;
            while self.exists(e) {
                e += 2;
            }
            e
        });
        self.next_type_id += 1;
        let t = SmartType {
            id: self.next_type_id,
            entity_type_id: eid,
            code: String::new(),
            title,
            created_by: user,
            created: now,
            updated: now,
            categories_enabled: false,
        };
        self.types.insert(t.id, t.clone());
        self.table_mut(eid);
        t
    }

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
        let tail: BTreeMap<i64, Record> =
            (first..=last).map(|id| (id, Record::Generated)).collect();
        let mut tail = tail;
        table.records.append(&mut tail);
        table.next_id = last.saturating_add(1);
        Some((first, last))
    }
}

/// Maps an entity name (`deal`, `contact`, `lead`, `company`) to its entity type ID.
pub fn entity_by_name(name: &str) -> Option<i64> {
    match name.to_ascii_lowercase().as_str() {
        "lead" => Some(LEAD),
        "deal" => Some(DEAL),
        "contact" => Some(CONTACT),
        "company" => Some(COMPANY),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// naming

/// `ASSIGNED_BY_ID` → `assignedById`; `UF_CRM_123` → `ufCrm_123`; `UF_CRM_5_123` → `ufCrm5_123`.
pub fn to_camel(upper: &str) -> String {
    if let Some(rest) = upper.strip_prefix("UF_CRM_") {
        return match rest.split_once('_') {
            Some((n, ts)) if n.bytes().all(|b| b.is_ascii_digit()) && !n.is_empty() => {
                format!("ufCrm{n}_{ts}")
            }
            _ => format!("ufCrm_{rest}"),
        };
    }
    let mut out = String::with_capacity(upper.len());
    for (i, word) in upper.split('_').filter(|w| !w.is_empty()).enumerate() {
        let lower = word.to_ascii_lowercase();
        if i == 0 {
            out.push_str(&lower);
        } else {
            let mut chars = lower.chars();
            if let Some(c) = chars.next() {
                out.push(c.to_ascii_uppercase());
                out.push_str(chars.as_str());
            }
        }
    }
    out
}

/// `ufCrm_123` → `UF_CRM_123`, `ufCrm5_123` → `UF_CRM_5_123`; other names upper-cased.
pub fn uf_from_camel(name: &str) -> String {
    if let Some(rest) = name.strip_prefix("ufCrm") {
        return match rest.strip_prefix('_') {
            Some(ts) => format!("UF_CRM_{ts}"),
            None => format!("UF_CRM_{rest}"),
        };
    }
    name.to_ascii_uppercase()
}

/// The `crm.item.*` name of a field.
pub fn item_name(def: &FieldDef) -> String {
    match def.name {
        "DATE_CREATE" => "createdTime".to_owned(),
        "DATE_MODIFY" => "updatedTime".to_owned(),
        "CREATED_BY_ID" => "createdBy".to_owned(),
        "MODIFY_BY_ID" => "updatedBy".to_owned(),
        other => to_camel(other),
    }
}

/// Naming/format style of a method family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `crm.deal.*` etc.: UPPER_CASE, strings.
    Legacy,
    /// `crm.item.*`: camelCase, JSON numbers.
    Item,
}

/// A field reference inside a table.
#[derive(Debug, Clone, PartialEq)]
enum FieldRef {
    Std(usize),
    Uf(String),
}

fn resolve(table: &Table, style: Style, name: &str) -> Option<FieldRef> {
    match style {
        Style::Legacy => {
            if let Some(i) = table.field_index(name) {
                return Some(FieldRef::Std(i));
            }
            let upper = name.to_ascii_uppercase();
            upper.starts_with("UF_").then_some(FieldRef::Uf(upper))
        }
        Style::Item => {
            if let Some(i) = table
                .fields
                .iter()
                .position(|f| item_name(f).eq_ignore_ascii_case(name))
            {
                return Some(FieldRef::Std(i));
            }
            if name.starts_with("ufCrm") || name.to_ascii_uppercase().starts_with("UF_CRM_") {
                return Some(FieldRef::Uf(uf_from_camel(name)));
            }
            table.field_index(name).map(FieldRef::Std)
        }
    }
}

fn field_value(table: &Table, id: i64, record: &Record, field: &FieldRef) -> Value {
    match field {
        FieldRef::Std(i) => table.value(id, record, *i),
        FieldRef::Uf(name) => Table::uf(record)
            .iter()
            .find(|(k, _)| k == name)
            .map_or(Value::Null, |(_, v)| v.clone()),
    }
}

fn render(kind: Kind, value: Value, style: Style) -> Value {
    match (style, kind, value) {
        (_, _, Value::Null) => Value::Null,
        (Style::Legacy, Int | User | Crm, v) => Value::from(v.php_intval().to_string()),
        (Style::Legacy, Double, v) => Value::from(format!("{:.2}", as_f64(&v))),
        (Style::Item, Int | User | Crm, v) => Value::Int(v.php_intval()),
        (Style::Item, Double, v) => {
            let x = as_f64(&v);
            if x.fract() == 0.0 && x.abs() < 9.0e15 {
                Value::Int(x as i64)
            } else {
                Value::Float(x)
            }
        }
        (_, _, v) => v,
    }
}

fn as_f64(v: &Value) -> f64 {
    match v {
        Value::Int(i) => *i as f64,
        Value::Float(x) => *x,
        Value::Str(s) => s.trim().parse::<f64>().unwrap_or(0.0),
        Value::Bool(b) => f64::from(u8::from(*b)),
        _ => 0.0,
    }
}

// ---------------------------------------------------------------------------------------------
// output

/// Which fields a list/get returns.
#[derive(Debug, Clone)]
struct Selection {
    fields: Vec<usize>,
    all_uf: bool,
    uf: Vec<String>,
}

fn default_selection(table: &Table, style: Style, with_multi: bool) -> Selection {
    Selection {
        fields: (0..table.fields.len())
            .filter(|&i| {
                let multi = table.fields[i].kind == Multi;
                !multi || (with_multi && style == Style::Legacy)
            })
            .collect(),
        all_uf: true,
        uf: Vec::new(),
    }
}

fn selection(table: &Table, style: Style, select: Option<&Value>) -> Selection {
    let names: Vec<String> = match select {
        Some(v @ (Value::List(_) | Value::Map(_))) => v
            .entries()
            .into_iter()
            .filter_map(|(_, n)| n.php_string())
            .filter(|n| !n.is_empty())
            .collect(),
        _ => Vec::new(),
    };
    if names.is_empty() {
        return default_selection(table, style, false);
    }
    let mut sel = Selection {
        fields: Vec::new(),
        all_uf: false,
        uf: Vec::new(),
    };
    for name in names {
        if name == "*" {
            for i in default_selection(table, style, false).fields {
                if !sel.fields.contains(&i) {
                    sel.fields.push(i);
                }
            }
            continue;
        }
        if name.eq_ignore_ascii_case("UF_*") || name == "ufCrm*" {
            sel.all_uf = true;
            continue;
        }
        match resolve(table, style, &name) {
            Some(FieldRef::Std(i)) if !sel.fields.contains(&i) => sel.fields.push(i),
            Some(FieldRef::Uf(u)) if !sel.uf.contains(&u) => sel.uf.push(u),
            _ => {}
        }
    }
    if !sel.fields.contains(&0) {
        sel.fields.insert(0, 0);
    }
    sel
}

fn render_record(table: &Table, id: i64, record: &Record, sel: &Selection, style: Style) -> Value {
    let mut out: Vec<(String, Value)> = Vec::with_capacity(sel.fields.len() + 2);
    for &i in &sel.fields {
        let def = &table.fields[i];
        let name = match style {
            Style::Legacy => def.name.to_owned(),
            Style::Item => item_name(def),
        };
        out.push((name, render(def.kind, table.value(id, record, i), style)));
    }
    for (k, v) in Table::uf(record) {
        if sel.all_uf || sel.uf.contains(k) {
            let name = match style {
                Style::Legacy => k.clone(),
                Style::Item => to_camel(k),
            };
            out.push((name, v.clone()));
        }
    }
    Value::Map(out)
}

// ---------------------------------------------------------------------------------------------
// filters

#[derive(Debug, Clone)]
enum Cond {
    Leaf {
        field: FieldRef,
        kind: Option<Kind>,
        op: Op,
        value: Value,
    },
    Any(Vec<Vec<Cond>>),
}

fn filter_error(style: Style, field: &str) -> Option<ApiError> {
    (style == Style::Item).then(|| {
        ApiError::new(
            400,
            "INVALID_ARG_VALUE",
            format!("Invalid filter: field '{field}' is not allowed in filter"),
        )
    })
}

fn parse_filter(
    table: &Table,
    style: Style,
    filter: &Value,
    depth: usize,
) -> Result<Vec<Cond>, ApiError> {
    let mut out = Vec::new();
    if depth > 16 {
        return Ok(out);
    }
    for (key, value) in filter.entries() {
        if key.eq_ignore_ascii_case("logic") {
            continue;
        }
        if let (true, Value::Map(_) | Value::List(_)) =
            (key.bytes().all(|b| b.is_ascii_digit()), value)
        {
            let or = value
                .get_ci("logic")
                .and_then(Value::php_string)
                .is_some_and(|l| l.eq_ignore_ascii_case("or"));
            let mut groups = Vec::new();
            let mut ands = Vec::new();
            for (k, sub) in value.entries() {
                if k.eq_ignore_ascii_case("logic") {
                    continue;
                }
                let single = Value::Map(vec![(k, sub.clone())]);
                let conds = if matches!(sub, Value::Map(_) | Value::List(_))
                    && single
                        .entries()
                        .first()
                        .is_some_and(|(k, _)| k.bytes().all(|b| b.is_ascii_digit()))
                {
                    parse_filter(table, style, sub, depth + 1)?
                } else {
                    parse_filter(table, style, &single, depth + 1)?
                };
                if or {
                    groups.push(conds);
                } else {
                    ands.extend(conds);
                }
            }
            if or {
                out.push(Cond::Any(groups));
            } else {
                out.extend(ands);
            }
            continue;
        }
        let split = key
            .find(|c: char| c.is_alphanumeric() || c == '_')
            .unwrap_or(key.len());
        let (prefix, name) = key.split_at(split);
        let Some(op) = parse_op(prefix) else {
            if let Some(e) = filter_error(style, &key) {
                return Err(e);
            }
            continue;
        };
        let Some(field) = resolve(table, style, name) else {
            if let Some(e) = filter_error(style, name) {
                return Err(e);
            }
            continue;
        };
        let kind = match &field {
            FieldRef::Std(i) => Some(table.fields[*i].kind),
            FieldRef::Uf(_) => None,
        };
        out.push(Cond::Leaf {
            field,
            kind,
            op,
            value: value.clone(),
        });
    }
    Ok(out)
}

/// SQL `LIKE` with `%` and `_`, case-insensitive (inputs already lower-cased).
fn like(text: &[char], pattern: &[char]) -> bool {
    let (mut t, mut p) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while t < text.len() {
        if p < pattern.len() && (pattern[p] == '_' || pattern[p] == text[t]) {
            t += 1;
            p += 1;
        } else if p < pattern.len() && pattern[p] == '%' {
            star = Some(p);
            mark = t;
            p += 1;
        } else if let Some(s) = star {
            p = s + 1;
            mark += 1;
            t = mark;
        } else {
            return false;
        }
    }
    while p < pattern.len() && pattern[p] == '%' {
        p += 1;
    }
    p == pattern.len()
}

fn compare_scalar(kind: Option<Kind>, have: &Value, want: &Value) -> Option<Ordering> {
    if matches!(have, Value::Null) {
        return None;
    }
    match kind {
        Some(Int | User | Crm) => {
            let w = want.as_int_strict()?;
            Some(have.php_intval().cmp(&w))
        }
        Some(Double) => {
            let w = match want {
                Value::Str(s) => s.trim().parse::<f64>().ok()?,
                other => as_f64(other),
            };
            as_f64(have).partial_cmp(&w)
        }
        _ => {
            let h = have.php_string()?.to_lowercase();
            let w = want.php_string()?.to_lowercase();
            match (have.as_int_strict(), want.as_int_strict()) {
                (Some(a), Some(b)) if kind.is_none() => Some(a.cmp(&b)),
                _ => Some(h.cmp(&w)),
            }
        }
    }
}

fn scalar_matches(kind: Option<Kind>, have: &Value, op: Op, want: &Value) -> bool {
    if let Value::List(items) = have {
        // multi-fields: match any VALUE
        return items.iter().any(|item| {
            let v = item.get("VALUE").unwrap_or(item);
            scalar_matches(Some(Str), v, op, want)
        });
    }
    let empty_want = matches!(want, Value::Null) || want.as_str() == Some("");
    match op {
        Op::Eq | Op::In | Op::Ne | Op::NotIn => {
            if matches!(have, Value::Null) {
                return empty_want;
            }
            if empty_want {
                return have.php_string().is_some_and(|s| s.is_empty());
            }
            compare_scalar(kind, have, want).is_some_and(Ordering::is_eq)
        }
        Op::Gt => compare_scalar(kind, have, want).is_some_and(Ordering::is_gt),
        Op::Ge => compare_scalar(kind, have, want).is_some_and(Ordering::is_ge),
        Op::Lt => compare_scalar(kind, have, want).is_some_and(Ordering::is_lt),
        Op::Le => compare_scalar(kind, have, want).is_some_and(Ordering::is_le),
        Op::Contains | Op::NotContains => {
            let h = have.php_string().unwrap_or_default().to_lowercase();
            let w = want.php_string().unwrap_or_default().to_lowercase();
            h.contains(&w)
        }
        Op::Like | Op::NotLike => {
            let h: Vec<char> = have
                .php_string()
                .unwrap_or_default()
                .to_lowercase()
                .chars()
                .collect();
            let w: Vec<char> = want
                .php_string()
                .unwrap_or_default()
                .to_lowercase()
                .chars()
                .collect();
            like(&h, &w)
        }
    }
}

fn cond_matches(table: &Table, id: i64, record: &Record, cond: &Cond) -> bool {
    match cond {
        Cond::Any(groups) => groups
            .iter()
            .any(|g| g.iter().all(|c| cond_matches(table, id, record, c))),
        Cond::Leaf {
            field,
            kind,
            op,
            value,
        } => {
            let have = field_value(table, id, record, field);
            let any = |op: Op| match value {
                Value::List(_) | Value::Map(_) => value
                    .entries()
                    .into_iter()
                    .any(|(_, v)| scalar_matches(*kind, &have, op, v)),
                v => scalar_matches(*kind, &have, op, v),
            };
            match op {
                Op::Eq | Op::In => any(Op::Eq),
                Op::Ne | Op::NotIn => !any(Op::Eq),
                Op::NotContains => !any(Op::Contains),
                Op::NotLike => !any(Op::Like),
                other => any(*other),
            }
        }
    }
}

/// The `ID` range implied by top-level `ID` conditions.
fn id_range(conds: &[Cond]) -> (Bound<i64>, Bound<i64>) {
    let mut lo = Bound::Unbounded;
    let mut hi = Bound::Unbounded;
    let tighten_lo = |lo: &mut Bound<i64>, b: Bound<i64>| {
        let key = |b: &Bound<i64>| match b {
            Bound::Unbounded => i128::MIN,
            Bound::Included(x) => i128::from(*x),
            Bound::Excluded(x) => i128::from(*x) + 1,
        };
        if key(&b) > key(lo) {
            *lo = b;
        }
    };
    let tighten_hi = |hi: &mut Bound<i64>, b: Bound<i64>| {
        let key = |b: &Bound<i64>| match b {
            Bound::Unbounded => i128::MAX,
            Bound::Included(x) => i128::from(*x),
            Bound::Excluded(x) => i128::from(*x) - 1,
        };
        if key(&b) < key(hi) {
            *hi = b;
        }
    };
    for c in conds {
        if let Cond::Leaf {
            field: FieldRef::Std(0),
            op,
            value,
            ..
        } = c
        {
            let Some(v) = value.as_int_strict() else {
                continue;
            };
            match op {
                Op::Gt => tighten_lo(&mut lo, Bound::Excluded(v)),
                Op::Ge => tighten_lo(&mut lo, Bound::Included(v)),
                Op::Lt => tighten_hi(&mut hi, Bound::Excluded(v)),
                Op::Le => tighten_hi(&mut hi, Bound::Included(v)),
                Op::Eq => {
                    tighten_lo(&mut lo, Bound::Included(v));
                    tighten_hi(&mut hi, Bound::Included(v));
                }
                _ => {}
            }
        }
    }
    // An empty range would make BTreeMap::range panic: normalise it.
    let lo_key = match lo {
        Bound::Unbounded => i128::MIN,
        Bound::Included(x) => i128::from(x),
        Bound::Excluded(x) => i128::from(x) + 1,
    };
    let hi_key = match hi {
        Bound::Unbounded => i128::MAX,
        Bound::Included(x) => i128::from(x),
        Bound::Excluded(x) => i128::from(x) - 1,
    };
    if lo_key > hi_key {
        return (Bound::Included(1), Bound::Excluded(1));
    }
    (lo, hi)
}

fn range_is_empty(range: &(Bound<i64>, Bound<i64>)) -> bool {
    matches!(range, (Bound::Included(1), Bound::Excluded(1)))
}

/// One page of a list.
#[derive(Debug)]
struct Page {
    rows: Vec<Value>,
    total: Option<i64>,
    next: Option<i64>,
}

fn parse_order(
    table: &Table,
    style: Style,
    order: Option<&Value>,
) -> Result<Vec<(FieldRef, bool)>, ApiError> {
    let mut out = Vec::new();
    let Some(order) = order else {
        return Ok(out);
    };
    for (key, dir) in order.entries() {
        let desc = match dir
            .php_string()
            .map(|d| d.trim().to_ascii_uppercase())
            .as_deref()
        {
            Some("ASC") => false,
            Some("DESC") => true,
            _ => {
                return Err(ApiError::argument(
                    "order",
                    "Order direction should be one of {ASC|DESC}",
                ));
            }
        };
        if let Some(field) = resolve(table, style, &key) {
            out.push((field, desc));
        } else if style == Style::Item {
            return Err(ApiError::new(
                400,
                "INVALID_ARG_VALUE",
                format!("Invalid order: field '{key}' is not allowed in order"),
            ));
        }
    }
    Ok(out)
}

fn sort_cmp(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Null, Value::Null) => Ordering::Equal,
        (Value::Null, _) => Ordering::Less,
        (_, Value::Null) => Ordering::Greater,
        (Value::Int(x), Value::Int(y)) => x.cmp(y),
        (Value::Float(_) | Value::Int(_), Value::Float(_) | Value::Int(_)) => {
            as_f64(a).partial_cmp(&as_f64(b)).unwrap_or(Ordering::Equal)
        }
        _ => a
            .php_string()
            .unwrap_or_default()
            .to_lowercase()
            .cmp(&b.php_string().unwrap_or_default().to_lowercase()),
    }
}

fn list_table(table: &Table, style: Style, params: &Value, legacy: bool) -> Result<Page, ApiError> {
    let get = |k: &str| {
        if legacy {
            params.get_ci(k)
        } else {
            params.get(k)
        }
    };
    for key in ["filter", "order", "select"] {
        if let Some(v) = get(key)
            && !matches!(v, Value::Map(_) | Value::List(_))
            && v.php_string().is_some_and(|s| !s.is_empty())
        {
            return Err(ApiError::new(
                400,
                "",
                format!("Parameter '{key}' must be array."),
            ));
        }
    }
    let conds = match get("filter") {
        Some(f @ (Value::Map(_) | Value::List(_))) => parse_filter(table, style, f, 0)?,
        _ => Vec::new(),
    };
    let order = parse_order(table, style, get("order"))?;
    let sel = selection(table, style, get("select"));
    let start = params.get("start").map_or(0, Value::php_intval);
    let counting = start != -1;
    let offset = if start < 0 {
        0
    } else {
        usize::try_from(start / 50 * 50).unwrap_or(usize::MAX)
    };

    let by_id = match order.as_slice() {
        [] => Some(false),
        [(FieldRef::Std(0), desc)] => Some(*desc),
        _ => None,
    };
    let mut rows = Vec::with_capacity(PAGE_SIZE);
    let mut total: i64 = 0;
    if let Some(desc) = by_id {
        let range = id_range(&conds);
        if !range_is_empty(&range) {
            let iter = table.records.range(range);
            let walk: Box<dyn Iterator<Item = (&i64, &Record)>> = if desc {
                Box::new(iter.rev())
            } else {
                Box::new(iter)
            };
            let no_conditions = conds.is_empty();
            if no_conditions && counting && matches!(range, (Bound::Unbounded, Bound::Unbounded)) {
                total = i64::try_from(table.records.len()).unwrap_or(i64::MAX);
                for (id, rec) in walk.skip(offset).take(PAGE_SIZE) {
                    rows.push(render_record(table, *id, rec, &sel, style));
                }
            } else {
                let mut matched = 0usize;
                for (id, rec) in walk {
                    if !conds.iter().all(|c| cond_matches(table, *id, rec, c)) {
                        continue;
                    }
                    if matched >= offset && rows.len() < PAGE_SIZE {
                        rows.push(render_record(table, *id, rec, &sel, style));
                    }
                    matched += 1;
                    if !counting && rows.len() >= PAGE_SIZE {
                        break;
                    }
                }
                total = i64::try_from(matched).unwrap_or(i64::MAX);
            }
        }
    } else {
        let mut keyed: Vec<(Vec<Value>, i64)> = table
            .records
            .iter()
            .filter(|(id, rec)| conds.iter().all(|c| cond_matches(table, **id, rec, c)))
            .map(|(id, rec)| {
                (
                    order
                        .iter()
                        .map(|(f, _)| field_value(table, *id, rec, f))
                        .collect(),
                    *id,
                )
            })
            .collect();
        keyed.sort_by(|(ka, ia), (kb, ib)| {
            for (i, (_, desc)) in order.iter().enumerate() {
                let o = sort_cmp(&ka[i], &kb[i]);
                let o = if *desc { o.reverse() } else { o };
                if o.is_ne() {
                    return o;
                }
            }
            ia.cmp(ib)
        });
        total = i64::try_from(keyed.len()).unwrap_or(i64::MAX);
        for (_, id) in keyed.into_iter().skip(offset).take(PAGE_SIZE) {
            if let Some(rec) = table.records.get(&id) {
                rows.push(render_record(table, id, rec, &sel, style));
            }
        }
    }
    if !counting {
        return Ok(Page {
            rows,
            total: None,
            next: None,
        });
    }
    let offset_i = i64::try_from(offset).unwrap_or(i64::MAX);
    let next =
        (offset_i.saturating_add(PAGE_SIZE as i64) < total).then(|| offset_i + PAGE_SIZE as i64);
    Ok(Page {
        rows,
        total: Some(total),
        next,
    })
}

// ---------------------------------------------------------------------------------------------
// writes

fn coerce(kind: Kind, value: &Value) -> Value {
    match value {
        Value::Null => Value::Null,
        v => match kind {
            Int | User | Crm => {
                if v.php_string().is_some_and(|s| s.trim().is_empty()) {
                    Value::Null
                } else {
                    Value::Int(v.php_intval())
                }
            }
            Double => Value::Float(as_f64(v)),
            Char => match v {
                Value::Bool(b) => Value::from(if *b { "Y" } else { "N" }),
                other => Value::from(
                    other
                        .php_string()
                        .unwrap_or_default()
                        .trim()
                        .to_ascii_uppercase(),
                ),
            },
            Multi => Value::Null,
            _ => match v {
                Value::List(_) | Value::Map(_) => v.clone(),
                other => Value::from(other.php_string().unwrap_or_default()),
            },
        },
    }
}

fn apply_multi(table: &mut Table, current: &Value, input: &Value, type_id: &str) -> Value {
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
    for e in entries {
        let value = e
            .get_ci("VALUE")
            .and_then(Value::php_string)
            .unwrap_or_default();
        let value_type = e
            .get_ci("VALUE_TYPE")
            .and_then(Value::php_string)
            .filter(|s| !s.is_empty())
            .unwrap_or_else(|| "WORK".to_owned());
        let delete = e
            .get_ci("DELETE")
            .and_then(Value::php_string)
            .is_some_and(|d| d.eq_ignore_ascii_case("Y"));
        let id = e
            .get_ci("ID")
            .and_then(Value::php_string)
            .filter(|s| !s.is_empty());
        match id {
            Some(id) => {
                let pos = items
                    .iter()
                    .position(|i| i.get("ID").and_then(Value::php_string).as_deref() == Some(&id));
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
                let new_id = 1_000_000_000 + table.next_multi_id;
                table.next_multi_id += 1;
                items.push(multi_value(new_id, &value_type, &value, type_id));
            }
            None => {}
        }
    }
    Value::List(items)
}

/// Applies `fields` to a record's stored values (read-only fields ignored).
fn apply_fields(table: &mut Table, stored: &mut Stored, fields: &Value, style: Style) {
    for (key, value) in fields.entries() {
        let Some(field) = resolve(table, style, &key) else {
            continue;
        };
        match field {
            FieldRef::Std(i) => {
                let def = table.fields[i];
                if def.read_only {
                    continue;
                }
                if def.kind == Multi {
                    let current = stored.values[i].clone();
                    stored.values[i] = apply_multi(table, &current, value, def.name);
                    let has = if matches!(&stored.values[i], Value::List(l) if !l.is_empty()) {
                        "Y"
                    } else {
                        "N"
                    };
                    let flag = if def.name == "PHONE" {
                        "HAS_PHONE"
                    } else {
                        "HAS_EMAIL"
                    };
                    if let Some(j) = table.field_index(flag) {
                        stored.values[j] = Value::from(has);
                    }
                } else {
                    stored.values[i] = coerce(def.kind, value);
                }
            }
            FieldRef::Uf(name) => {
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

fn set_std(table: &Table, stored: &mut Stored, name: &str, value: Value) {
    if let Some(i) = table.field_index(name) {
        stored.values[i] = value;
    }
}

fn create(call: &mut Call<'_>, eid: i64, fields: &Value, style: Style) -> i64 {
    let user = call.principal.user_id();
    let now = format_atom(call.now as i64);
    let table = call.state.crm.table_mut(eid);
    let id = table.next_id;
    table.next_id += 1;
    let mut stored = Stored {
        values: vec![Value::Null; table.fields.len()],
        uf: Vec::new(),
    };
    set_std(table, &mut stored, "ID", Value::Int(id));
    let defaults: [(&str, Value); 12] = [
        ("TITLE", Value::from(format!("{} #{id}", table.noun()))),
        ("STAGE_ID", Value::from("NEW")),
        ("STATUS_ID", Value::from("NEW")),
        ("CATEGORY_ID", Value::Int(0)),
        ("CURRENCY_ID", Value::from("USD")),
        ("OPPORTUNITY", Value::Float(0.0)),
        ("IS_MANUAL_OPPORTUNITY", Value::from("N")),
        ("OPENED", Value::from("Y")),
        ("CLOSED", Value::from("N")),
        ("HAS_PHONE", Value::from("N")),
        ("HAS_EMAIL", Value::from("N")),
        ("ASSIGNED_BY_ID", Value::Int(user)),
    ];
    for (name, v) in defaults {
        set_std(table, &mut stored, name, v);
    }
    set_std(table, &mut stored, "CREATED_BY_ID", Value::Int(user));
    set_std(table, &mut stored, "MODIFY_BY_ID", Value::Int(user));
    set_std(table, &mut stored, "DATE_CREATE", Value::from(now.clone()));
    set_std(table, &mut stored, "DATE_MODIFY", Value::from(now));
    apply_fields(table, &mut stored, fields, style);
    if let Some(i) = table.field_index("TITLE")
        && stored.values[i]
            .php_string()
            .is_none_or(|s| s.trim().is_empty())
    {
        stored.values[i] = Value::from(format!("{} #{id}", table.noun()));
    }
    table.records.insert(id, Record::Stored(Box::new(stored)));
    id
}

fn modify(call: &mut Call<'_>, eid: i64, id: i64, fields: &Value, style: Style) -> bool {
    let user = call.principal.user_id();
    let now = format_atom(call.now as i64);
    let Some(table) = call.state.crm.tables.get_mut(&eid) else {
        return false;
    };
    let Some(record) = table.records.get(&id) else {
        return false;
    };
    let mut stored = table.materialize(id, record);
    apply_fields(table, &mut stored, fields, style);
    set_std(table, &mut stored, "MODIFY_BY_ID", Value::Int(user));
    set_std(table, &mut stored, "DATE_MODIFY", Value::from(now));
    table.records.insert(id, Record::Stored(Box::new(stored)));
    true
}

fn event_name(eid: i64, action: &str) -> Option<String> {
    let noun = match eid {
        LEAD => "LEAD",
        DEAL => "DEAL",
        CONTACT => "CONTACT",
        COMPANY => "COMPANY",
        _ => return None,
    };
    Some(format!("ONCRM{noun}{action}"))
}

fn fire(call: &mut Call<'_>, eid: i64, action: &str, id: i64) {
    if let Some(name) = event_name(eid, action) {
        fire_crm(call, &name, id);
    }
}

// ---------------------------------------------------------------------------------------------
// legacy methods

fn legacy_entity(method: &str) -> i64 {
    match method.split('.').nth(1) {
        Some("lead") => LEAD,
        Some("contact") => CONTACT,
        Some("company") => COMPANY,
        _ => DEAL,
    }
}

fn legacy_error(description: &str) -> ApiError {
    ApiError::new(400, "", description)
}

fn legacy_id(params: &Value) -> Result<i64, ApiError> {
    params
        .get_ci("id")
        .and_then(Value::as_int_strict)
        .filter(|id| *id > 0)
        .ok_or_else(|| legacy_error("ID is not defined or invalid."))
}

fn fields_arg(params: &Value) -> Result<Value, ApiError> {
    match params.get_ci("fields") {
        Some(v @ (Value::Map(_) | Value::List(_))) => Ok(v.clone()),
        _ => Err(legacy_error("Parameter 'fields' must be array.")),
    }
}

/// `crm.{deal,contact,lead,company}.add` → the new ID (int).
pub fn legacy_add(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let eid = legacy_entity(call.method);
    let fields = fields_arg(call.params)?;
    let id = create(call, eid, &fields, Style::Legacy);
    fire(call, eid, "ADD", id);
    Ok(MethodOutput::new(Value::Int(id)))
}

/// `crm.{deal,…}.get` → the record with UPPER_CASE fields (multi-fields included).
pub fn legacy_get(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let eid = legacy_entity(call.method);
    let id = legacy_id(call.params)?;
    let table = call.state.crm.table_mut(eid);
    let Some(record) = table.records.get(&id) else {
        return Err(legacy_error("Not found"));
    };
    let mut sel = default_selection(table, Style::Legacy, true);
    sel.all_uf = true;
    Ok(MethodOutput::new(render_record(
        table,
        id,
        record,
        &sel,
        Style::Legacy,
    )))
}

/// `crm.{deal,…}.list` → a JSON array, `total`/`next`.
pub fn legacy_list(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let eid = legacy_entity(call.method);
    let table = call.state.crm.table_mut(eid);
    let page = list_table(table, Style::Legacy, call.params, true)?;
    Ok(MethodOutput {
        result: Value::List(page.rows),
        next: page.next,
        total: page.total,
    })
}

/// `crm.{deal,…}.update` → `true`.
pub fn legacy_update(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let eid = legacy_entity(call.method);
    let id = legacy_id(call.params)?;
    let fields = fields_arg(call.params)?;
    if !modify(call, eid, id, &fields, Style::Legacy) {
        return Err(legacy_error("Not found"));
    }
    fire(call, eid, "UPDATE", id);
    Ok(MethodOutput::new(Value::Bool(true)))
}

/// `crm.{deal,…}.delete` → `true`.
pub fn legacy_delete(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let eid = legacy_entity(call.method);
    let id = legacy_id(call.params)?;
    let removed = call.state.crm.table_mut(eid).records.remove(&id).is_some();
    if !removed {
        return Err(legacy_error("Not found"));
    }
    fire(call, eid, "DELETE", id);
    Ok(MethodOutput::new(Value::Bool(true)))
}

fn type_name(kind: Kind) -> &'static str {
    match kind {
        Int => "integer",
        Double => "double",
        Str => "string",
        Char => "char",
        DateTime => "datetime",
        User => "user",
        Crm => "crm_entity",
        Multi => "crm_multifield",
    }
}

/// `crm.{deal,…}.fields` → field descriptions keyed by UPPER_CASE name.
pub fn legacy_fields(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let eid = legacy_entity(call.method);
    let table = call.state.crm.table_mut(eid);
    let fields = table
        .fields
        .iter()
        .map(|f| {
            (
                f.name.to_owned(),
                Value::object([
                    ("type", Value::from(type_name(f.kind))),
                    ("isRequired", Value::Bool(false)),
                    ("isReadOnly", Value::Bool(f.read_only)),
                    ("isImmutable", Value::Bool(false)),
                    ("isMultiple", Value::Bool(f.kind == Multi)),
                    ("isDynamic", Value::Bool(false)),
                    ("title", Value::from(f.title)),
                ]),
            )
        })
        .collect();
    Ok(MethodOutput::new(Value::Map(fields)))
}

// ---------------------------------------------------------------------------------------------
// crm.item.*

fn item_entity(call: &Call<'_>) -> Result<i64, ApiError> {
    let eid = call
        .params
        .get("entityTypeId")
        .and_then(Value::as_int_strict)
        .ok_or_else(|| {
            ApiError::argument(
                "entityTypeId",
                "Could not find value for parameter {entityTypeId}",
            )
        })?;
    if !call.state.crm.exists(eid) {
        return Err(ApiError::new(400, "NOT_FOUND", "Smart process not found"));
    }
    Ok(eid)
}

fn item_id(params: &Value) -> Result<i64, ApiError> {
    match params.get("id") {
        None | Some(Value::Null) => Err(ApiError::argument(
            "id",
            "Could not find value for parameter {id}",
        )),
        Some(v) => Ok(v.php_intval()),
    }
}

fn item_not_found() -> ApiError {
    ApiError::new(400, "NOT_FOUND", "Element not found")
}

fn item_fields_param(params: &Value) -> Value {
    match params.get("fields") {
        Some(v @ (Value::Map(_) | Value::List(_))) => v.clone(),
        _ => Value::empty_map(),
    }
}

fn render_item(call: &mut Call<'_>, eid: i64, id: i64) -> Result<Value, ApiError> {
    let table = call.state.crm.table_mut(eid);
    let record = table.records.get(&id).ok_or_else(item_not_found)?;
    let sel = default_selection(table, Style::Item, false);
    Ok(render_record(table, id, record, &sel, Style::Item))
}

/// `crm.item.add` → `{"item": {…}}`.
pub fn item_add(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let eid = item_entity(call)?;
    let fields = item_fields_param(call.params);
    let id = create(call, eid, &fields, Style::Item);
    fire(call, eid, "ADD", id);
    let item = render_item(call, eid, id)?;
    Ok(MethodOutput::new(Value::object([("item", item)])))
}

/// `crm.item.get` → `{"item": {…}}`.
pub fn item_get(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let eid = item_entity(call)?;
    let id = item_id(call.params)?;
    let item = render_item(call, eid, id)?;
    Ok(MethodOutput::new(Value::object([("item", item)])))
}

/// `crm.item.list` → `{"items": […]}`, `total`/`next`.
pub fn item_list(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let eid = item_entity(call)?;
    let table = call.state.crm.table_mut(eid);
    let page = list_table(table, Style::Item, call.params, false)?;
    Ok(MethodOutput {
        result: Value::object([("items", Value::List(page.rows))]),
        next: page.next,
        total: page.total,
    })
}

/// `crm.item.update` → `{"item": {…}}`.
pub fn item_update(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let eid = item_entity(call)?;
    let id = item_id(call.params)?;
    let fields = item_fields_param(call.params);
    if !modify(call, eid, id, &fields, Style::Item) {
        return Err(item_not_found());
    }
    fire(call, eid, "UPDATE", id);
    let item = render_item(call, eid, id)?;
    Ok(MethodOutput::new(Value::object([("item", item)])))
}

/// `crm.item.delete` → `[]`.
pub fn item_delete(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let eid = item_entity(call)?;
    let id = item_id(call.params)?;
    let removed = call.state.crm.table_mut(eid).records.remove(&id).is_some();
    if !removed {
        return Err(item_not_found());
    }
    fire(call, eid, "DELETE", id);
    Ok(MethodOutput::new(Value::empty_map()))
}

/// `crm.item.fields` → `{"fields": {camelName: {…}}}`.
pub fn item_fields(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let eid = item_entity(call)?;
    let table = call.state.crm.table_mut(eid);
    let fields = table
        .fields
        .iter()
        .filter(|f| f.kind != Multi)
        .map(|f| {
            (
                item_name(f),
                Value::object([
                    ("type", Value::from(type_name(f.kind))),
                    ("isRequired", Value::Bool(false)),
                    ("isReadOnly", Value::Bool(f.read_only)),
                    ("isImmutable", Value::Bool(false)),
                    ("isMultiple", Value::Bool(false)),
                    ("isDynamic", Value::Bool(false)),
                    ("title", Value::from(f.title)),
                    ("upperName", Value::from(f.name)),
                ]),
            )
        })
        .collect();
    Ok(MethodOutput::new(Value::object([(
        "fields",
        Value::Map(fields),
    )])))
}

// ---------------------------------------------------------------------------------------------
// crm.type.*

fn type_value(t: &SmartType) -> Value {
    let yn = |b: bool| Value::from(if b { "Y" } else { "N" });
    Value::object([
        ("id", Value::Int(t.id)),
        ("title", Value::from(t.title.as_str())),
        ("code", Value::from(t.code.as_str())),
        ("createdBy", Value::Int(t.created_by)),
        ("entityTypeId", Value::Int(t.entity_type_id)),
        ("customSectionId", Value::Null),
        ("isCategoriesEnabled", yn(t.categories_enabled)),
        ("isStagesEnabled", yn(true)),
        ("isBeginCloseDatesEnabled", yn(true)),
        ("isClientEnabled", yn(true)),
        ("isLinkWithProductsEnabled", yn(false)),
        ("isAutomationEnabled", yn(false)),
        ("isBizProcEnabled", yn(false)),
        ("createdTime", Value::from(format_atom(t.created))),
        ("updatedTime", Value::from(format_atom(t.updated))),
        ("updatedBy", Value::Int(t.created_by)),
    ])
}

fn type_not_found() -> ApiError {
    ApiError::new(400, "NOT_FOUND", "Smart process not found")
}

fn type_id_param(params: &Value) -> Result<i64, ApiError> {
    match params.get("id") {
        None | Some(Value::Null) => Err(ApiError::argument(
            "id",
            "Could not find value for parameter {id}",
        )),
        Some(v) => Ok(v.php_intval()),
    }
}

fn type_title(fields: &Value) -> Option<Result<String, ApiError>> {
    let raw = fields.get("title")?;
    Some(
        raw.php_string()
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .ok_or_else(|| {
                ApiError::new(
                    400,
                    "BX_EMPTY_REQUIRED",
                    "The required field 'Title' is not filled",
                )
            }),
    )
}

/// `crm.type.add`: `fields{title*, entityTypeId?, code?, isCategoriesEnabled?}` → `{"type"}`.
pub fn type_add(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let fields = item_fields_param(call.params);
    let title = type_title(&fields).unwrap_or_else(|| {
        Err(ApiError::new(
            400,
            "BX_EMPTY_REQUIRED",
            "The required field 'Title' is not filled",
        ))
    })?;
    let eid = match fields.get("entityTypeId") {
        None | Some(Value::Null) => None,
        Some(v) => {
            let eid = v
                .as_int_strict()
                .filter(|e| *e >= FIRST_SPA)
                .ok_or_else(|| {
                    ApiError::new(
                        400,
                        "INVALID_ARG_VALUE",
                        "entityTypeId must be an integer of at least 128",
                    )
                })?;
            if call.state.crm.exists(eid) {
                return Err(ApiError::new(
                    400,
                    "INVALID_ARG_VALUE",
                    "A smart process with this entityTypeId already exists",
                ));
            }
            Some(eid)
        }
    };
    let user = call.principal.user_id();
    let now = call.now as i64;
    let mut t = call.state.crm.add_type(title, eid, user, now);
    if let Some(code) = fields.get("code").and_then(Value::php_string) {
        t.code = code;
    }
    t.categories_enabled = fields.get("isCategoriesEnabled").is_some_and(|v| {
        v.php_string().is_some_and(|s| s.eq_ignore_ascii_case("Y")) || *v == Value::Bool(true)
    });
    call.state.crm.types.insert(t.id, t.clone());
    Ok(MethodOutput::new(Value::object([("type", type_value(&t))])))
}

/// `crm.type.get`: `id` → `{"type"}`.
pub fn type_get(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let id = type_id_param(call.params)?;
    let t = call.state.crm.types.get(&id).ok_or_else(type_not_found)?;
    Ok(MethodOutput::new(Value::object([("type", type_value(t))])))
}

/// `crm.type.list`: `filter` (`id`, `entityTypeId`, `title` with `%`), `start` → `{"types"}`.
pub fn type_list(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let filter = call.params.get("filter").cloned().unwrap_or_default();
    let rows: Vec<Value> = call
        .state
        .crm
        .types
        .values()
        .map(type_value)
        .filter(|t| {
            filter.entries().into_iter().all(|(key, want)| {
                let split = key.find(|c: char| c.is_alphanumeric()).unwrap_or(key.len());
                let (prefix, field) = key.split_at(split);
                let Some(have) = t.get(field) else {
                    return true;
                };
                let op = parse_op(prefix).unwrap_or(Op::Eq);
                let any = |op: Op| match want {
                    Value::List(_) | Value::Map(_) => want
                        .entries()
                        .into_iter()
                        .any(|(_, w)| scalar_matches(None, have, op, w)),
                    w => scalar_matches(None, have, op, w),
                };
                match op {
                    Op::Eq | Op::In => any(Op::Eq),
                    Op::Ne | Op::NotIn => !any(Op::Eq),
                    Op::NotContains => !any(Op::Contains),
                    Op::NotLike => !any(Op::Like),
                    other => any(other),
                }
            })
        })
        .collect();
    let start = call.params.get("start").map_or(0, Value::php_intval);
    let total = i64::try_from(rows.len()).unwrap_or(i64::MAX);
    let offset = if start < 0 { 0 } else { start / 50 * 50 };
    let page: Vec<Value> = rows
        .into_iter()
        .skip(usize::try_from(offset).unwrap_or(usize::MAX))
        .take(PAGE_SIZE)
        .collect();
    let mut out = MethodOutput::new(Value::object([("types", Value::List(page))]));
    if start >= 0 {
        out.total = Some(total);
        if offset.saturating_add(50) < total {
            out.next = Some(offset + 50);
        }
    }
    Ok(out)
}

/// `crm.type.update`: `id`, `fields{title, code, isCategoriesEnabled}` → `{"type"}`.
pub fn type_update(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let id = type_id_param(call.params)?;
    let fields = item_fields_param(call.params);
    let title = type_title(&fields).transpose()?;
    let now = call.now as i64;
    let t = call
        .state
        .crm
        .types
        .get_mut(&id)
        .ok_or_else(type_not_found)?;
    if let Some(title) = title {
        t.title = title;
    }
    if let Some(code) = fields.get("code").and_then(Value::php_string) {
        t.code = code;
    }
    if let Some(v) = fields.get("isCategoriesEnabled") {
        t.categories_enabled =
            v.php_string().is_some_and(|s| s.eq_ignore_ascii_case("Y")) || *v == Value::Bool(true);
    }
    t.updated = now;
    Ok(MethodOutput::new(Value::object([("type", type_value(t))])))
}

/// `crm.type.delete`: `id` → `null`; the type's items go with it.
pub fn type_delete(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let id = type_id_param(call.params)?;
    let t = call
        .state
        .crm
        .types
        .remove(&id)
        .ok_or_else(type_not_found)?;
    call.state.crm.tables.remove(&t.entity_type_id);
    Ok(MethodOutput::new(Value::Null))
}

/// `crm.type.fields` → `{"fields": {…}}`.
pub fn type_fields(_call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let field = |ty: &str, required: bool, read_only: bool, title: &str| {
        Value::object([
            ("type", Value::from(ty)),
            ("isRequired", Value::Bool(required)),
            ("isReadOnly", Value::Bool(read_only)),
            ("isImmutable", Value::Bool(false)),
            ("isMultiple", Value::Bool(false)),
            ("isDynamic", Value::Bool(false)),
            ("title", Value::from(title)),
        ])
    };
    Ok(MethodOutput::new(Value::object([(
        "fields",
        Value::object([
            ("id", field("integer", false, true, "ID")),
            ("title", field("string", true, false, "Title")),
            ("code", field("string", false, false, "Code")),
            (
                "entityTypeId",
                field("integer", false, false, "Entity type ID"),
            ),
            (
                "isCategoriesEnabled",
                field("boolean", false, false, "Pipelines"),
            ),
            ("createdBy", field("user", false, true, "Created by")),
            ("createdTime", field("datetime", false, true, "Created on")),
        ]),
    )])))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn camel_names() {
        assert_eq!(to_camel("ASSIGNED_BY_ID"), "assignedById");
        assert_eq!(to_camel("ID"), "id");
        assert_eq!(to_camel("UF_CRM_1721244482250"), "ufCrm_1721244482250");
        assert_eq!(to_camel("UF_CRM_5_1721"), "ufCrm5_1721");
        assert_eq!(uf_from_camel("ufCrm_1721244482250"), "UF_CRM_1721244482250");
        assert_eq!(uf_from_camel("ufCrm5_1721"), "UF_CRM_5_1721");
    }

    #[test]
    fn like_patterns() {
        let c = |s: &str| s.chars().collect::<Vec<_>>();
        assert!(like(&c("hr team"), &c("hr%")));
        assert!(like(&c("hr"), &c("h_")));
        assert!(!like(&c("sales"), &c("hr%")));
        assert!(like(&c("a deal"), &c("%a")) || like(&c("a deal"), &c("%l")));
        assert!(like(&c("anything"), &c("%")));
    }

    #[test]
    fn seeding_a_million_is_fast() {
        let mut store = CrmStore::default();
        let t = std::time::Instant::now();
        assert_eq!(store.seed(DEAL, 1_000_000, 0), Some((1, 1_000_000)));
        assert!(t.elapsed().as_secs() < 5);
        let table = &store.tables[&DEAL];
        let params = Value::object([
            ("order", Value::object([("ID", Value::from("ASC"))])),
            ("filter", Value::object([(">ID", Value::from("999990"))])),
            ("start", Value::Int(-1)),
        ]);
        let t = std::time::Instant::now();
        let page =
            list_table(table, Style::Legacy, &params, true).unwrap_or_else(|e| panic!("{e:?}"));
        assert!(t.elapsed().as_millis() < 50);
        assert_eq!(page.rows.len(), 10);
        assert_eq!(page.total, None);
        assert_eq!(store.seed(5, 1, 0), None);
    }

    #[test]
    fn id_ranges() {
        let leaf = |op, v: i64| Cond::Leaf {
            field: FieldRef::Std(0),
            kind: Some(Int),
            op,
            value: Value::Int(v),
        };
        assert_eq!(
            id_range(&[leaf(Op::Gt, 5), leaf(Op::Le, 9)]),
            (Bound::Excluded(5), Bound::Included(9))
        );
        assert!(range_is_empty(&id_range(&[
            leaf(Op::Gt, 9),
            leaf(Op::Lt, 3)
        ])));
        assert!(!range_is_empty(&id_range(&[leaf(Op::Gt, i64::MAX)])));
    }
}
