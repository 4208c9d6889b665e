use b24_core::b24_method;
use serde::Serialize;

#[b24_method("Crm.lead.add", scope = "crm", response = ())]
#[derive(Serialize)]
struct AddLead {
    title: String,
}

fn main() {}
