//! Inbound requests end to end on the emulator: a verified install stores the account;
//! forged installs, events and placements get 403 and leave the stored account byte-identical;
//! a redelivered event is handled once; a verified update repairs an account that needs
//! re-authorisation; the payload's `server_endpoint` is never asked.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use b24_app::server::App;
use b24_app::{Account, AccountStatus, Accounts, SqliteStore, TokenStore};
use b24_emulator::{AppSettings, Emulator};
use serde_json::{Value, json};
use support::{CLIENT_ID, CLIENT_SECRET, oauth, post_form, serve};

struct Fixture {
    emu: Emulator,
    store: Arc<dyn TokenStore>,
    app_url: String,
    handled: Arc<AtomicUsize>,
    _dir: tempfile::TempDir,
}

async fn fixture() -> Fixture {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn TokenStore> = Arc::new(SqliteStore::open(dir.path().join("a.db")).unwrap());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let app_url = format!("http://{}", listener.local_addr().unwrap());
    let emu = Emulator::builder()
        .app(
            AppSettings::new(CLIENT_ID, CLIENT_SECRET, ["crm", "placement"])
                .handler(format!("{app_url}/events")),
        )
        .start()
        .await
        .unwrap();
    let accounts = Accounts::new(Arc::clone(&store), oauth(&emu));
    let handled = Arc::new(AtomicUsize::new(0));
    let count = Arc::clone(&handled);
    let router = App::new(accounts)
        .on_event("*", move |_delivery| {
            let count = Arc::clone(&count);
            async move {
                count.fetch_add(1, Ordering::SeqCst);
            }
        })
        .router();
    tokio::spawn(async move { axum::serve(listener, router).await });
    Fixture {
        emu,
        store,
        app_url,
        handled,
        _dir: dir,
    }
}

impl Fixture {
    async fn installed(&self) -> Account {
        assert_eq!(self.emu.install_app(CLIENT_ID, 1).await, Ok(Some(200)));
        self.store
            .load(&self.emu.member_id())
            .await
            .unwrap()
            .expect("install stored")
    }

    async fn event(&self, body: &Value) -> u16 {
        post_form(
            &format!("{}/events", self.app_url),
            &b24_core::form::to_query_string(body),
        )
        .await
    }

    async fn unchanged(&self, before: &Account) {
        let after = self.store.load(&before.member_id).await.unwrap().unwrap();
        assert!(after.same_as(before), "{after:?} vs {before:?}");
    }
}

fn deal_event(member_id: &str, application_token: &str, ts: &str) -> Value {
    json!({
        "event": "ONCRMDEALADD", "event_handler_id": "7", "data": {"FIELDS": {"ID": "1"}}, "ts": ts,
        "auth": {"domain": "x", "member_id": member_id, "application_token": application_token},
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_verified_install_stores_an_account_that_calls_the_portal() {
    let f = fixture().await;
    let account = f.installed().await;
    assert_eq!(account.status, AccountStatus::Active);
    assert_eq!(account.client_endpoint, f.emu.client_endpoint());
    let client = Accounts::new(Arc::clone(&f.store), oauth(&f.emu))
        .client(&account.member_id)
        .await
        .unwrap();
    assert_eq!(
        client.call_raw("profile", &json!({})).await.unwrap().result["ID"],
        "1"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn forged_requests_get_403_and_change_nothing() {
    let f = fixture().await;
    let before = f.installed().await;
    let member = before.member_id.clone();
    // A server that would confirm anything: the verifier must never ask it.
    let asked = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&asked);
    let evil = serve(axum::Router::new().fallback(move || {
        counter.fetch_add(1, Ordering::SeqCst);
        async {
            axum::Json(
                json!({"result": {"CODE": CLIENT_ID, "client_id": CLIENT_ID, "member_id": "m"}}),
            )
        }
    }))
    .await;
    let forged_install = |member_id: &str, access: &str| {
        json!({
            "event": "ONAPPINSTALL", "data": {"VERSION": "1"}, "ts": "1",
            "auth": {"domain": "evil", "member_id": member_id, "access_token": access,
                     "refresh_token": "r", "application_token": "forged", "expires_in": "3600",
                     "server_endpoint": format!("{evil}/rest/"), "client_endpoint": format!("{evil}/rest/")},
        })
    };
    // An install with a token the configured OAuth server does not know.
    assert_eq!(f.event(&forged_install(&member, "bogus")).await, 403);
    // A genuine token of this portal, but claimed for another member_id.
    let genuine = f.emu.issue_app_tokens(CLIENT_ID, 1).unwrap();
    let token = genuine["access_token"].as_str().unwrap();
    assert_eq!(f.event(&forged_install("another-portal", token)).await, 403);
    assert!(f.store.load("another-portal").await.unwrap().is_none());
    assert_eq!(
        asked.load(Ordering::SeqCst),
        0,
        "the payload's server_endpoint was asked"
    );
    // Events: wrong, missing application_token; unknown member_id.
    assert_eq!(f.event(&deal_event(&member, "wrong", "1")).await, 403);
    let mut missing = deal_event(&member, "x", "1");
    missing["auth"]
        .as_object_mut()
        .unwrap()
        .remove("application_token");
    assert_eq!(f.event(&missing).await, 403);
    let app_token = f.emu.application_token();
    assert_eq!(f.event(&deal_event("foreign", &app_token, "1")).await, 403);
    // An uninstall with a wrong token would otherwise disable the account.
    let uninstall = json!({"event": "ONAPPUNINSTALL", "data": {"CLEAN": "1"}, "ts": "2",
        "auth": {"member_id": member, "application_token": "guess"}});
    assert_eq!(f.event(&uninstall).await, 403);
    // Placements.
    let frame = |token: &str| {
        format!(
            "PLACEMENT=CRM_DEAL_DETAIL_TAB&member_id={member}&AUTH_ID=a&REFRESH_ID=r&APPLICATION_TOKEN={token}"
        )
    };
    assert_eq!(
        post_form(&format!("{}/placement", f.app_url), &frame("wrong")).await,
        403
    );
    assert_eq!(
        post_form(
            &format!("{}/placement", f.app_url),
            &format!("PLACEMENT=X&member_id={member}")
        )
        .await,
        403
    );
    // Malformed and oversized bodies.
    assert_eq!(
        post_form(&format!("{}/events", f.app_url), "nothing=here").await,
        400
    );
    let huge = "a=".to_owned() + &"x".repeat(b24_app::inbound::MAX_BODY);
    assert_eq!(
        post_form(&format!("{}/events", f.app_url), &huge).await,
        400
    );
    f.unchanged(&before).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(
        f.handled.load(Ordering::SeqCst),
        1,
        "only the genuine install was handled"
    );
    // The genuine placement is accepted.
    assert_eq!(
        post_form(&format!("{}/placement", f.app_url), &frame(&app_token)).await,
        200
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_redelivered_event_is_handled_once() {
    let f = fixture().await;
    let account = f.installed().await;
    let app_token = f.emu.application_token();
    let event = deal_event(&account.member_id, &app_token, "100");
    assert_eq!(f.event(&event).await, 200);
    assert_eq!(f.event(&event).await, 200);
    assert_eq!(
        f.event(&deal_event(&account.member_id, &app_token, "101"))
            .await,
        200
    );
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        f.handled.load(Ordering::SeqCst),
        1 + 2,
        "install + two distinct events"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_verified_update_repairs_an_account_that_needs_reauthorisation() {
    let f = fixture().await;
    let account = f.installed().await;
    f.store
        .set_status(&account.member_id, AccountStatus::NeedsReauthorization)
        .await
        .unwrap();
    let accounts = Accounts::new(Arc::clone(&f.store), oauth(&f.emu));
    assert!(matches!(
        accounts.client(&account.member_id).await,
        Err(b24_app::Error::NeedsReauthorization { .. })
    ));
    assert_eq!(f.emu.update_app(CLIENT_ID).await, Ok(Some(200)));
    let repaired = f.store.load(&account.member_id).await.unwrap().unwrap();
    assert_eq!(repaired.status, AccountStatus::Active);
    assert!(!repaired.tokens.same_as(&account.tokens));
    let client = accounts.client(&account.member_id).await.unwrap();
    client.call_raw("profile", &json!({})).await.unwrap();
    // The uninstall marks the account.
    assert_eq!(f.emu.uninstall_app(CLIENT_ID, false).await, Ok(Some(200)));
    let gone = f.store.load(&account.member_id).await.unwrap().unwrap();
    assert_eq!(gone.status, AccountStatus::Uninstalled);
}
