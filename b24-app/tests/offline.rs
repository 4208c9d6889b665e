//! Done-when of issue 16, offline events: a consumer killed between get and clear gets its
//! events back; 1,000 updates of one deal are one queued row; the application's own writes
//! (sent with its `auth_connector`) queue nothing.

mod support;

use std::sync::Arc;
use std::time::Duration;

use b24_app::{Accounts, MemoryStore, OfflineEvent, OfflineQueue, Polled, TokenStore};
use b24_core::{Batch, Client};
use b24_emulator::Emulator;
use serde_json::{Value, json};
use support::{emulator, fresh_account, oauth};

/// The application's client on `emu` (OAuth, fresh tokens) and a webhook client standing for
/// the portal's users.
async fn clients(emu: &Emulator) -> (Client, Client) {
    let store: Arc<dyn TokenStore> = Arc::new(MemoryStore::new());
    let account = fresh_account(emu);
    store.save(&account).await.unwrap();
    let app = Accounts::new(store, oauth(emu))
        .client(&account.member_id)
        .await
        .unwrap();
    let users = Client::webhook(&emu.webhook_url()).unwrap();
    (app, users)
}

async fn add_deal(client: &Client, title: &str) -> u64 {
    let answer = client
        .call_raw("crm.deal.add", &json!({"fields": {"TITLE": title}}))
        .await
        .unwrap();
    answer.result.as_u64().unwrap()
}

async fn update_deal(client: &Client, id: u64, title: &str) {
    client
        .call_raw(
            "crm.deal.update",
            &json!({"id": id, "fields": {"TITLE": title}}),
        )
        .await
        .unwrap();
}

/// The queued rows (`event.offline.list`, first page; the tests keep fewer than 50).
async fn queued(app: &Client, connector: Option<&str>) -> Vec<Value> {
    let mut params = json!({});
    if let Some(connector) = connector {
        params["auth_connector"] = json!(connector);
    }
    let answer = app.call_raw("event.offline.list", &params).await.unwrap();
    answer.result.as_array().unwrap().clone()
}

fn deal_of(event: &OfflineEvent) -> u64 {
    event.data["FIELDS"]["ID"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap()
}

#[tokio::test]
async fn a_consumer_killed_between_get_and_clear_gets_its_events_back() {
    let emu = emulator().await;
    let (app, users) = clients(&emu).await;
    let first = OfflineQueue::new(app.clone());
    first.bind("ONCRMDEALUPDATE").await.unwrap();
    let mut deals = Vec::new();
    for index in 0..3 {
        let id = add_deal(&users, &format!("deal {index}")).await;
        update_deal(&users, id, &format!("deal {index}, changed")).await;
        deals.push(id);
    }

    // The first consumer fetches, starts on the first event and is killed there.
    let (seen_tx, mut seen_rx) = tokio::sync::mpsc::unbounded_channel();
    let consumer = tokio::spawn(async move {
        first
            .poll(move |event: OfflineEvent| {
                let seen = seen_tx.clone();
                async move {
                    let _ = seen.send(event.message_id);
                    std::future::pending::<Result<(), String>>().await
                }
            })
            .await
    });
    tokio::time::timeout(Duration::from_secs(10), seen_rx.recv())
        .await
        .expect("the first consumer got an event")
        .unwrap();
    consumer.abort();
    assert!(consumer.await.unwrap_err().is_cancelled());

    // The rows are still there, marked with the dead consumer's process.
    let rows = queued(&app, None).await;
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert!(
        rows.iter()
            .all(|row| !row["PROCESS_ID"].as_str().unwrap().is_empty())
    );

    // The next consumer recovers them, handles each once and clears them.
    let second = OfflineQueue::new(app.clone());
    let mut handled = Vec::new();
    let polled = second
        .drain(|event: OfflineEvent| {
            handled.push(deal_of(&event));
            async { Ok::<(), String>(()) }
        })
        .await
        .unwrap();
    assert_eq!(
        polled,
        Polled {
            handled: 3,
            failed: 0,
            recovered: 3
        }
    );
    handled.sort_unstable();
    assert_eq!(handled, deals);
    assert!(queued(&app, None).await.is_empty(), "cleared");
}

#[tokio::test]
async fn a_thousand_updates_of_one_deal_queue_one_row() {
    let emu = emulator().await;
    let (app, users) = clients(&emu).await;
    let queue = OfflineQueue::new(app.clone());
    queue.bind("ONCRMDEALUPDATE").await.unwrap();
    let deal = add_deal(&users, "busy").await;
    let mut batch = Batch::new();
    let handles: Vec<_> = (0..1_000)
        .map(|version| {
            batch
                .push_raw(
                    "crm.deal.update",
                    json!({"id": deal, "fields": {"TITLE": format!("v{version}")}}),
                )
                .unwrap()
        })
        .collect();
    let results = users.batch(&batch).await.unwrap();
    for handle in &handles {
        results.get(handle).unwrap();
    }
    assert_eq!(emu.request_count("crm.deal.update"), 1_000);
    let rows = queued(&app, None).await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["EVENT_NAME"], "ONCRMDEALUPDATE");

    let mut events = Vec::new();
    queue
        .drain(|event: OfflineEvent| {
            events.push(deal_of(&event));
            async { Ok::<(), String>(()) }
        })
        .await
        .unwrap();
    assert_eq!(events, [deal]);
}

#[tokio::test]
async fn the_applications_own_writes_queue_nothing() {
    let emu = emulator().await;
    let (app, users) = clients(&emu).await;
    let queue = OfflineQueue::new(app.clone()).with_connector("sync-1");
    queue.bind("ONCRMDEALUPDATE").await.unwrap();
    let deal = add_deal(&users, "shared").await;
    for version in 0..20 {
        app.call_raw(
            "crm.deal.update",
            &queue.tag(json!({"id": deal, "fields": {"TITLE": format!("app {version}")}})),
        )
        .await
        .unwrap();
    }
    // Also inside a batch: the batch's connector covers its commands.
    app.call_raw(
        "batch",
        &queue.tag(json!({"halt": 0, "cmd": {"c0": format!("crm.deal.update?id={deal}&fields[TITLE]=app2")}})),
    )
    .await
    .unwrap();
    assert_eq!(emu.request_count("crm.deal.update"), 21);
    assert!(
        queued(&app, Some("sync-1")).await.is_empty(),
        "the application's own writes are not queued"
    );

    // A user's change is.
    update_deal(&users, deal, "a user's change").await;
    let rows = queued(&app, Some("sync-1")).await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    let polled = queue
        .drain(|event: OfflineEvent| {
            assert_eq!(deal_of(&event), deal);
            async { Ok::<(), String>(()) }
        })
        .await
        .unwrap();
    assert_eq!(polled.handled, 1);
    assert!(queued(&app, Some("sync-1")).await.is_empty());
}

#[tokio::test]
async fn a_failing_handler_flags_the_event_and_it_is_not_fetched_again() {
    let emu = emulator().await;
    let (app, users) = clients(&emu).await;
    let queue = OfflineQueue::new(app.clone());
    queue.bind("ONCRMDEALUPDATE").await.unwrap();
    let deal = add_deal(&users, "poison").await;
    update_deal(&users, deal, "poison, changed").await;
    let polled = queue
        .poll(|_event: OfflineEvent| async { Err::<(), _>("cannot handle it") })
        .await
        .unwrap();
    assert_eq!(polled.failed, 1);
    let rows = queued(&app, None).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["ERROR"], "1", "flagged with event.offline.error");
    let again = queue
        .poll(|_event: OfflineEvent| async { Ok::<(), String>(()) })
        .await
        .unwrap();
    assert_eq!(
        again,
        Polled::default(),
        "a flagged row is not fetched again"
    );
}

#[tokio::test]
async fn rows_are_cleared_by_row_id_too() {
    let emu = emulator().await;
    let (app, users) = clients(&emu).await;
    OfflineQueue::new(app.clone())
        .bind("ONCRMDEALUPDATE")
        .await
        .unwrap();
    for index in 0..2 {
        let id = add_deal(&users, &format!("deal {index}")).await;
        update_deal(&users, id, "changed").await;
    }
    let got = app
        .call_raw("event.offline.get", &json!({"clear": 0}))
        .await
        .unwrap()
        .result;
    let process = got["process_id"].as_str().unwrap();
    let first = got["events"][0]["ID"].clone();
    app.call_raw(
        "event.offline.clear",
        &json!({"process_id": process, "id": [first]}),
    )
    .await
    .unwrap();
    let rows = queued(&app, None).await;
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_ne!(rows[0]["ID"], first);
}
