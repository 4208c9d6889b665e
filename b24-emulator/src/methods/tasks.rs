//! Tasks (REST 2): `tasks.task.add/get/list/update/delete`, the status moves
//! (`complete/start/renew/defer/pause`), checklist items (`task.checklistitem.*`) and comments
//! (`task.commentitem.*`) on [`crate::store::tasks`]. Task records
//! answer as `{"task": {…}}` (`{"tasks": […]}` for a list, paged by `start`), field names in
//! camelCase, integers as strings; `fields`, `filter`, `order` and `select` take the UPPER_CASE
//! names (camelCase too).

use crate::call::Call;
use crate::envelope::{ApiError, MethodOutput};
use crate::store::tasks::items::{Items, item_not_found};
use crate::store::tasks::query::{Query, Select};
use crate::store::tasks::{Author, wrong_task_id};
use crate::value::Value;

/// `fields`: a map, else the documented "Could not find value" error (code `100`).
fn fields(params: &Value) -> Result<&Value, ApiError> {
    match params.get_ci("fields") {
        Some(v @ Value::Map(_)) => Ok(v),
        _ => Err(ApiError::new(
            400,
            "100",
            "Could not find value for parameter {fields} (internal error)",
        )),
    }
}

/// `taskId` (also `id`), a positive integer, else "wrong task id".
fn task_id(params: &Value) -> Result<i64, ApiError> {
    params
        .get_ci("taskId")
        .or_else(|| params.get_ci("id"))
        .map(Value::php_intval)
        .filter(|id| *id > 0)
        .ok_or_else(wrong_task_id)
}

fn one(task: Value) -> MethodOutput {
    MethodOutput::new(Value::object([("task", task)]))
}

/// Runs `write` with the caller as author.
fn as_author<T>(call: &mut Call<'_>, write: impl FnOnce(&mut Call<'_>, Author<'_>) -> T) -> T {
    let users: Vec<i64> = call.state.users.iter().map(|u| u.id).collect();
    let known = move |id: i64| users.contains(&id);
    let author = Author {
        user: call.principal.user_id(),
        now: call.now_secs(),
        known_user: &known,
    };
    write(call, author)
}

/// What a task event tells of the record: it was made, changed or removed.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Change {
    Add,
    Update,
    Delete,
}

/// Fires a task or task-comment event as the documentation shows its data: `FIELDS_BEFORE`
/// and `FIELDS_AFTER` hold `ids` on the side where the record exists and `undefined` on the
/// other, `IS_ACCESSIBLE_BEFORE`/`AFTER` are `N` where it does not exist and `undefined`
/// (not checked) where it does.
fn fire(call: &mut Call<'_>, event: &str, change: Change, ids: Value) {
    let side = |exists: bool| {
        if exists {
            (ids.clone(), Value::from("undefined"))
        } else {
            (Value::from("undefined"), Value::from("N"))
        }
    };
    let (before, accessible_before) = side(change != Change::Add);
    let (after, accessible_after) = side(change != Change::Delete);
    let data = Value::object([
        ("FIELDS_BEFORE", before),
        ("FIELDS_AFTER", after),
        ("IS_ACCESSIBLE_BEFORE", accessible_before),
        ("IS_ACCESSIBLE_AFTER", accessible_after),
    ]);
    call.fire(event.to_owned(), data);
}

/// Fires a task event with the task's `ID`.
fn fire_task(call: &mut Call<'_>, event: &str, change: Change, id: i64) {
    let ids = Value::object([("ID", Value::from(id.to_string()))]);
    fire(call, event, change, ids);
}

/// Fires a task-comment event with the comment's `ID` and its `TASK_ID` (checklist items have
/// no events).
fn fire_comment(call: &mut Call<'_>, event: &str, change: Change, task: i64, id: i64) {
    if !call.method.starts_with("task.commentitem.") {
        return;
    }
    let ids = Value::object([
        ("ID", Value::from(id.to_string())),
        ("TASK_ID", Value::from(task.to_string())),
    ]);
    fire(call, event, change, ids);
}

/// `tasks.task.add`: the new task.
pub fn add(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let fields = fields(call.params)?.clone();
    let output = as_author(call, |call, author| {
        let task = call.state.tasks.add(&fields, author)?;
        Ok((task.id(), one(task.record(&Select::all()))))
    });
    let (id, output) = output?;
    fire_task(call, "ONTASKADD", Change::Add, id);
    Ok(output)
}

/// `tasks.task.get`: the task, its `select` fields only when given.
pub fn get(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let id = task_id(call.params)?;
    let select = Select::parse(call.params.get_ci("select"));
    let task = call.state.tasks.get(id).ok_or_else(wrong_task_id)?;
    Ok(one(task.record(&select)))
}

/// `tasks.task.update`: the task as it is now.
pub fn update(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let id = task_id(call.params)?;
    let fields = fields(call.params)?.clone();
    change(call, id, &fields)
}

/// Writes `fields` to task `id` for the caller and fires `ONTASKUPDATE`; the task as it is now.
fn change(call: &mut Call<'_>, id: i64, fields: &Value) -> Result<MethodOutput, ApiError> {
    let output = as_author(call, |call, author| {
        let task = call.state.tasks.update(id, fields, author)?;
        Ok(one(task.record(&Select::all())))
    })?;
    fire_task(call, "ONTASKUPDATE", Change::Update, id);
    Ok(output)
}

/// `tasks.task.delete`: `{"task": true}`.
pub fn delete(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let id = task_id(call.params)?;
    if !call.state.tasks.delete(id) {
        return Err(wrong_task_id());
    }
    fire_task(call, "ONTASKDELETE", Change::Delete, id);
    Ok(one(Value::Bool(true)))
}

/// `tasks.task.list`: `{"tasks": […]}` with `total` and `next`.
pub fn list(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let params = call.params;
    let query = Query::parse(
        params.get_ci("filter"),
        params.get_ci("order"),
        params.get_ci("select"),
    )?;
    let start = params.get_ci("start").map_or(0, Value::php_intval);
    Ok(call
        .state
        .tasks
        .list(&query, start)
        .into_output(|tasks| Value::object([("tasks", tasks)])))
}

/// `tasks.task.complete` / `start` / `renew` / `defer` / `pause`: the task in its new status.
pub fn set_status(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let status = match call.method.rsplit('.').next() {
        Some("complete") => 5,
        Some("start") => 3,
        Some("defer") => 6,
        _ => 2,
    };
    let id = task_id(call.params)?;
    let fields = Value::object([("STATUS", Value::Int(status))]);
    change(call, id, &fields)
}

/// A parameter of the older `task.*` methods: by name (any case) or by position.
fn arg<'a>(params: &'a Value, name: &str, position: usize) -> Option<&'a Value> {
    params
        .get_ci(name)
        .or_else(|| params.get(&position.to_string()))
}

/// `TASKID` (position 0) of an existing task, and `ITEMID` (position 1) when asked for.
fn task_and_item(call: &Call<'_>, with_item: bool) -> Result<(i64, i64), ApiError> {
    let task = arg(call.params, "TASKID", 0)
        .map(Value::php_intval)
        .filter(|id| call.state.tasks.get(*id).is_some())
        .ok_or_else(item_not_found)?;
    let item = if with_item {
        arg(call.params, "ITEMID", 1)
            .map(Value::php_intval)
            .ok_or_else(item_not_found)?
    } else {
        0
    };
    Ok((task, item))
}

/// The checklist or the comments, by the method's family.
fn items<'a>(call: &'a mut Call<'_>) -> &'a mut Items {
    if call.method.starts_with("task.commentitem.") {
        &mut call.state.tasks.comments
    } else {
        &mut call.state.tasks.checklist
    }
}

/// `task.checklistitem.add` / `task.commentitem.add`: the new item's ID.
pub fn item_add(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let (task, _) = task_and_item(call, false)?;
    let fields = arg(call.params, "FIELDS", 1).cloned().unwrap_or_default();
    let (user, now) = (call.principal.user_id(), call.now_secs());
    let id = items(call).add(task, &fields, user, now)?;
    fire_comment(call, "ONTASKCOMMENTADD", Change::Add, task, id);
    Ok(MethodOutput::new(Value::Int(id)))
}

/// `task.checklistitem.get` / `task.commentitem.get`: the item.
pub fn item_get(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let (task, item) = task_and_item(call, true)?;
    Ok(MethodOutput::new(items(call).get(task, item)?.clone()))
}

/// `task.checklistitem.getlist` / `task.commentitem.getlist`: the task's items.
pub fn item_list(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let (task, _) = task_and_item(call, false)?;
    Ok(MethodOutput::new(Value::List(items(call).list(task))))
}

/// `task.checklistitem.update` (`null`, as documented) / `task.commentitem.update` (`true`).
pub fn item_update(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let (task, item) = task_and_item(call, true)?;
    let fields = arg(call.params, "FIELDS", 2).cloned().unwrap_or_default();
    let comment = call.method.starts_with("task.commentitem.");
    items(call).update(task, item, &fields)?;
    fire_comment(call, "ONTASKCOMMENTUPDATE", Change::Update, task, item);
    Ok(MethodOutput::new(if comment {
        Value::Bool(true)
    } else {
        Value::Null
    }))
}

/// `task.checklistitem.delete` / `task.commentitem.delete`: `true`.
pub fn item_delete(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let (task, item) = task_and_item(call, true)?;
    items(call).delete(task, item)?;
    fire_comment(call, "ONTASKCOMMENTDELETE", Change::Delete, task, item);
    Ok(MethodOutput::new(Value::Bool(true)))
}

/// `task.checklistitem.complete` / `renew`: `true`; the item's `IS_COMPLETE` set or cleared.
pub fn item_toggle(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let (task, item) = task_and_item(call, true)?;
    let done = call.method.ends_with(".complete");
    let fields = Value::object([("IS_COMPLETE", Value::from(if done { "Y" } else { "N" }))]);
    items(call).update(task, item, &fields)?;
    Ok(MethodOutput::new(Value::Bool(true)))
}
