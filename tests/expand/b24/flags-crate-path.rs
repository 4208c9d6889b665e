// A deprecated unit-struct list method, barred from `batch`, through a facade crate path.
#[deprecated(note = "use `crm.item.list`")]
#[b24_method("crm.invoice.list", scope = "crm", response = Vec<serde_json::Value>,
             list, batch = false, crate = my_facade::b24)]
#[derive(Serialize)]
struct ListInvoices;
