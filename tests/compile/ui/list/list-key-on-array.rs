use b24_core::b24_method;
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
struct Item {
    id: u64,
}

// `list = "items"`: the result is an object holding the items, not the array itself.
#[b24_method("crm.item.list", scope = "crm", response = Vec<Item>, read_only, list = "items")]
#[derive(Serialize)]
struct ListItems {}

fn main() {}
