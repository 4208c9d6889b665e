//! b24 next to the program's own reqwest. b24 turns on reqwest's rustls without a crypto
//! provider, and cargo's feature unification turns it on in the program's reqwest as well: a
//! plain `reqwest::Client::new()` must still work once a b24 client exists.

use b24_core::Client;
use b24_emulator::Emulator;
use b24_methods::server::time::ServerTime;

/// Reads `server.time` with a plain reqwest client; returns the `result`.
async fn server_time(http: &reqwest::Client, webhook_url: &str) -> serde_json::Value {
    let answer = http
        .post(format!("{webhook_url}server.time"))
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .expect("the program's own client sends");
    assert_eq!(answer.status(), 200);
    let body: serde_json::Value =
        serde_json::from_str(&answer.text().await.unwrap()).expect("a JSON envelope");
    body["result"].clone()
}

#[tokio::test]
async fn a_plain_reqwest_client_works_next_to_a_b24_client() {
    let emulator = Emulator::builder()
        .start()
        .await
        .expect("the emulator starts on loopback");

    // b24 over TLS, with its own rustls configuration trusting the emulator's CA.
    let b24 = Client::builder()
        .webhook_url(&emulator.https_webhook_url())
        .unwrap()
        .add_root_certificate_pem(emulator.ca_cert_pem().as_bytes())
        .build()
        .unwrap();
    let time = b24.call(&ServerTime).await.expect("b24 calls over TLS");
    assert!(time.len() >= 25 && time.as_bytes()[10] == b'T', "{time}");

    // The program's own client, built as reqwest's documentation shows: plain http.
    let plain = reqwest::Client::new();
    assert!(
        server_time(&plain, &emulator.webhook_url())
            .await
            .is_string()
    );

    // And over TLS, on the crypto provider in place.
    let ca = reqwest::Certificate::from_pem(emulator.ca_cert_pem().as_bytes()).unwrap();
    let tls = reqwest::Client::builder()
        .tls_certs_only([ca])
        .build()
        .expect("the program's own TLS client builds");
    assert!(
        server_time(&tls, &emulator.https_webhook_url())
            .await
            .is_string()
    );

    // b24 still works after the program's clients were built.
    assert!(!b24.call(&ServerTime).await.unwrap().is_empty());
}
