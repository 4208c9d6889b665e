//! Every documented paged method of the scopes users page through first carries list
//! metadata, so `client.stream` works on it; the ones the emulator implements stream there.

#![allow(deprecated)] // The legacy CRM lists are documented as deprecated, yet widely used.

use std::collections::BTreeSet;

use b24_core::{Client, registry};
use b24_methods::crm::company::list::CrmCompanyList;
use b24_methods::crm::contact::list::CrmContactList;
use b24_methods::crm::deal::get::CrmDealGetResult;
use b24_methods::crm::deal::list::CrmDealList;
use b24_methods::crm::item::list::CrmItemList;
use b24_methods::crm::lead::list::CrmLeadList;
use b24_methods::user::get::UserGet;
use futures_util::TryStreamExt;
use serde_json::{Value, json};

use crate::catalog::catalog_entries;
use b24_emulator::Emulator;

/// The scopes (by method-name prefix) whose list methods the test enumerates.
pub(crate) const PREFIXES: &[&str] = &[
    "crm.",
    "user.",
    "task.",
    "tasks.",
    "disk.",
    "lists.",
    "catalog.",
    "sale.",
    "entity.",
    "bizproc.",
    "socialnetwork.",
    "sonet_group.",
];

/// Paged methods of those scopes that carry no list metadata, each with the reason.
const NOT_LISTS: &[(&str, &str)] = &[(
    "crm.documentgenerator.template.list",
    "the response table describes one template as `result` and names no list key",
)];

/// A documented method pages when it takes `start` or its response carries `next`/`total`;
/// of those, the ones whose result is a list (named `*.list`/`*.getlist`, or `*.get` with a
/// `start`) must be list methods.
fn documented_paged_lists() -> BTreeSet<String> {
    catalog_entries()
        .into_iter()
        .filter(|entry| {
            let method = entry["method"].as_str().unwrap_or_default();
            let has = |table: &str, name: &str| {
                entry[table].as_array().is_some_and(|rows| {
                    rows.iter().any(|row| {
                        row["name"]
                            .as_str()
                            .is_some_and(|row| row.eq_ignore_ascii_case(name))
                    })
                })
            };
            let last = method.rsplit('.').next().unwrap_or_default().to_lowercase();
            let named_list = last == "list" || last == "getlist";
            let paged = has("params", "start");
            PREFIXES.iter().any(|prefix| method.starts_with(prefix))
                && (paged && (named_list || last.starts_with("get")))
        })
        .map(|entry| entry["method"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn every_documented_paged_method_carries_list_metadata() {
    let expected = documented_paged_lists();
    assert!(
        expected.len() > 80,
        "the catalog lists {} paged methods in these scopes",
        expected.len()
    );
    for must in [
        "crm.deal.list",
        "crm.contact.list",
        "crm.lead.list",
        "crm.company.list",
        "crm.item.list",
        "catalog.product.list",
        "sale.order.list",
        "user.get",
        "tasks.task.list",
        "disk.folder.getChildren",
        "lists.element.get",
        "entity.item.get",
        "socialnetwork.api.workgroup.list",
    ] {
        assert!(expected.contains(must), "{must} is documented as paged");
    }
    let mut missing = Vec::new();
    for method in &expected {
        let Some(info) = registry::find(method) else {
            continue; // Excluded from the catalog (REST 3.0), checked by the catalog test.
        };
        let pinned = NOT_LISTS.iter().any(|(name, _)| name == method);
        match (info.meta.list.is_some(), pinned) {
            (true, true) => panic!("{method} now carries list metadata: unpin it"),
            (false, false) => missing.push(method.clone()),
            _ => {}
        }
    }
    assert!(missing.is_empty(), "no list metadata: {missing:?}");
}

#[test]
fn the_legacy_crm_lists_use_the_fast_id_cursor() {
    for method in [
        "crm.deal.list",
        "crm.contact.list",
        "crm.lead.list",
        "crm.company.list",
        "crm.quote.list",
        "crm.activity.list",
    ] {
        let info = registry::find(method).unwrap();
        assert_eq!(info.meta.cursor, Some("ID"), "{method}");
    }
    // `user.get` orders by `sort` + a direction: offset paging only.
    let user_get = registry::find("user.get").unwrap();
    assert!(user_get.meta.list.is_some());
    assert_eq!(user_get.meta.cursor, None);
}

/// Adds `count` legacy CRM entities titled `<prefix> <n>` and returns their IDs.
async fn add_legacy(client: &Client, method: &str, field: &str, count: usize) -> Vec<u64> {
    let mut ids = Vec::new();
    for n in 0..count {
        let added = client
            .call_raw(method, &json!({"fields": {field: format!("{method} {n}")}}))
            .await
            .unwrap();
        ids.push(id_of(&added.result));
    }
    ids
}

fn id_of(value: &Value) -> u64 {
    match value {
        Value::Number(number) => number.as_u64().unwrap(),
        Value::String(text) => text.parse().unwrap(),
        other => panic!("not an ID: {other}"),
    }
}

/// Streams `request` as JSON items and returns the items' `field` values in order.
async fn streamed<M: b24_core::ListMethod>(client: &Client, request: &M, field: &str) -> Vec<u64> {
    let items: Vec<Value> = client
        .stream_as(request)
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    items.iter().map(|item| id_of(&item[field])).collect()
}

#[tokio::test]
async fn the_crm_lists_and_user_get_stream_against_the_emulator() {
    let emulator = Emulator::builder().start().await.unwrap();
    // The emulator sets no rate limit: seed without the client's pacing.
    let client = Client::builder()
        .webhook_url(&emulator.webhook_url())
        .unwrap()
        .rate_limit(None)
        .build()
        .unwrap();
    // More than one page (50) of each.
    let count = 60;
    let contacts = add_legacy(&client, "crm.contact.add", "NAME", count).await;
    let leads = add_legacy(&client, "crm.lead.add", "TITLE", count).await;
    let companies = add_legacy(&client, "crm.company.add", "TITLE", count).await;
    let deals = add_legacy(&client, "crm.deal.add", "TITLE", count).await;

    assert_eq!(
        streamed(&client, &CrmContactList::default(), "ID").await,
        contacts
    );
    assert_eq!(
        streamed(&client, &CrmLeadList::default(), "ID").await,
        leads
    );
    // Built in one expression with the setters; a caller's own `>ID` bound pages by offset.
    let later = CrmContactList::default()
        .with_filter(json!({ ">ID": contacts[9] }))
        .with_select(vec![String::from("ID"), String::from("NAME")]);
    assert_eq!(streamed(&client, &later, "ID").await, contacts[10..]);
    assert_eq!(
        streamed(&client, &CrmCompanyList::default(), "ID").await,
        companies
    );

    // Deals stream as the same typed record `crm.deal.get` answers.
    let typed: Vec<CrmDealGetResult> = client
        .stream(&CrmDealList::default())
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    let typed_ids: Vec<u64> = typed
        .iter()
        .map(|deal| deal.id.expect("a listed deal has an ID").0)
        .collect();
    assert_eq!(typed_ids, deals);
    assert_eq!(
        typed[59].title.as_deref(),
        Some("crm.deal.add 59"),
        "typed fields are read"
    );

    // And `crm.deal.list` answers those records when called directly (a type check).
    let _same_record: fn(Vec<CrmDealGetResult>) -> <CrmDealList as b24_core::Method>::Response =
        |deals| deals;

    // `crm.item.list` keys its items under `items`; deals are entity type 2.
    let items = streamed(&client, &CrmItemList::new(2), "id").await;
    assert_eq!(items, deals);

    // `user.get` pages by offset; the emulator's portal has its seeded users.
    let users = streamed(&client, &UserGet::default(), "ID").await;
    assert!(!users.is_empty());
    let unique: BTreeSet<u64> = users.iter().copied().collect();
    assert_eq!(unique.len(), users.len(), "no user twice: {users:?}");
}

#[test]
fn one_object_answers_are_typed_as_one_object() {
    use b24_methods::disk::file::get::{DiskFileGet, DiskFileGetResult};
    use b24_methods::disk::folder::rename::{DiskFolderRename, DiskFolderRenameResult};
    // Type checks: the documentation's `array` beside the fields is one record here.
    let _file: fn(DiskFileGetResult) -> <DiskFileGet as b24_core::Method>::Response = |file| file;
    let _folder: fn(DiskFolderRenameResult) -> <DiskFolderRename as b24_core::Method>::Response =
        |folder| folder;
    let file: DiskFileGetResult =
        serde_json::from_value(json!({"ID": "10", "NAME": "a.txt", "TYPE": "file"})).unwrap();
    assert_eq!(file.name.as_deref(), Some("a.txt"));
}
