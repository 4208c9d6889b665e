// A REST 3.0 method: `version = 3` implements `v3::Method` instead of `Method`, and registers
// in the REST 3.0 registry.
#[b24_method("tasks.task.get", scope = "tasks", version = 3, response = Item<Task>, read_only)]
#[derive(Serialize)]
struct GetTask {
    id: u64,
}
