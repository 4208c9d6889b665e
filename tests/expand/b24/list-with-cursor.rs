// A read-only list method whose items sit under a key, with the fast cursor and its item type.
#[b24_method("crm.item.list", scope = "crm", response = ItemPage,
             read_only, list = "items", item = Item, cursor = "id")]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ListItems {
    entity_type_id: u32,
    filter: Option<serde_json::Value>,
}
