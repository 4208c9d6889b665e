use b24_core::b24_method;
use serde::Serialize;

#[b24_method("warehouse.item.add", scope = "warehouse", response = ())]
#[derive(Serialize)]
struct AddItem {
    title: String,
}

fn main() {}
