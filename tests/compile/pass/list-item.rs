//! The item type of a list method: `item = T`, else `T` of a `list` with `response = Vec<T>`,
//! else `serde_json::Value`; `stream` infers it, `stream_as` decodes into another type.

use b24_core::{Client, Error, Export, ItemStream, ListMethod, b24_method};
use serde::{Deserialize, Serialize};

#[derive(Deserialize)]
struct Deal {}

#[derive(Deserialize)]
struct Page {}

#[b24_method("crm.deal.list", scope = "crm", response = Vec<Deal>, read_only, list, cursor = "ID")]
#[derive(Serialize)]
struct ListDeals {}

#[b24_method("crm.item.list", scope = "crm", response = Page, read_only, list = "items", item = Deal)]
#[derive(Serialize)]
struct ListItems {}

#[b24_method("crm.status.list", scope = "crm", response = serde_json::Value, read_only, list)]
#[derive(Serialize)]
struct ListStatuses {}

#[b24_method("crm.item.list", scope = "crm", response = std::vec::Vec<T>, read_only, list)]
#[derive(Serialize)]
struct Generic<T: for<'de> Deserialize<'de> + Send + 'static> {
    #[serde(skip)]
    marker: std::marker::PhantomData<T>,
}

fn item_is<M: ListMethod<Item = I>, I>() {}

#[allow(dead_code)]
fn typed_streams(client: &Client) -> Result<(), Error> {
    let _deals: ItemStream<Deal> = client.stream(&ListDeals {})?;
    let _items: ItemStream<Deal> = client.export(&ListItems {}, Export::default())?;
    let _statuses: ItemStream<serde_json::Value> = client.stream(&ListStatuses {})?;
    let _raw = client.stream_as::<serde_json::Value, _>(&ListDeals {})?;
    let _raw = client.export_as::<serde_json::Value, _>(&ListDeals {}, Export::default())?;
    Ok(())
}

fn main() {
    item_is::<ListDeals, Deal>();
    item_is::<ListItems, Deal>();
    item_is::<ListStatuses, serde_json::Value>();
    item_is::<Generic<u64>, u64>();
}
