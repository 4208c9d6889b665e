use b24_core::b24_method;
use serde::Serialize;

// Every problem of the name in one message, not only the first.
#[b24_method("crm..lead add", scope = "crm", response = u64)]
#[derive(Serialize)]
struct AddLead {
    title: String,
}

fn main() {}
