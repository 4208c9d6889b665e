//! `Batch::ordered`: records are created in push order across requests, refusals and
//! failures included, and nothing is sent after a write whose fate is unknown.

use std::time::Duration;

use b24_core::schedule::RetryPolicy;
use b24_core::{Batch, BatchResults, Error, Handle, b24_method};
use b24_emulator::{Emulator, FaultConfig};
use serde::Serialize;
use serde_json::{Value, json};

use super::support;
use super::support::{CannedServer, http_response, unpaced};

#[b24_method("crm.deal.add", scope = "crm", response = b24_core::Id)]
#[derive(Serialize)]
struct DealAdd {
    fields: Value,
}

fn deal_add(index: usize) -> DealAdd {
    DealAdd {
        fields: json!({ "TITLE": format!("ordered-{index}") }),
    }
}

/// An ordered batch of `count` deal additions and their handles.
fn ordered_adds(count: usize) -> (Batch, Vec<Handle<DealAdd>>) {
    let mut batch = Batch::new().ordered(true);
    let handles = (0..count)
        .map(|index| batch.push(&deal_add(index)).unwrap())
        .collect();
    (batch, handles)
}

/// The created IDs, in push order (every command must have succeeded).
fn created(results: &BatchResults, handles: &[Handle<DealAdd>]) -> Vec<u64> {
    handles
        .iter()
        .map(|handle| results.get(handle).unwrap().0)
        .collect()
}

/// An unpaced client of `url` making up to `attempts` attempts per request.
fn retrying(url: &str, attempts: u32) -> b24_core::Client {
    unpaced(url, |builder| {
        builder.retry(RetryPolicy::attempts(attempts))
    })
}

/// A started emulator answering with `faults`.
async fn faulty(faults: FaultConfig) -> Emulator {
    let emulator = Emulator::start().await.unwrap();
    emulator.set_faults(faults);
    emulator
}

/// IDs that are not greater than the ID before them.
fn descents(ids: &[u64]) -> usize {
    ids.windows(2).filter(|pair| pair[1] <= pair[0]).count()
}

#[tokio::test]
async fn an_ordered_import_creates_ids_in_push_order_through_refusals_and_delays() {
    const DEALS: usize = 1_000;
    // Every other request is slowed down and a fifth refused: requests in parallel would
    // overtake each other.
    let emulator = faulty(FaultConfig {
        seed: 14,
        query_limit: 0.2,
        latency_share: 0.5,
        latency_ms: 40,
        ..FaultConfig::default()
    })
    .await;
    let client = unpaced(&emulator.webhook_url(), |builder| {
        builder
            .max_in_flight(8)
            .retry(RetryPolicy::attempts(20).max_wait(Duration::from_secs(5)))
    });
    let (batch, handles) = ordered_adds(DEALS);
    let results = client.batch(&batch).await.unwrap();
    let ids = created(&results, &handles);
    assert_eq!(descents(&ids), 0, "IDs follow push order: {:?}", &ids[..60]);
    assert!(
        emulator.status_count(503) > 0,
        "the portal refused some requests"
    );
    // Exactly once: as many deals on the portal as pushed, IDs without gaps.
    assert_eq!(
        emulator.request_count("batch") - emulator.status_count(503),
        (DEALS / 50) as u64,
        "one accepted request per 50 commands"
    );
    assert_eq!(ids.last().unwrap() - ids[0], (DEALS - 1) as u64);
}

#[tokio::test]
async fn a_failing_command_is_reported_and_the_rest_stay_in_order() {
    let (emulator, client) = support::unpaced_portal().await;
    let mut batch = Batch::new().ordered(true);
    let mut handles = Vec::new();
    let mut failing = None;
    for index in 0..120 {
        if index == 30 {
            // Halts the request it is in: the commands after it are sent again.
            failing = Some(
                batch
                    .push_raw(
                        "crm.deal.update",
                        json!({"id": 999_999, "fields": {"TITLE": "x"}}),
                    )
                    .unwrap(),
            );
        }
        handles.push(batch.push(&deal_add(index)).unwrap());
    }
    let results = client.batch(&batch).await.unwrap();
    let error = results.get(&failing.unwrap()).unwrap_err();
    assert!(matches!(error, Error::Api(_)), "{error:?}");
    let ids = created(&results, &handles);
    assert_eq!(descents(&ids), 0, "{ids:?}");
    assert_eq!(ids.len(), 120);
    // 121 commands, the first request stopped after 31 of them: 1 + ceil(90 / 50) requests.
    assert_eq!(emulator.request_count("batch"), 3);
}

#[tokio::test]
async fn after_a_write_of_unknown_fate_nothing_more_is_sent() {
    let emulator = faulty(FaultConfig {
        seed: 1,
        server_error: 1.0,
        ..FaultConfig::default()
    })
    .await;
    let client = retrying(&emulator.webhook_url(), 5);
    let (batch, handles) = ordered_adds(120);
    let results = client.batch(&batch).await.unwrap();
    assert_eq!(
        emulator.request_count("batch"),
        1,
        "a write is sent once, and nothing after it"
    );
    for (index, handle) in handles.iter().enumerate() {
        let error = results.get(handle).unwrap_err();
        if index < 50 {
            assert!(matches!(error, Error::UnknownOutcome { .. }), "{error:?}");
        } else {
            match &error {
                Error::NotExecuted {
                    cause: Some(cause), ..
                } => assert_eq!(cause.error().status(), Some(500), "{error:?}"),
                other => panic!("command {index}: {other:?}"),
            }
        }
    }
}

#[tokio::test]
async fn a_refused_command_is_sent_again_before_the_ones_after_it() {
    // The first answer refuses the second command (the portal's `halt` kept the third from
    // running); the second answer runs both.
    let first = json!({"result": {
        "result": {"c0": 1},
        "result_error": {"c1": {"error": "OPERATION_TIME_LIMIT", "error_description": "Method is blocked due to operation time limit."}},
        "result_total": [], "result_next": [], "result_time": []
    }, "time": {}});
    let second = json!({"result": {
        "result": {"c1": 2, "c2": 3},
        "result_error": [], "result_total": [], "result_next": [], "result_time": []
    }, "time": {}});
    let server = CannedServer::start(vec![
        http_response("200 OK", "application/json", &first.to_string()),
        http_response("200 OK", "application/json", &second.to_string()),
    ])
    .await;
    let client = retrying(&server.webhook_url(), 3);
    let (batch, handles) = ordered_adds(3);
    let results = client.batch(&batch).await.unwrap();
    let ids = created(&results, &handles);
    assert_eq!(ids, [1, 2, 3]);
    let requests = server.requests.lock().unwrap().clone();
    assert_eq!(requests.len(), 2);
    let body = |request: &str| -> Value {
        serde_json::from_str(request.split_once("\r\n\r\n").unwrap().1).unwrap()
    };
    let (sent_first, sent_second) = (body(&requests[0]), body(&requests[1]));
    assert_eq!(sent_first["halt"], 1);
    let keys = |sent: &Value| -> Vec<String> {
        sent["cmd"].as_object().unwrap().keys().cloned().collect()
    };
    assert_eq!(keys(&sent_first), ["c0", "c1", "c2"]);
    assert_eq!(keys(&sent_second), ["c1", "c2"]);
}

#[tokio::test]
async fn an_ordered_batch_stops_at_once_on_a_refused_certificate_and_keeps_the_cause() {
    let emulator = Emulator::start().await.unwrap();
    // The emulator's CA is not trusted: every request fails TLS verification.
    let client = unpaced(&emulator.https_webhook_url(), |builder| builder);
    let (batch, handles) = ordered_adds(120);
    let started = std::time::Instant::now();
    let results = client.batch(&batch).await.unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    for handle in &handles {
        let error = results.get(handle).unwrap_err();
        assert!(matches!(error, Error::NotExecuted { .. }), "{error:?}");
        let transport = error.transport().expect("the TLS failure is kept");
        assert_eq!(transport.kind(), b24_core::TransportKind::Tls, "{error:?}");
    }
    assert_eq!(emulator.total_requests(), 0);
}
