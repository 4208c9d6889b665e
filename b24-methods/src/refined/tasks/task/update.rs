//! `tasks.task.update` — scope `task`
//!
//! Changes the given fields of a task; answers the task as it is now ([`TaskResult`]).
//! Documentation: <https://apidocs.bitrix24.com/api-reference/tasks/tasks-task-update.html>
//!
//! Errors: `0` (wrong task id), `100` (no `fields`), `ERROR_CORE` (an invalid value).

use super::{Task, TaskResult};
use crate::wire::*;

/// Changes a task: `TasksTaskUpdate::new(id, Task::default().with_status(5))`.
#[b24_method("tasks.task.update", scope = "task", response = TaskResult)]
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct TasksTaskUpdate {
    /// `taskId` (an [`Id`], or any integer).
    pub task_id: Numeric,
    /// `fields`: the fields to change; the ones left `None` stay as they are.
    pub fields: Task,
    /// Parameters not listed above (undocumented ones), sent as they are.
    pub extra: Map<String, Value>,
}

record!(TasksTaskUpdate {
    req task_id: "taskId",
    req fields: "fields",
});

impl TasksTaskUpdate {
    /// A request writing `fields` to task `task_id`.
    pub fn new(task_id: impl Into<Numeric>, fields: impl Into<Task>) -> Self {
        TasksTaskUpdate {
            task_id: task_id.into(),
            fields: fields.into(),
            extra: Map::new(),
        }
    }
}
