//! A method declared outside the SDK is registered like the prebuilt ones.

use b24_core::{Scope, b24_method};
use serde::Serialize;

#[b24_method("my.method", scope = "crm", response = serde_json::Value, read_only)]
#[derive(Serialize)]
struct MyMethod {
    id: u64,
}

fn main() {
    let info = b24_core::registry::find("my.method").expect("`my.method` is registered");
    assert_eq!(info.name, "my.method");
    assert_eq!(info.scope, Scope::Crm);
    assert!(info.meta.read_only);
    assert!(
        info.type_name().ends_with("MyMethod"),
        "{}",
        info.type_name()
    );
    assert_eq!(
        b24_core::registry::methods()
            .filter(|info| info.name == "my.method")
            .count(),
        1
    );

    let envelope = info.decode_response(br#"{"result":{"id":1}}"#);
    assert!(envelope.is_ok(), "{envelope:?}");
    let _ = MyMethod { id: 1 }.id;
}
