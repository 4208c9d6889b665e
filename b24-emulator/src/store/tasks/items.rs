//! What hangs off a task: checklist items (`task.checklistitem.*`) and comments
//! (`task.commentitem.*`). Both are records in UPPER_CASE with string IDs, kept per task and
//! removed with it.

use std::collections::BTreeMap;

use crate::envelope::{ApiError, format_atom};
use crate::value::Value;

/// The portal's error for an item that is not there (or a task without it).
pub fn item_not_found() -> ApiError {
    ApiError::new(
        400,
        "ERROR_CORE",
        "TASKS_ERROR_EXCEPTION_#512; Check listitem not found or not accessible; 512/TE/ITEM_NOT_FOUND_OR_NOT_ACCESSIBLE<br>",
    )
}

/// What a kind of item is: how a new one is made and which fields a change may touch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemKind {
    /// A checklist item: `TITLE` required, `IS_COMPLETE`, `IS_IMPORTANT`, `SORT_INDEX`,
    /// `PARENT_ID`, `MEMBERS`.
    Checklist,
    /// A comment: `POST_MESSAGE` required, `AUTHOR_ID`, `POST_DATE`.
    Comment,
}

impl ItemKind {
    /// The fields `add` and `update` write, with the value of each on a new item.
    fn defaults(self, id: i64, task: i64, user: i64, now: i64) -> Vec<(&'static str, Value)> {
        let text = |v: i64| Value::from(v.to_string());
        match self {
            ItemKind::Checklist => vec![
                ("ID", text(id)),
                ("TASK_ID", text(task)),
                ("PARENT_ID", text(0)),
                ("CREATED_BY", text(user)),
                ("TITLE", Value::from("")),
                ("SORT_INDEX", text(0)),
                ("IS_COMPLETE", Value::from("N")),
                ("IS_IMPORTANT", Value::from("N")),
                ("TOGGLED_BY", Value::Null),
                ("TOGGLED_DATE", Value::from("")),
                ("MEMBERS", Value::List(Vec::new())),
            ],
            ItemKind::Comment => vec![
                ("POST_MESSAGE_HTML", Value::Null),
                ("ID", text(id)),
                ("AUTHOR_ID", text(user)),
                ("AUTHOR_NAME", Value::from("")),
                ("AUTHOR_EMAIL", Value::from("")),
                ("POST_DATE", Value::from(format_atom(now))),
                ("POST_MESSAGE", Value::from("")),
            ],
        }
    }

    /// The field that must not be blank, and the portal's error when it is.
    fn required(self) -> (&'static str, ApiError) {
        match self {
            ItemKind::Checklist => (
                "TITLE",
                ApiError::new(
                    400,
                    "ERROR_CORE",
                    "TASKS_ERROR_EXCEPTION_#8; Item name not specified; 8/TE/ACTION_FAILED_TO_BE_PROCESSED<br>",
                ),
            ),
            ItemKind::Comment => (
                "POST_MESSAGE",
                ApiError::new(400, "ERROR_CORE", "Comment text is not specified"),
            ),
        }
    }

    /// A written value in answer form: numbers as strings, flags as `Y`/`N`.
    fn normalize(self, key: &str, value: &Value) -> Value {
        match key {
            "IS_COMPLETE" | "IS_IMPORTANT" => {
                let yes = value
                    .php_string()
                    .is_some_and(|s| s.eq_ignore_ascii_case("Y") || s == "1" || s == "true")
                    || *value == Value::Bool(true);
                Value::from(if yes { "Y" } else { "N" })
            }
            "SORT_INDEX" | "PARENT_ID" | "AUTHOR_ID" => Value::from(value.php_intval().to_string()),
            "MEMBERS" => value.clone(),
            _ => Value::from(value.php_string().unwrap_or_default()),
        }
    }
}

/// One item and the task it belongs to.
#[derive(Debug, Clone, PartialEq)]
struct Item {
    task: i64,
    record: Value,
}

/// Items of one kind, by ID, across tasks.
#[derive(Debug, Clone)]
pub struct Items {
    kind: ItemKind,
    items: BTreeMap<i64, Item>,
    next_id: i64,
}

impl Items {
    /// No items of `kind` yet.
    pub fn new(kind: ItemKind) -> Items {
        Items {
            kind,
            items: BTreeMap::new(),
            next_id: 1,
        }
    }

    /// Writes the known keys of `fields` into `record`; unknown keys are ignored.
    fn write(&self, record: &mut Value, fields: &Value) {
        for (key, value) in fields.entries() {
            let upper = key.to_ascii_uppercase();
            if record.get(&upper).is_some() && !matches!(upper.as_str(), "ID" | "TASK_ID") {
                record.insert(upper.clone(), self.kind.normalize(&upper, value));
            }
        }
    }

    fn check(&self, record: &Value) -> Result<(), ApiError> {
        let (key, error) = self.kind.required();
        match record.get(key).and_then(Value::as_str) {
            Some(text) if !text.trim().is_empty() => Ok(()),
            _ => Err(error),
        }
    }

    /// Adds an item to `task`; its ID.
    pub fn add(&mut self, task: i64, fields: &Value, user: i64, now: i64) -> Result<i64, ApiError> {
        let id = self.next_id;
        let mut record = Value::object(self.kind.defaults(id, task, user, now));
        self.write(&mut record, fields);
        self.check(&record)?;
        self.next_id += 1;
        self.items.insert(id, Item { task, record });
        Ok(id)
    }

    /// The item `id` of `task`.
    pub fn get(&self, task: i64, id: i64) -> Result<&Value, ApiError> {
        self.items
            .get(&id)
            .filter(|item| item.task == task)
            .map(|item| &item.record)
            .ok_or_else(item_not_found)
    }

    /// Every item of `task`, by `SORT_INDEX` then ID for a checklist, by ID for comments.
    pub fn list(&self, task: i64) -> Vec<Value> {
        let mut rows: Vec<(i64, i64, &Value)> = self
            .items
            .iter()
            .filter(|(_, item)| item.task == task)
            .map(|(id, item)| {
                let sort = item.record.get("SORT_INDEX").map_or(0, Value::php_intval);
                (sort, *id, &item.record)
            })
            .collect();
        rows.sort_by_key(|(sort, id, _)| (*sort, *id));
        rows.into_iter()
            .map(|(_, _, record)| record.clone())
            .collect()
    }

    /// Changes the item; nothing when the change would blank its required field.
    pub fn update(&mut self, task: i64, id: i64, fields: &Value) -> Result<(), ApiError> {
        let mut record = self.get(task, id)?.clone();
        self.write(&mut record, fields);
        self.check(&record)?;
        if let Some(item) = self.items.get_mut(&id) {
            item.record = record;
        }
        Ok(())
    }

    /// Removes the item.
    pub fn delete(&mut self, task: i64, id: i64) -> Result<(), ApiError> {
        self.get(task, id)?;
        self.items.remove(&id);
        Ok(())
    }

    /// Removes every item of `task`.
    pub fn forget_task(&mut self, task: i64) {
        self.items.retain(|_, item| item.task != task);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checklist_items_are_kept_per_task_and_sorted() {
        let mut items = Items::new(ItemKind::Checklist);
        let fields = |title: &str, sort: i64| {
            Value::object([
                ("TITLE", Value::from(title)),
                ("SORT_INDEX", Value::Int(sort)),
            ])
        };
        let b = items.add(1, &fields("b", 2), 1, 0).expect("added");
        let a = items.add(1, &fields("a", 1), 1, 0).expect("added");
        items.add(2, &fields("other task", 0), 1, 0).expect("added");
        let titles: Vec<String> = items
            .list(1)
            .iter()
            .filter_map(|r| r.get("TITLE").and_then(Value::php_string))
            .collect();
        assert_eq!(titles, ["a", "b"]);
        items
            .update(1, b, &Value::object([("IS_COMPLETE", Value::Bool(true))]))
            .expect("updated");
        assert_eq!(
            items.get(1, b).expect("there").get("IS_COMPLETE"),
            Some(&Value::from("Y"))
        );
        assert_eq!(items.get(2, a), Err(item_not_found()));
        let blank = Value::object([("TITLE", Value::from(" "))]);
        assert!(items.update(1, a, &blank).is_err());
        assert!(items.add(1, &Value::empty_map(), 1, 0).is_err());
        items.forget_task(1);
        assert!(items.list(1).is_empty());
        assert_eq!(items.list(2).len(), 1);
    }
}
