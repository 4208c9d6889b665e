use b24_core::b24_method;
use serde::{Deserialize, Serialize};

#[b24_method("crm.lead.add", scope = "crm")]
#[derive(Serialize, Deserialize)]
struct AddLead {
    title: String,
}

fn main() {}
