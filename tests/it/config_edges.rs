//! Configuration edges (issue 13, observation 10): values that could only fail later, on the
//! wire, are refused when the client is built, with a clear message and no secret in it.

use std::time::Duration;

use b24_core::{Client, Error, OAuth};

const PORTAL: &str = "https://example.bitrix24.com";

#[track_caller]
fn config_message(result: Result<Client, Error>) -> String {
    match result {
        Err(Error::Config(message)) => message,
        other => panic!("expected a configuration error, got {other:?}"),
    }
}

#[test]
fn an_overlong_webhook_code_is_refused_at_build_time() {
    let code = "c".repeat(64 * 1024);
    let message = config_message(Client::webhook(&format!("{PORTAL}/rest/1/{code}/")));
    assert!(message.contains("webhook code"), "{message}");
    assert!(
        !message.contains("cccc"),
        "the code is not repeated: {message}"
    );
}

#[test]
fn tokens_that_are_not_header_values_are_refused_at_build_time() {
    for token in ["t0ken\r\nX-Injected: 1", "t0ken\nmore", "t0k\u{0}en"] {
        let oauth = OAuth::with_token(PORTAL, token).unwrap();
        let message = config_message(Client::builder().oauth(oauth).build());
        assert!(
            message.contains("not a valid HTTP header value"),
            "{message}"
        );
        assert!(
            !message.contains("t0k"),
            "the token is not repeated: {message}"
        );
    }
    let message = match b24_core::r7::Client::builder()
        .portal(PORTAL)
        .token("r7\r\ntoken")
        .build()
    {
        Err(b24_core::r7::Error::Config(message)) => message,
        other => panic!("expected a configuration error, got {other:?}"),
    };
    assert!(
        message.contains("not a valid HTTP header value"),
        "{message}"
    );
}

#[test]
fn zero_timeouts_and_deadlines_are_refused() {
    let builder = || {
        Client::builder()
            .webhook_url(&format!("{PORTAL}/rest/1/abc/"))
            .unwrap()
    };
    let message = config_message(builder().timeout(Duration::ZERO).build());
    assert!(
        message.contains("timeout must be longer than zero"),
        "{message}"
    );
    let message = config_message(builder().deadline(Duration::ZERO).build());
    assert!(
        message.contains("deadline must be longer than zero"),
        "{message}"
    );
    assert!(builder().timeout(Duration::from_millis(1)).build().is_ok());

    let r7 = b24_core::r7::Client::builder()
        .portal(PORTAL)
        .credentials("admin", "secret")
        .timeout(Duration::ZERO)
        .build();
    assert!(
        matches!(&r7, Err(b24_core::r7::Error::Config(message)) if message.contains("timeout")),
        "{r7:?}"
    );
}
