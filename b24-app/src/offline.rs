//! Offline events (PROTOCOL §9): the portal queues changes for an application instead of
//! POSTing them, and the application fetches them. [`OfflineQueue`] is the consumer loop:
//!
//! 1. `event.offline.get` with `clear=0`: the portal marks the rows it returns with a new
//!    `process_id` and keeps them;
//! 2. the handler runs for each event;
//! 3. `event.offline.clear` with that `process_id` and the `message_id`s handled, and
//!    `event.offline.error` for the ones whose handler failed (kept, flagged, not fetched again
//!    by a plain get).
//!
//! Delivery is at least once: a consumer that dies between 1 and 3 leaves its rows marked with
//! its `process_id`. The next consumer of the account starts with [`OfflineQueue::recover`]
//! (done by the first [`OfflineQueue::poll`]): it finds the marked rows with
//! `event.offline.list` and fetches them again by their `process_id`. Handlers must therefore
//! tolerate an event twice; the portal keeps only the latest state per object anyway (1,000
//! changes of one deal are one row), so an event says "look at this object", not "this
//! changed". Run one consumer per account: a second one starting while the first works would
//! take over the first one's rows (still at least once, but twice as much work).
//!
//! The application's own writes should not come back to it: bind with a connector
//! ([`OfflineQueue::with_connector`], `auth_connector`) and send the writes with the same
//! connector ([`OfflineQueue::tag`]); the portal then queues nothing for them.

use std::future::Future;

use b24_core::Client;
use serde_json::{Value, json};

/// One queued change.
#[derive(Debug, Clone, PartialEq)]
pub struct OfflineEvent {
    /// Row ID (`ID`).
    pub id: String,
    /// Time of the latest change (`TIMESTAMP_X`, as sent).
    pub timestamp: String,
    /// Event name, upper case (`EVENT_NAME`).
    pub event: String,
    /// What it is about (`EVENT_DATA`, e.g. `{"FIELDS": {"ID": "6641"}}`).
    pub data: Value,
    /// The user who caused it (`EVENT_ADDITIONAL.user_id`), when sent.
    pub user_id: Option<String>,
    /// Identifies the object (and connector): the key to clear or flag the row by.
    pub message_id: String,
}

impl OfflineEvent {
    /// Reads one row of `event.offline.get`; `None` when it lacks `MESSAGE_ID` (it could
    /// never be cleared).
    fn from_row(row: &Value) -> Option<OfflineEvent> {
        let text = |key: &str| match row.get(key) {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        Some(OfflineEvent {
            id: text("ID").unwrap_or_default(),
            timestamp: text("TIMESTAMP_X").unwrap_or_default(),
            event: text("EVENT_NAME").unwrap_or_default(),
            data: row.get("EVENT_DATA").cloned().unwrap_or(Value::Null),
            user_id: row
                .get("EVENT_ADDITIONAL")
                .and_then(|a| a.get("user_id"))
                .and_then(|u| match u {
                    Value::String(s) => Some(s.clone()),
                    Value::Number(n) => Some(n.to_string()),
                    _ => None,
                }),
            message_id: text("MESSAGE_ID")?,
        })
    }
}

/// What one [`OfflineQueue::poll`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Polled {
    /// Events handled and cleared.
    pub handled: usize,
    /// Events whose handler failed, flagged with `event.offline.error`.
    pub failed: usize,
    /// Of these, events fetched again from a consumer that died before clearing them.
    pub recovered: usize,
}

impl Polled {
    fn add(&mut self, other: Polled) {
        self.handled += other.handled;
        self.failed += other.failed;
        self.recovered += other.recovered;
    }
}

/// The offline-event consumer of one account (see the [module](self)).
#[derive(Debug)]
pub struct OfflineQueue {
    client: Client,
    connector: Option<String>,
    limit: u32,
    recovered: std::sync::atomic::AtomicBool,
}

impl OfflineQueue {
    /// The queue of the account `client` calls as (an OAuth client of the application: the
    /// event methods refuse webhooks), 50 events per fetch, no connector.
    pub fn new(client: Client) -> OfflineQueue {
        OfflineQueue {
            client,
            connector: None,
            limit: 50,
            recovered: std::sync::atomic::AtomicBool::new(false),
        }
    }

    /// Binds and reads with `auth_connector = connector`: writes sent with the same connector
    /// ([`OfflineQueue::tag`]) are not queued for this consumer.
    pub fn with_connector(mut self, connector: impl Into<String>) -> OfflineQueue {
        self.connector = Some(connector.into());
        self
    }

    /// Events per fetch (1–1000; the portal's default is 50).
    pub fn with_limit(mut self, limit: u32) -> OfflineQueue {
        self.limit = limit.clamp(1, 1000);
        self
    }

    /// `params` with this consumer's `auth_connector` added: pass a write's parameters
    /// through it (`client.call_raw("crm.deal.update", &queue.tag(params))`) so that the
    /// portal does not queue its change for this consumer. Unchanged without a connector or
    /// when `params` is not an object.
    pub fn tag(&self, params: Value) -> Value {
        match (params, &self.connector) {
            (Value::Object(mut map), Some(connector)) => {
                map.insert("auth_connector".into(), Value::String(connector.clone()));
                Value::Object(map)
            }
            (params, _) => params,
        }
    }

    /// Binds `event` (e.g. `ONCRMDEALUPDATE`) as an offline event, with the connector.
    pub async fn bind(&self, event: &str) -> Result<(), b24_core::Error> {
        let params = self.tag(json!({ "event": event, "event_type": "offline" }));
        self.client.call_raw("event.bind", &params).await?;
        Ok(())
    }

    /// Fetches the events that consumers which died before clearing them left marked, and
    /// handles them like [`OfflineQueue::poll`] does. The first `poll` calls it.
    pub async fn recover<H, F, E>(&self, handler: &mut H) -> Result<Polled, b24_core::Error>
    where
        H: FnMut(OfflineEvent) -> F,
        F: Future<Output = Result<(), E>>,
        E: std::fmt::Display,
    {
        self.recovered
            .store(true, std::sync::atomic::Ordering::SeqCst);
        let mut polled = Polled::default();
        for process in self.orphaned_processes().await? {
            let (process, events) = self.fetch(Some(&process)).await?;
            let Some(process) = process else { continue };
            let mut done = self.handle(&process, events, handler).await?;
            done.recovered = done.handled + done.failed;
            polled.add(done);
        }
        Ok(polled)
    }

    /// One round: recovers left-over events the first time, then fetches up to the limit,
    /// handles each and clears (or flags) them. `Polled::default()` when the queue was empty.
    pub async fn poll<H, F, E>(&self, mut handler: H) -> Result<Polled, b24_core::Error>
    where
        H: FnMut(OfflineEvent) -> F,
        F: Future<Output = Result<(), E>>,
        E: std::fmt::Display,
    {
        let mut polled = Polled::default();
        if !self.recovered.load(std::sync::atomic::Ordering::SeqCst) {
            polled.add(self.recover(&mut handler).await?);
        }
        let (process, events) = self.fetch(None).await?;
        if let Some(process) = process {
            polled.add(self.handle(&process, events, &mut handler).await?);
        }
        Ok(polled)
    }

    /// Polls until a round finds the queue empty; the sum of the rounds.
    pub async fn drain<H, F, E>(&self, mut handler: H) -> Result<Polled, b24_core::Error>
    where
        H: FnMut(OfflineEvent) -> F,
        F: Future<Output = Result<(), E>>,
        E: std::fmt::Display,
    {
        let mut total = Polled::default();
        loop {
            let round = self.poll(&mut handler).await?;
            if round == Polled::default() {
                return Ok(total);
            }
            total.add(round);
        }
    }

    /// `event.offline.get` with `clear=0` (and `process_id` to fetch a process's rows again).
    async fn fetch(
        &self,
        process: Option<&str>,
    ) -> Result<(Option<String>, Vec<OfflineEvent>), b24_core::Error> {
        let mut params = json!({ "clear": 0, "limit": self.limit });
        if let Some(process) = process {
            params["process_id"] = Value::String(process.to_owned());
        }
        let answer = self
            .client
            .call_raw("event.offline.get", &self.tag(params))
            .await?
            .result;
        let process = match answer.get("process_id") {
            Some(Value::String(p)) if !p.is_empty() => Some(p.clone()),
            _ => None,
        };
        let events = answer
            .get("events")
            .and_then(Value::as_array)
            .map(|rows| rows.iter().filter_map(OfflineEvent::from_row).collect())
            .unwrap_or_default();
        Ok((process, events))
    }

    /// Runs the handler on each event, then clears the handled ones and flags the failed
    /// ones, by `message_id`.
    async fn handle<H, F, E>(
        &self,
        process: &str,
        events: Vec<OfflineEvent>,
        handler: &mut H,
    ) -> Result<Polled, b24_core::Error>
    where
        H: FnMut(OfflineEvent) -> F,
        F: Future<Output = Result<(), E>>,
        E: std::fmt::Display,
    {
        let (mut handled, mut failed) = (Vec::new(), Vec::new());
        for event in events {
            let message_id = event.message_id.clone();
            let name = event.event.clone();
            match handler(event).await {
                Ok(()) => handled.push(message_id),
                Err(error) => {
                    tracing::warn!(event = %name, %error, "offline event handler failed");
                    failed.push(message_id);
                }
            }
        }
        for (method, ids) in [
            ("event.offline.clear", &handled),
            ("event.offline.error", &failed),
        ] {
            if ids.is_empty() {
                continue;
            }
            let params = json!({ "process_id": process, "message_id": ids });
            self.client.call_raw(method, &self.tag(params)).await?;
        }
        Ok(Polled {
            handled: handled.len(),
            failed: failed.len(),
            recovered: 0,
        })
    }

    /// The `process_id`s of rows marked but neither cleared nor flagged, from
    /// `event.offline.list` (every page).
    async fn orphaned_processes(&self) -> Result<Vec<String>, b24_core::Error> {
        let mut processes: Vec<String> = Vec::new();
        let mut start = 0u64;
        loop {
            let page = self
                .client
                .call_raw("event.offline.list", &self.tag(json!({ "start": start })))
                .await?;
            for row in page.result.as_array().into_iter().flatten() {
                let field = |key: &str| row.get(key).and_then(Value::as_str).unwrap_or("");
                let process = field("PROCESS_ID");
                let flagged = matches!(field("ERROR"), "1" | "Y");
                if !process.is_empty() && !flagged && !processes.iter().any(|p| p == process) {
                    processes.push(process.to_owned());
                }
            }
            match page.next {
                Some(next) if next > start => start = next,
                _ => return Ok(processes),
            }
        }
    }
}
