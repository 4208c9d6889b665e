use b24_core::b24_method;
use serde::{Deserialize, Serialize};

#[b24_method("crm.lead.add", scope = "crm", response = ())]
#[derive(Serialize, Deserialize)]
enum AddLead {
    Title(String),
}

fn main() {}
