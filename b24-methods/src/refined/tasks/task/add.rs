//! `tasks.task.add` — scope `task`
//!
//! Creates a task; answers it as [`TaskResult`].
//! Documentation: <https://apidocs.bitrix24.com/api-reference/tasks/tasks-task-add.html>
//!
//! Errors: `100` (no `fields`), `ERROR_CORE` (no title, an unknown user, …).

use super::{Task, TaskResult};
use crate::wire::*;

/// Creates a task: `TasksTaskAdd::new(Task::default().with_title("Call").with_responsible_id(1_u64))`.
#[b24_method("tasks.task.add", scope = "task", response = TaskResult)]
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct TasksTaskAdd {
    /// `fields`: the new task (`title` is required).
    pub fields: Task,
    /// Parameters not listed above (undocumented ones), sent as they are.
    pub extra: Map<String, Value>,
}

record!(TasksTaskAdd {
    req fields: "fields",
});

impl TasksTaskAdd {
    /// A request creating `fields`.
    pub fn new(fields: impl Into<Task>) -> Self {
        TasksTaskAdd {
            fields: fields.into(),
            extra: Map::new(),
        }
    }
}
