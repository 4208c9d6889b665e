//! A custom scope (`custom("…")`) names a scope b24 does not know; it registers like the others.

use b24_core::{Method, Scope, b24_method};
use serde::Serialize;

#[b24_method("mymodule.item.add", scope = custom("mymodule"), response = u64)]
#[derive(Serialize)]
struct AddItem {
    title: String,
}

#[b24_method("vendor.report.get", scope = custom("vendor.reports_2"), response = serde_json::Value)]
#[derive(Serialize)]
struct GetReport {
    id: u64,
}

fn main() {
    assert_eq!(AddItem::SCOPE.as_str(), "mymodule");
    assert_eq!(AddItem::SCOPE, Scope::from("mymodule"));
    assert_eq!(GetReport::SCOPE.as_str(), "vendor.reports_2");

    let info = b24_core::registry::find("mymodule.item.add").unwrap();
    assert_eq!(info.scope.as_str(), "mymodule");
    let _ = AddItem {
        title: String::new(),
    }
    .title;
    let _ = GetReport { id: 1 }.id;
}
