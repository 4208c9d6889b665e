//! Parallel range export (`Client::export`): every record exactly once, in ID order when
//! asked, ranges in flight at the same time, constant memory across clustered IDs.

#![allow(deprecated)] // crm.deal.* are deprecated by the documentation, still served

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use b24_core::{Batch, Client, Export, ItemStream};
use b24_emulator::{Emulator, FaultConfig};
use b24_methods::crm::deal::delete::CrmDealDelete;
use b24_methods::crm::deal::list::CrmDealList;
use serde::Deserialize;
use serde_json::json;

use super::support::{drain_ids, unpaced_for};

/// The one field the tests read.
#[derive(Debug, Deserialize)]
struct Row {
    #[serde(rename = "ID")]
    id: b24_core::Id,
}

/// An emulator with `count` deals, an unpaced client, and the deals' IDs.
async fn seeded(count: u64) -> (Emulator, Client, BTreeSet<u64>) {
    let emulator = Emulator::start().await.unwrap();
    let (first, last) = emulator.seed("deal", count).unwrap();
    let client = unpaced_for(&emulator);
    (emulator, client, (first as u64..=last as u64).collect())
}

fn deals() -> CrmDealList {
    let mut request = CrmDealList::default();
    request.select = Some(vec![String::from("ID")]);
    request
}

/// Every ID the stream delivers, in delivery order, and the HTTP requests it made.
async fn drain(stream: ItemStream<Row>) -> (Vec<u64>, u64) {
    drain_ids(stream, |row| row.id.0).await
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
async fn exports_deliver_every_record_once_in_id_order_when_asked() {
    let (emulator, client, every) = seeded(12_345).await;
    let mut spent = 0;
    for options in [Export::default().ordered(), Export::default()] {
        let stream = client.export_as(&deals(), options).unwrap();
        let progress = stream.progress();
        let (ids, requests) = drain(stream).await;
        assert_exactly(&ids, &every);
        assert_eq!(progress.total(), Some(12_345));
        // The opening request carries 2,450 records, then one request per 2,500: as many
        // requests as one after another.
        assert_eq!(requests, 1 + (12_345u64 - 2_450).div_ceil(2_500));
        assert_eq!(requests, 12_345u64.div_ceil(2_500));
        spent += requests;
        if options.ordered {
            assert!(ascending(&ids), "ordered by ID");
        }
    }
    assert_eq!(emulator.total_requests(), spent);
}

#[tokio::test]
async fn clustered_ids_continue_a_range_instead_of_growing_it() {
    let (_emulator, client, every) = seeded(10_000).await;
    let first = every.first().copied().unwrap();
    // Delete the middle 7,000: 3,000 records over 10,000 IDs, most of them at the end.
    let gone = first + 1_000..first + 8_000;
    let mut batch = Batch::new();
    for id in gone.clone() {
        batch.push(&CrmDealDelete::new(id)).unwrap();
    }
    client.batch(&batch).await.unwrap();
    let kept: BTreeSet<u64> = every.into_iter().filter(|id| !gone.contains(id)).collect();
    for options in [Export::default().ordered(), Export::default().ranges(3)] {
        let (ids, requests) = drain(client.export_as(&deals(), options).unwrap()).await;
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
    let (_emulator, client, every) = seeded(9_000).await;
    let first = every.first().copied().unwrap();
    let (low, high) = (first + 1_234, first + 7_777);
    let mut request = deals();
    request.filter = Some(json!({ ">=ID": low, "<=ID": high }));
    let (ids, _) = drain(client.export_as(&request, Export::default()).unwrap()).await;
    assert_exactly(&ids, &(low..=high).collect());
}

#[tokio::test]
async fn lists_without_the_cursor_are_paged_as_stream_pages_them() {
    let (_emulator, client, every) = seeded(3_000).await;
    let last = every.last().copied().unwrap();
    let mut request = deals();
    request.order = Some(json!({ "ID": "DESC" }));
    let (ids, requests) = drain(client.export_as(&request, Export::default()).unwrap()).await;
    assert_exactly(&ids, &every);
    assert_eq!(requests, 2, "by offset, no opening request");
    // An empty list costs the opening request only.
    let mut request = deals();
    request.filter = Some(json!({ ">=ID": last + 1 }));
    let (ids, requests) = drain(client.export_as(&request, Export::default()).unwrap()).await;
    assert!(ids.is_empty());
    assert_eq!(requests, 1);
}

#[tokio::test]
async fn ranges_are_fetched_at_the_same_time() {
    let (emulator, client, _) = seeded(25_000).await;
    emulator.set_faults(FaultConfig {
        latency_ms: 300,
        ..FaultConfig::default()
    });
    let started = Instant::now();
    let (ids, _) = drain(client.stream_as(&deals()).unwrap()).await;
    let one_at_a_time = started.elapsed();
    assert_eq!(ids.len(), 25_000);
    let started = Instant::now();
    let (ids, requests) = drain(client.export_as(&deals(), Export::default()).unwrap()).await;
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

/// Moved here from `throughput.rs` to cover the stream and the export alike.
#[tokio::test]
async fn streams_and_exports_survive_refusals_and_resets_without_loss_or_duplicates() {
    let (emulator, client, every) = seeded(27_777).await;
    emulator.set_faults(FaultConfig {
        seed: 3,
        query_limit: 0.30,
        reset: 0.10,
        ..FaultConfig::default()
    });
    let (ids, _) = drain(client.stream_as(&deals()).unwrap()).await;
    assert_exactly(&ids, &every);
    assert!(emulator.status_count(503) > 0, "refusals were injected");
    assert!(
        emulator.reset_count() > 0,
        "connection resets were injected"
    );
    let refusals = emulator.status_count(503);
    let resets = emulator.reset_count();
    let ordered = Export::default().ordered();
    let (ids, _) = drain(client.export_as(&deals(), ordered).unwrap()).await;
    assert_exactly(&ids, &every);
    assert!(ascending(&ids));
    assert!(
        emulator.status_count(503) > refusals,
        "the export was refused too"
    );
    assert!(
        emulator.reset_count() > resets,
        "the export's connections were reset too"
    );
}
