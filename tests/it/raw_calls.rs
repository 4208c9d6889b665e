//! Methods named at run time (for the `b24` command): streaming a list by name with the same
//! paging as typed streams, raw batch commands, and a raw `batch` of reads retried as a read.

use std::sync::atomic::Ordering;

use b24_core::stream::ListSpec;
use b24_core::{Batch, Client, Error};
use b24_emulator::Emulator;
use futures_util::StreamExt;
use serde_json::{Value, json};

use crate::support::{self, CannedServer, http_response, unpaced, unpaced_for as client};

/// The `ID`s of every item of `stream`, checking they come once each, in order.
async fn ids(stream: b24_core::ItemStream<Value>) -> Vec<i64> {
    let items: Vec<Value> = stream.map(Result::unwrap).collect().await;
    let ids: Vec<i64> = items
        .iter()
        .map(|item| item["ID"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(
        ids.windows(2).all(|pair| pair[0] < pair[1]),
        "once each, in order"
    );
    ids
}

#[tokio::test]
async fn a_list_named_at_run_time_streams_with_the_fast_cursor() {
    let emulator = Emulator::start().await.unwrap();
    let (first, last) = emulator.seed("deal", 3_000).unwrap();
    let client = client(&emulator);
    let stream = client
        .stream_raw("crm.deal.list", &json!({"select": ["ID"]}))
        .unwrap();
    let progress = stream.progress();
    let ids = ids(stream).await;
    assert_eq!((ids.len(), ids[0], ids[2_999]), (3_000, first, last));
    // 2,500 items per request: the registry's cursor field was used.
    assert_eq!(progress.requests(), 2);
    assert_eq!(emulator.request_count("batch"), 2);
}

#[tokio::test]
async fn the_caller_chooses_the_cursor_field_or_offset_paging() {
    let emulator = Emulator::start().await.unwrap();
    emulator.seed("deal", 120).unwrap();
    let client = client(&emulator);

    let by_cursor = ListSpec::new("crm.deal.list").unwrap().cursor("ID");
    let stream = client.stream_list(&by_cursor, &json!({})).unwrap();
    assert_eq!(ids(stream).await.len(), 120);

    let by_offset = ListSpec::from_registry("crm.deal.list")
        .unwrap()
        .without_cursor();
    assert_eq!(by_offset.cursor_field(), None);
    let stream = client.stream_list(&by_offset, &json!({})).unwrap();
    assert_eq!(ids(stream).await.len(), 120);
    let sent = emulator.request_count("batch");
    assert_eq!(sent, 2, "one batch request per stream");
}

#[tokio::test]
async fn a_list_resumes_past_an_id_and_only_with_the_cursor() {
    let emulator = Emulator::start().await.unwrap();
    let (first, last) = emulator.seed("deal", 3_000).unwrap();
    let client = client(&emulator);
    let resumed = ListSpec::from_registry("crm.deal.list")
        .unwrap()
        .resume_after(first + 1_999);
    let ids = ids(client.stream_list(&resumed, &json!({})).unwrap()).await;
    assert_eq!((ids.len(), ids[0], ids[999]), (1_000, first + 2_000, last));

    let ordered = json!({"order": {"TITLE": "ASC"}});
    let error = client.stream_list(&resumed, &ordered).err().unwrap();
    assert!(
        matches!(error, Error::Config(ref text) if text.contains("resume")),
        "{error}"
    );
    let by_offset = resumed.without_cursor();
    assert!(matches!(
        client.stream_list(&by_offset, &json!({})),
        Err(Error::Config(_))
    ));
}

#[tokio::test]
async fn the_observer_sees_every_request_of_calls_and_streams() {
    let emulator = Emulator::start().await.unwrap();
    emulator.seed("deal", 3_000).unwrap();
    let seen = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    let client = unpaced(&emulator.webhook_url(), |builder| {
        builder.observe(move |exchange| {
            log.lock().unwrap().push((
                exchange.method.to_owned(),
                exchange.commands,
                exchange.outcome.is_ok(),
            ));
        })
    });
    client.call_raw("profile", &json!({})).await.unwrap();
    client
        .call_raw("no.such.method", &json!({}))
        .await
        .unwrap_err();
    let stream = client.stream_raw("crm.deal.list", &json!({})).unwrap();
    assert_eq!(ids(stream).await.len(), 3_000);
    let seen = seen.lock().unwrap().clone();
    assert_eq!(
        seen,
        [
            ("profile".to_owned(), None, true),
            ("no.such.method".to_owned(), None, false),
            ("batch".to_owned(), Some(50), true),
            // The total is known after the first page: 500 items left, 10 pages.
            ("batch".to_owned(), Some(10), true),
        ]
    );
}

#[tokio::test]
async fn names_that_are_not_list_methods_are_refused() {
    let (_emulator, client) = support::unpaced_portal().await;
    let error = client.stream_raw("crm.deal.add", &json!({})).unwrap_err();
    assert!(matches!(error, Error::NotAListMethod { .. }), "{error}");
    let error = client
        .stream_raw("crm.nothing.list", &json!({}))
        .unwrap_err();
    assert!(matches!(error, Error::UnknownMethod(_)), "{error}");
    let error = ListSpec::new("crm.deal.list?start=5").unwrap_err();
    assert!(matches!(error, Error::InvalidMethodName { .. }), "{error}");
}

#[tokio::test]
async fn raw_batch_commands_read_back_as_json() {
    let (_emulator, client) = support::unpaced_portal().await;
    let mut batch = Batch::new();
    let added = batch
        .push_raw("crm.deal.add", json!({"fields": {"TITLE": "raw"}}))
        .unwrap();
    let listed = batch
        .push_raw("crm.deal.list", json!({"select": ["ID", "TITLE"]}))
        .unwrap();
    let results = client.batch(&batch).await.unwrap();
    let id = results.get(&added).unwrap();
    let list = results.get(&listed).unwrap();
    assert_eq!(list[0]["TITLE"], "raw");
    assert_eq!(
        list[0]["ID"].as_str().map(str::to_owned),
        Some(id.to_string())
    );
    assert!(results.was_executed(&added));
}

/// A 502 page, then a batch answer.
async fn flaky_portal() -> CannedServer {
    CannedServer::start(vec![
        http_response("502 Bad Gateway", "text/html", "<html>502</html>"),
        http_response(
            "200 OK",
            "application/json",
            r#"{"result":{"result":{"a":[]},"result_error":[],"result_total":{"a":0},"result_next":[],"result_time":[]}}"#,
        ),
    ])
    .await
}

#[tokio::test]
async fn a_raw_batch_of_reads_is_retried_like_a_read() {
    let server = flaky_portal().await;
    let client = Client::webhook(&server.webhook_url()).unwrap();
    let reads = json!({"cmd": {"a": "crm.deal.list?start=0", "b": "crm.deal.get.json?id=1"}});
    let answer = client.call_raw("batch", &reads).await.unwrap();
    assert_eq!(answer.result["result_total"]["a"], 0);
    assert_eq!(server.hits.load(Ordering::SeqCst), 2);

    let server = flaky_portal().await;
    let client = Client::webhook(&server.webhook_url()).unwrap();
    let with_a_write = json!({"cmd": ["crm.deal.list?start=0", "crm.deal.add?fields[TITLE]=x"]});
    let error = client.call_raw("batch", &with_a_write).await.unwrap_err();
    assert!(matches!(error, Error::UnknownOutcome { .. }), "{error:?}");
    assert_eq!(
        server.hits.load(Ordering::SeqCst),
        1,
        "a write is sent once"
    );
}
