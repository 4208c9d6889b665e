// Only the classic API (2) and REST 3.0 (3) exist.
use b24_core::b24_method;

#[b24_method("tasks.task.get", scope = "tasks", version = 4, response = serde_json::Value)]
#[derive(serde::Serialize)]
struct GetTask {
    id: u64,
}

fn main() {}
