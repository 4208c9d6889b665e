//! Method confirmation (seed 001) on the emulator: a call of a confirmation-gated method waits
//! for `ONAPPMETHODCONFIRM`; confirmed → the repeated call succeeds; denied → a typed error;
//! no decision → a typed timeout.

mod support;

use std::sync::Arc;
use std::time::Duration;

use b24_app::server::App;
use b24_app::{Accounts, Confirmations, Error, MemoryStore, TokenStore};
use b24_emulator::{AppSettings, Emulator};
use serde_json::json;
use support::{CLIENT_ID, CLIENT_SECRET, oauth};

const METHOD: &str = "voximplant.user.get";

async fn setup() -> (Emulator, Confirmations, b24_core::Client, String) {
    let store: Arc<dyn TokenStore> = Arc::new(MemoryStore::new());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/events", listener.local_addr().unwrap());
    let emu = Emulator::builder()
        .app(AppSettings::new(CLIENT_ID, CLIENT_SECRET, ["telephony"]).handler(&url))
        .start()
        .await
        .unwrap();
    let accounts = Accounts::new(store, oauth(&emu));
    let app = App::new(accounts.clone());
    let confirmations = app.confirmations().clone();
    let router = app.router();
    tokio::spawn(async move { axum::serve(listener, router).await });
    emu.install_app(CLIENT_ID, 1).await.unwrap();
    let member_id = emu.member_id();
    let client = accounts.client(&member_id).await.unwrap();
    client
        .call_raw(
            "event.bind",
            &json!({"event": "ONAPPMETHODCONFIRM", "handler": url}),
        )
        .await
        .unwrap();
    (emu, confirmations, client, member_id)
}

async fn decide_when_asked(emu: Emulator, confirmed: bool) {
    while emu.request_count(METHOD) == 0 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    if confirmed {
        assert_eq!(emu.confirm_method(METHOD), 1);
    } else {
        assert_eq!(emu.deny_method(METHOD), 1);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_confirmed_method_is_called_again_and_succeeds() {
    let (emu, confirmations, client, member_id) = setup().await;
    let decide = tokio::spawn(decide_when_asked(emu.clone(), true));
    let answer = confirmations
        .call(
            &client,
            &member_id,
            METHOD,
            &json!({"USER_ID": 1}),
            Duration::from_secs(10),
        )
        .await
        .unwrap();
    decide.await.unwrap();
    assert!(answer.result.is_array(), "{:?}", answer.result);
    assert_eq!(emu.request_count(METHOD), 2, "waiting, then the answer");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_denied_method_is_a_typed_error() {
    let (emu, confirmations, client, member_id) = setup().await;
    let decide = tokio::spawn(decide_when_asked(emu.clone(), false));
    let error = confirmations
        .call(
            &client,
            &member_id,
            METHOD,
            &json!({}),
            Duration::from_secs(10),
        )
        .await
        .unwrap_err();
    decide.await.unwrap();
    assert!(
        matches!(&error, Error::MethodConfirmDenied { method } if method == METHOD),
        "{error:?}"
    );
    // Asked again later: the portal answers METHOD_CONFIRM_DENIED at once.
    let again = confirmations
        .call(
            &client,
            &member_id,
            METHOD,
            &json!({}),
            Duration::from_secs(10),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(again, Error::MethodConfirmDenied { .. }),
        "{again:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_decision_is_a_typed_timeout() {
    let (_emu, confirmations, client, member_id) = setup().await;
    let error = confirmations
        .call(
            &client,
            &member_id,
            METHOD,
            &json!({}),
            Duration::from_millis(300),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::ConfirmationTimeout { .. }),
        "{error:?}"
    );
}
