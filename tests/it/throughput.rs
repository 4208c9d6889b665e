//! Typed batch, streaming lists, pacing and retries, counted on the emulator's side.

use std::collections::BTreeSet;

use b24_core::schedule::{RateLimit, RetryPolicy};
use b24_core::{Batch, Client, Error, ErrorCode, b24_method};
use b24_emulator::{Emulator, FaultConfig};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::support;
use super::support::{drain_ids, unpaced_for as client};

#[b24_method("crm.deal.add", scope = "crm", response = b24_core::Id)]
#[derive(Serialize)]
struct DealAdd {
    fields: Value,
}

/// A `crm.deal.add` of a deal titled `title`.
fn deal_add(title: &str) -> DealAdd {
    DealAdd {
        fields: json!({ "TITLE": title }),
    }
}

#[b24_method("crm.deal.get", scope = "crm", response = Deal, read_only)]
#[derive(Serialize)]
struct DealGet {
    id: u64,
}

/// Adds to `batch` a `crm.deal.get` of the deal its command `added` creates.
fn get_added(batch: &mut Batch, added: &b24_core::Handle<DealAdd>) -> b24_core::Handle<DealGet> {
    batch
        .push_with(&DealGet { id: 0 }, [("id", added.result())])
        .unwrap()
}

#[b24_method("crm.deal.list", scope = "crm", response = Vec<Deal>, read_only, list, cursor = "ID")]
#[derive(Serialize, Default)]
struct DealList {
    #[serde(skip_serializing_if = "Option::is_none")]
    select: Option<Vec<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    filter: Option<Value>,
}

/// The same list method, declared without the fast cursor: paged by offset.
#[b24_method("crm.deal.list", scope = "crm", response = Vec<Deal>, read_only, list)]
#[derive(Serialize, Default)]
struct DealListByOffset {}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
struct Deal {
    #[serde(rename = "ID")]
    id: b24_core::Id,
    #[serde(default)]
    title: Option<String>,
}

async fn collect_ids<M>(client: &Client, request: &M) -> (Vec<u64>, u64)
where
    M: b24_core::ListMethod<Item = Deal>,
{
    let stream = client.stream(request).unwrap();
    drain_ids(stream, |deal| deal.id.0).await
}

fn assert_exactly_once(ids: &[u64], expected: std::ops::RangeInclusive<u64>) {
    let unique: BTreeSet<u64> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "duplicated items");
    assert_eq!(
        unique,
        expected.collect::<BTreeSet<u64>>(),
        "lost or foreign items"
    );
}

#[tokio::test]
async fn batch_returns_typed_results_and_resolves_references() {
    let (emulator, client) = support::unpaced_portal().await;
    let mut batch = Batch::new();
    let added = batch.push(&deal_add("Deal & Co")).unwrap();
    let fetched = get_added(&mut batch, &added);
    let results = client.batch(&batch).await.unwrap();
    let id = results.get(&added).unwrap();
    let deal = results.get(&fetched).unwrap();
    assert_eq!(deal.id, id);
    assert_eq!(deal.title.as_deref(), Some("Deal & Co"));
    assert!(results.was_executed(&fetched));
    assert_eq!(emulator.request_count("batch"), 1);
    assert_eq!(
        emulator.total_requests(),
        1,
        "sub-calls travel inside the one batch request"
    );
}

#[tokio::test]
async fn large_batches_split_into_requests_of_fifty_and_keep_references() {
    let (emulator, client) = support::unpaced_portal().await;
    let mut batch = Batch::new();
    let first = batch.push(&deal_add("first")).unwrap();
    for index in 1..120 {
        batch.push(&deal_add(&format!("deal {index}"))).unwrap();
    }
    // Command 121 lives in the third request; its reference points into the first.
    let late = get_added(&mut batch, &first);
    let results = client.batch(&batch).await.unwrap();
    assert_eq!(results.get(&late).unwrap().title.as_deref(), Some("first"));
    assert_eq!(emulator.request_count("batch"), 3);
    assert_eq!(emulator.request_count("crm.deal.add"), 120);
}

#[tokio::test]
async fn halt_stops_at_the_first_failure() {
    let (emulator, client) = support::unpaced_portal().await;
    let mut batch = Batch::new().halt_on_error(true);
    let missing = batch.push(&DealGet { id: 987_654 }).unwrap();
    let after = batch.push(&deal_add("never")).unwrap();
    let results = client.batch(&batch).await.unwrap();
    assert!(results.was_executed(&missing));
    assert!(results.error(&missing).is_some());
    assert!(!results.was_executed(&after));
    assert!(matches!(
        results.get(&after),
        Err(Error::NotExecuted { .. })
    ));
    assert_eq!(emulator.request_count("crm.deal.add"), 0);
}

#[tokio::test]
async fn stream_uses_the_fast_cursor_fifty_pages_per_request() {
    let emulator = Emulator::start().await.unwrap();
    let (first, last) = emulator.seed("deal", 12_345).unwrap();
    let client = client(&emulator);
    let (ids, requests) = collect_ids(&client, &DealList::default()).await;
    assert_exactly_once(&ids, first as u64..=last as u64);
    assert!(
        ids.windows(2).all(|pair| pair[0] < pair[1]),
        "ordered by ID"
    );
    // 2,500 items per batch request, the first page counted inside the first batch.
    assert_eq!(requests, 12_345u64.div_ceil(2_500));
    assert_eq!(emulator.total_requests(), requests);
}

#[tokio::test]
async fn stream_keeps_the_callers_filter() {
    let emulator = Emulator::start().await.unwrap();
    let (first, _) = emulator.seed("deal", 3_000).unwrap();
    let client = client(&emulator);
    let bound = first as u64 + 999;
    let request = DealList {
        filter: Some(json!({"<=ID": bound})),
        ..DealList::default()
    };
    let (ids, _) = collect_ids(&client, &request).await;
    assert_exactly_once(&ids, first as u64..=bound);
}

#[tokio::test]
async fn stream_pages_by_offset_without_a_cursor() {
    let emulator = Emulator::start().await.unwrap();
    let (first, last) = emulator.seed("deal", 2_620).unwrap();
    let client = client(&emulator);
    let (ids, requests) = collect_ids(&client, &DealListByOffset::default()).await;
    assert_exactly_once(&ids, first as u64..=last as u64);
    assert_eq!(requests, 2_620u64.div_ceil(2_500));
}

#[tokio::test]
async fn pacing_stays_under_the_portals_bucket() {
    let limit = b24_emulator::RateLimit::Custom {
        drain_per_sec: 40.0,
        burst: 10.0,
    };
    let emulator = Emulator::builder().rate_limit(limit).start().await.unwrap();
    let client = Client::builder()
        .webhook_url(&emulator.webhook_url())
        .unwrap()
        .rate_limit(Some(RateLimit::new(40.0, 10.0)))
        .build()
        .unwrap();
    let params = json!({});
    let calls = (0..40).map(|_| client.call_raw("server.time", &params));
    for result in futures_util::future::join_all(calls).await {
        result.unwrap();
    }
    assert_eq!(
        emulator.status_count(503),
        0,
        "the client never hit the portal's limit"
    );
    assert_eq!(emulator.total_requests(), 40);
}

#[tokio::test]
async fn refusals_are_retried_until_they_pass() {
    let limit = b24_emulator::RateLimit::Custom {
        drain_per_sec: 40.0,
        burst: 5.0,
    };
    let emulator = Emulator::builder().rate_limit(limit).start().await.unwrap();
    let client = client(&emulator);
    let request = deal_add("x");
    let calls = (0..30).map(|_| client.call(&request));
    for result in futures_util::future::join_all(calls).await {
        result.unwrap();
    }
    assert!(
        emulator.status_count(503) > 0,
        "the unpaced client was refused"
    );
    assert_eq!(
        emulator.request_count("crm.deal.add") - emulator.status_count(503),
        30
    );
    let (ids, _) = collect_ids(&client, &DealList::default()).await;
    assert_eq!(ids.len(), 30, "every write landed exactly once");
}

#[tokio::test]
async fn writes_with_an_unknown_outcome_are_not_repeated() {
    let emulator = Emulator::start().await.unwrap();
    emulator.set_faults(FaultConfig {
        seed: 7,
        server_error: 1.0,
        ..FaultConfig::default()
    });
    let client = client(&emulator);
    let error = client.call(&deal_add("x")).await.unwrap_err();
    assert!(matches!(error, Error::UnknownOutcome { .. }), "{error:?}");
    assert_eq!(
        emulator.request_count("crm.deal.add"),
        1,
        "a write is sent once"
    );

    let reads = Client::builder()
        .webhook_url(&emulator.webhook_url())
        .unwrap()
        .rate_limit(None)
        .retry(RetryPolicy::attempts(3))
        .build()
        .unwrap();
    let error = reads.call(&DealGet { id: 1 }).await.unwrap_err();
    assert_eq!(error.status(), Some(500));
    assert_eq!(
        emulator.request_count("crm.deal.get"),
        3,
        "a read is retried up to the policy"
    );
}

#[tokio::test]
async fn an_operating_time_block_is_respected_locally() {
    let emulator = Emulator::builder()
        .operating_limit(Some(0.0))
        .start()
        .await
        .unwrap();
    emulator.seed("deal", 5_000).unwrap();
    let client = Client::builder()
        .webhook_url(&emulator.webhook_url())
        .unwrap()
        .rate_limit(None)
        .retry(RetryPolicy::attempts(3).max_wait(std::time::Duration::from_millis(10)))
        .build()
        .unwrap();
    let request = json!({"order": {"TITLE": "DESC"}, "start": 4_950});
    let mut last = None;
    for _ in 0..5 {
        last = Some(client.call_raw("crm.deal.list", &request).await);
    }
    let error = last.unwrap().unwrap_err();
    assert_eq!(error.code(), Some(&ErrorCode::OperationTimeLimit));
    let sent = emulator.request_count("crm.deal.list");
    assert!(client.call_raw("crm.deal.list", &request).await.is_err());
    assert_eq!(
        emulator.request_count("crm.deal.list"),
        sent,
        "a blocked method is not sent again"
    );
}
