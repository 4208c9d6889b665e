use b24_core::b24_method;
use serde::{Deserialize, Serialize};

#[b24_method("mymodule.item.add", scope = custom("My Module"), response = ())]
#[derive(Serialize, Deserialize)]
struct AddItem {
    title: String,
}

fn main() {}
