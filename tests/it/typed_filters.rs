//! Typed filters and order (`b24_core::filter`) against the emulator's list semantics: deals
//! created with known titles, stages, amounts and start dates come back exactly as each
//! documented operator selects them, through `crm.deal.list`, its stream and `crm.item.list`.

#![allow(deprecated)] // The legacy CRM lists are documented as deprecated, yet widely used.

use b24_core::Client;
use b24_core::filter::{DealField, Filter, ItemField, Operator, Order};
use b24_methods::crm::deal::Deal;
use b24_methods::crm::deal::add::CrmDealAdd;
use b24_methods::crm::deal::get::CrmDealGetResult;
use b24_methods::crm::deal::list::CrmDealList;
use b24_methods::crm::item::list::CrmItemList;
use futures_util::TryStreamExt;

use crate::support::{created, portal};

/// The deals the test creates: title, stage, amount, start date.
const DEALS: [(&str, &str, u32, &str); 6] = [
    ("Acme rollout", "NEW", 1_000, "2024-01-10"),
    ("Acme renewal", "WON", 5_000, "2024-02-10"),
    ("Globex pilot", "NEW", 7_000, "2024-03-10"),
    ("Initech audit", "PREPARATION", 12_000, "2024-04-10"),
    ("Acme support", "LOSE", 20_000, "2024-05-10"),
    ("Umbrella", "WON", 3_000, "2024-06-10"),
];

/// Creates [`DEALS`] and answers their IDs, in order.
async fn create_deals(client: &Client) -> Vec<i64> {
    let mut ids = Vec::new();
    for (title, stage, amount, begins) in DEALS {
        let fields = Deal::default()
            .with_title(title)
            .with_stage_id(stage)
            .with_opportunity(amount)
            .with_begindate(begins);
        ids.push(created(client, &CrmDealAdd::default().with_fields(fields)).await);
    }
    ids
}

/// The titles `crm.deal.list` answers for `filter` (restricted to the created deals) in
/// `order`.
async fn titles(
    client: &Client,
    first: i64,
    filter: Filter<DealField>,
    order: Order<DealField>,
) -> Vec<String> {
    let request = CrmDealList::default()
        .with_filter(filter.gte(DealField::Id, first))
        .with_order(order)
        .with_select(vec!["ID".to_owned(), "TITLE".to_owned()]);
    let deals = client.call(&request).await.expect("crm.deal.list answers");
    deals
        .into_iter()
        .map(|deal| deal.title.expect("TITLE was selected"))
        .collect()
}

/// The titles of `DEALS` at `indexes`, in that order.
fn named(indexes: &[usize]) -> Vec<String> {
    indexes.iter().map(|&i| DEALS[i].0.to_owned()).collect()
}

#[tokio::test]
async fn each_operator_selects_the_documented_deals() {
    let (_portal, client) = portal().await;
    let ids = create_deals(&client).await;
    let first = ids[0];
    let by_id = || Order::new().asc(DealField::Id);
    let cases: Vec<(&str, Filter<DealField>, Vec<usize>)> = vec![
        ("everything", Filter::new(), vec![0, 1, 2, 3, 4, 5]),
        (
            ">ID",
            Filter::new().gt(DealField::Id, ids[2]),
            vec![3, 4, 5],
        ),
        ("<ID", Filter::new().lt(DealField::Id, ids[2]), vec![0, 1]),
        (
            "=TITLE",
            Filter::new().eq(DealField::Title, "Umbrella"),
            vec![5],
        ),
        (
            "%TITLE",
            Filter::new().contains(DealField::Title, "Acme"),
            vec![0, 1, 4],
        ),
        (
            "=%TITLE",
            Filter::new().like(DealField::Title, "Acme r%"),
            vec![0, 1],
        ),
        (
            "%=TITLE",
            Filter::new().condition(DealField::Title, Operator::LikeAlias, "%audit"),
            vec![3],
        ),
        (
            "@STAGE_ID",
            Filter::new().any_of(DealField::StageId, ["NEW", "WON"]),
            vec![0, 1, 2, 5],
        ),
        (
            "!@STAGE_ID",
            Filter::new().none_of(DealField::StageId, ["NEW", "WON"]),
            vec![3, 4],
        ),
        (
            "!STAGE_ID",
            Filter::new().not_eq(DealField::StageId, "WON"),
            vec![0, 2, 3, 4],
        ),
        (
            ">=OPPORTUNITY, <=OPPORTUNITY",
            Filter::new()
                .gte(DealField::Opportunity, 5_000)
                .lte(DealField::Opportunity, 12_000),
            vec![1, 2, 3],
        ),
        (
            ">=BEGINDATE, <BEGINDATE",
            Filter::new()
                .gte(DealField::BeginDate, "2024-02-10")
                .lt(DealField::BeginDate, "2024-05-10"),
            vec![1, 2, 3],
        ),
        (
            "%TITLE, !STAGE_ID, >OPPORTUNITY",
            Filter::new()
                .contains(DealField::Title, "Acme")
                .not_eq(DealField::StageId, "LOSE")
                .gt(DealField::Opportunity, 2_000),
            vec![1],
        ),
    ];
    for (name, filter, expected) in cases {
        assert_eq!(
            titles(&client, first, filter, by_id()).await,
            named(&expected),
            "{name}"
        );
    }
}

#[tokio::test]
async fn order_sorts_by_its_fields_in_turn() {
    let (_portal, client) = portal().await;
    let first = create_deals(&client).await[0];
    let by_amount = Order::new().desc(DealField::Opportunity);
    assert_eq!(
        titles(&client, first, Filter::new(), by_amount).await,
        named(&[4, 3, 2, 1, 5, 0])
    );
    let by_stage_then_title = Order::new().asc(DealField::StageId).desc(DealField::Title);
    assert_eq!(
        titles(&client, first, Filter::new(), by_stage_then_title).await,
        named(&[4, 2, 0, 3, 5, 1])
    );
}

#[tokio::test]
async fn a_typed_filter_streams_and_lists_items() {
    let (_portal, client) = portal().await;
    let ids = create_deals(&client).await;
    let acme = CrmDealList::default().with_filter(
        Filter::new()
            .gte(DealField::Id, ids[0])
            .contains(DealField::Title, "Acme"),
    );
    let streamed: Vec<CrmDealGetResult> = client
        .stream(&acme)
        .expect("crm.deal.list is a list")
        .try_collect()
        .await
        .expect("the stream completes");
    let titles: Vec<String> = streamed.into_iter().filter_map(|deal| deal.title).collect();
    assert_eq!(titles, named(&[0, 1, 4]));

    // The same deals through `crm.item.list` (entity type 2), with its camelCase fields.
    let items = CrmItemList::new(2)
        .with_filter(
            Filter::new()
                .gt(ItemField::Id, ids[1])
                .any_of(ItemField::StageId, ["NEW", "WON"]),
        )
        .with_order(Order::new().desc(ItemField::Opportunity));
    let answer = client.call(&items).await.expect("crm.item.list answers");
    let titles: Vec<String> = answer
        .items
        .expect("the list holds `items`")
        .into_iter()
        .map(|item| item.title.expect("a title"))
        .collect();
    assert_eq!(titles, named(&[2, 5]));
}
