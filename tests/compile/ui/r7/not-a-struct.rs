use b24_core::r7_method;

#[r7_method(GET, "api/2.0/crm/case/filter", response = ())]
enum Cases {
    Open,
    Closed,
}

fn main() {}
