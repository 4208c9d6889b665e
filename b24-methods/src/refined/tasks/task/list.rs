//! `tasks.task.list` — scope `task`
//!
//! Lists tasks by filter, 50 per page; `client.stream` yields them as [`Task`]s.
//! Documentation: <https://apidocs.bitrix24.com/api-reference/tasks/tasks-task-list.html>
//!
//! Errors: `0` (an invalid sort key or filter).

use super::Task;
use crate::wire::*;

/// Lists tasks: `TasksTaskList::default()` for all the caller sees, narrowed by the setters
/// (`filter` and `order` take UPPER_CASE fields: `{"RESPONSIBLE_ID": 1}`, `{"DEADLINE": "asc"}`).
#[b24_method("tasks.task.list", scope = "task", response = TaskPage, read_only, list = "tasks", item = Task, cursor = "id")]
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct TasksTaskList {
    /// `order`: field → `asc` / `desc`.
    pub order: Option<Value>,
    /// `filter`: field with an optional operator prefix (`>=DEADLINE`, `!STATUS`) → value; a
    /// [`b24_core::filter::Filter`] converts into it.
    pub filter: Option<Value>,
    /// `select`: the fields to answer, UPPER_CASE; the default set when `None`.
    pub select: Option<Vec<String>>,
    /// `params`: `WITH_TIMER_INFO`, `WITH_RESULT_INFO`, `WITH_PARSED_DESCRIPTION`, …
    pub params: Option<Value>,
    /// `start`: offset of the page (multiples of 50).
    pub start: Option<Numeric>,
    /// Parameters not listed above (undocumented ones), sent as they are.
    pub extra: Map<String, Value>,
}

record!(TasksTaskList {
    opt order: "order" => with_order(Value),
    opt filter: "filter" => with_filter(Value),
    opt select: "select" => with_select(Vec<String>),
    opt params: "params" => with_params(Value),
    opt start: "start" => with_start(Numeric),
});

/// The `result` of `tasks.task.list`: one page of tasks.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct TaskPage {
    /// `tasks`.
    pub tasks: Vec<Task>,
    /// Fields not listed above, as received.
    pub extra: Map<String, Value>,
}

record!(TaskPage {
    req tasks: "tasks",
});
