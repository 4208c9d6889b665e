//! Generic request structs (type and lifetime parameters, where clauses) get their `Method` impl.

use b24_core::b24_method;
use serde::Serialize;

#[derive(Serialize)]
struct ByTitle {
    title: &'static str,
}

#[b24_method("crm.item.list", scope = "crm", response = Vec<serde_json::Value>, read_only)]
#[derive(Serialize)]
struct ListItems<T: Serialize> {
    filter: T,
}

#[b24_method("crm.item.get", scope = "crm", response = serde_json::Value)]
#[derive(Serialize)]
struct GetItem<'a, T>
where
    T: Serialize + Clone,
{
    entity_type: &'a str,
    id: T,
}

fn name<M: b24_core::Method>(_: &M) -> &'static str {
    M::NAME
}

fn main() {
    let list = ListItems {
        filter: ByTitle { title: "HR" },
    };
    assert_eq!(name(&list), "crm.item.list");
    assert_eq!(
        serde_json::to_value(&list).unwrap(),
        serde_json::json!({ "filter": { "title": "HR" } })
    );
    assert_eq!(
        <ListItems<u8> as b24_core::Method>::SCOPE,
        b24_core::Scope::Crm
    );
    let _: <ListItems<u8> as b24_core::Method>::Response = Vec::new();

    let get = GetItem {
        entity_type: "lead",
        id: 7_u64,
    };
    assert_eq!(name(&get), "crm.item.get");

    // Generic request types have no single `Method` impl to register.
    assert!(b24_core::registry::find("crm.item.list").is_none());
    assert!(b24_core::registry::find("crm.item.get").is_none());
}
