//! The shared entity records: `crm.deal.*` take and answer one `Deal`, and `crm.item.*` one
//! `Item`, for deals and for a smart process, against the emulator.

#![allow(deprecated)] // `crm.deal.*` is documented as deprecated (replaced by `crm.item.*`).

use b24_core::Client;
use b24_core::Id;
use b24_core::ListMethod;
use b24_core::types::{Decimal, Flag, Numeric};
use b24_emulator::Emulator;
use b24_methods::crm::deal::Deal;
use b24_methods::crm::deal::add::CrmDealAdd;
use b24_methods::crm::deal::get::CrmDealGet;
use b24_methods::crm::deal::list::CrmDealList;
use b24_methods::crm::item::Item;
use b24_methods::crm::item::add::CrmItemAdd;
use b24_methods::crm::item::list::CrmItemList;
use b24_methods::crm::type_::Type;
use b24_methods::crm::type_::add::CrmTypeAdd;
use futures_util::TryStreamExt;
use serde_json::json;

async fn client(emulator: &Emulator) -> Client {
    Client::builder()
        .webhook_url(&emulator.webhook_url())
        .unwrap()
        .rate_limit(None)
        .build()
        .unwrap()
}

/// Every item `request` lists, typed as the method names them.
async fn every<M: ListMethod>(client: &Client, request: &M) -> Vec<M::Item> {
    client.stream(request).unwrap().try_collect().await.unwrap()
}

fn amount(value: &Option<Decimal>) -> Option<f64> {
    value.as_ref().and_then(Decimal::to_f64)
}

#[tokio::test]
async fn crm_deal_add_get_and_list_share_one_deal() {
    let emulator = Emulator::builder().start().await.unwrap();
    let client = client(&emulator).await;
    let fields = Deal::default()
        .with_title("Shared record")
        .with_opportunity(1250.5)
        .with_currency_id("EUR")
        .with_opened(true);
    let id = client
        .call(&CrmDealAdd::default().with_fields(fields))
        .await
        .unwrap();
    let id = id.as_u64().expect("a numeric ID");

    let got: Deal = client.call(&CrmDealGet::new(id)).await.unwrap();
    assert_eq!(got.id, Some(Id(id)));
    assert_eq!(got.title.as_deref(), Some("Shared record"));
    assert_eq!(amount(&got.opportunity), Some(1250.5));
    // Typed as a flag, read as it came on the wire.
    assert_eq!(got.opened, Some(Flag::yes_no(true)));
    assert!(got.stage_id.is_some(), "the server sets a stage: {got:?}");

    let listed: Vec<Deal> = every(&client, &CrmDealList::default()).await;
    let deal = listed
        .iter()
        .find(|deal| deal.id == Some(Id(id)))
        .expect("the added deal is listed");
    assert_eq!(deal.title, got.title);
    assert_eq!(amount(&deal.opportunity), Some(1250.5));
    assert_eq!(deal.stage_id, got.stage_id);
    assert_eq!(deal.opened, Some(Flag::yes_no(true)));
}

/// `crm.deal.list` streams seeded deals as `Deal`s, their ID, owner and user IDs typed as `Id`
/// and their Y/N fields as `Flag`s (documented as `char`, without an example for most).
#[tokio::test]
async fn crm_deal_list_streams_deals_with_typed_ids_and_flags() {
    let emulator = Emulator::builder().start().await.unwrap();
    let (first, last) = emulator.seed("deal", 60).expect("deals seeded");
    let client = client(&emulator).await;
    let deals: Vec<Deal> = every(&client, &CrmDealList::default()).await;
    let seeded: Vec<&Deal> = deals
        .iter()
        .filter(|deal| {
            deal.id
                .is_some_and(|Id(id)| id >= first as u64 && id <= last as u64)
        })
        .collect();
    assert_eq!(seeded.len(), 60, "every seeded deal streams once");
    let ids: Vec<u64> = seeded
        .iter()
        .filter_map(|deal| deal.id)
        .map(|Id(id)| id)
        .collect();
    let expected: Vec<u64> = (first as u64..=last as u64).collect();
    assert_eq!(ids, expected);
    for deal in seeded {
        assert_eq!(deal.opened, Some(Flag::yes_no(true)), "{deal:?}");
        assert_eq!(deal.closed.map(Flag::get), Some(false), "{deal:?}");
        assert_eq!(deal.is_manual_opportunity.map(Flag::get), Some(false));
        let assigned = deal.assigned_by_id.expect("an assigned user").0;
        assert!([1, 11, 13, 103, 105].contains(&assigned), "{assigned}");
        assert_eq!(deal.created_by_id, deal.assigned_by_id);
        assert_eq!(deal.category_id, Some(Id(0)));
    }
}

/// Adds an item of `entity_type_id` through `crm.item.add` and finds it again in
/// `crm.item.list`, both as `Item`.
async fn item_round_trip(client: &Client, entity_type_id: u64) {
    let fields = Item::default()
        .with_title(format!("Item of type {entity_type_id}"))
        .with_opportunity(99.5)
        .with_currency_id("USD")
        .with_opened(Flag::from(true))
        .with_assigned_by_id(Id(1));
    let added = client
        .call(&CrmItemAdd::new(entity_type_id, fields))
        .await
        .unwrap();
    let added: Item = added.item.expect("the added item");
    assert_eq!(
        added.title.as_deref(),
        Some(format!("Item of type {entity_type_id}").as_str())
    );
    let id = added.id.expect("the item's id");
    assert!(added.created_time.is_some(), "typed times: {added:?}");

    let listed: Vec<Item> = every(client, &CrmItemList::new(entity_type_id)).await;
    let item = listed
        .iter()
        .find(|item| item.id == Some(id))
        .expect("the added item is listed");
    assert_eq!(item.title, added.title);
    assert_eq!(amount(&item.opportunity), Some(99.5));
    assert_eq!(item.currency_id.as_deref(), Some("USD"));
    assert_eq!(item.opened.map(Flag::get), Some(true));
    assert_eq!(item.assigned_by_id, Some(Id(1)));
    assert!(item.stage_id.is_some(), "the server sets a stage: {item:?}");
}

#[tokio::test]
async fn crm_item_add_then_list_round_trips_typed_fields() {
    let emulator = Emulator::builder().start().await.unwrap();
    let client = client(&emulator).await;
    // Deals.
    item_round_trip(&client, 2).await;
    // A smart process, created first.
    let created = client
        .call(&CrmTypeAdd::new(
            Type::default()
                .with_title("Entity records")
                .with_entity_type_id(1030),
        ))
        .await
        .unwrap();
    let smart = created.type_.expect("the created type");
    let entity_type_id = smart
        .entity_type_id
        .as_ref()
        .and_then(Numeric::as_u64)
        .unwrap_or_else(|| panic!("an entity type id: {:?}", json!(smart.extra)));
    item_round_trip(&client, entity_type_id).await;
}
