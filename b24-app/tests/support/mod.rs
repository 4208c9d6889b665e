//! Helpers shared by the integration tests of b24-app.
#![allow(dead_code)]

use std::io::Write;
use std::sync::Arc;

use b24_app::{Account, AccountStatus, AppCredentials, OAuthClient, TokenPair};
use b24_emulator::{AppSettings, Emulator};
use secrecy::SecretString;

/// Client id and secret of the test application.
pub const CLIENT_ID: &str = "local.b24app.test";
pub const CLIENT_SECRET: &str = "test-secret";

/// Says that a test is skipped, past the harness's capture, or fails under `CI`.
pub fn skip(what: &str) {
    if std::env::var_os("CI").is_some() {
        panic!("{what} is required when CI is set");
    }
    let _ = writeln!(std::io::stderr(), "SKIPPED: {what} is not available");
}

/// The PostgreSQL URL of `.ci/postgres.sh`, or `None` (with a SKIPPED line; a failure under CI).
pub fn postgres_url() -> Option<String> {
    match std::env::var("B24_TEST_POSTGRES") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            skip("PostgreSQL (B24_TEST_POSTGRES; start one with `source .ci/postgres.sh`)");
            None
        }
    }
}

/// An emulator with the test application registered (no handler).
pub async fn emulator() -> Emulator {
    Emulator::builder()
        .app(AppSettings::new(
            CLIENT_ID,
            CLIENT_SECRET,
            ["crm", "placement", "user"],
        ))
        .start()
        .await
        .expect("emulator starts")
}

/// The OAuth client of the test application on `emulator`.
pub fn oauth(emulator: &Emulator) -> OAuthClient {
    OAuthClient::new(
        &emulator.base_url(),
        AppCredentials::new(CLIENT_ID, CLIENT_SECRET),
    )
    .expect("oauth client")
}

/// An account holding a fresh pair issued by `emulator`, its access token expired both on the
/// portal and by its stored expiry.
pub fn expired_account(emulator: &Emulator) -> Account {
    issued_account(emulator, true)
}

/// An account of a pair issued by `emulator`, its access token expired on the portal when
/// `expire`; its stored expiry says expired.
fn issued_account(emulator: &Emulator, expire: bool) -> Account {
    let answer = emulator
        .issue_app_tokens(CLIENT_ID, 1)
        .expect("app registered");
    let text = |k: &str| answer[k].as_str().unwrap().to_owned();
    if expire {
        assert!(emulator.expire_oauth_token(&text("access_token")));
    }
    Account {
        member_id: text("member_id"),
        domain: text("domain"),
        client_endpoint: text("client_endpoint"),
        user_id: Some(1),
        scopes: vec!["crm".into(), "placement".into(), "user".into()],
        tokens: TokenPair::new(&text("access_token"), &text("refresh_token"), 1),
        application_token: SecretString::from(emulator.application_token()),
        status: AccountStatus::Active,
    }
}

/// An account holding a fresh pair issued by `emulator` (valid for the next hour).
pub fn fresh_account(emulator: &Emulator) -> Account {
    let mut account = issued_account(emulator, false);
    account.tokens.expires_at = i64::MAX / 2;
    account
}

/// `Arc` of a store.
pub fn shared<S: b24_app::TokenStore>(store: S) -> Arc<dyn b24_app::TokenStore> {
    Arc::new(store)
}

/// Serves `router` on a free loopback port; answers `http://127.0.0.1:PORT`.
pub async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    url
}

/// A plain HTTP client.
pub fn http() -> reqwest::Client {
    b24_core::install_crypto_provider();
    reqwest::Client::new()
}

/// POSTs a form body; answers the status.
pub async fn post_form(url: &str, body: &str) -> u16 {
    http()
        .post(url)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body.to_owned())
        .send()
        .await
        .unwrap()
        .status()
        .as_u16()
}
