use b24_core::b24_method;
use serde::Serialize;

struct NotDeserialize {
    id: u64,
}

#[b24_method("crm.lead.add", scope = "crm", response = NotDeserialize)]
#[derive(Serialize)]
struct AddLead {
    title: String,
}

fn main() {}
