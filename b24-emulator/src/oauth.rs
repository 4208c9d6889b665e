//! The portal's OAuth server (PROTOCOL §8): `/oauth/authorize/` and `/oauth/token/`.
//!
//! * `GET /oauth/authorize/?client_id=…&state=…` acts for the user given in the emulator's
//!   extra `user_id` parameter (default 1, the administrator): it issues a code living 30 s of
//!   portal time and redirects (302) to the application's handler with `code, state, domain,
//!   member_id, scope, server_domain`; an application without a handler gets those fields as
//!   JSON (the "paste this code" flow).
//! * `/oauth/token/` (GET query or POST form body) with `grant_type=authorization_code` or
//!   `refresh_token` answers the documented fields (`access_token`, `refresh_token`,
//!   `expires`, `expires_in`, `scope`, `domain` — the OAuth server's —, `server_endpoint`,
//!   `client_endpoint`, `member_id`, `user_id`, `status`). A refresh token is single-use: the
//!   refresh rotates the pair and revokes the old access token, which from then on answers
//!   `expired_token`. Errors: `invalid_client` (401), `invalid_grant` and `invalid_request`
//!   (400), counted per code next to the calls per grant (`/_emulator/counters` → `oauth`).
//!
//! The emulator is its own OAuth server: `server_endpoint` is `http://127.0.0.1:PORT/rest/`,
//! whose `app.info` also tells which application and portal an access token belongs to.

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde_json::{Value as Json, json};

use crate::params;
use crate::state::{OAuthToken, PortalState, Shared, random_code};
use crate::store::apps::{GrantError, Pair};
use crate::value::Value;

/// The OAuth routes (state still to be attached).
pub fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/oauth/authorize/", get(authorize))
        .route("/oauth/authorize", get(authorize))
        .route("/oauth/token/", get(token).post(token))
        .route("/oauth/token", get(token).post(token))
}

/// `host:port` of the emulator, its `domain` in token answers and events.
pub fn domain(shared: &Shared) -> String {
    let http = shared.urls().http;
    http.strip_prefix("http://").unwrap_or(&http).to_owned()
}

/// The REST endpoint of the portal (and of its OAuth server), `http://127.0.0.1:PORT/rest/`.
pub fn rest_endpoint(shared: &Shared) -> String {
    format!("{}/rest/", shared.urls().http)
}

fn text(params: &Value, key: &str) -> Option<String> {
    params
        .get(key)
        .and_then(Value::scalar_text)
        .filter(|s| !s.is_empty())
}

fn oauth_error(error: GrantError) -> Response {
    let (status, description) = match error {
        GrantError::InvalidClient => (StatusCode::UNAUTHORIZED, "Invalid client credentials"),
        GrantError::InvalidGrant => (StatusCode::BAD_REQUEST, "Invalid grant"),
        GrantError::InvalidRequest => (StatusCode::BAD_REQUEST, "Invalid request"),
    };
    (
        status,
        axum::Json(json!({ "error": error.code(), "error_description": description })),
    )
        .into_response()
}

/// Issues a pair to `client_id` for `user_id` and makes its access token valid for calls.
pub fn issue_pair(state: &mut PortalState, client_id: &str, user_id: i64, now: i64) -> Pair {
    let pair = state
        .apps
        .issue_pair(client_id, user_id, now, (random_code(32), random_code(32)));
    admit(state, &pair);
    pair
}

/// Puts an issued access token where authentication finds it.
fn admit(state: &mut PortalState, pair: &Pair) {
    state.tokens.insert(
        pair.access_token.clone(),
        OAuthToken {
            user_id: pair.user_id,
            scopes: Arc::from(pair.scopes.clone()),
            expires_at: pair.expires_at,
        },
    );
}

/// Makes an access token answer `expired_token` from now on.
pub fn revoke(state: &mut PortalState, access_token: &str) {
    if let Some(t) = state.tokens.get_mut(access_token) {
        t.expires_at = i64::MIN;
    }
}

/// The token answer's JSON.
pub fn token_answer(shared: &Shared, pair: &Pair) -> Json {
    json!({
        "access_token": pair.access_token,
        "client_endpoint": rest_endpoint(shared),
        "domain": domain(shared),
        "expires": pair.expires_at,
        "expires_in": crate::store::apps::ACCESS_LIFETIME,
        "member_id": shared.member_id,
        "refresh_token": pair.refresh_token,
        "scope": pair.scopes.join(","),
        "server_endpoint": rest_endpoint(shared),
        "status": "L",
        "user_id": pair.user_id,
    })
}

async fn authorize(State(shared): State<Arc<Shared>>, RawQuery(query): RawQuery) -> Response {
    let params = params::parse_str(query.as_deref().unwrap_or(""));
    let Some(client_id) = text(&params, "client_id") else {
        return oauth_error(GrantError::InvalidRequest);
    };
    let user_id = params.get("user_id").map_or(1, Value::php_intval);
    let state_param = text(&params, "state").unwrap_or_default();
    let now = shared.clock.now_secs();
    let (handler, scope, code) = {
        let mut state = shared.lock();
        let Some(app) = state.apps.app(&client_id) else {
            return oauth_error(GrantError::InvalidClient);
        };
        let handler = app.settings.handler.clone();
        let scope = app.settings.scopes.join(",");
        let code = random_code(32);
        state
            .apps
            .issue_code(&client_id, user_id, now, code.clone());
        (handler, scope, code)
    };
    let fields = [
        ("code", code),
        ("state", state_param),
        ("domain", domain(&shared)),
        ("member_id", shared.member_id.clone()),
        ("scope", scope),
        ("server_domain", domain(&shared)),
    ];
    let Some(handler) = handler else {
        let map: serde_json::Map<String, Json> = fields
            .into_iter()
            .map(|(k, v)| (k.to_owned(), Json::from(v)))
            .collect();
        return axum::Json(Json::Object(map)).into_response();
    };
    let query = params::build_query(&Value::object(
        fields.into_iter().map(|(k, v)| (k, Value::from(v))),
    ));
    let separator = if handler.contains('?') { '&' } else { '?' };
    let location = format!("{handler}{separator}{query}");
    let mut response = StatusCode::FOUND.into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

async fn token(
    State(shared): State<Arc<Shared>>,
    RawQuery(query): RawQuery,
    body: Bytes,
) -> Response {
    let delay = shared.lock().apps.token_delay_ms;
    if delay > 0 {
        // A slow OAuth server: the grant is redeemed only after the wait, so a client that
        // dies while waiting leaves its refresh token unused.
        tokio::time::sleep(Duration::from_millis(delay)).await;
    }
    let query = params::parse_str(query.as_deref().unwrap_or(""));
    let body = params::parse_str(&String::from_utf8_lossy(&body));
    let params = params::overlay(query, body);
    let grant_type = text(&params, "grant_type").unwrap_or_default();
    let now = shared.clock.now_secs();
    let mut state = shared.lock();
    let outcome = redeem(&mut state, &params, &grant_type, now);
    let counted = if matches!(grant_type.as_str(), "authorization_code" | "refresh_token") {
        grant_type.as_str()
    } else {
        "other"
    };
    state.apps.count(counted, outcome.as_ref().err().copied());
    drop(state);
    match outcome {
        Ok(pair) => axum::Json(token_answer(&shared, &pair)).into_response(),
        Err(error) => oauth_error(error),
    }
}

fn redeem(
    state: &mut PortalState,
    params: &Value,
    grant_type: &str,
    now: i64,
) -> Result<Pair, GrantError> {
    let client_id = text(params, "client_id").ok_or(GrantError::InvalidRequest)?;
    let secret = text(params, "client_secret").ok_or(GrantError::InvalidRequest)?;
    state.apps.authenticate(&client_id, &secret)?;
    let fresh = (random_code(32), random_code(32));
    let pair = match grant_type {
        "authorization_code" => {
            let code = text(params, "code").ok_or(GrantError::InvalidRequest)?;
            state.apps.redeem_code(&client_id, &code, now, fresh)?
        }
        "refresh_token" => {
            let refresh = text(params, "refresh_token").ok_or(GrantError::InvalidRequest)?;
            let (pair, old_access) = state
                .apps
                .redeem_refresh(&client_id, &refresh, now, fresh)?;
            revoke(state, &old_access);
            pair
        }
        _ => return Err(GrantError::InvalidRequest),
    };
    admit(state, &pair);
    Ok(pair)
}
