use b24_core::b24_method;
use serde::Serialize;

#[b24_method(scope = "crm", "crm.lead.add", response = ())]
#[derive(Serialize)]
struct AddLead {
    title: String,
}

fn main() {}
