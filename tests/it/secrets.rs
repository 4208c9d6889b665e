//! Webhook codes and access tokens never show up in Debug, Display, errors or logs.

use std::io::Write;
use std::sync::{Arc, Mutex};

use b24_core::{Client, OAuth, Scope};
use b24_emulator::Emulator;
use b24_methods::crm::automatedsolution::add::{AutomatedSolutionAdd, NewAutomatedSolution};
use b24_methods::profile::Profile;

use crate::support::{CannedServer, http_response, webhook_url};

const CODE: &str = "s3cr3tw3bh00kc0de";

fn assert_hidden(text: &str, secret: &str) {
    assert!(!text.contains(secret), "secret leaked in: {text}");
}

#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn webhook_code_stays_out_of_debug_and_config_errors() {
    let client = Client::webhook(&format!("https://example.bitrix24.com/rest/1/{CODE}/")).unwrap();
    assert_hidden(&format!("{client:?}"), CODE);
    let error =
        Client::webhook(&format!("http://example.bitrix24.com/rest/1/{CODE}/")).unwrap_err();
    assert_hidden(&format!("{error} {error:?}"), CODE);
    let error =
        Client::webhook(&format!("https://example.bitrix24.com/rest/1/{CODE}/x/y")).unwrap_err();
    assert_hidden(&format!("{error} {error:?}"), CODE);
}

#[test]
fn access_token_stays_out_of_debug() {
    let oauth = OAuth::with_token("https://example.bitrix24.com", CODE).unwrap();
    assert_hidden(&format!("{oauth:?}"), CODE);
    let client = Client::builder().oauth(oauth).build().unwrap();
    assert_hidden(&format!("{client:?}"), CODE);
}

#[tokio::test]
async fn secrets_stay_out_of_errors_and_logs() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let emulator = Emulator::start().await.unwrap();
    let code = emulator.add_webhook(1, ["im"]);
    let token = emulator.issue_oauth_token(1, ["im"]);
    let mut texts = Vec::new();

    // An API error (wrong scope), through the webhook.
    let client = Client::webhook(&webhook_url(&emulator, 1, &code)).unwrap();
    let error = client
        .call(&AutomatedSolutionAdd::new(NewAutomatedSolution::new("x")))
        .await
        .unwrap_err();
    texts.push(format!("{error} {error:?} {client:?}"));
    // A pre-flight refusal.
    let checked = Client::builder()
        .webhook_url(&webhook_url(&emulator, 1, &code))
        .unwrap()
        .granted_scopes([Scope::Im])
        .build()
        .unwrap();
    let error = checked
        .call(&AutomatedSolutionAdd::new(NewAutomatedSolution::new("x")))
        .await
        .unwrap_err();
    texts.push(format!("{error} {error:?}"));
    // A transport error to a closed port and a decode error, both with the code in the URL.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let closed = listener.local_addr().unwrap();
    drop(listener);
    let error = Client::webhook(&format!("http://{closed}/rest/1/{code}/"))
        .unwrap()
        .call(&Profile)
        .await
        .unwrap_err();
    texts.push(format!("{error} {error:?}"));
    let server = CannedServer::start(vec![http_response(
        "200 OK",
        "application/json",
        "{\"result\":",
    )])
    .await;
    let error = Client::webhook(&format!("http://{}/rest/1/{code}/", server.addr))
        .unwrap()
        .call(&Profile)
        .await
        .unwrap_err();
    texts.push(format!("{error} {error:?}"));
    // An OAuth call with an expired token.
    emulator.expire_oauth_token(&token);
    let oauth = Client::builder()
        .oauth(OAuth::with_token(&emulator.portal_url(), token.clone()).unwrap())
        .build()
        .unwrap();
    let error = oauth.call(&Profile).await.unwrap_err();
    texts.push(format!("{error} {error:?} {oauth:?}"));

    drop(_guard);
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(logs.contains("b24.call"), "the calls were traced: {logs}");
    for text in texts.iter().chain([&logs]) {
        assert_hidden(text, &code);
        assert_hidden(text, &token);
    }
}
