//! The overall deadline of a call (issue 13, observation 5a): retries, waits and each
//! exchange together stay within it; a trickling server cannot hold a call for minutes.

use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use b24_core::{Client, Error, ErrorCode};
use b24_methods::profile::Profile;
use serde_json::json;

use crate::support::{CannedServer, Reply, http_response, unpaced};

/// Far more than any of these calls may take; on expiry the test fails instead of hanging.
const PATIENCE: Duration = Duration::from_secs(30);

/// A server whose answer arrives one byte every 100 ms (minutes for the whole answer).
async fn trickling() -> CannedServer {
    let body = format!(r#"{{"result":"{}"}}"#, "x".repeat(4000));
    let answer = http_response("200 OK", "application/json", &body);
    CannedServer::serve(move |_, _| Reply::Trickle(answer.clone(), Duration::from_millis(100)))
        .await
}

/// A client of `server` whose calls must be over within `deadline`; the timeout of one
/// exchange stays at its default (75 s).
fn client_with_deadline(server: &CannedServer, deadline: Duration) -> Client {
    unpaced(&server.webhook_url(), |builder| builder.deadline(deadline))
}

/// The error `call` ends with, failing the test when it is still running after a while.
async fn error_of<T: std::fmt::Debug>(call: impl Future<Output = Result<T, Error>>) -> Error {
    tokio::time::timeout(PATIENCE, call)
        .await
        .expect("the call ends at its deadline")
        .unwrap_err()
}

#[tokio::test]
async fn a_trickling_server_cannot_hold_a_read_past_its_deadline() {
    let server = trickling().await;
    let client = client_with_deadline(&server, Duration::from_secs(1));
    let started = Instant::now();
    let error = error_of(client.call(&Profile)).await;
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
    let Error::Deadline { method, limit, .. } = &error else {
        panic!("expected a deadline error, got {error:?}")
    };
    assert_eq!(
        (method.as_str(), *limit),
        ("profile", Duration::from_secs(1))
    );
    assert!(error.is_timeout());
    let last = error.cause().expect("the last attempt's failure is kept");
    assert!(last.transport().is_some_and(|t| t.is_timeout()), "{last:?}");
}

#[tokio::test]
async fn a_write_cut_by_its_deadline_is_an_unknown_outcome() {
    let server = trickling().await;
    let client = client_with_deadline(&server, Duration::from_millis(800));
    let error =
        error_of(client.call_raw("crm.deal.add", &json!({"fields": {"TITLE": "slow"}}))).await;
    let Error::UnknownOutcome { reason, .. } = &error else {
        panic!("expected an unknown outcome, got {error:?}")
    };
    assert!(
        matches!(reason.error(), Error::Deadline { .. }),
        "{reason:?}"
    );
    assert!(error.is_timeout());
    assert_eq!(
        server.hits.load(Ordering::SeqCst),
        1,
        "a write is sent once"
    );
}

#[tokio::test]
async fn retries_stop_at_the_deadline() {
    let refused = http_response(
        "503 Service Unavailable",
        "application/json",
        r#"{"error":"QUERY_LIMIT_EXCEEDED","error_description":"Too many requests"}"#,
    );
    let server = CannedServer::start(vec![refused]).await;
    let client = client_with_deadline(&server, Duration::from_secs(1));
    let started = Instant::now();
    let error = error_of(client.call(&Profile)).await;
    // The default policy backs off 0.25, 0.5, 1, 2 ... s over 8 attempts (32 s in all).
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    assert!(matches!(error, Error::Deadline { .. }), "{error:?}");
    assert_eq!(
        error.cause().and_then(Error::code),
        Some(&ErrorCode::QueryLimitExceeded)
    );
    assert!(server.hits.load(Ordering::SeqCst) <= 3);
}
