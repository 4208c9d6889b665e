//! `tasks.task.get` — scope `task`
//!
//! Reads one task, all of its fields or the `select`ed ones, as [`TaskResult`].
//! Documentation: <https://apidocs.bitrix24.com/api-reference/tasks/tasks-task-get.html>
//!
//! Errors: `0` (wrong task id), `100` (an invalid `select`).

use super::TaskResult;
use crate::wire::*;

/// Reads task `task_id`: `TasksTaskGet::new(id).with_select(vec![String::from("TITLE")])`.
#[b24_method("tasks.task.get", scope = "task", response = TaskResult, read_only)]
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct TasksTaskGet {
    /// `taskId` (an [`Id`], or any integer).
    pub task_id: Numeric,
    /// `select`: the fields to answer, UPPER_CASE (`TITLE`, `UF_*`); all when `None`.
    pub select: Option<Vec<String>>,
    /// Parameters not listed above (undocumented ones), sent as they are.
    pub extra: Map<String, Value>,
}

record!(TasksTaskGet {
    req task_id: "taskId",
    opt select: "select" => with_select(Vec<String>),
});

impl TasksTaskGet {
    /// A request for task `task_id`, all fields.
    pub fn new(task_id: impl Into<Numeric>) -> Self {
        TasksTaskGet {
            task_id: task_id.into(),
            select: None,
            extra: Map::new(),
        }
    }
}
