//! One rule for write outcomes (issue 13, observation 2), for single calls and batches alike:
//! a failure after the request left is an unknown outcome, "not executed" is reported only
//! when the server said so or nothing was sent, and `was_executed` agrees.

use std::sync::atomic::Ordering;

use b24_core::{Batch, BatchResults, Client, Error, ErrorCode, Handle};
use b24_emulator::{Emulator, FaultConfig};
use serde_json::{Value, json};

use crate::support::{CannedServer, http_response, unpaced, webhook_url};

/// A client of the emulator's webhook that reads answers of at most `limit` bytes.
fn limited(emulator: &Emulator, limit: usize) -> Client {
    unpaced(&emulator.webhook_url(), |builder| {
        builder.max_response_bytes(limit)
    })
}

/// Deals on the emulator, counted through a client without limits.
async fn deals(emulator: &Emulator) -> usize {
    let client = Client::webhook(&emulator.webhook_url()).unwrap();
    let list = client.call_raw("crm.deal.list", &json!({})).await.unwrap();
    list.result.as_array().map_or(0, Vec::len)
}

/// A batch of three deal creations.
fn three_deals() -> (Batch, Vec<Handle<Value>>) {
    let mut batch = Batch::new();
    let handles = (0..3)
        .map(|index| {
            batch
                .push_raw(
                    "crm.deal.add",
                    json!({"fields": {"TITLE": format!("deal {index}")}}),
                )
                .unwrap()
        })
        .collect();
    (batch, handles)
}

/// Asserts that every command may have run and reports the same unknown outcome; returns
/// its reason as text.
#[track_caller]
fn assert_all_unknown(results: &BatchResults, handles: &[Handle<Value>]) -> String {
    let mut reasons = handles.iter().map(|handle| {
        assert!(results.was_executed(handle), "it may have run");
        assert!(results.is_unknown(handle));
        match results.get(handle) {
            Err(Error::UnknownOutcome { method, reason }) => {
                assert_eq!(method, "crm.deal.add");
                reason.error().to_string()
            }
            other => panic!("expected an unknown outcome, got {other:?}"),
        }
    });
    let first = reasons.next().unwrap();
    assert!(reasons.all(|reason| reason == first));
    first
}

#[tokio::test]
async fn a_single_write_whose_answer_is_too_large_is_an_unknown_outcome() {
    let emulator = Emulator::start().await.unwrap();
    let error = limited(&emulator, 16)
        .call_raw("crm.deal.add", &json!({"fields": {"TITLE": "big"}}))
        .await
        .unwrap_err();
    let Error::UnknownOutcome { reason, .. } = &error else {
        panic!("expected an unknown outcome, got {error:?}")
    };
    assert!(
        matches!(reason.error(), Error::ResponseTooLarge { limit: 16, .. }),
        "{reason:?}"
    );
    assert_eq!(emulator.request_count("crm.deal.add"), 1, "sent once");
    assert_eq!(deals(&emulator).await, 1, "and it ran");
}

#[tokio::test]
async fn a_batch_whose_answer_is_too_large_reports_its_writes_as_unknown() {
    let emulator = Emulator::start().await.unwrap();
    let (batch, handles) = three_deals();
    let results = limited(&emulator, 64).batch(&batch).await.unwrap();
    let reason = assert_all_unknown(&results, &handles);
    assert!(reason.contains("64-byte limit"), "{reason}");
    assert_eq!(emulator.request_count("batch"), 1, "sent once");
    assert_eq!(deals(&emulator).await, 3, "the three deals exist");
}

#[tokio::test]
async fn an_answer_that_is_not_a_batch_result_leaves_the_writes_unknown() {
    let server = CannedServer::start(vec![http_response(
        "200 OK",
        "application/json",
        r#"{"result":{"total":3},"time":{"start":1}}"#,
    )])
    .await;
    let client = Client::webhook(&server.webhook_url()).unwrap();
    let (batch, handles) = three_deals();
    let results = client.batch(&batch).await.unwrap();
    let reason = assert_all_unknown(&results, &handles);
    assert!(reason.contains("cannot decode"), "{reason}");
    assert_eq!(server.hits.load(Ordering::SeqCst), 1, "sent once");
}

#[tokio::test]
async fn a_batch_refused_for_a_wrong_webhook_code_was_not_executed() {
    let emulator = Emulator::start().await.unwrap();
    let client = Client::webhook(&webhook_url(&emulator, 1, "wrongcode")).unwrap();
    let (batch, handles) = three_deals();
    let results = client.batch(&batch).await.unwrap();
    for handle in &handles {
        assert!(!results.was_executed(handle));
        assert!(!results.is_unknown(handle));
        let error = results.get(handle).unwrap_err();
        let Error::NotExecuted { cause, .. } = &error else {
            panic!("expected not executed, got {error:?}")
        };
        let cause = cause.as_ref().expect("the refusal is kept");
        assert_eq!(cause.error().code(), Some(&ErrorCode::InvalidCredentials));
        assert!(error.to_string().contains("INVALID_CREDENTIALS"), "{error}");
    }
    assert_eq!(deals(&emulator).await, 0);
}

#[tokio::test]
async fn a_reset_batch_may_have_run() {
    let emulator = Emulator::start().await.unwrap();
    emulator.set_faults(FaultConfig {
        reset: 1.0,
        ..FaultConfig::default()
    });
    let (batch, handles) = three_deals();
    let results = limited(&emulator, usize::MAX).batch(&batch).await.unwrap();
    assert_all_unknown(&results, &handles);
    let error = results.get(&handles[0]).unwrap_err();
    let transport = error.transport().expect("the transport failure is kept");
    assert!(
        transport.is_reset() && transport.request_sent(),
        "{transport}"
    );
    assert_eq!(emulator.reset_count(), 1, "a batch of writes is sent once");
}
