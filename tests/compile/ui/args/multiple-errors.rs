use b24_core::b24_method;
use serde::{Deserialize, Serialize};

// Both mistakes are reported in one build.
#[b24_method("crm.lead.", scope = "crm", respnse = ())]
#[derive(Serialize, Deserialize)]
struct AddLead {
    title: String,
}

fn main() {}
