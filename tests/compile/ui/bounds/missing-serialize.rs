use b24_core::b24_method;
use serde::Deserialize;

#[derive(Deserialize)]
struct Added {
    id: u64,
}

#[b24_method("crm.lead.add", scope = "crm", response = Added)]
struct AddLead {
    title: String,
}

fn main() {}
