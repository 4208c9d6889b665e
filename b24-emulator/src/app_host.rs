//! The portal as the host of registered applications (PROTOCOL §8–§9): installation (the
//! `ONAPPINSTALL` POST to the handler with `refresh_token` and `application_token`; for
//! applications with a UI first the install frame, then `installFinish`), `ONAPPUPDATE`,
//! `ONAPPUNINSTALL` (no tokens), and placement frames (`AUTH_ID`, `REFRESH_ID`, … in the body;
//! `DOMAIN`, `PROTOCOL`, `LANG`, `APP_SID` in the query).
//!
//! Control routes (JSON in, JSON out):
//!
//! | route | body | effect |
//! |---|---|---|
//! | `POST /_emulator/app` | `{"client_id", "client_secret", "scopes", "handler", "ui"}` | register an application |
//! | `POST /_emulator/app/install` | `{"client_id", "user_id"}` | install; → `{"handler_status"}` |
//! | `POST /_emulator/app/install_finish` | `{"client_id"}` | `installFinish` of an app with a UI |
//! | `POST /_emulator/app/update` | `{"client_id"}` | new version, `ONAPPUPDATE` |
//! | `POST /_emulator/app/uninstall` | `{"client_id", "clean"}` | `ONAPPUNINSTALL`, tokens revoked |
//! | `POST /_emulator/app/placement` | `{"client_id", "placement", "user_id", "options"}` | a user opens a placement |
//! | `GET`/`POST /_emulator/oauth` | `{"delay_ms"}` | read / slow down the token endpoint |
//!
//! Every delivery is awaited and the handler's HTTP status returned (`null` when it could not
//! be reached), so tests know the application has seen it.

use std::sync::Arc;

use axum::Json;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use serde_json::{Value as Json_, json};

use crate::Emulator;
use crate::config::AppSettings;
use crate::delivery;
use crate::oauth;
use crate::params;
use crate::state::{Shared, random_code};
use crate::store::apps::{App, Pair};
use crate::value::Value;

/// Why an application action was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostError {
    /// No application with that `client_id`.
    UnknownApp,
    /// The application has no handler URL (or placement handler) to deliver to.
    NoHandler,
    /// The action needs an installed application.
    NotInstalled,
}

impl std::fmt::Display for HostError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            HostError::UnknownApp => "no application with that client_id",
            HostError::NoHandler => "the application has no handler for this",
            HostError::NotInstalled => "the application is not installed",
        })
    }
}

impl std::error::Error for HostError {}

/// A POST to send to an application: URL (with query) and form body.
#[derive(Debug, Clone)]
struct Outgoing {
    url: String,
    body: String,
}

impl Outgoing {
    async fn send(self) -> Option<u16> {
        delivery::post(&self.url, &self.body).await.ok()
    }
}

fn s(text: impl Into<String>) -> Value {
    Value::from(text.into())
}

/// The `auth` block of an application event, keys in the documented order.
fn auth_block(shared: &Shared, app: &App, pair: Option<&Pair>) -> Value {
    let mut auth = vec![("domain", s(oauth::domain(shared)))];
    if let Some(pair) = pair {
        auth.push(("scope", s(pair.scopes.join(","))));
        auth.push(("access_token", s(&pair.access_token)));
        auth.push(("refresh_token", s(&pair.refresh_token)));
        auth.push(("expires_in", s("3600")));
    }
    auth.push(("server_endpoint", s(oauth::rest_endpoint(shared))));
    if pair.is_some() {
        auth.push(("status", s("L")));
    }
    auth.push(("client_endpoint", s(oauth::rest_endpoint(shared))));
    auth.push(("member_id", s(&shared.member_id)));
    auth.push(("application_token", s(&app.application_token)));
    Value::object(auth)
}

fn event(shared: &Shared, app: &App, name: &str, data: Value, pair: Option<&Pair>) -> Outgoing {
    let body = Value::object([
        ("event", s(name)),
        ("data", data),
        ("ts", s(shared.clock.now_secs().to_string())),
        ("auth", auth_block(shared, app, pair)),
    ]);
    Outgoing {
        url: app.settings.handler.clone().unwrap_or_default(),
        body: params::build_query(&body),
    }
}

/// The frame POST of a placement (or of the install page, placement `DEFAULT`).
fn frame(
    shared: &Shared,
    app: &App,
    handler: &str,
    placement: &str,
    options: &str,
    pair: &Pair,
) -> Outgoing {
    let body = Value::object([
        ("AUTH_ID", s(&pair.access_token)),
        ("AUTH_EXPIRES", s("3600")),
        ("REFRESH_ID", s(&pair.refresh_token)),
        ("SERVER_ENDPOINT", s(oauth::rest_endpoint(shared))),
        ("APPLICATION_TOKEN", s(&app.application_token)),
        ("APPLICATION_SCOPE", s(pair.scopes.join(","))),
        ("member_id", s(&shared.member_id)),
        ("status", s("L")),
        ("PLACEMENT", s(placement)),
        ("PLACEMENT_OPTIONS", s(options)),
    ]);
    let query = params::build_query(&Value::object([
        ("DOMAIN", s(oauth::domain(shared))),
        ("PROTOCOL", s("0")),
        ("LANG", s("en")),
        ("APP_SID", s(random_code(32))),
    ]));
    let separator = if handler.contains('?') { '&' } else { '?' };
    Outgoing {
        url: format!("{handler}{separator}{query}"),
        body: params::build_query(&body),
    }
}

fn with_app<T>(
    shared: &Shared,
    client_id: &str,
    f: impl FnOnce(&mut crate::state::PortalState, i64) -> Result<T, HostError>,
) -> Result<T, HostError> {
    let now = shared.clock.now_secs();
    let mut state = shared.lock();
    if state.apps.app(client_id).is_none() {
        return Err(HostError::UnknownApp);
    }
    f(&mut state, now)
}

fn app_of(state: &crate::state::PortalState, client_id: &str) -> Result<App, HostError> {
    state
        .apps
        .app(client_id)
        .cloned()
        .ok_or(HostError::UnknownApp)
}

fn installed_event(
    shared: &Shared,
    name: &str,
    client_id: &str,
    data: Value,
) -> Result<Outgoing, HostError> {
    with_app(shared, client_id, |state, now| {
        let app = app_of(state, client_id)?;
        if app.settings.handler.is_none() {
            return Err(HostError::NoHandler);
        }
        let pair = oauth::issue_pair(state, client_id, app.installed_by, now);
        Ok(event(shared, &app, name, data, Some(&pair)))
    })
}

fn install_data(app: &App) -> Value {
    Value::object([
        ("VERSION", s(app.version.to_string())),
        ("ACTIVE", s("Y")),
        ("INSTALLED", s("Y")),
        ("LANGUAGE_ID", s("en")),
    ])
}

/// Installs an application for `user_id`: without a UI it is installed at once and its handler
/// gets `ONAPPINSTALL`; with a UI the handler gets the install frame and the application waits
/// for [`install_finish`]. Answers the handler's HTTP status.
pub async fn install(
    shared: &Shared,
    client_id: &str,
    user_id: i64,
) -> Result<Option<u16>, HostError> {
    let outgoing = with_app(shared, client_id, |state, now| {
        let app = state.apps.app_mut(client_id).ok_or(HostError::UnknownApp)?;
        let handler = app.settings.handler.clone().ok_or(HostError::NoHandler)?;
        app.install_started = true;
        app.installed_by = user_id;
        app.installed = !app.settings.has_ui;
        let app = app.clone();
        let pair = oauth::issue_pair(state, client_id, user_id, now);
        Ok(if app.settings.has_ui {
            frame(shared, &app, &handler, "DEFAULT", "{}", &pair)
        } else {
            event(
                shared,
                &app,
                "ONAPPINSTALL",
                install_data(&app),
                Some(&pair),
            )
        })
    })?;
    Ok(outgoing.send().await)
}

/// `BX24.installFinish()` of an application with a UI: marks it installed and sends
/// `ONAPPINSTALL`.
pub async fn install_finish(shared: &Shared, client_id: &str) -> Result<Option<u16>, HostError> {
    let data = with_app(shared, client_id, |state, _| {
        let app = state.apps.app_mut(client_id).ok_or(HostError::UnknownApp)?;
        if !app.install_started {
            return Err(HostError::NotInstalled);
        }
        app.installed = true;
        Ok(install_data(app))
    })?;
    Ok(installed_event(shared, "ONAPPINSTALL", client_id, data)?
        .send()
        .await)
}

/// A new version of an installed application: `ONAPPUPDATE` with tokens.
pub async fn update(shared: &Shared, client_id: &str) -> Result<Option<u16>, HostError> {
    let data = with_app(shared, client_id, |state, _| {
        let app = state.apps.app_mut(client_id).ok_or(HostError::UnknownApp)?;
        if !app.installed {
            return Err(HostError::NotInstalled);
        }
        app.version += 1;
        Ok(Value::object([
            ("VERSION", s(app.version.to_string())),
            ("PREVIOUS_VERSION", s((app.version - 1).to_string())),
            ("LANGUAGE_ID", s("en")),
        ]))
    })?;
    Ok(installed_event(shared, "ONAPPUPDATE", client_id, data)?
        .send()
        .await)
}

/// Removes an application: `ONAPPUNINSTALL` without tokens; its tokens and placements go.
pub async fn uninstall(
    shared: &Shared,
    client_id: &str,
    clean: bool,
) -> Result<Option<u16>, HostError> {
    let outgoing = with_app(shared, client_id, |state, _| {
        let app = app_of(state, client_id)?;
        for token in state.apps.revoke_all(client_id) {
            oauth::revoke(state, &token);
        }
        if let Some(app) = state.apps.app_mut(client_id) {
            app.installed = false;
            app.install_started = false;
            app.placements.clear();
        }
        let data = Value::object([
            ("LANGUAGE_ID", s("en")),
            ("CLEAN", s(if clean { "1" } else { "0" })),
        ]);
        Ok(app
            .settings
            .handler
            .is_some()
            .then(|| event(shared, &app, "ONAPPUNINSTALL", data, None)))
    })?;
    match outgoing {
        Some(o) => Ok(o.send().await),
        None => Ok(None),
    }
}

/// A user opens `placement` of an installed application: its placement handler gets the frame
/// POST with fresh tokens.
pub async fn open_placement(
    shared: &Shared,
    client_id: &str,
    placement: &str,
    user_id: i64,
    options: &str,
) -> Result<Option<u16>, HostError> {
    let outgoing = with_app(shared, client_id, |state, now| {
        let app = app_of(state, client_id)?;
        if !app.installed {
            return Err(HostError::NotInstalled);
        }
        let code = placement.to_ascii_uppercase();
        let handler = app
            .placements
            .iter()
            .find(|p| p.placement == code)
            .map(|p| p.handler.clone())
            .ok_or(HostError::NoHandler)?;
        let pair = oauth::issue_pair(state, client_id, user_id, now);
        Ok(frame(shared, &app, &handler, &code, options, &pair))
    })?;
    Ok(outgoing.send().await)
}

/// The control routes of application hosting (state still to be attached).
pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/_emulator/app", post(register))
        .route("/_emulator/app/install", post(control_install))
        .route(
            "/_emulator/app/install_finish",
            post(control_install_finish),
        )
        .route("/_emulator/app/update", post(control_update))
        .route("/_emulator/app/uninstall", post(control_uninstall))
        .route("/_emulator/app/placement", post(control_placement))
        .route(
            "/_emulator/oauth",
            axum::routing::get(oauth_get).post(oauth_set),
        )
}

/// The token endpoint's counters, for `/_emulator/counters`.
pub fn counters(shared: &Shared) -> Json_ {
    let state = shared.lock();
    json!({
        "grants": state.apps.grants,
        "errors": state.apps.errors,
        "outcomes": state.apps.outcomes,
    })
}

type S = State<Arc<Shared>>;

fn body_json(body: &Bytes) -> Json_ {
    serde_json::from_slice(body).unwrap_or(Json_::Null)
}

fn field(body: &Json_, key: &str) -> String {
    body.get(key)
        .and_then(Json_::as_str)
        .unwrap_or_default()
        .to_owned()
}

fn bad(message: &str) -> Response {
    (
        StatusCode::BAD_REQUEST,
        Json(json!({ "ok": false, "error": message })),
    )
        .into_response()
}

fn answer(result: Result<Option<u16>, HostError>) -> Response {
    match result {
        Ok(status) => Json(json!({ "ok": true, "handler_status": status })).into_response(),
        Err(error) => bad(&error.to_string()),
    }
}

fn user(body: &Json_) -> i64 {
    body.get("user_id").and_then(Json_::as_i64).unwrap_or(1)
}

async fn register(State(shared): S, body: Bytes) -> Response {
    let body = body_json(&body);
    let (client_id, secret) = (field(&body, "client_id"), field(&body, "client_secret"));
    if client_id.is_empty() || secret.is_empty() {
        return bad("expected {\"client_id\", \"client_secret\", \"scopes\", \"handler\", \"ui\"}");
    }
    let scopes: Vec<String> = body
        .get("scopes")
        .and_then(Json_::as_array)
        .map(|l| {
            l.iter()
                .filter_map(Json_::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    let mut settings = AppSettings::new(client_id, secret, scopes);
    settings.handler = Some(field(&body, "handler")).filter(|h| !h.is_empty());
    settings.has_ui = body.get("ui").and_then(Json_::as_bool).unwrap_or(false);
    let token = register_app(&shared, settings);
    Json(json!({ "ok": true, "application_token": token })).into_response()
}

/// Registers an application; answers its `application_token`.
pub fn register_app(shared: &Shared, settings: AppSettings) -> String {
    let client_id = settings.client_id.clone();
    let mut state = shared.lock();
    state.apps.register(settings, random_code(32));
    state
        .apps
        .app(&client_id)
        .map(|a| a.application_token.clone())
        .unwrap_or_default()
}

async fn control_install(State(shared): S, body: Bytes) -> Response {
    let body = body_json(&body);
    answer(install(&shared, &field(&body, "client_id"), user(&body)).await)
}

async fn control_install_finish(State(shared): S, body: Bytes) -> Response {
    answer(install_finish(&shared, &field(&body_json(&body), "client_id")).await)
}

async fn control_update(State(shared): S, body: Bytes) -> Response {
    answer(update(&shared, &field(&body_json(&body), "client_id")).await)
}

async fn control_uninstall(State(shared): S, body: Bytes) -> Response {
    let body = body_json(&body);
    let clean = body.get("clean").and_then(Json_::as_bool).unwrap_or(false);
    answer(uninstall(&shared, &field(&body, "client_id"), clean).await)
}

async fn control_placement(State(shared): S, body: Bytes) -> Response {
    let body = body_json(&body);
    let options = body
        .get("options")
        .map_or_else(|| "{}".to_owned(), Json_::to_string);
    let (client_id, placement) = (field(&body, "client_id"), field(&body, "placement"));
    answer(open_placement(&shared, &client_id, &placement, user(&body), &options).await)
}

async fn oauth_get(State(shared): S) -> Response {
    let delay = shared.lock().apps.token_delay_ms;
    Json(json!({ "ok": true, "delay_ms": delay })).into_response()
}

async fn oauth_set(State(shared): S, body: Bytes) -> Response {
    match body_json(&body).get("delay_ms").and_then(Json_::as_u64) {
        Some(ms) => {
            shared.lock().apps.token_delay_ms = ms.min(600_000);
            Json(json!({ "ok": true, "delay_ms": ms })).into_response()
        }
        None => bad("expected {\"delay_ms\": N}"),
    }
}

/// Applications on the emulated portal.
impl Emulator {
    /// Registers an application with the portal's OAuth server; answers its
    /// `application_token`.
    pub fn register_app(&self, settings: AppSettings) -> String {
        register_app(self.shared(), settings)
    }

    /// The `application_token` of a registered application.
    pub fn app_token(&self, client_id: &str) -> Option<String> {
        self.shared()
            .lock()
            .apps
            .app(client_id)
            .map(|a| a.application_token.clone())
    }

    /// Installs an application for `user_id` (see [`install`]); answers the handler's status.
    pub async fn install_app(
        &self,
        client_id: &str,
        user_id: u64,
    ) -> Result<Option<u16>, HostError> {
        install(
            self.shared(),
            client_id,
            i64::try_from(user_id).unwrap_or(i64::MAX),
        )
        .await
    }

    /// `installFinish` of an application with a UI.
    pub async fn install_finish(&self, client_id: &str) -> Result<Option<u16>, HostError> {
        install_finish(self.shared(), client_id).await
    }

    /// A new version of an application (`ONAPPUPDATE`).
    pub async fn update_app(&self, client_id: &str) -> Result<Option<u16>, HostError> {
        update(self.shared(), client_id).await
    }

    /// Removes an application (`ONAPPUNINSTALL`).
    pub async fn uninstall_app(
        &self,
        client_id: &str,
        clean: bool,
    ) -> Result<Option<u16>, HostError> {
        uninstall(self.shared(), client_id, clean).await
    }

    /// A user opens a placement of an application.
    pub async fn open_placement(
        &self,
        client_id: &str,
        placement: &str,
        user_id: u64,
        options: &serde_json::Value,
    ) -> Result<Option<u16>, HostError> {
        let user = i64::try_from(user_id).unwrap_or(i64::MAX);
        open_placement(
            self.shared(),
            client_id,
            placement,
            user,
            &options.to_string(),
        )
        .await
    }

    /// Token-endpoint calls with `grant_type` (`authorization_code`, `refresh_token`).
    pub fn oauth_grant_count(&self, grant_type: &str) -> u64 {
        self.shared()
            .lock()
            .apps
            .grants
            .get(grant_type)
            .copied()
            .unwrap_or(0)
    }

    /// Token-endpoint answers of `grant_type` with `outcome`: `"ok"` for a pair issued, or an
    /// OAuth error code. `("refresh_token", "invalid_grant")` counts refused refreshes only,
    /// not expired authorization codes.
    pub fn oauth_outcome_count(&self, grant_type: &str, outcome: &str) -> u64 {
        self.shared()
            .lock()
            .apps
            .outcomes
            .get(grant_type)
            .and_then(|outcomes| outcomes.get(outcome))
            .copied()
            .unwrap_or(0)
    }

    /// Token-endpoint answers with the OAuth error `code` (`invalid_grant`, …), whatever the
    /// grant: an expired authorization code counts too (see [`Self::oauth_outcome_count`]).
    pub fn oauth_error_count(&self, code: &str) -> u64 {
        self.shared()
            .lock()
            .apps
            .errors
            .get(code)
            .copied()
            .unwrap_or(0)
    }

    /// Makes the token endpoint wait `delay` before it redeems a grant.
    pub fn set_oauth_delay(&self, delay: std::time::Duration) {
        self.shared().lock().apps.token_delay_ms =
            u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
    }

    /// The portal's `member_id`.
    pub fn member_id(&self) -> String {
        self.shared().member_id.clone()
    }

    /// Issues a token pair to an application for `user_id` without an installation (as if the
    /// user had gone through `/oauth/authorize/`); answers the token answer's JSON.
    pub fn issue_app_tokens(&self, client_id: &str, user_id: u64) -> Option<serde_json::Value> {
        let shared = self.shared();
        let now = shared.clock.now_secs();
        let pair = {
            let mut state = shared.lock();
            state.apps.app(client_id)?;
            oauth::issue_pair(
                &mut state,
                client_id,
                i64::try_from(user_id).unwrap_or(i64::MAX),
                now,
            )
        };
        Some(oauth::token_answer(shared, &pair))
    }
}
