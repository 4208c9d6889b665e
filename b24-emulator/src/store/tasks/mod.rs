//! Tasks (`tasks.task.*`, REST 2): records kept by ID with the portal's defaults, changed by
//! `fields` in UPPER_CASE, answered in camelCase with integers as strings; lists filtered,
//! ordered, selected and paged as [`query`] describes.
//!
//! The store is given plain values (the acting user, the portal time, which users exist) and
//! answers with records or the documented errors.

pub mod items;
pub mod query;
pub mod schema;

use std::collections::BTreeMap;

use items::{ItemKind, Items};
use schema::{FieldDef, Kind};

use crate::envelope::{ApiError, format_atom};
use crate::list::Page;
use crate::value::Value;

/// The documented error of a refused task write (`ERROR_CORE`, 400).
fn core_error(description: &str) -> ApiError {
    ApiError::new(400, "ERROR_CORE", description)
}

/// The documented error for a task ID that names no task (code `0`, "wrong task id").
pub fn wrong_task_id() -> ApiError {
    ApiError::new(400, "0", "wrong task id")
}

/// One task: its documented fields (already in answer form) and its user fields.
#[derive(Debug, Clone, PartialEq)]
pub struct Task {
    values: BTreeMap<&'static str, Value>,
    user_fields: Vec<(String, Value)>,
}

impl Task {
    /// The value of a field, `null` when not set.
    pub fn value(&self, field: &FieldDef) -> &Value {
        self.values.get(field.upper).unwrap_or(&Value::Null)
    }

    /// `ERROR_CORE` "Task title not specified" for a missing or blank title.
    fn check_title(&self) -> Result<(), ApiError> {
        match self.values.get("TITLE").and_then(Value::as_str) {
            Some(title) if !title.trim().is_empty() => Ok(()),
            _ => Err(core_error("Task title not specified")),
        }
    }

    /// The task's ID.
    pub fn id(&self) -> i64 {
        self.values.get("ID").map_or(0, Value::php_intval)
    }

    /// The record as `tasks.task.*` answer it, every field or those of `select`.
    pub fn record(&self, select: &query::Select) -> Value {
        let mut record: Vec<(String, Value)> = schema::FIELDS
            .iter()
            .filter(|field| select.has(field))
            .map(|field| (field.camel.to_owned(), self.value(field).clone()))
            .collect();
        if select.has(schema::find("STATUS").expect("a task field")) {
            let status = self.values.get("STATUS").cloned().unwrap_or_default();
            record.push(("subStatus".to_owned(), status));
        }
        record.extend(
            self.user_fields
                .iter()
                .filter(|(name, _)| select.has_user_field(name))
                .cloned(),
        );
        Value::Map(record)
    }
}

/// The value of `raw` for a field of `kind`, in answer form.
fn normalize(kind: Kind, raw: &Value) -> Value {
    let id = |v: &Value| Value::from(v.php_intval().to_string());
    match kind {
        Kind::Int | Kind::User => match raw {
            Value::Null => Value::Null,
            v => id(v),
        },
        Kind::Str => Value::from(raw.php_string().unwrap_or_default()),
        Kind::Flag => Value::from(
            if raw
                .php_string()
                .is_some_and(|s| s.eq_ignore_ascii_case("Y"))
                || *raw == Value::Bool(true)
            {
                "Y"
            } else {
                "N"
            },
        ),
        Kind::DateTime => match raw.php_string() {
            Some(text) if !text.is_empty() => Value::from(text),
            _ => Value::Null,
        },
        Kind::Users | Kind::Texts => {
            let items: Vec<Value> = match raw {
                Value::List(_) | Value::Map(_) => {
                    raw.entries().into_iter().map(|(_, v)| v.clone()).collect()
                }
                Value::Null => Vec::new(),
                scalar => vec![scalar.clone()],
            };
            Value::List(
                items
                    .iter()
                    .filter(|v| !matches!(v, Value::Null))
                    .map(|v| {
                        if kind == Kind::Users {
                            id(v)
                        } else {
                            Value::from(v.php_string().unwrap_or_default())
                        }
                    })
                    .collect(),
            )
        }
    }
}

/// Who writes and when; which users exist.
#[derive(Clone, Copy)]
pub struct Author<'a> {
    /// The acting user.
    pub user: i64,
    /// Portal time, Unix seconds.
    pub now: i64,
    /// Whether a user ID names a user of the portal.
    pub known_user: &'a dyn Fn(i64) -> bool,
}

impl std::fmt::Debug for Author<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Author")
            .field("user", &self.user)
            .field("now", &self.now)
            .finish_non_exhaustive()
    }
}

/// Every task of the portal, with its checklist items and comments.
#[derive(Debug, Clone)]
pub struct TaskStore {
    tasks: BTreeMap<i64, Task>,
    next_id: i64,
    /// Checklist items of the tasks.
    pub checklist: Items,
    /// Comments on the tasks.
    pub comments: Items,
}

impl Default for TaskStore {
    fn default() -> Self {
        TaskStore {
            tasks: BTreeMap::new(),
            next_id: 1,
            checklist: Items::new(ItemKind::Checklist),
            comments: Items::new(ItemKind::Comment),
        }
    }
}

impl TaskStore {
    /// Creates a task from `fields` (`TITLE` and `RESPONSIBLE_ID` required) and returns it.
    pub fn add(&mut self, fields: &Value, author: Author<'_>) -> Result<&Task, ApiError> {
        let now = Value::from(format_atom(author.now));
        let user = Value::from(author.user.to_string());
        let mut values: BTreeMap<&'static str, Value> = BTreeMap::new();
        for field in schema::FIELDS {
            let default = match field.kind {
                Kind::Flag => Value::from("N"),
                Kind::Str if field.upper != "MARK" => Value::from(""),
                Kind::Users | Kind::Texts => Value::List(Vec::new()),
                _ => Value::Null,
            };
            values.insert(field.upper, default);
        }
        for (upper, value) in [
            ("PRIORITY", Value::from("1")),
            ("STAGE_ID", Value::from("0")),
            ("GROUP_ID", Value::from("0")),
            ("TIME_ESTIMATE", Value::from("0")),
            ("STATUS", Value::from("2")),
            ("CREATED_BY", user.clone()),
            ("CREATED_DATE", now.clone()),
            ("CHANGED_BY", user),
            ("CHANGED_DATE", now.clone()),
            ("ACTIVITY_DATE", now),
        ] {
            values.insert(upper, value);
        }
        let mut task = Task {
            values,
            user_fields: Vec::new(),
        };
        apply(&mut task, fields, author)?;
        task.check_title()?;
        if task
            .values
            .get("RESPONSIBLE_ID")
            .is_none_or(|v| *v == Value::Null)
        {
            return Err(core_error("Responsible person not specified"));
        }
        let id = self.next_id;
        self.next_id += 1;
        task.values.insert("ID", Value::from(id.to_string()));
        Ok(self.tasks.entry(id).or_insert(task))
    }

    /// The task with this ID.
    pub fn get(&self, id: i64) -> Option<&Task> {
        self.tasks.get(&id)
    }

    /// Changes the fields given in `fields`; the task as it is now.
    pub fn update(
        &mut self,
        id: i64,
        fields: &Value,
        author: Author<'_>,
    ) -> Result<&Task, ApiError> {
        let current = self.tasks.get(&id).ok_or_else(wrong_task_id)?;
        let mut task = current.clone();
        apply(&mut task, fields, author)?;
        task.check_title()?;
        task.values
            .insert("CHANGED_BY", Value::from(author.user.to_string()));
        task.values
            .insert("CHANGED_DATE", Value::from(format_atom(author.now)));
        let slot = self.tasks.get_mut(&id).ok_or_else(wrong_task_id)?;
        *slot = task;
        Ok(slot)
    }

    /// Removes a task with its checklist and comments; `false` when there was none.
    pub fn delete(&mut self, id: i64) -> bool {
        self.checklist.forget_task(id);
        self.comments.forget_task(id);
        self.tasks.remove(&id).is_some()
    }

    /// The page of `start` of the tasks `query` selects.
    pub fn list(&self, query: &query::Query, start: i64) -> Page<Value> {
        let mut rows: Vec<&Task> = self.tasks.values().filter(|t| query.matches(t)).collect();
        query.sort(&mut rows);
        Page::of(rows.into_iter().map(|t| t.record(&query.select)), start)
    }
}

/// Writes the writable fields of `fields` (UPPER_CASE or camelCase names; `UF_*` kept as
/// given; others ignored) with the documented checks: a known responsible user, a valid status.
fn apply(task: &mut Task, fields: &Value, author: Author<'_>) -> Result<(), ApiError> {
    for (name, raw) in fields.entries() {
        if name.to_ascii_uppercase().starts_with("UF_") {
            match task.user_fields.iter_mut().find(|(n, _)| *n == name) {
                Some(slot) => slot.1 = raw.clone(),
                None => task.user_fields.push((name, raw.clone())),
            }
            continue;
        }
        let Some(field) = schema::find(&name).filter(|f| f.writable) else {
            continue;
        };
        let value = normalize(field.kind, raw);
        match field.upper {
            "RESPONSIBLE_ID" => {
                let id = value.php_intval();
                if value == Value::Null || id == 0 {
                    return Err(core_error("Responsible person not specified"));
                }
                if !(author.known_user)(id) {
                    return Err(core_error(
                        "User specified in the \"Responsible\" field not found",
                    ));
                }
            }
            "STATUS" => {
                let status = value.php_intval();
                if !schema::STATUSES.contains(&status) {
                    return Err(core_error("Incorrect status"));
                }
                let before = task.values.get("STATUS").map(Value::php_intval);
                if before != Some(status) {
                    let user = Value::from(author.user.to_string());
                    task.values.insert("STATUS_CHANGED_BY", user.clone());
                    let closed = status == schema::COMPLETED;
                    task.values
                        .insert("CLOSED_BY", if closed { user } else { Value::Null });
                    task.values.insert(
                        "CLOSED_DATE",
                        if closed {
                            Value::from(format_atom(author.now))
                        } else {
                            Value::Null
                        },
                    );
                }
            }
            _ => {}
        }
        task.values.insert(field.upper, value);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn author(known: &dyn Fn(i64) -> bool) -> Author<'_> {
        Author {
            user: 1,
            now: 1_700_000_000,
            known_user: known,
        }
    }

    #[test]
    fn add_fills_defaults_and_checks_title_and_responsible() {
        let known = |id: i64| id == 1 || id == 2;
        let mut store = TaskStore::default();
        let fields = Value::object([
            ("TITLE", Value::from("Call")),
            ("RESPONSIBLE_ID", Value::Int(2)),
            ("AUDITORS", Value::List(vec![Value::Int(1)])),
            ("UF_CRM_TASK", Value::List(vec![Value::from("D_1")])),
        ]);
        let task = store.add(&fields, author(&known)).expect("added");
        let record = task.record(&query::Select::all());
        assert_eq!(record.get("id"), Some(&Value::from("1")));
        assert_eq!(record.get("responsibleId"), Some(&Value::from("2")));
        assert_eq!(record.get("createdBy"), Some(&Value::from("1")));
        assert_eq!(record.get("status"), Some(&Value::from("2")));
        assert_eq!(
            record.get("auditors"),
            Some(&Value::List(vec![Value::from("1")]))
        );
        assert!(record.get("UF_CRM_TASK").is_some());
        let untitled = Value::object([("RESPONSIBLE_ID", Value::Int(1))]);
        assert_eq!(
            store
                .add(&untitled, author(&known))
                .unwrap_err()
                .description,
            "Task title not specified"
        );
        let stranger = Value::object([
            ("TITLE", Value::from("x")),
            ("RESPONSIBLE_ID", Value::Int(9)),
        ]);
        assert_eq!(
            store.add(&stranger, author(&known)).unwrap_err().code,
            "ERROR_CORE"
        );
        let nobody = Value::object([("TITLE", Value::from("x"))]);
        assert_eq!(
            store.add(&nobody, author(&known)).unwrap_err().description,
            "Responsible person not specified"
        );
    }

    #[test]
    fn completing_a_task_closes_it_and_a_bad_status_is_refused() {
        let known = |_: i64| true;
        let mut store = TaskStore::default();
        let fields = Value::object([
            ("TITLE", Value::from("x")),
            ("RESPONSIBLE_ID", Value::Int(1)),
        ]);
        let id = store.add(&fields, author(&known)).expect("added").id();
        let done = Value::object([("STATUS", Value::Int(5))]);
        let task = store.update(id, &done, author(&known)).expect("updated");
        assert_eq!(
            task.value(schema::find("CLOSED_BY").unwrap()),
            &Value::from("1")
        );
        let bad = Value::object([("STATUS", Value::Int(42))]);
        assert_eq!(
            store
                .update(id, &bad, author(&known))
                .unwrap_err()
                .description,
            "Incorrect status"
        );
        assert_eq!(
            store.update(99, &done, author(&known)).unwrap_err(),
            wrong_task_id()
        );
        assert!(store.delete(id));
        assert!(!store.delete(id));
    }
}
