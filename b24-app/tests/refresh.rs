//! Refresh once per account: 200 concurrent calls in one process (memory, SQLite and
//! PostgreSQL stores), two "processes" sharing a SQLite file, and `invalid_grant` as a typed error that marks the account.

mod support;

use std::sync::Arc;

use b24_app::{
    AccountStatus, Accounts, Error, MemoryStore, PostgresStore, SqliteStore, TokenStore,
};
use serde_json::json;
use support::{emulator, expired_account, oauth, shared};

async fn two_hundred_calls(store: Arc<dyn TokenStore>) {
    let emu = emulator().await;
    let account = expired_account(&emu);
    store.save(&account).await.unwrap();
    // A slow OAuth server: the calls still in flight meet the expired token too.
    emu.set_oauth_delay(std::time::Duration::from_millis(500));
    let accounts = Accounts::new(store, oauth(&emu));
    let tokens = accounts.tokens(&account.member_id).await.unwrap();
    let client = tokens
        .client_builder()
        .unwrap()
        .rate_limit(None)
        .max_in_flight(200)
        .build()
        .unwrap();
    let calls: Vec<_> = (0..200)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { client.call_raw("profile", &json!({})).await })
        })
        .collect();
    let mut ok = 0;
    for call in calls {
        if let Ok(Ok(envelope)) = call.await {
            assert_eq!(envelope.result["ID"], "1");
            ok += 1;
        }
    }
    assert_eq!(ok, 200);
    assert_eq!(emu.oauth_grant_count("refresh_token"), 1);
    assert_eq!(emu.oauth_outcome_count("refresh_token", "ok"), 1);
    assert_eq!(emu.oauth_error_count("invalid_grant"), 0);
    assert_eq!(tokens.refreshes_sent(), 1);
    let expired = emu.request_count("profile") - 200;
    assert!(expired > 1, "only {expired} call met the expired token");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_concurrent_calls_refresh_once_in_memory() {
    two_hundred_calls(shared(MemoryStore::new())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_concurrent_calls_refresh_once_on_sqlite() {
    let dir = tempfile::tempdir().unwrap();
    two_hundred_calls(shared(SqliteStore::open(dir.path().join("a.db")).unwrap())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_concurrent_calls_refresh_once_on_postgres() {
    let Some(url) = support::postgres_url() else {
        return;
    };
    two_hundred_calls(shared(PostgresStore::connect(&url).await.unwrap())).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pair_another_process_stored_is_used_without_a_refresh() {
    let emu = emulator().await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.db");
    let account = expired_account(&emu);
    SqliteStore::open(&path)
        .unwrap()
        .save(&account)
        .await
        .unwrap();
    // Two independent handles on the file stand for two processes.
    let first = Accounts::new(shared(SqliteStore::open(&path).unwrap()), oauth(&emu));
    let second = Accounts::new(shared(SqliteStore::open(&path).unwrap()), oauth(&emu));
    let (a, b) = (
        first.client(&account.member_id).await.unwrap(),
        second.client(&account.member_id).await.unwrap(),
    );
    a.call_raw("profile", &json!({})).await.unwrap();
    b.call_raw("profile", &json!({})).await.unwrap();
    assert_eq!(emu.oauth_grant_count("refresh_token"), 1);
    assert_eq!(
        second
            .tokens(&account.member_id)
            .await
            .unwrap()
            .refreshes_sent(),
        0
    );
}

#[tokio::test]
async fn a_refused_refresh_token_is_a_typed_error_and_marks_the_account() {
    let emu = emulator().await;
    let store = shared(MemoryStore::new());
    let mut account = expired_account(&emu);
    let access = secrecy::ExposeSecret::expose_secret(&account.tokens.access_token).to_owned();
    account.tokens = b24_app::TokenPair::new(&access, "dead-refresh", 1);
    store.save(&account).await.unwrap();
    let accounts = Accounts::new(Arc::clone(&store), oauth(&emu));
    let client = accounts.client(&account.member_id).await.unwrap();
    let error = client.call_raw("profile", &json!({})).await.unwrap_err();
    assert!(
        matches!(Error::from_core(&error), Some(Error::NeedsReauthorization { member_id }) if *member_id == account.member_id),
        "{error:?}"
    );
    let stored = store.load(&account.member_id).await.unwrap().unwrap();
    assert_eq!(stored.status, AccountStatus::NeedsReauthorization);
    // Later calls fail at once, without asking the OAuth server again.
    let again = client.call_raw("profile", &json!({})).await.unwrap_err();
    assert!(matches!(
        Error::from_core(&again),
        Some(Error::NeedsReauthorization { .. })
    ));
    assert_eq!(emu.oauth_error_count("invalid_grant"), 1);
    assert_eq!(
        emu.oauth_outcome_count("refresh_token", "invalid_grant"),
        1,
        "a refused refresh, not a code exchange"
    );
    assert!(!format!("{error:?}{error}").contains("dead-refresh"));
}
