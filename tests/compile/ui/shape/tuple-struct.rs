use b24_core::b24_method;
use serde::{Deserialize, Serialize};

// Bitrix24 parameters are named JSON keys, so a tuple struct has nothing to name them with.
#[b24_method("crm.lead.get", scope = "crm", response = ())]
#[derive(Serialize, Deserialize)]
struct GetLead(u32);

fn main() {}
