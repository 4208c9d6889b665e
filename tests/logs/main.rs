//! Webhook codes and access tokens never show up in errors or in what the runtime logs.
//!
//! A binary of its own: it installs a tracing subscriber, and tracing's callsite registry is
//! process-wide — a callsite first reached by another test's thread while this one installs
//! its subscriber can be cached as uninteresting, and the log would miss the calls.

use std::io::Write;
use std::sync::{Arc, Mutex};

use b24_core::{Client, OAuth, Scope};
use b24_emulator::Emulator;
use b24_methods::crm::automatedsolution::add::{AutomatedSolutionAdd, NewAutomatedSolution};
use b24_methods::profile::Profile;

// The shared helpers of the main integration binary; this binary uses a few of them.
#[allow(dead_code)]
#[path = "../it/support.rs"]
mod support;

use support::{CannedServer, http_response, retrying_once, webhook_url};

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
    let error = retrying_once(&format!("http://{closed}/rest/1/{code}/"))
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
    let error = retrying_once(&format!("http://{}/rest/1/{code}/", server.addr))
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
