use b24_core::b24_method;
use serde::Serialize;

#[b24_method("crm.item.list", scope = "crm", response = serde_json::Value,
             read_only, cursor = "id")]
#[derive(Serialize)]
struct ListItems {}

fn main() {}
