//! The REST 3.0 methods the emulator serves: `tasks.task.{add,get,list,update,delete}` and
//! `note.collection.{add,get,list,delete}`, over one table per family.

use serde_json::{Map, Value, json};

use super::answer::{V3Failure, code};
use super::{Store, list};

/// The table of `tasks.task.*`.
pub const TASKS: &str = "tasks";
/// The table of `note.collection.*`.
pub const NOTES: &str = "notes";
/// The batch endpoint.
pub const BATCH: &str = "batch";

/// What a method may know about its caller.
pub struct Context<'a> {
    /// The user the credential acts for.
    pub user_id: i64,
    /// A user's ID and name, for `select` of related objects.
    pub users: &'a dyn Fn(i64) -> Option<(i64, String)>,
}

/// The family table and the action of a method name.
fn route(method: &str) -> Option<(&'static str, &str)> {
    let (family, action) = method.rsplit_once('.')?;
    let table = match family {
        "tasks.task" => TASKS,
        "note.collection" => NOTES,
        _ => return None,
    };
    matches!(action, "add" | "get" | "list" | "update" | "delete")
        .then_some((table, action))
        .filter(|(table, action)| !(*table == NOTES && *action == "update"))
}

/// Whether the emulator serves `method`.
pub fn known(method: &str) -> bool {
    route(method).is_some()
}

/// Whether a call changes data (and so takes part in idempotency): every action but `get`
/// and `list`; a batch when any command does.
pub fn is_write(method: &str, query: &Value) -> bool {
    if method == BATCH {
        return query.as_array().is_some_and(|commands| {
            commands.iter().any(|command| {
                command
                    .get("method")
                    .and_then(Value::as_str)
                    .is_some_and(|name| is_write(&name.to_ascii_lowercase(), &Value::Null))
            })
        });
    }
    !matches!(route(method), Some((_, "get" | "list")))
}

fn id_of(query: &Map<String, Value>) -> Result<i64, V3Failure> {
    match query.get("id") {
        Some(value) => value
            .as_i64()
            .or_else(|| value.as_str().and_then(|s| s.parse().ok()))
            .filter(|id| *id > 0)
            .ok_or_else(|| V3Failure::invalid("id", "must be a positive integer")),
        None => Err(V3Failure::invalid("id", "is required")),
    }
}

fn fields_of(query: &Map<String, Value>) -> Result<Map<String, Value>, V3Failure> {
    match query.get("fields") {
        Some(Value::Object(fields)) => {
            let mut fields = fields.clone();
            fields.remove("id");
            Ok(fields)
        }
        _ => Err(V3Failure::invalid("fields", "must be an object")),
    }
}

fn not_found(id: i64) -> V3Failure {
    V3Failure::new(
        404,
        code!("ENTITYNOTFOUNDEXCEPTION"),
        format!("Entity {id} not found"),
    )
}

/// Runs one method; returns its `result` object.
pub fn call(
    store: &mut Store,
    context: &Context<'_>,
    method: &str,
    query: &Map<String, Value>,
) -> Result<Value, V3Failure> {
    let Some((name, action)) = route(method) else {
        return Err(V3Failure::new(
            404,
            code!("METHODNOTFOUNDEXCEPTION"),
            "Method not found",
        ));
    };
    let cap = store.page_cap;
    let table = store.tables.entry(name).or_default();
    match action {
        "add" => {
            let mut fields = fields_of(query)?;
            let title = if name == TASKS { "title" } else { "name" };
            match fields.get(title) {
                Some(Value::String(text)) if !text.trim().is_empty() => {}
                _ => return Err(V3Failure::invalid(title, "is required")),
            }
            if name == TASKS {
                fields.entry("status").or_insert_with(|| json!("pending"));
                fields
                    .entry("responsibleId")
                    .or_insert_with(|| json!(context.user_id));
                fields.insert(String::from("createdBy"), json!(context.user_id));
            }
            let id = table.insert(Value::Object(fields));
            let row = &table.rows[&id];
            Ok(json!({"item": list::project(row, query, context.users)?}))
        }
        "get" => {
            let id = id_of(query)?;
            let row = table.rows.get(&id).ok_or_else(|| not_found(id))?;
            Ok(json!({"item": list::project(row, query, context.users)?}))
        }
        "update" => {
            let id = id_of(query)?;
            let fields = fields_of(query)?;
            let row = table.rows.get_mut(&id).ok_or_else(|| not_found(id))?;
            row.extend(fields);
            let row = row.clone();
            Ok(json!({"item": list::project(&row, query, context.users)?}))
        }
        "delete" => {
            let id = id_of(query)?;
            table.rows.remove(&id).ok_or_else(|| not_found(id))?;
            Ok(json!({"result": true}))
        }
        _ => {
            let filter = list::filter_of(query)?;
            list::validate(&filter)?;
            // `select` is checked once up front, so an empty list refuses a bad one too.
            list::project(&Map::new(), query, context.users)?;
            let (skip, take) = list::page(query, cap)?;
            let mut rows = Vec::new();
            for row in table.rows.values() {
                if list::matches(row, &filter)? {
                    rows.push(row.clone());
                }
            }
            list::sort(&mut rows, query)?;
            let mut items = Vec::new();
            for row in rows.iter().skip(skip).take(take) {
                items.push(Value::Object(list::project(row, query, context.users)?));
            }
            Ok(json!({"items": items}))
        }
    }
}
