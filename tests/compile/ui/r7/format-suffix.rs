use b24_core::r7_method;
use serde::Serialize;

#[r7_method(GET, "api/2.0/crm/case/filter.json", response = ())]
#[derive(Serialize)]
struct ListCases;

fn main() {}
