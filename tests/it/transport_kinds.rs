//! Transport errors with kinds (issue 13, observation 8; issue 14, point 5): a refused
//! connection, a timeout and a reset are told apart, the cause stays in the error's source
//! chain (also behind an unknown outcome), a failed refresh names the call, and a
//! certificate the client does not trust fails at once, with the cause, in calls, batches
//! and streams.

use std::error::Error as _;
use std::time::{Duration, Instant};

use b24_core::schedule::RetryPolicy;
use b24_core::{
    Batch, Client, Error, OAuth, RefreshFuture, TokenSource, TransportError, TransportKind,
};
use b24_emulator::Emulator;
use b24_methods::profile::Profile;
use futures_util::StreamExt;
use secrecy::SecretString;
use serde_json::json;

use crate::support::{CannedServer, Reply, http_response, unpaced};

/// A client of `url` that tries once and waits at most 300 ms for an answer.
fn impatient(url: &str) -> Client {
    unpaced(url, |builder| {
        builder
            .retry(RetryPolicy::NEVER)
            .timeout(Duration::from_millis(300))
    })
}

/// The webhook URL of a closed port.
fn closed_port() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    format!("http://{addr}/rest/1/closedport/")
}

/// Every error in `error`'s source chain, as text.
fn chain(error: &(dyn std::error::Error + 'static)) -> Vec<String> {
    let mut texts = Vec::new();
    let mut next = Some(error);
    while let Some(cause) = next {
        texts.push(cause.to_string());
        next = cause.source();
    }
    texts
}

/// The transport failure in `error`'s source chain.
fn transport_in_chain<'a>(
    error: &'a (dyn std::error::Error + 'static),
) -> Option<&'a TransportError> {
    let mut next = Some(error);
    while let Some(cause) = next {
        if let Some(transport) = cause.downcast_ref::<TransportError>() {
            return Some(transport);
        }
        next = cause.source();
    }
    None
}

#[tokio::test]
async fn refused_timed_out_and_reset_calls_are_told_apart() {
    let silent = CannedServer::serve(|_, _| Reply::Silent).await;
    let closing = CannedServer::serve(|_, _| Reply::Close).await;
    let mut shown = Vec::new();
    for (url, kind, says) in [
        (closed_port(), TransportKind::Connect, "connection refused"),
        (
            silent.webhook_url(),
            TransportKind::Timeout,
            "timed out waiting for the answer",
        ),
        (
            closing.webhook_url(),
            TransportKind::Reset,
            "closed or reset before the answer",
        ),
    ] {
        let error = impatient(&url).call(&Profile).await.unwrap_err();
        let Error::Transport { source, .. } = &error else {
            panic!("expected a transport error, got {error:?}")
        };
        assert_eq!(source.kind(), kind, "{error}");
        assert!(error.to_string().contains(says), "{error}");
        assert!(
            source.source().is_some(),
            "the HTTP layer's error is kept: {error:?}"
        );
        assert!(chain(&error).len() >= 3, "{:?}", chain(&error));
        assert_eq!(error.is_connect(), kind == TransportKind::Connect);
        assert_eq!(error.is_timeout(), kind == TransportKind::Timeout);
        shown.push(error.to_string());
    }
    shown.sort();
    shown.dedup();
    assert_eq!(shown.len(), 3, "three different texts: {shown:?}");
}

#[tokio::test]
async fn an_unknown_outcome_keeps_its_cause() {
    let silent = CannedServer::serve(|_, _| Reply::Silent).await;
    let error = impatient(&silent.webhook_url())
        .call_raw("crm.deal.add", &json!({"fields": {"TITLE": "x"}}))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::UnknownOutcome { .. }), "{error:?}");
    assert!(error.is_timeout());
    let transport = transport_in_chain(&error).expect("the cause is in the source chain");
    assert!(
        transport.is_timeout() && transport.request_sent(),
        "{transport}"
    );
    assert!(error.transport().is_some_and(TransportError::is_timeout));
}

/// A token source whose refresh fails.
struct Broken;

impl TokenSource for Broken {
    fn access_token(&self) -> SecretString {
        SecretString::from(String::from("expiredtoken"))
    }

    fn refresh(&self) -> RefreshFuture<'_> {
        Box::pin(async {
            Err(Error::Config(String::from(
                "the authorization server refused the refresh token",
            )))
        })
    }
}

#[tokio::test]
async fn a_failed_refresh_names_the_call() {
    let expired = http_response(
        "401 Unauthorized",
        "application/json",
        r#"{"error":"expired_token","error_description":"The access token provided has expired."}"#,
    );
    let portal = CannedServer::start(vec![expired]).await;
    let client = Client::builder()
        .oauth(OAuth::new(&format!("http://{}", portal.addr), Broken).unwrap())
        .build()
        .unwrap();
    let error = client.call(&Profile).await.unwrap_err();
    let Error::TokenRefresh { method, source } = &error else {
        panic!("expected a refresh failure, got {error:?}")
    };
    assert_eq!(method, "profile");
    assert!(source.to_string().contains("refused the refresh token"));
    let shown = error.to_string();
    assert!(
        shown.starts_with("`profile`: the access token expired and refreshing it failed"),
        "{shown}"
    );
}

/// A client of the emulator's TLS listener that does not trust the emulator's CA.
fn distrustful(emulator: &Emulator) -> Client {
    unpaced(&emulator.https_webhook_url(), |builder| builder)
}

/// Asserts that `error` fails for the certificate, and says so in its source chain.
#[track_caller]
fn assert_certificate_refused(error: &Error) {
    let transport = error.transport().expect("the TLS failure is kept");
    assert_eq!(transport.kind(), TransportKind::Tls, "{error:?}");
    assert!(!transport.request_sent());
    let texts = chain(error).join(" / ");
    assert!(texts.contains("UnknownIssuer"), "{texts}");
}

#[tokio::test]
async fn an_untrusted_certificate_fails_at_once_with_the_cause() {
    let emulator = Emulator::start().await.unwrap();
    let client = distrustful(&emulator);

    let started = Instant::now();
    let error = client.call(&Profile).await.unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_certificate_refused(&error);
    assert!(!error.is_retryable(), "a certificate does not heal");

    let started = Instant::now();
    let mut batch = Batch::new();
    let added = batch
        .push_raw("crm.deal.add", json!({"fields": {"TITLE": "x"}}))
        .unwrap();
    let results = client.batch(&batch).await.unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    let error = results.get(&added).unwrap_err();
    assert!(matches!(error, Error::NotExecuted { .. }), "{error:?}");
    assert!(!results.was_executed(&added), "nothing was sent");
    assert_certificate_refused(&error);

    let started = Instant::now();
    let mut stream = client.stream_raw("crm.deal.list", &json!({})).unwrap();
    let error = stream.next().await.unwrap().unwrap_err();
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_certificate_refused(&error);
    assert!(stream.next().await.is_none());
    assert_eq!(emulator.total_requests(), 0, "no request got through");
}
