//! The axum integration: an application is a router plus a few handler functions.
//!
//! ```no_run
//! # async fn demo(accounts: b24_app::Accounts) {
//! let router = b24_app::server::App::new(accounts)
//!     .on_install(|delivery| async move {
//!         println!("installed on {}", delivery.account.member_id);
//!     })
//!     .on_event("ONCRMDEALADD", |delivery| async move {
//!         if let Ok(client) = delivery.client().await {
//!             let _ = client.call_raw("crm.deal.get", &delivery.event.data["FIELDS"]).await;
//!         }
//!     })
//!     .router();
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await.unwrap();
//! axum::serve(listener, router).await.unwrap();
//! # }
//! ```
//!
//! Routes: `POST /events` (the handler URL of every event, installs and uninstalls included)
//! and `POST /placement` (placement frames and the install frame of an application with a UI).
//! Events are verified ([`crate::verify`]), answered at once (`200`; `403` forged, `400`
//! malformed, `503` store or OAuth server down) and handled after the answer on a task of
//! their own; a redelivery is answered `200` and not handled again. A placement handler's
//! answer is the frame's page.

use std::collections::HashMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;

use crate::account::Account;
use crate::accounts::Accounts;
use crate::confirm::Confirmations;
use crate::error::Error;
use crate::inbound::{self, Event, EventKind, Placement};
use crate::verify::{Rejection, Verifier};

type Boxed<T> = Pin<Box<dyn Future<Output = T> + Send>>;
type EventHandler = Arc<dyn Fn(Delivery) -> Boxed<()> + Send + Sync>;
type PlacementHandler = Arc<dyn Fn(Frame) -> Boxed<Response> + Send + Sync>;

/// A verified event and its account.
#[derive(Debug, Clone)]
pub struct Delivery {
    /// The event.
    pub event: Event,
    /// The account, as stored after verification.
    pub account: Account,
    /// The application's accounts (for clients of other portals).
    pub accounts: Accounts,
}

impl Delivery {
    /// A client of the event's portal.
    pub async fn client(&self) -> Result<b24_core::Client, Error> {
        self.accounts.client(&self.account.member_id).await
    }
}

/// A verified placement frame and its account.
#[derive(Debug, Clone)]
pub struct Frame {
    /// The placement.
    pub placement: Placement,
    /// The account.
    pub account: Account,
    /// The application's accounts.
    pub accounts: Accounts,
}

impl Frame {
    /// A client of the frame's portal.
    pub async fn client(&self) -> Result<b24_core::Client, Error> {
        self.accounts.client(&self.account.member_id).await
    }
}

/// An application: its accounts and its handlers.
#[derive(Clone)]
pub struct App {
    verifier: Verifier,
    confirmations: Confirmations,
    handlers: HashMap<String, EventHandler>,
    placement: Option<PlacementHandler>,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App")
            .field("events", &self.handlers.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl App {
    /// An application over `accounts`, with no handlers yet.
    pub fn new(accounts: Accounts) -> App {
        App {
            verifier: Verifier::new(accounts),
            confirmations: Confirmations::new(),
            handlers: HashMap::new(),
            placement: None,
        }
    }

    /// Handles `event` (upper-cased name, e.g. `ONCRMDEALADD`; `*` for any event without a
    /// handler of its own).
    pub fn on_event<F, Fut>(mut self, event: &str, handler: F) -> App
    where
        F: Fn(Delivery) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let handler: EventHandler = Arc::new(move |d| Box::pin(handler(d)));
        self.handlers.insert(event.to_ascii_uppercase(), handler);
        self
    }

    /// Handles `ONAPPINSTALL`, after the account is verified and stored.
    pub fn on_install<F, Fut>(self, handler: F) -> App
    where
        F: Fn(Delivery) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.on_event("ONAPPINSTALL", handler)
    }

    /// Handles `ONAPPUNINSTALL`, after the account is marked uninstalled.
    pub fn on_uninstall<F, Fut>(self, handler: F) -> App
    where
        F: Fn(Delivery) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        self.on_event("ONAPPUNINSTALL", handler)
    }

    /// Answers placement frames (the answer is the frame's page).
    pub fn on_placement<F, Fut, R>(mut self, handler: F) -> App
    where
        F: Fn(Frame) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = R> + Send + 'static,
        R: IntoResponse + 'static,
    {
        let handler = Arc::new(handler);
        self.placement = Some(Arc::new(move |frame| {
            let handler = Arc::clone(&handler);
            Box::pin(async move { handler(frame).await.into_response() })
        }));
        self
    }

    /// The calls waiting for method confirmation; verified `ONAPPMETHODCONFIRM` events decide
    /// them.
    pub fn confirmations(&self) -> &Confirmations {
        &self.confirmations
    }

    /// The verifier (for handlers of other frameworks).
    pub fn verifier(&self) -> &Verifier {
        &self.verifier
    }

    /// The router: `POST /events`, `POST /placement`.
    pub fn router(self) -> Router {
        Router::new()
            .route("/events", post(events))
            .route("/placement", post(placement))
            .with_state(Arc::new(self))
    }

    /// Verifies an event body; `Ok(None)` for a redelivery.
    pub async fn accept_event(&self, body: &[u8]) -> Result<Option<Delivery>, Rejection> {
        let event = inbound::parse_event(body)?;
        let account = match event.kind {
            EventKind::Install => Some(self.verifier.install(&event).await?),
            _ => self.verifier.event(&event).await?,
        };
        Ok(account.map(|account| Delivery {
            event,
            account,
            accounts: self.verifier.accounts().clone(),
        }))
    }
}

fn refused(rejection: &Rejection) -> Response {
    tracing::warn!(%rejection, "inbound request refused");
    let status = StatusCode::from_u16(rejection.status()).unwrap_or(StatusCode::FORBIDDEN);
    (status, rejection.to_string()).into_response()
}

async fn events(State(app): State<Arc<App>>, body: Bytes) -> Response {
    match app.accept_event(&body).await {
        Ok(Some(delivery)) => {
            if let Some(decision) = delivery.event.method_confirmation() {
                app.confirmations.decide(
                    &delivery.account.member_id,
                    &decision.method,
                    decision.confirmed,
                );
            }
            let handler = app
                .handlers
                .get(&delivery.event.name)
                .or_else(|| app.handlers.get("*"))
                .cloned();
            if let Some(handler) = handler {
                // Answer first; the work happens after.
                tokio::spawn(handler(delivery));
            }
            (StatusCode::OK, "OK").into_response()
        }
        Ok(None) => (StatusCode::OK, "OK (already handled)").into_response(),
        Err(rejection) => refused(&rejection),
    }
}

async fn placement(
    State(app): State<Arc<App>>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let placement = match inbound::parse_placement(query.as_deref().unwrap_or(""), &body) {
        Ok(p) => p,
        Err(error) => return refused(&Rejection::Malformed(error)),
    };
    let account = match app.verifier.placement(&placement).await {
        Ok(account) => account,
        Err(rejection) => return refused(&rejection),
    };
    let frame = Frame {
        placement,
        account,
        accounts: app.verifier.accounts().clone(),
    };
    match &app.placement {
        Some(handler) => handler(frame).await,
        None => (StatusCode::OK, "").into_response(),
    }
}
