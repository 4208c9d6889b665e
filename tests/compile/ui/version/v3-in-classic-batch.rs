// A REST 3.0 method does not go in a classic `Batch`.
use b24_core::b24_method;
use b24_core::v3::Item;

#[b24_method("tasks.task.get", scope = "tasks", version = 3, response = Item<serde_json::Value>, read_only)]
#[derive(serde::Serialize)]
struct GetTask {
    id: u64,
}

fn build() -> Result<(), b24_core::Error> {
    let mut batch = b24_core::Batch::new();
    batch.push(&GetTask { id: 1 })?;
    Ok(())
}

fn main() {}
