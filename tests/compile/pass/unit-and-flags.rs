//! Unit and empty structs, and every flag of the attribute in both forms (`read_only`, `read_only = true`).

use b24_core::{ListShape, Method, MethodMeta, Scope, b24_method};
use serde::Serialize;

#[b24_method("server.time", scope = "basic", response = String)]
#[derive(Serialize)]
struct ServerTime;

#[b24_method("crm.item.list", scope = "crm", response = serde_json::Value,
             read_only, list = "items", cursor = "id")]
#[derive(Serialize)]
struct ListItems {}

#[b24_method("crm.deal.list", scope = "crm", response = Vec<serde_json::Value>,
             read_only = true, list, batch = false)]
#[derive(Serialize)]
struct ListDeals {}

#[b24_method("crm.lead.add", scope = "crm", response = u64, read_only = false)]
#[derive(Serialize)]
struct AddLead {}

#[deprecated(note = "use `crm.item.list`")]
#[b24_method("crm.invoice.list", scope = "crm", response = serde_json::Value, list)]
#[derive(Serialize)]
struct ListInvoices {}

fn main() {
    assert_eq!(ServerTime::NAME, "server.time");
    assert_eq!(ServerTime::SCOPE, Scope::Basic);
    assert_eq!(ServerTime::META, MethodMeta::DEFAULT);
    assert_eq!(serde_json::to_string(&ServerTime).unwrap(), "null");

    let meta = ListItems::META;
    assert!(meta.read_only && meta.batch && !meta.deprecated);
    assert_eq!(meta.list, Some(ListShape::Key("items")));
    assert_eq!(meta.cursor, Some("id"));

    let meta = ListDeals::META;
    assert!(meta.read_only && !meta.batch);
    assert_eq!(meta.list, Some(ListShape::Root));
    assert_eq!(meta.cursor, None);

    assert_eq!(AddLead::META, MethodMeta::DEFAULT);

    #[allow(deprecated)]
    let meta = <ListInvoices as Method>::META;
    assert!(meta.deprecated && !meta.read_only);
    assert_eq!(meta.list, Some(ListShape::Root));
    assert!(
        b24_core::registry::find("crm.invoice.list")
            .unwrap()
            .meta
            .deprecated
    );
}
