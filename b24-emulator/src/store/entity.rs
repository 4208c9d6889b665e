//! Application data storage (`entity.*`): named storages, each with its item properties,
//! sections and items. Records are in UPPER_CASE with numbers as strings; item lists are
//! filtered (operator prefixes, `PROPERTY_<CODE>` for property values), sorted and paged.

use std::collections::BTreeMap;

use super::records;
use crate::envelope::{ApiError, format_atom};
use crate::list::Page;
use crate::value::Value;

fn error(code: &str, description: &str) -> ApiError {
    ApiError::new(400, code, description)
}

/// `ERROR_ENTITY_NOT_FOUND`.
pub fn entity_not_found() -> ApiError {
    error("ERROR_ENTITY_NOT_FOUND", "Entity not found")
}

/// What a storage keeps of one kind of record (items or sections).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// `entity.item.*`.
    Items,
    /// `entity.section.*`.
    Sections,
}

impl Part {
    fn not_found(self) -> ApiError {
        match self {
            Part::Items => error("ERROR_ITEM_NOT_FOUND", "Item not found"),
            Part::Sections => error("ERROR_SECTION_NOT_FOUND", "Section not found"),
        }
    }

    /// The fields a write may set, with their value on a new record.
    fn writable(self) -> &'static [(&'static str, Option<&'static str>)] {
        match self {
            Part::Items => &[
                ("ACTIVE", Some("Y")),
                ("DATE_ACTIVE_FROM", None),
                ("DATE_ACTIVE_TO", None),
                ("SORT", Some("500")),
                ("NAME", Some("")),
                ("PREVIEW_PICTURE", None),
                ("PREVIEW_TEXT", None),
                ("DETAIL_PICTURE", None),
                ("DETAIL_TEXT", None),
                ("CODE", None),
                ("SECTION", None),
            ],
            Part::Sections => &[
                ("CODE", None),
                ("ACTIVE", Some("Y")),
                ("SORT", Some("500")),
                ("NAME", Some("")),
                ("PICTURE", None),
                ("DESCRIPTION", None),
                ("SECTION", None),
                ("DETAIL_PICTURE", None),
            ],
        }
    }
}

/// One item property.
#[derive(Debug, Clone, PartialEq)]
struct Property {
    code: String,
    name: String,
    ty: String,
    sort: i64,
}

impl Property {
    fn record(&self) -> Value {
        Value::object([
            ("PROPERTY", Value::from(self.code.as_str())),
            ("NAME", Value::from(self.name.as_str())),
            ("TYPE", Value::from(self.ty.as_str())),
            ("SORT", Value::from(self.sort.to_string())),
        ])
    }
}

/// One storage.
#[derive(Debug, Clone, PartialEq)]
struct Storage {
    id: i64,
    name: String,
    properties: Vec<Property>,
    records: BTreeMap<(u8, i64), Value>,
}

/// Every storage of the portal.
#[derive(Debug, Clone, Default)]
pub struct EntityStore {
    storages: BTreeMap<String, Storage>,
    next_id: i64,
}

/// A text parameter of a write (`None` when absent).
fn text(value: Option<&Value>) -> Option<String> {
    value.and_then(Value::php_string)
}

impl EntityStore {
    fn storage(&self, code: &str) -> Result<&Storage, ApiError> {
        self.storages.get(code).ok_or_else(entity_not_found)
    }

    fn storage_mut(&mut self, code: &str) -> Result<&mut Storage, ApiError> {
        self.storages.get_mut(code).ok_or_else(entity_not_found)
    }

    fn next(&mut self) -> i64 {
        self.next_id += 1;
        self.next_id
    }

    /// `entity.add`: a new storage `code` named `name`.
    pub fn add(&mut self, code: &str, name: &str) -> Result<(), ApiError> {
        if self.storages.contains_key(code) {
            return Err(error(
                "ERROR_ENTITY_ALREADY_EXISTS",
                "Entity already exists",
            ));
        }
        let id = self.next();
        self.storages.insert(
            code.to_owned(),
            Storage {
                id,
                name: name.to_owned(),
                properties: Vec::new(),
                records: BTreeMap::new(),
            },
        );
        Ok(())
    }

    fn describe(code: &str, storage: &Storage) -> Value {
        Value::object([
            ("ID", Value::from(storage.id.to_string())),
            ("IBLOCK_TYPE_ID", Value::from("rest_entity")),
            ("ENTITY", Value::from(code)),
            ("NAME", Value::from(storage.name.as_str())),
        ])
    }

    /// `entity.get`: the storage `code`, or every storage.
    pub fn get(&self, code: Option<&str>) -> Result<Value, ApiError> {
        match code {
            Some(code) => Ok(Self::describe(code, self.storage(code)?)),
            None => Ok(Value::List(
                self.storages
                    .iter()
                    .map(|(code, storage)| Self::describe(code, storage))
                    .collect(),
            )),
        }
    }

    /// `entity.update`: a new name and/or code.
    pub fn update(
        &mut self,
        code: &str,
        name: Option<String>,
        new_code: Option<String>,
    ) -> Result<(), ApiError> {
        self.storage(code)?;
        if let Some(new_code) = new_code.as_deref().filter(|c| *c != code)
            && self.storages.contains_key(new_code)
        {
            return Err(error(
                "ERROR_ENTITY_ALREADY_EXISTS",
                "Entity already exists",
            ));
        }
        let mut storage = self.storages.remove(code).ok_or_else(entity_not_found)?;
        if let Some(name) = name {
            storage.name = name;
        }
        let code = new_code.unwrap_or_else(|| code.to_owned());
        for record in storage.records.values_mut() {
            if record.get("ENTITY").is_some() {
                record.insert("ENTITY", Value::from(code.as_str()));
            }
        }
        self.storages.insert(code, storage);
        Ok(())
    }

    /// `entity.delete`: the storage and all it holds.
    pub fn delete(&mut self, code: &str) -> Result<(), ApiError> {
        self.storages
            .remove(code)
            .map(drop)
            .ok_or_else(entity_not_found)
    }

    /// `entity.item.property.add`.
    pub fn property_add(
        &mut self,
        code: &str,
        property: &str,
        name: Option<String>,
        ty: Option<String>,
        sort: Option<i64>,
    ) -> Result<(), ApiError> {
        let storage = self.storage_mut(code)?;
        if storage.properties.iter().any(|p| p.code == property) {
            return Err(error(
                "ERROR_PROPERTY_ALREADY_EXISTS",
                "Property already exists",
            ));
        }
        let ty = ty.unwrap_or_else(|| "S".to_owned());
        if !matches!(ty.as_str(), "S" | "N" | "F") {
            return Err(error(
                "ERROR_UNSUPPORTED_PROPERTY_TYPE",
                "Unsupported property type",
            ));
        }
        storage.properties.push(Property {
            code: property.to_owned(),
            name: name.unwrap_or_else(|| property.to_owned()),
            ty,
            sort: sort.unwrap_or(500),
        });
        Ok(())
    }

    /// `entity.item.property.get`: one property, or all of them.
    pub fn property_get(&self, code: &str, property: Option<&str>) -> Result<Value, ApiError> {
        let storage = self.storage(code)?;
        match property {
            Some(property) => storage
                .properties
                .iter()
                .find(|p| p.code == property)
                .map(Property::record)
                .ok_or_else(|| error("ERROR_PROPERTY_NOT_FOUND", "Property not found")),
            None => Ok(Value::List(
                storage.properties.iter().map(Property::record).collect(),
            )),
        }
    }

    /// `entity.item.property.update` (`PROPERTY_NEW` renames).
    pub fn property_update(
        &mut self,
        code: &str,
        property: &str,
        changes: &Value,
    ) -> Result<(), ApiError> {
        let storage = self.storage_mut(code)?;
        let new_code =
            text(changes.get_ci("PROPERTY_NEW")).filter(|c| !c.is_empty() && c != property);
        if new_code
            .as_ref()
            .is_some_and(|c| storage.properties.iter().any(|p| p.code == *c))
        {
            return Err(error(
                "ERROR_PROPERTY_ALREADY_EXISTS",
                "Property already exists",
            ));
        }
        let slot = storage
            .properties
            .iter_mut()
            .find(|p| p.code == property)
            .ok_or_else(|| error("ERROR_PROPERTY_NOT_FOUND", "Property not found"))?;
        if let Some(name) = text(changes.get_ci("NAME")) {
            slot.name = name;
        }
        if let Some(sort) = changes.get_ci("SORT") {
            slot.sort = sort.php_intval();
        }
        if let Some(new_code) = new_code {
            slot.code = new_code;
        }
        Ok(())
    }

    /// `entity.item.property.delete`.
    pub fn property_delete(&mut self, code: &str, property: &str) -> Result<(), ApiError> {
        let storage = self.storage_mut(code)?;
        let before = storage.properties.len();
        storage.properties.retain(|p| p.code != property);
        if storage.properties.len() == before {
            return Err(error("ERROR_PROPERTY_NOT_FOUND", "Property not found"));
        }
        Ok(())
    }

    /// Writes the part's fields and, for items, the values of known properties.
    fn write(part: Part, properties: &[Property], record: &mut Value, fields: &Value) {
        for (key, _) in part.writable() {
            if let Some(value) = fields.get_ci(key) {
                let value = match value {
                    Value::Null => Value::Null,
                    v => Value::from(v.php_string().unwrap_or_default()),
                };
                record.insert(*key, value);
            }
        }
        if part == Part::Items
            && let Some(values) = fields.get_ci("PROPERTY_VALUES")
        {
            let mut kept = record
                .get("PROPERTY_VALUES")
                .cloned()
                .unwrap_or_else(Value::empty_map);
            for (key, value) in values.entries() {
                if properties.iter().any(|p| p.code == key) {
                    kept.insert(key, value.clone());
                }
            }
            record.insert("PROPERTY_VALUES", kept);
        }
    }

    /// `entity.item.add` / `entity.section.add`: the new record's ID.
    pub fn record_add(
        &mut self,
        part: Part,
        code: &str,
        fields: &Value,
        user: i64,
        now: i64,
    ) -> Result<i64, ApiError> {
        self.storage(code)?;
        let id = self.next();
        let storage = self.storage_mut(code)?;
        let stamp = Value::from(format_atom(now));
        let user = Value::from(user.to_string());
        let mut record = Value::object([
            ("ID", Value::from(id.to_string())),
            ("TIMESTAMP_X", stamp.clone()),
            ("MODIFIED_BY", user.clone()),
            ("DATE_CREATE", stamp),
            ("CREATED_BY", user),
        ]);
        for (key, default) in part.writable() {
            record.insert(*key, default.map_or(Value::Null, Value::from));
        }
        if part == Part::Items {
            record.insert("ENTITY", Value::from(code));
            record.insert("PROPERTY_VALUES", Value::empty_map());
        }
        Self::write(part, &storage.properties, &mut record, fields);
        storage.records.insert((part as u8, id), record);
        Ok(id)
    }

    /// `entity.item.update` / `entity.section.update`.
    pub fn record_update(
        &mut self,
        part: Part,
        code: &str,
        id: i64,
        fields: &Value,
        user: i64,
        now: i64,
    ) -> Result<(), ApiError> {
        let storage = self.storage_mut(code)?;
        let properties = storage.properties.clone();
        let record = storage
            .records
            .get_mut(&(part as u8, id))
            .ok_or_else(|| part.not_found())?;
        Self::write(part, &properties, record, fields);
        record.insert("TIMESTAMP_X", Value::from(format_atom(now)));
        record.insert("MODIFIED_BY", Value::from(user.to_string()));
        Ok(())
    }

    /// `entity.item.delete` / `entity.section.delete`.
    pub fn record_delete(&mut self, part: Part, code: &str, id: i64) -> Result<(), ApiError> {
        let storage = self.storage_mut(code)?;
        storage
            .records
            .remove(&(part as u8, id))
            .map(drop)
            .ok_or_else(|| part.not_found())
    }

    /// `entity.item.get` / `entity.section.get`: the page of `start` of the records that
    /// `filter` admits, sorted by `sort` (see [`records::page`]).
    pub fn record_list(
        &self,
        part: Part,
        code: &str,
        filter: Option<&Value>,
        sort: Option<&Value>,
        start: i64,
    ) -> Result<Page<Value>, ApiError> {
        let storage = self.storage(code)?;
        let rows = storage
            .records
            .range((part as u8, i64::MIN)..=(part as u8, i64::MAX))
            .map(|(_, record)| record);
        records::page(rows, filter, sort, start)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn storages_hold_properties_and_items() {
        let mut store = EntityStore::default();
        store.add("menu", "Menu").expect("added");
        assert_eq!(
            store.add("menu", "Again").unwrap_err().code,
            "ERROR_ENTITY_ALREADY_EXISTS"
        );
        store
            .property_add("menu", "price", None, Some("N".into()), None)
            .expect("a property");
        let dish = |name: &str, price: i64| {
            Value::object([
                ("NAME", Value::from(name)),
                (
                    "PROPERTY_VALUES",
                    Value::object([("price", Value::Int(price)), ("unknown", Value::Int(1))]),
                ),
            ])
        };
        let soup = store
            .record_add(Part::Items, "menu", &dish("Soup", 5), 1, 0)
            .expect("added");
        store
            .record_add(Part::Items, "menu", &dish("Steak", 20), 1, 0)
            .expect("added");
        let filter = Value::object([(">PROPERTY_price", Value::Int(10))]);
        let page = store
            .record_list(Part::Items, "menu", Some(&filter), None, 0)
            .expect("listed");
        assert_eq!(page.rows.len(), 1);
        assert_eq!(page.rows[0].get("NAME"), Some(&Value::from("Steak")));
        assert!(
            page.rows[0]
                .get("PROPERTY_VALUES")
                .and_then(|v| v.get("unknown"))
                .is_none()
        );
        let sort = Value::object([("NAME", Value::from("DESC"))]);
        let page = store
            .record_list(Part::Items, "menu", None, Some(&sort), 0)
            .expect("listed");
        assert_eq!(page.rows[1].get("ID"), Some(&Value::from(soup.to_string())));
        store
            .record_delete(Part::Items, "menu", soup)
            .expect("deleted");
        assert_eq!(
            store
                .record_delete(Part::Items, "menu", soup)
                .unwrap_err()
                .code,
            "ERROR_ITEM_NOT_FOUND"
        );
        store.delete("menu").expect("deleted");
        assert_eq!(store.get(Some("menu")).unwrap_err(), entity_not_found());
    }
}
