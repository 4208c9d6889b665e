use b24_core::r7_method;
use serde::Serialize;

#[r7_method(GET, "api/2.0/crm/case/{caseid:[0-9]+}", response = ())]
#[derive(Serialize)]
struct GetCase {
    caseid: i64,
}

fn main() {}
