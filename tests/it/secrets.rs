//! Webhook codes and access tokens never show up in Debug or configuration errors (the logs:
//! `tests/logs/main.rs`).

use b24_core::{Client, OAuth};

const CODE: &str = "s3cr3tw3bh00kc0de";

fn assert_hidden(text: &str, secret: &str) {
    assert!(!text.contains(secret), "secret leaked in: {text}");
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
