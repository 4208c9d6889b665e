use b24_core::b24_method;
use serde::Serialize;

// The missing comma is reported once, and the arguments after it are still read.
#[b24_method("crm.lead.add", scope = "crm" response = u64)]
#[derive(Serialize)]
struct AddLead {
    title: String,
}

fn main() {}
