use b24_core::b24_method;
use serde::{Deserialize, Serialize};

#[derive(Serialize, Deserialize)]
struct Lead {
    title: String,
}

#[b24_method("crm.lead.add", scope = "crm", response = ())]
fn add_lead(_lead: Lead) {}

fn main() {}
