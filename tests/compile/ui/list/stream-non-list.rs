use b24_core::{Client, b24_method};
use serde::Serialize;

// A read-only method that is not a list: it has no items to stream.
#[b24_method("crm.deal.get", scope = "crm", response = serde_json::Value, read_only)]
#[derive(Serialize)]
struct GetDeal {
    id: u64,
}

fn stream_it(client: &Client) {
    let _ = client.stream(&GetDeal { id: 1 });
}

fn main() {}
