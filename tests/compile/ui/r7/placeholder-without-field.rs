use b24_core::r7_method;
use serde::Serialize;

#[r7_method(PUT, "api/2.0/crm/case/{caseid}/access", response = ())]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SetAccess {
    id: i64,
    is_private: bool,
}

fn main() {}
