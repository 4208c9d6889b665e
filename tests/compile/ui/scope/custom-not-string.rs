use b24_core::b24_method;
use serde::Serialize;

// One error at the unquoted code, not two.
#[b24_method("mymodule.item.add", scope = custom(mymodule), response = u64)]
#[derive(Serialize)]
struct AddItem {
    title: String,
}

fn main() {}
