use b24_core::b24_method;
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
struct Widget {
    id: u64,
}

#[b24_method("crm.lead.get", scope = "crm", response = "Widget")]
#[derive(Serialize)]
struct GetLead {
    id: u64,
}

fn main() {}
