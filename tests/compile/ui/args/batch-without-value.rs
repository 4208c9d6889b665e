use b24_core::b24_method;
use serde::Serialize;

#[b24_method("crm.lead.get", scope = "crm", response = (), batch)]
#[derive(Serialize)]
struct GetLead {
    id: u64,
}

fn main() {}
