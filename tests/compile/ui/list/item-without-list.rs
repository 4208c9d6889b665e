use b24_core::b24_method;
use serde::Serialize;

#[b24_method("crm.deal.get", scope = "crm", response = serde_json::Value,
             read_only, item = serde_json::Value)]
#[derive(Serialize)]
struct GetDeal {}

fn main() {}
