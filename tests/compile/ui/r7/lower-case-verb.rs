use b24_core::r7_method;
use serde::Serialize;

#[r7_method(put, "api/2.0/crm/case/{caseid}/close", response = ())]
#[derive(Serialize)]
struct CloseCase {
    caseid: i64,
}

fn main() {}
