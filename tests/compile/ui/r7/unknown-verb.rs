use b24_core::r7_method;
use serde::Serialize;

#[r7_method(PATCH, "api/2.0/crm/case/{caseid}", response = ())]
#[derive(Serialize)]
struct UpdateCase {
    caseid: i64,
}

fn main() {}
