// A REST 3.0 batch reference takes a field of an `item` result only.
use b24_core::b24_method;
use b24_core::v3::{Batch, Done};

#[b24_method("tasks.task.delete", scope = "tasks", version = 3, response = Done)]
#[derive(serde::Serialize)]
struct DeleteTask {
    id: u64,
}

fn build() -> Result<(), b24_core::Error> {
    let mut batch = Batch::new();
    let deleted = batch.push(&DeleteTask { id: 1 })?;
    let _id = deleted.item("id");
    Ok(())
}

fn main() {}
