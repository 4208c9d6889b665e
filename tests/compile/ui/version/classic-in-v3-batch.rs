// A classic method does not go in a REST 3.0 `v3::Batch`.
use b24_core::b24_method;

#[b24_method("crm.deal.get", scope = "crm", response = serde_json::Value, read_only)]
#[derive(serde::Serialize)]
struct GetDeal {
    id: u64,
}

fn build() -> Result<(), b24_core::Error> {
    let mut batch = b24_core::v3::Batch::new();
    batch.push(&GetDeal { id: 1 })?;
    Ok(())
}

fn main() {}
