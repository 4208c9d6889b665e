use b24_core::b24_method;
use serde::Serialize;

// One error, that the name needs quotes; not "unknown argument" nor "missing name".
#[b24_method(crm.deal.add, scope = "crm", response = u64)]
#[derive(Serialize)]
struct AddDeal {
    title: String,
}

fn main() {}
