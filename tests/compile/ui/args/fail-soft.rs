use b24_core::{Method, b24_method};
use serde::Serialize;

// The macro error is the only error: the struct is still emitted, with a stub `Method` impl.
#[b24_method("crm.lead.add", scope = "crn", response = u64)]
#[derive(Serialize)]
struct AddLead {
    title: String,
}

fn response<M: Method>(_: &M) -> Option<M::Response> {
    None
}

fn main() {
    let lead = AddLead {
        title: String::from("HR"),
    };
    let _: Option<u64> = response(&lead);
}
