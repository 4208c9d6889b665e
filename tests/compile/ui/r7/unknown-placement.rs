use b24_core::r7_method;
use serde::Serialize;

#[r7_method(PUT, "api/2.0/crm/case/filter/access", response = ())]
#[derive(Serialize)]
struct FilterAccess {
    #[r7(header)]
    filter_value: String,
    #[r7(query, body)]
    is_private: bool,
}

fn main() {}
