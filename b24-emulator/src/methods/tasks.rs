//! Tasks (REST 2): `tasks.task.add/get/list/update/delete` on [`crate::store::tasks`]. Records
//! answer as `{"task": {…}}` (`{"tasks": […]}` for a list, paged by `start`), field names in
//! camelCase, integers as strings; `fields`, `filter`, `order` and `select` take the UPPER_CASE
//! names (camelCase too).

use crate::call::Call;
use crate::envelope::{ApiError, MethodOutput};
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

/// `tasks.task.add`: the new task.
pub fn add(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let fields = fields(call.params)?.clone();
    as_author(call, |call, author| {
        let task = call.state.tasks.add(&fields, author)?;
        Ok(one(task.record(&Select::all())))
    })
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
    as_author(call, |call, author| {
        let task = call.state.tasks.update(id, &fields, author)?;
        Ok(one(task.record(&Select::all())))
    })
}

/// `tasks.task.delete`: `{"task": true}`.
pub fn delete(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let id = task_id(call.params)?;
    if !call.state.tasks.delete(id) {
        return Err(wrong_task_id());
    }
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
