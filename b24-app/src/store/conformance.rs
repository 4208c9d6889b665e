//! The contract of a [`TokenStore`], as a suite any backend can run:
//! `b24_app::store::conformance::run(&store).await` panics with the first broken rule.
//!
//! It uses fresh random `member_id`s and keys, so it can run against a database that holds
//! other data, and several times.

use std::time::Duration;

use secrecy::{ExposeSecret, SecretString};

use super::TokenStore;
use crate::account::{Account, AccountStatus, TokenPair};

fn unique(prefix: &str) -> String {
    format!("{prefix}-{:016x}", rand::random::<u64>())
}

/// An account with recognisable fields.
pub fn sample_account(member_id: &str) -> Account {
    Account {
        member_id: member_id.to_owned(),
        domain: "portal.example.com".to_owned(),
        client_endpoint: "https://portal.example.com/rest/".to_owned(),
        user_id: Some(7),
        scopes: vec!["crm".to_owned(), "placement".to_owned()],
        tokens: TokenPair::new("access-1", "refresh-1", 1_700_000_000),
        application_token: SecretString::from("app-token"),
        status: AccountStatus::Active,
    }
}

/// Runs every rule against `store`.
pub async fn run(store: &dyn TokenStore) {
    accounts(store).await;
    swaps(store).await;
    leases(store).await;
    deliveries(store).await;
}

async fn accounts(store: &dyn TokenStore) {
    let id = unique("acc");
    assert!(
        store.load(&id).await.unwrap().is_none(),
        "unknown member_id"
    );
    let account = sample_account(&id);
    store.save(&account).await.unwrap();
    let loaded = store.load(&id).await.unwrap().expect("saved account");
    assert!(loaded.same_as(&account), "round trip: {loaded:?}");

    let mut changed = sample_account(&id);
    changed.domain = "moved.example.com".to_owned();
    changed.user_id = None;
    changed.scopes = Vec::new();
    changed.application_token = SecretString::from("app-token-2");
    store.save(&changed).await.unwrap();
    assert!(
        store.load(&id).await.unwrap().unwrap().same_as(&changed),
        "save replaces"
    );

    assert!(
        store
            .set_status(&id, AccountStatus::NeedsReauthorization)
            .await
            .unwrap()
    );
    let marked = store.load(&id).await.unwrap().unwrap();
    assert_eq!(marked.status, AccountStatus::NeedsReauthorization);
    assert!(
        !store
            .set_status(&unique("none"), AccountStatus::Active)
            .await
            .unwrap()
    );

    assert!(store.delete(&id).await.unwrap());
    assert!(!store.delete(&id).await.unwrap());
    assert!(store.load(&id).await.unwrap().is_none(), "deleted");
}

async fn swaps(store: &dyn TokenStore) {
    let id = unique("swap");
    let mut account = sample_account(&id);
    account.status = AccountStatus::NeedsReauthorization;
    store.save(&account).await.unwrap();
    let next = TokenPair::new("access-2", "refresh-2", 1_700_003_600);
    assert!(
        !store.swap_tokens(&id, "refresh-0", &next).await.unwrap(),
        "stale expectation"
    );
    assert!(store.swap_tokens(&id, "refresh-1", &next).await.unwrap());
    let loaded = store.load(&id).await.unwrap().unwrap();
    assert!(loaded.tokens.same_as(&next), "swapped pair");
    assert_eq!(
        loaded.status,
        AccountStatus::Active,
        "a new pair repairs the account"
    );
    assert_eq!(
        loaded.application_token.expose_secret(),
        "app-token",
        "rest untouched"
    );
    let again = TokenPair::new("access-3", "refresh-3", 1);
    assert!(
        !store.swap_tokens(&id, "refresh-1", &again).await.unwrap(),
        "one winner"
    );
    assert!(
        !store
            .swap_tokens(&unique("none"), "refresh-1", &again)
            .await
            .unwrap()
    );
    store.delete(&id).await.unwrap();
}

async fn leases(store: &dyn TokenStore) {
    let id = unique("lease");
    let long = Duration::from_secs(30);
    assert!(store.try_lease(&id, "a", long).await.unwrap(), "free lease");
    assert!(!store.try_lease(&id, "b", long).await.unwrap(), "held by a");
    assert!(
        store.try_lease(&id, "a", long).await.unwrap(),
        "the holder extends"
    );
    store.release_lease(&id, "b").await.unwrap();
    assert!(
        !store.try_lease(&id, "b", long).await.unwrap(),
        "only the holder releases"
    );
    store.release_lease(&id, "a").await.unwrap();
    assert!(
        store
            .try_lease(&id, "b", Duration::from_millis(300))
            .await
            .unwrap()
    );
    assert!(!store.try_lease(&id, "c", long).await.unwrap());
    tokio::time::sleep(Duration::from_millis(450)).await;
    assert!(
        store.try_lease(&id, "c", long).await.unwrap(),
        "a lapsed lease is taken over"
    );
    assert!(!store.try_lease(&id, "b", long).await.unwrap());
    store.release_lease(&id, "c").await.unwrap();
    let other = unique("lease");
    assert!(
        store.try_lease(&other, "b", long).await.unwrap(),
        "leases are per account"
    );
    store.release_lease(&other, "b").await.unwrap();
}

async fn deliveries(store: &dyn TokenStore) {
    let key = unique("delivery");
    assert!(
        store.remember(&key, Duration::from_secs(60)).await.unwrap(),
        "first time"
    );
    assert!(
        !store.remember(&key, Duration::from_secs(60)).await.unwrap(),
        "redelivered"
    );
    let short = unique("delivery");
    assert!(
        store
            .remember(&short, Duration::from_millis(200))
            .await
            .unwrap()
    );
    tokio::time::sleep(Duration::from_millis(350)).await;
    assert!(
        store
            .remember(&short, Duration::from_secs(60))
            .await
            .unwrap(),
        "lapsed key"
    );
}
