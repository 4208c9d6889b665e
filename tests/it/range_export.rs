//! Parallel range export (`Client::export`): every record exactly once, in ID order when
//! asked, ranges in flight at the same time, constant memory across clustered IDs.

#![allow(deprecated)] // crm.deal.* are deprecated by the documentation, still served

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use b24_core::{Batch, Client, Export, ItemStream};
use b24_emulator::{Emulator, FaultConfig};
use b24_methods::crm::deal::delete::CrmDealDelete;
use b24_methods::crm::deal::list::CrmDealList;
use futures_util::StreamExt;
use serde::Deserialize;
use serde_json::json;

/// The one field the tests read.
#[derive(Debug, Deserialize)]
struct Row {
    #[serde(rename = "ID")]
    id: b24_core::Id,
}

/// A client without pacing (the emulator has no limit unless a test sets one).
fn unpaced(emulator: &Emulator) -> Client {
    Client::builder()
        .webhook_url(&emulator.webhook_url())
        .unwrap()
        .rate_limit(None)
        .build()
        .unwrap()
}

fn deals() -> CrmDealList {
    let mut request = CrmDealList::default();
    request.select = Some(vec![String::from("ID")]);
    request
}

/// Every ID the stream delivers, in delivery order, and the HTTP requests it made.
async fn drain(mut stream: ItemStream<Row>) -> (Vec<u64>, u64) {
    let progress = stream.progress();
    let mut ids = Vec::new();
    while let Some(row) = stream.next().await {
        ids.push(row.unwrap().id.0);
    }
    assert_eq!(progress.delivered(), ids.len() as u64);
    (ids, progress.requests())
}

fn assert_exactly(ids: &[u64], expected: &BTreeSet<u64>) {
    let unique: BTreeSet<u64> = ids.iter().copied().collect();
    assert_eq!(unique.len(), ids.len(), "duplicated records");
    assert_eq!(&unique, expected, "lost or foreign records");
}

fn ascending(ids: &[u64]) -> bool {
    ids.windows(2).all(|pair| pair[0] < pair[1])
}

#[tokio::test]
async fn an_ordered_export_delivers_every_record_once_in_id_order() {
    let emulator = Emulator::start().await.unwrap();
    let (first, last) = emulator.seed("deal", 12_345).unwrap();
    let client = unpaced(&emulator);
    let stream = client
        .export(&deals(), Export::default().ordered())
        .unwrap();
    let progress = stream.progress();
    let (ids, requests) = drain(stream).await;
    assert_exactly(&ids, &(first as u64..=last as u64).collect());
    assert!(ascending(&ids), "ordered by ID");
    assert_eq!(progress.total(), Some(12_345));
    // The opening request carries 2,450 records, then one request per 2,500: as many
    // requests as one after another.
    assert_eq!(requests, 1 + (12_345u64 - 2_450).div_ceil(2_500));
    assert_eq!(requests, 12_345u64.div_ceil(2_500));
    assert_eq!(emulator.total_requests(), requests);
}

#[tokio::test]
async fn an_unordered_export_delivers_every_record_once() {
    let emulator = Emulator::start().await.unwrap();
    let (first, last) = emulator.seed("deal", 20_000).unwrap();
    let client = unpaced(&emulator);
    let stream = client.export(&deals(), Export::default()).unwrap();
    let (ids, requests) = drain(stream).await;
    assert_exactly(&ids, &(first as u64..=last as u64).collect());
    assert_eq!(requests, 1 + 8);
}

#[tokio::test]
async fn clustered_ids_continue_a_range_instead_of_growing_it() {
    let emulator = Emulator::start().await.unwrap();
    let (first, last) = emulator.seed("deal", 10_000).unwrap();
    let client = unpaced(&emulator);
    // Delete the middle 7,000: 3,000 records over 10,000 IDs, most of them at the end.
    let gone = first as u64 + 1_000..first as u64 + 8_000;
    let mut batch = Batch::new();
    for id in gone.clone() {
        batch.push(&CrmDealDelete::new(id.into())).unwrap();
    }
    client.batch(&batch).await.unwrap();
    let kept: BTreeSet<u64> = (first as u64..=last as u64)
        .filter(|id| !gone.contains(id))
        .collect();
    for options in [Export::default().ordered(), Export::default().ranges(3)] {
        let (ids, requests) = drain(client.export(&deals(), options).unwrap()).await;
        assert_exactly(&ids, &kept);
        // The opening request (the first 1,000 and 1,450 of the last 2,000); the one range
        // left, sized for 165 of its 550 records at the average density; its continuation.
        assert_eq!(requests, 3);
        if options.ordered {
            assert!(ascending(&ids), "ordered by ID");
        }
    }
}

#[tokio::test]
async fn the_callers_filter_bounds_the_span() {
    let emulator = Emulator::start().await.unwrap();
    let (first, _) = emulator.seed("deal", 9_000).unwrap();
    let client = unpaced(&emulator);
    let (low, high) = (first as u64 + 1_234, first as u64 + 7_777);
    let mut request = deals();
    request.filter = Some(json!({ ">=ID": low, "<=ID": high }));
    let (ids, _) = drain(client.export(&request, Export::default()).unwrap()).await;
    assert_exactly(&ids, &(low..=high).collect());
}

#[tokio::test]
async fn lists_without_the_cursor_are_paged_as_stream_pages_them() {
    let emulator = Emulator::start().await.unwrap();
    let (first, last) = emulator.seed("deal", 3_000).unwrap();
    let client = unpaced(&emulator);
    let mut request = deals();
    request.order = Some(json!({ "ID": "DESC" }));
    let (ids, requests) = drain(client.export(&request, Export::default()).unwrap()).await;
    assert_exactly(&ids, &(first as u64..=last as u64).collect());
    assert_eq!(requests, 2, "by offset, no opening request");
    // An empty list costs the opening request only.
    let mut request = deals();
    request.filter = Some(json!({ ">=ID": last + 1 }));
    let (ids, requests) = drain(client.export(&request, Export::default()).unwrap()).await;
    assert!(ids.is_empty());
    assert_eq!(requests, 1);
}

#[tokio::test]
async fn ranges_are_fetched_at_the_same_time() {
    let emulator = Emulator::start().await.unwrap();
    emulator.seed("deal", 25_000).unwrap();
    emulator.set_faults(FaultConfig {
        latency_ms: 300,
        ..FaultConfig::default()
    });
    let client = unpaced(&emulator);
    let started = Instant::now();
    let (ids, _) = drain(client.stream(&deals()).unwrap()).await;
    let one_at_a_time = started.elapsed();
    assert_eq!(ids.len(), 25_000);
    let started = Instant::now();
    let (ids, requests) = drain(client.export(&deals(), Export::default()).unwrap()).await;
    let in_parallel = started.elapsed();
    assert_eq!(ids.len(), 25_000);
    assert_eq!(requests, 11);
    // Ten requests one after another, against the opening and two rounds of six.
    assert!(one_at_a_time >= Duration::from_secs(3), "{one_at_a_time:?}");
    assert!(
        in_parallel.as_secs_f64() < 0.6 * one_at_a_time.as_secs_f64(),
        "{in_parallel:?} in parallel against {one_at_a_time:?} one at a time"
    );
}

#[tokio::test]
async fn an_export_survives_refusals_and_resets_without_loss_or_duplicates() {
    let emulator = Emulator::start().await.unwrap();
    let (first, last) = emulator.seed("deal", 17_777).unwrap();
    emulator.set_faults(FaultConfig {
        seed: 5,
        query_limit: 0.30,
        reset: 0.10,
        ..FaultConfig::default()
    });
    let client = unpaced(&emulator);
    let (ids, _) = drain(
        client
            .export(&deals(), Export::default().ordered())
            .unwrap(),
    )
    .await;
    assert_exactly(&ids, &(first as u64..=last as u64).collect());
    assert!(ascending(&ids));
    assert!(emulator.status_count(503) > 0, "refusals were injected");
    assert!(emulator.reset_count() > 0, "resets were injected");
}
