use b24_core::b24_method;
use serde::Serialize;

// `list`: the result is the array of items, which `()` and `u64` cannot be.
#[b24_method("crm.item.list", scope = "crm", response = (), read_only, list)]
#[derive(Serialize)]
struct ListItems {}

#[b24_method("crm.deal.list", scope = "crm", response = u64, read_only, list)]
#[derive(Serialize)]
struct ListDeals {}

fn main() {}
