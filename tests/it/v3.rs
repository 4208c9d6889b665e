//! REST 3.0 against the emulator: typed calls and errors, filters with relations in
//! `select`, streaming past the page cap, the batch with references, and idempotent writes
//! under dropped answers and injected faults.

use std::collections::HashSet;
use std::time::Duration;

use b24_core::schedule::RetryPolicy;
use b24_core::v3::{Batch, Done, Filter, IdempotencyKey, Item, Items, Pagination, Select, V3Code};
use b24_core::{Client, Error, b24_method};
use b24_emulator::Emulator;
use b24_emulator::faults::FaultConfig;
use futures_util::{StreamExt, TryStreamExt};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::support::unpaced;

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Task {
    id: u64,
    #[serde(default)]
    title: Option<String>,
    #[serde(default)]
    responsible: Option<Value>,
}

#[b24_method("tasks.task.add", scope = "tasks", version = 3, response = Item<Task>)]
#[derive(Serialize)]
struct AddTask {
    fields: Value,
}

#[b24_method("tasks.task.get", scope = "tasks", version = 3, response = Item<Task>, read_only)]
#[derive(Serialize)]
struct GetTask {
    id: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    select: Option<Select>,
}

#[b24_method("tasks.task.list", scope = "tasks", version = 3, response = Items<Task>, read_only, list = "items")]
#[derive(Serialize, Default)]
struct ListTasks {
    #[serde(skip_serializing_if = "Filter::is_empty")]
    filter: Filter,
    #[serde(skip_serializing_if = "Option::is_none")]
    select: Option<Select>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pagination: Option<Pagination>,
}

#[b24_method("tasks.task.delete", scope = "tasks", version = 3, response = Done)]
#[derive(Serialize)]
struct DeleteTask {
    id: u64,
}

/// A `tasks.task.get` of task `id`, all fields.
fn get(id: u64) -> GetTask {
    GetTask { id, select: None }
}

fn add(title: &str) -> AddTask {
    AddTask {
        fields: json!({"title": title}),
    }
}

/// A client that retries quickly (the emulator answers at once) without pacing.
fn quick(emulator: &Emulator) -> Client {
    let mut policy = RetryPolicy::attempts(12).max_wait(Duration::from_secs(1));
    policy.backoff = Duration::from_millis(2);
    unpaced(&emulator.webhook_url(), |builder| builder.retry(policy))
}

fn no_retries(emulator: &Emulator) -> Client {
    unpaced(&emulator.webhook_url(), |builder| {
        builder.retry(RetryPolicy::NEVER)
    })
}

#[track_caller]
fn v3_code<T: std::fmt::Debug>(result: Result<T, Error>) -> (V3Code, u16) {
    match result {
        Err(Error::V3(error)) => (error.code.clone(), error.status),
        other => panic!("expected a REST 3.0 error, got {other:?}"),
    }
}

#[tokio::test]
async fn typed_calls_filters_and_relations() {
    let emulator = Emulator::start().await.unwrap();
    let client = quick(&emulator);
    let added = client
        .v3()
        .call_answer(&add("Collect feedback"))
        .await
        .unwrap();
    assert!(!added.replayed);
    assert!(added.time.is_some_and(|time| time.operating.is_some()));
    let id = added.result.item.id;
    for n in 0..5 {
        client.v3().call(&add(&format!("Other {n}"))).await.unwrap();
    }
    let got = client
        .v3()
        .call(&GetTask {
            id,
            select: Some(Select::fields(["id", "title"]).related("responsible", ["name"])),
        })
        .await
        .unwrap()
        .item;
    assert_eq!(got.title.as_deref(), Some("Collect feedback"));
    assert!(got.responsible.is_some_and(|r| r["name"].is_string()));

    let filter = Filter::new().gt("id", id).or(|any| {
        any.eq("title", "Other 1")
            .is_in("title", ["Other 3", "Other 4"])
    });
    let listed = client
        .v3()
        .call(&ListTasks {
            filter,
            ..ListTasks::default()
        })
        .await
        .unwrap();
    let titles: Vec<_> = listed
        .items
        .iter()
        .filter_map(|t| t.title.clone())
        .collect();
    assert_eq!(titles, ["Other 1", "Other 3", "Other 4"]);

    let deleted = client.v3().call(&DeleteTask { id }).await.unwrap();
    assert!(deleted.result);
    let (code, status) = v3_code(client.v3().call(&get(id)).await);
    assert_eq!((code, status), (V3Code::EntityNotFound, 404));
}

#[tokio::test]
async fn bad_input_is_a_typed_error() {
    let emulator = Emulator::start().await.unwrap();
    let client = no_retries(&emulator);
    let v3 = client.v3();
    let raw = |query: Value| async move { v3.call_raw("tasks.task.list", &query, true).await };
    let cases = [
        (
            json!({"filter": [["id", "~", 1]]}),
            V3Code::UnknownFilterOperator,
            400,
        ),
        (json!({"filter": {"id": 1}}), V3Code::InvalidFilter, 400),
        (
            json!({"pagination": {"limit": 0}}),
            V3Code::InvalidPagination,
            400,
        ),
        (
            json!({"select": ["responsible.salary"]}),
            V3Code::InvalidSelect,
            400,
        ),
    ];
    for (query, code, status) in cases {
        assert_eq!(v3_code(raw(query.clone()).await), (code, status), "{query}");
    }
    // A negative limit is a server failure: typed, and retryable by its class.
    let negative = raw(json!({"pagination": {"limit": -1}})).await;
    assert!(negative.as_ref().is_err_and(Error::is_retryable));
    assert_eq!(v3_code(negative).1, 500);
    // A limit of 0 is refused before anything is sent by the stream.
    let zero: Vec<Result<Task, Error>> =
        client.v3().stream(&ListTasks::default(), 0).collect().await;
    assert!(
        matches!(zero.as_slice(), [Err(Error::Config(_))]),
        "{zero:?}"
    );
    // The same key with another body.
    let key = IdempotencyKey::new("order-42").unwrap();
    client
        .v3()
        .call_with_key(&add("first"), &key)
        .await
        .unwrap();
    let reused = client.v3().call_with_key(&add("second"), &key).await;
    assert_eq!(v3_code(reused), (V3Code::IdempotencyKeyReused, 422));
    assert_eq!(emulator.v3().tasks().len(), 1);
    // An HTML page from /rest/api/.
    emulator.set_faults(FaultConfig {
        server_error: 1.0,
        ..FaultConfig::default()
    });
    match client.v3().call(&get(1)).await {
        Err(Error::V3(error)) => {
            assert_eq!(error.code, V3Code::Absent);
            assert_eq!(error.status, 500);
            assert!(
                error
                    .raw_body
                    .as_deref()
                    .is_some_and(|body| body.contains("<"))
            );
        }
        other => panic!("expected a typed error for an HTML page, got {other:?}"),
    }
}

#[tokio::test]
async fn a_stream_past_the_cap_yields_every_task_once() {
    let emulator = Emulator::start().await.unwrap();
    emulator.v3().set_page_cap(50);
    let (first, last) = emulator.v3().seed_tasks(10_000).unwrap();
    let client = quick(&emulator);
    let ids: Vec<u64> = client
        .v3()
        .stream(&ListTasks::default(), 1000)
        .map_ok(|task: Task| task.id)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids.len(), 10_000);
    assert_eq!(ids.iter().copied().collect::<HashSet<_>>().len(), 10_000);
    assert!(ids.windows(2).all(|pair| pair[0] < pair[1]), "in id order");
    assert_eq!((ids[0], ids[9_999]), (first as u64, last as u64));
    // 200 full pages of the cap, then the empty page that ends the stream.
    assert_eq!(emulator.request_count("tasks.task.list"), 201);
}

#[tokio::test]
async fn a_dropped_answer_leaves_one_task_and_comes_back_replayed() {
    let emulator = Emulator::start().await.unwrap();
    emulator.v3().drop_write_answers(1);
    let client = quick(&emulator);
    let answer = client.v3().call_answer(&add("Exactly once")).await.unwrap();
    assert!(
        answer.replayed,
        "the second attempt is answered from the store"
    );
    let tasks = emulator.v3().tasks();
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0]["id"], json!(answer.result.item.id));
    assert_eq!(emulator.request_count("tasks.task.add"), 2);
}

#[tokio::test]
async fn a_thousand_writes_under_faults_are_neither_lost_nor_duplicated() {
    let emulator = Emulator::start().await.unwrap();
    // 10% of the writes run and then lose their answer to a gateway's 503 (the ambiguous
    // case the key is for); 2% of all requests are reset before they reach the portal.
    emulator.v3().lose_write_answers(0.10, 19);
    emulator.set_faults(FaultConfig {
        seed: 19,
        reset: 0.02,
        ..FaultConfig::default()
    });
    let client = quick(&emulator);
    let results: Vec<Result<u64, Error>> = futures_util::stream::iter(0..1000)
        .map(|n| {
            let client = client.clone();
            async move {
                let title = format!("Write {n}");
                client
                    .v3()
                    .call(&add(&title))
                    .await
                    .map(|item| item.item.id)
            }
        })
        .buffer_unordered(16)
        .collect()
        .await;
    let failed: Vec<_> = results.iter().filter(|r| r.is_err()).collect();
    assert!(failed.is_empty(), "{failed:?}");
    let tasks = emulator.v3().tasks();
    let titles: HashSet<_> = tasks.iter().map(|t| t["title"].to_string()).collect();
    assert_eq!(
        (tasks.len(), titles.len()),
        (1000, 1000),
        "0 lost, 0 duplicated"
    );
    let (lost, resets) = (emulator.status_count(503), emulator.reset_count());
    println!("1000 writes: {lost} answers lost after the write ran, {resets} resets");
    assert!(
        lost > 50 && resets > 5,
        "{lost} answers lost, {resets} resets"
    );
    // Every lost answer came back from the store on a repetition with the same key.
    assert_eq!(
        emulator.request_count("tasks.task.add"),
        1000 + lost + resets
    );
}

#[tokio::test]
async fn a_batch_takes_values_from_item_results() {
    let emulator = Emulator::start().await.unwrap();
    let client = quick(&emulator);
    let mut batch = Batch::new();
    let added = batch.push(&add("In a batch")).unwrap();
    let fetched = batch
        .push_with(&get(0), [("id", added.item("id"))])
        .unwrap();
    let listed = batch.push(&ListTasks::default()).unwrap();
    let missing = batch.push(&get(999)).unwrap();
    let results = client.v3().batch(&batch).await.unwrap();
    let id = results.get(&added).unwrap().item.id;
    assert_eq!(results.get(&fetched).unwrap().item.id, id);
    assert_eq!(results.get(&listed).unwrap().items.len(), 1);
    assert_eq!(v3_code(results.get(&missing)).0, V3Code::EntityNotFound);
    // A handle of another batch is refused before anything is sent.
    let mut other = Batch::new();
    let error = other
        .push_with(&get(0), [("id", added.item("id"))])
        .unwrap_err();
    assert!(matches!(error, Error::BatchReference { .. }), "{error}");
}

#[tokio::test]
async fn the_key_store_keeps_successes_for_a_day_of_portal_time() {
    let emulator = Emulator::builder().manual_clock().start().await.unwrap();
    let client = no_retries(&emulator);
    let key = IdempotencyKey::new("row-7").unwrap();
    // A refused write is not stored: the same key then runs another body.
    let refused = client
        .v3()
        .call_with_key(
            &AddTask {
                fields: json!({"title": ""}),
            },
            &key,
        )
        .await;
    assert_eq!(v3_code(refused), (V3Code::RequestValidation, 400));
    let first = client.v3().call_with_key(&add("kept"), &key).await.unwrap();
    let again = client.v3().call_with_key(&add("kept"), &key).await.unwrap();
    assert!(!first.replayed && again.replayed);
    assert_eq!(again.result.item.id, first.result.item.id);
    // 24 hours later (portal clock) the key is forgotten.
    emulator.advance_clock(Duration::from_secs(24 * 3600 + 1));
    let later = client
        .v3()
        .call_with_key(&add("other"), &key)
        .await
        .unwrap();
    assert!(!later.replayed);
    assert_eq!(emulator.v3().tasks().len(), 2);
}
