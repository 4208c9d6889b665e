//! CRM records of every entity type and the smart-process types.
//!
//! Each entity type is a [`Table`]: a `BTreeMap` from ID to [`Record`]. Records created by the
//! seeding API are stored as [`Record::Generated`] (8 bytes): their field values are computed
//! from the ID on demand ([`seed`]), so 1,000,000 records are seeded in well under a second.
//! Records created or changed through the API store their values ([`mod@write`]). Lists follow
//! PROTOCOL §7 ([`query`]).
//!
//! Legacy methods use the UPPER_CASE field names (`ASSIGNED_BY_ID`), `crm.item.*` uses camelCase
//! (`assignedById`); both are one [`schema::Style`] of the same table.

use std::collections::BTreeMap;

use crate::value::Value;

pub mod query;
pub mod schema;
pub mod seed;
pub mod write;

use schema::{COMPANY, FIRST_SPA, FieldDef, LEAD};

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

impl Record {
    /// The record's user fields (none for generated records).
    pub fn uf(&self) -> &[(String, Value)] {
        match self {
            Record::Stored(s) => &s.uf,
            Record::Generated => &[],
        }
    }
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
        Table {
            entity_type_id,
            fields: schema::fields_of(entity_type_id),
            records: BTreeMap::new(),
            next_id: 1,
            next_multi_id: 1,
        }
    }

    /// The position of a field by UPPER_CASE name (any case).
    pub fn field_index(&self, upper: &str) -> Option<usize> {
        self.fields
            .iter()
            .position(|f| f.name.eq_ignore_ascii_case(upper))
    }
}

/// A multi-field entry (`PHONE`, `EMAIL`).
pub fn multi_value(id: i64, value_type: &str, value: &str, type_id: &str) -> Value {
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
    /// The table of an entity type, created empty when missing.
    pub fn table_mut(&mut self, entity_type_id: i64) -> &mut Table {
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

    /// Removes a smart-process type and its items.
    pub fn remove_type(&mut self, type_id: i64) -> Option<SmartType> {
        let t = self.types.remove(&type_id)?;
        self.tables.remove(&t.entity_type_id);
        Some(t)
    }

    /// Deletes a record; `false` when there was none.
    pub fn delete(&mut self, entity_type_id: i64, id: i64) -> bool {
        self.table_mut(entity_type_id).records.remove(&id).is_some()
    }
}
