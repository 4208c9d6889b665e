use b24_core::b24_method;
use serde::Serialize;

#[b24_method("crm.lead.add", scope = custom("crm"), response = u64)]
#[derive(Serialize)]
struct AddLead {
    title: String,
}

fn main() {}
