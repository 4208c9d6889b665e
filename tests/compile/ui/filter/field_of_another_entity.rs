// A filter is typed by one entity's field set: a contact's field in a deal filter is an error.
use b24_core::filter::{ContactField, DealField, Filter};

fn deals() -> Filter<DealField> {
    Filter::new()
        .gt(DealField::Id, 100)
        .eq(ContactField::Name, "Ann")
}

fn main() {}
