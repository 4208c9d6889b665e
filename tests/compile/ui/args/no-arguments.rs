use b24_core::b24_method;
use serde::Serialize;

#[b24_method]
#[derive(Serialize)]
struct AddLead {
    title: String,
}

fn main() {}
