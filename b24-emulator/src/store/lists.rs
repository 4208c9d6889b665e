//! Universal lists (`lists.*`, `lists.element.*`): lists by ID and by type and code, their
//! elements by ID and code. Element records keep `NAME`, `CODE`, `IBLOCK_SECTION_ID` and every
//! `PROPERTY_*` value as given; lists of elements go through [`records::page`].

use std::collections::BTreeMap;

use super::records;
use crate::envelope::{ApiError, format_atom};
use crate::list::Page;
use crate::value::Value;

fn error(code: &str, description: &str) -> ApiError {
    ApiError::new(400, code, description)
}

fn list_not_found() -> ApiError {
    error("ERROR_IBLOCK_NOT_FOUND", "Iblock not found")
}

fn element_not_found() -> ApiError {
    error("ERROR_ELEMENT_NOT_FOUND", "Element not found")
}

/// How a call names a list: its type, and its ID (when positive) or else its code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListRef {
    /// `IBLOCK_TYPE_ID`.
    pub type_id: String,
    /// `IBLOCK_ID` (0 when not given).
    pub id: i64,
    /// `IBLOCK_CODE` (empty when not given).
    pub code: String,
}

/// How a call names an element: its ID (when positive) or else its code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ElementRef {
    /// `ELEMENT_ID` (0 when not given).
    pub id: i64,
    /// `ELEMENT_CODE` (empty when not given).
    pub code: String,
}

#[derive(Debug, Clone, PartialEq)]
struct List {
    record: Value,
    elements: BTreeMap<i64, Value>,
}

/// Every universal list of the portal.
#[derive(Debug, Clone, Default)]
pub struct ListStore {
    lists: BTreeMap<i64, List>,
    next_list: i64,
    next_element: i64,
}

/// `FIELDS` as a map (the typed clients send the documented `array` as a one-item list).
fn fields_map(fields: &Value) -> Value {
    match fields {
        Value::List(items) if items.len() == 1 => items[0].clone(),
        other => other.clone(),
    }
}

fn text(value: Option<&Value>) -> Option<Value> {
    value.map(|v| Value::from(v.php_string().unwrap_or_default()))
}

impl ListStore {
    fn find(&self, list: &ListRef) -> Option<i64> {
        self.lists
            .iter()
            .find(|(id, l)| {
                l.record.get("IBLOCK_TYPE_ID").and_then(Value::as_str) == Some(&list.type_id)
                    && if list.id > 0 {
                        **id == list.id
                    } else {
                        l.record.get("CODE").and_then(Value::as_str) == Some(&list.code)
                    }
            })
            .map(|(id, _)| *id)
    }

    fn list_mut(&mut self, list: &ListRef) -> Result<&mut List, ApiError> {
        let id = self.find(list).ok_or_else(list_not_found)?;
        self.lists.get_mut(&id).ok_or_else(list_not_found)
    }

    /// `lists.add`: a new list of `type_id` with `code` (unique within the type); its ID.
    pub fn add(&mut self, list: &ListRef, fields: &Value, now: i64) -> Result<i64, ApiError> {
        let taken = ListRef {
            id: 0,
            ..list.clone()
        };
        if self.find(&taken).is_some() {
            return Err(error(
                "ERROR_IBLOCK_ALREADY_EXISTS",
                "Iblock already exists",
            ));
        }
        let fields = fields_map(fields);
        self.next_list += 1;
        let id = self.next_list;
        let record = Value::object([
            ("ID", Value::from(id.to_string())),
            ("TIMESTAMP_X", Value::from(format_atom(now))),
            ("IBLOCK_TYPE_ID", Value::from(list.type_id.as_str())),
            ("CODE", Value::from(list.code.as_str())),
            ("NAME", text(fields.get_ci("NAME")).unwrap_or_default()),
            ("ACTIVE", Value::from("Y")),
            (
                "SORT",
                Value::from(
                    fields
                        .get_ci("SORT")
                        .map_or(500, Value::php_intval)
                        .to_string(),
                ),
            ),
            (
                "DESCRIPTION",
                text(fields.get_ci("DESCRIPTION")).unwrap_or_default(),
            ),
        ]);
        self.lists.insert(
            id,
            List {
                record,
                elements: BTreeMap::new(),
            },
        );
        Ok(id)
    }

    /// `lists.get`: the lists of the type, or the one named by ID or code.
    pub fn get(&self, list: &ListRef) -> Vec<Value> {
        self.lists
            .iter()
            .filter(|(id, l)| {
                l.record.get("IBLOCK_TYPE_ID").and_then(Value::as_str) == Some(&list.type_id)
                    && (list.id <= 0 || **id == list.id)
                    && (list.code.is_empty()
                        || l.record.get("CODE").and_then(Value::as_str) == Some(&list.code))
            })
            .map(|(_, l)| l.record.clone())
            .collect()
    }

    /// `lists.update`: `NAME`, `DESCRIPTION`, `SORT` of `fields`.
    pub fn update(&mut self, list: &ListRef, fields: &Value) -> Result<(), ApiError> {
        let fields = fields_map(fields);
        let record = &mut self.list_mut(list)?.record;
        for key in ["NAME", "DESCRIPTION", "SORT"] {
            if let Some(value) = text(fields.get_ci(key)) {
                record.insert(key, value);
            }
        }
        Ok(())
    }

    /// `lists.delete`: the list with its elements.
    pub fn delete(&mut self, list: &ListRef) -> Result<(), ApiError> {
        let id = self.find(list).ok_or_else(list_not_found)?;
        self.lists.remove(&id);
        Ok(())
    }

    fn element_id(list: &List, element: &ElementRef) -> Option<i64> {
        if element.id > 0 {
            return list
                .elements
                .contains_key(&element.id)
                .then_some(element.id);
        }
        list.elements
            .iter()
            .find(|(_, e)| {
                !element.code.is_empty()
                    && e.get("CODE").and_then(Value::as_str) == Some(&element.code)
            })
            .map(|(id, _)| *id)
    }

    /// Writes `NAME`, `IBLOCK_SECTION_ID` and the `PROPERTY_*` values of `fields`.
    fn write(record: &mut Value, fields: &Value) {
        for (key, value) in fields.entries() {
            let upper = key.to_ascii_uppercase();
            if upper == "NAME" {
                record.insert("NAME", Value::from(value.php_string().unwrap_or_default()));
            } else if upper == "IBLOCK_SECTION_ID" {
                record.insert(
                    "IBLOCK_SECTION_ID",
                    Value::from(value.php_intval().to_string()),
                );
            } else if upper.starts_with("PROPERTY_") {
                record.insert(key, value.clone());
            }
        }
    }

    /// `lists.element.add`: a new element with `code` (unique in the list); its ID.
    pub fn element_add(
        &mut self,
        list: &ListRef,
        code: &str,
        fields: &Value,
        user: i64,
        now: i64,
    ) -> Result<i64, ApiError> {
        self.next_element += 1;
        let id = self.next_element;
        let target = self.list_mut(list)?;
        let taken = ElementRef {
            id: 0,
            code: code.to_owned(),
        };
        if Self::element_id(target, &taken).is_some() {
            return Err(error(
                "ERROR_ELEMENT_ALREADY_EXISTS",
                "Element already exists",
            ));
        }
        let fields = fields_map(fields);
        let list_id = target.record.get("ID").cloned().unwrap_or_default();
        let mut record = Value::object([
            ("ID", Value::from(id.to_string())),
            ("IBLOCK_ID", list_id),
            ("NAME", Value::from("")),
            ("IBLOCK_SECTION_ID", Value::Null),
            ("CREATED_BY", Value::from(user.to_string())),
            ("BP_PUBLISHED", Value::from("Y")),
            ("CODE", Value::from(code)),
            ("DATE_CREATE", Value::from(format_atom(now))),
        ]);
        Self::write(&mut record, &fields);
        if record
            .get("NAME")
            .and_then(Value::as_str)
            .is_none_or(str::is_empty)
        {
            return Err(error(
                "ERROR_ELEMENT_FIELD_VALUE",
                "The field NAME is required",
            ));
        }
        target.elements.insert(id, record);
        Ok(id)
    }

    /// `lists.element.get`: the element named, or the page of `start` of those `filter` admits.
    pub fn element_get(
        &self,
        list: &ListRef,
        element: &ElementRef,
        filter: Option<&Value>,
        order: Option<&Value>,
        start: i64,
    ) -> Result<Page<Value>, ApiError> {
        let id = self.find(list).ok_or_else(list_not_found)?;
        let target = self.lists.get(&id).ok_or_else(list_not_found)?;
        if element.id > 0 || !element.code.is_empty() {
            let rows: Vec<Value> = Self::element_id(target, element)
                .and_then(|id| target.elements.get(&id))
                .cloned()
                .into_iter()
                .collect();
            return Ok(Page::of(rows, start));
        }
        records::page(target.elements.values(), filter, order, start)
    }

    /// `lists.element.update`: the fields given.
    pub fn element_update(
        &mut self,
        list: &ListRef,
        element: &ElementRef,
        fields: &Value,
    ) -> Result<(), ApiError> {
        let target = self.list_mut(list)?;
        let id = Self::element_id(target, element).ok_or_else(element_not_found)?;
        let fields = fields_map(fields);
        let record = target.elements.get_mut(&id).ok_or_else(element_not_found)?;
        Self::write(record, &fields);
        Ok(())
    }

    /// `lists.element.delete`.
    pub fn element_delete(&mut self, list: &ListRef, element: &ElementRef) -> Result<(), ApiError> {
        let target = self.list_mut(list)?;
        let id = Self::element_id(target, element).ok_or_else(element_not_found)?;
        target.elements.remove(&id);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_live_in_their_list() {
        let mut store = ListStore::default();
        let list = ListRef {
            type_id: "lists".into(),
            id: 0,
            code: "orders".into(),
        };
        let fields = Value::object([("NAME", Value::from("Orders"))]);
        let id = store.add(&list, &fields, 0).expect("added");
        assert_eq!(
            store.add(&list, &fields, 0).unwrap_err().code,
            "ERROR_IBLOCK_ALREADY_EXISTS"
        );
        let by_id = ListRef { id, ..list.clone() };
        let element = Value::List(vec![Value::object([
            ("NAME", Value::from("First")),
            ("PROPERTY_12", Value::object([("n0", Value::from("42"))])),
        ])]);
        let e = store
            .element_add(&by_id, "first", &element, 1, 0)
            .expect("added");
        assert_eq!(
            store
                .element_add(&list, "first", &element, 1, 0)
                .unwrap_err()
                .code,
            "ERROR_ELEMENT_ALREADY_EXISTS"
        );
        let named = ElementRef {
            id: 0,
            code: "first".into(),
        };
        let page = store
            .element_get(&list, &named, None, None, 0)
            .expect("found");
        assert_eq!(page.rows[0].get("ID"), Some(&Value::from(e.to_string())));
        assert!(page.rows[0].get("PROPERTY_12").is_some());
        store.element_delete(&list, &named).expect("deleted");
        assert_eq!(
            store.element_delete(&list, &named).unwrap_err().code,
            "ERROR_ELEMENT_NOT_FOUND"
        );
        store.delete(&by_id).expect("deleted");
        assert!(store.get(&list).is_empty());
    }
}
