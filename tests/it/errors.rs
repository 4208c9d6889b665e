//! Typed errors for every way a call can fail, on the wire as the portal sends them.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use b24_core::{Client, Error, ErrorCode, OAuth, RawCode, RefreshFuture, TokenSource};
use b24_emulator::Emulator;
use b24_methods::crm::automatedsolution::list::AutomatedSolutionList;
use b24_methods::profile::Profile;
use secrecy::SecretString;
use serde_json::json;

use crate::support::{
    CannedServer, assert_api_error, http_response, portal, retrying_once, webhook_url,
};

#[tokio::test]
async fn unknown_method_is_reported_before_authentication() {
    let emulator = Emulator::start().await.unwrap();
    let client = Client::webhook(&webhook_url(&emulator, 1, "wrongcode")).unwrap();
    let result = client
        .call_raw("crm.automatedsolution.lsit", &json!({}))
        .await;
    assert_api_error(result, ErrorCode::ErrorMethodNotFound, 404);
    let result = client.call(&Profile).await;
    assert_api_error(result, ErrorCode::InvalidCredentials, 403);
}

#[tokio::test]
async fn unknown_oauth_token_is_no_auth_found() {
    let emulator = Emulator::start().await.unwrap();
    let client = Client::builder()
        .oauth(OAuth::with_token(&emulator.portal_url(), "notatoken").unwrap())
        .build()
        .unwrap();
    assert_api_error(client.call(&Profile).await, ErrorCode::NoAuthFound, 401);
}

#[tokio::test]
async fn missing_scope_is_insufficient_scope_from_the_server() {
    let emulator = Emulator::start().await.unwrap();
    let code = emulator.add_webhook(1, ["im"]);
    let client = Client::webhook(&webhook_url(&emulator, 1, &code)).unwrap();
    assert_api_error(
        client.call(&AutomatedSolutionList::new()).await,
        ErrorCode::InsufficientScope,
        403,
    );
    assert!(
        client.call(&Profile).await.is_ok(),
        "global methods need no scope"
    );
}

#[tokio::test]
async fn expired_token_without_refresh_is_a_typed_error() {
    let emulator = Emulator::start().await.unwrap();
    let token = emulator.issue_oauth_token(1, ["crm"]);
    emulator.expire_oauth_token(&token);
    let client = Client::builder()
        .oauth(OAuth::with_token(&emulator.portal_url(), token).unwrap())
        .build()
        .unwrap();
    let error = client.call(&Profile).await.unwrap_err();
    assert_eq!(error.code(), Some(&ErrorCode::ExpiredToken));
    assert!(!error.is_retryable());
}

/// A token source that gets a fresh token from the emulator when asked to refresh.
struct Rotating {
    emulator: Emulator,
    current: std::sync::Mutex<String>,
    refreshes: AtomicUsize,
}

impl TokenSource for Rotating {
    fn access_token(&self) -> SecretString {
        SecretString::from(self.current.lock().unwrap().clone())
    }

    fn refresh(&self) -> RefreshFuture<'_> {
        Box::pin(async {
            self.refreshes.fetch_add(1, Ordering::SeqCst);
            *self.current.lock().unwrap() = self.emulator.issue_oauth_token(1, ["crm"]);
            Ok(true)
        })
    }
}

#[tokio::test]
async fn expired_token_is_refreshed_once_and_the_call_repeated() {
    let emulator = Emulator::start().await.unwrap();
    let stale = emulator.issue_oauth_token(1, ["crm"]);
    emulator.expire_oauth_token(&stale);
    let source = Arc::new(Rotating {
        emulator: emulator.clone(),
        current: std::sync::Mutex::new(stale),
        refreshes: AtomicUsize::new(0),
    });
    struct Shared(Arc<Rotating>);
    impl TokenSource for Shared {
        fn access_token(&self) -> SecretString {
            self.0.access_token()
        }
        fn refresh(&self) -> RefreshFuture<'_> {
            self.0.refresh()
        }
    }
    let client = Client::builder()
        .oauth(OAuth::new(&emulator.portal_url(), Shared(source.clone())).unwrap())
        .build()
        .unwrap();
    let profile = client.call(&Profile).await.unwrap();
    assert_eq!(profile.id, b24_core::Id(1));
    assert_eq!(source.refreshes.load(Ordering::SeqCst), 1);
    assert_eq!(emulator.request_count("profile"), 2);
}

#[tokio::test]
async fn html_error_page_keeps_status_and_body() {
    let page = "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>";
    let server =
        CannedServer::start(vec![http_response("502 Bad Gateway", "text/html", page)]).await;
    let client = retrying_once(&server.webhook_url());
    let error = client.call(&Profile).await.unwrap_err();
    assert!(error.is_retryable(), "a 5xx without a code may pass");
    let Error::Api(api) = error else {
        panic!("expected an API error")
    };
    assert_eq!(api.status, 502);
    assert_eq!(api.code, ErrorCode::Other(RawCode::Absent));
    assert_eq!(api.raw_body.as_deref(), Some(page));
}

/// The error of `profile` when every answer is a 200 with `body`.
async fn profile_failing_with(body: &str) -> Error {
    let server = CannedServer::start(vec![http_response("200 OK", "application/json", body)]).await;
    retrying_once(&server.webhook_url())
        .call(&Profile)
        .await
        .unwrap_err()
}

#[tokio::test]
async fn truncated_json_is_a_malformed_answer_naming_the_method() {
    let error = profile_failing_with(r#"{"result":{"ID":"1","ADMIN":tr"#).await;
    let Error::MalformedAnswer { method, .. } = &error else {
        panic!("expected a malformed-answer error, got {error:?}")
    };
    assert_eq!(method, "profile");
}

#[tokio::test]
async fn wrong_types_name_the_json_path() {
    let body = r#"{"result":{"ID":"1","ADMIN":"maybe","NAME":"A"},"time":{"start":1}}"#;
    let error = profile_failing_with(body).await;
    let Error::Decode { path, .. } = &error else {
        panic!("expected a decode error, got {error:?}")
    };
    assert_eq!(path, "result.ADMIN");
}

#[tokio::test]
async fn oversized_answers_are_refused() {
    let body = format!(r#"{{"result":"{}"}}"#, "x".repeat(10_000));
    let server =
        CannedServer::start(vec![http_response("200 OK", "application/json", &body)]).await;
    let client = Client::builder()
        .webhook_url(&server.webhook_url())
        .unwrap()
        .max_response_bytes(4096)
        .build()
        .unwrap();
    let error = client.call(&Profile).await.unwrap_err();
    assert!(
        matches!(error, Error::ResponseTooLarge { limit: 4096, .. }),
        "{error:?}"
    );
}

#[tokio::test]
async fn a_portal_moved_to_another_origin_is_reported_with_its_new_address() {
    let (emulator, _) = portal().await;
    let target = format!("{}crm.automatedsolution.add", emulator.webhook_url());
    let moved = format!(
        "HTTP/1.1 302 Found\r\nlocation: {target}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
    );
    let server = CannedServer::start(vec![moved]).await;
    let client = Client::webhook(&server.webhook_url()).unwrap();
    let error = client
        .call_raw(
            "crm.automatedsolution.add",
            &json!({"fields": {"title": "Moved"}}),
        )
        .await
        .unwrap_err();
    let Error::PortalMoved { location, .. } = &error else {
        panic!("expected a portal-moved error, got {error:?}")
    };
    assert_eq!(location, &target, "the caller learns the new address");
    assert_eq!(server.hits.load(Ordering::SeqCst), 1);
    assert_eq!(
        emulator.request_count("crm.automatedsolution.add"),
        0,
        "nothing is sent to another origin"
    );
}

#[tokio::test]
async fn connection_refused_is_a_retryable_transport_error() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let client = retrying_once(&format!("http://{addr}/rest/1/closedport/"));
    let error = client.call(&Profile).await.unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert!(error.is_retryable());
}

#[test]
fn remote_portals_need_https() {
    let error = Client::webhook("http://example.bitrix24.com/rest/1/abc/").unwrap_err();
    assert!(matches!(error, Error::Config(_)));
    assert!(Client::webhook("https://example.bitrix24.com/rest/1/abc/").is_ok());
}
