//! Method confirmation (PROTOCOL §4.3): some methods answer `METHOD_CONFIRM_WAITING` until an
//! administrator allows or denies them for the token; the decision arrives as the event
//! `ONAPPMETHODCONFIRM`. [`Confirmations::call`] sends a call and, when it is waiting, waits
//! (bounded) for the decision that the application's event handler passes to
//! [`Confirmations::decide`] — [`crate::server::App`] does that for verified events:
//! confirmed → the call is sent again and its answer returned; denied →
//! [`Error::MethodConfirmDenied`]; no decision in time → [`Error::ConfirmationTimeout`].
//!
//! Waiters live in the process that serves the events; bind `ONAPPMETHODCONFIRM` to its
//! handler URL.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use b24_core::{Client, Envelope, ErrorCode};
use serde_json::Value;
use tokio::sync::oneshot;

use crate::error::Error;

type Key = (String, String);

/// Calls waiting for an administrator's decision, by portal and method.
#[derive(Debug, Clone, Default)]
pub struct Confirmations {
    waiting: Arc<Mutex<HashMap<Key, Vec<oneshot::Sender<bool>>>>>,
}

fn key(member_id: &str, method: &str) -> Key {
    (member_id.to_owned(), method.to_ascii_lowercase())
}

fn is(error: &b24_core::Error, code: &ErrorCode) -> bool {
    error.code() == Some(code)
}

impl Confirmations {
    /// No waiters yet.
    pub fn new() -> Confirmations {
        Confirmations::default()
    }

    /// The administrator decided on `method` for the portal: wakes every call waiting for it.
    /// Returns how many were waiting.
    pub fn decide(&self, member_id: &str, method: &str, confirmed: bool) -> usize {
        let waiters = self
            .waiting
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(&key(member_id, method))
            .unwrap_or_default();
        let n = waiters.len();
        for waiter in waiters {
            let _ = waiter.send(confirmed);
        }
        n
    }

    fn wait_for(&self, member_id: &str, method: &str) -> oneshot::Receiver<bool> {
        let (tx, rx) = oneshot::channel();
        self.waiting
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .entry(key(member_id, method))
            .or_default()
            .push(tx);
        rx
    }

    /// Calls `method` on the portal of `member_id`; while it waits for confirmation, waits at
    /// most `timeout` for the decision.
    pub async fn call(
        &self,
        client: &Client,
        member_id: &str,
        method: &str,
        params: &Value,
        timeout: Duration,
    ) -> Result<Envelope<Value>, Error> {
        // Listen before calling, so that a decision arriving right after the answer is seen.
        let decision = self.wait_for(member_id, method);
        let error = match client.call_raw(method, params).await {
            Ok(envelope) => return Ok(envelope),
            Err(error) if is(&error, &ErrorCode::MethodConfirmWaiting) => error,
            Err(error) if is(&error, &ErrorCode::MethodConfirmDenied) => {
                return Err(Error::MethodConfirmDenied {
                    method: method.to_owned(),
                });
            }
            Err(error) => return Err(error.into()),
        };
        tracing::debug!(%error, method, "waiting for the administrator's decision");
        match tokio::time::timeout(timeout, decision).await {
            Ok(Ok(true)) => Ok(client.call_raw(method, params).await?),
            Ok(Ok(false)) => Err(Error::MethodConfirmDenied {
                method: method.to_owned(),
            }),
            Ok(Err(_)) | Err(_) => Err(Error::ConfirmationTimeout {
                method: method.to_owned(),
                waited: timeout,
            }),
        }
    }
}
