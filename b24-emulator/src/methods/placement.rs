//! Placements of applications (scope `placement`): `placement.bind`, `placement.unbind`,
//! `placement.get`. Only an access token of a registered application may bind; the handler
//! must be a loopback URL like every handler of the emulator. Opening a placement is the
//! control API's (`POST /_emulator/app/placement`, [`crate::app_host`]).

use crate::auth::Principal;
use crate::call::Call;
use crate::envelope::{ApiError, MethodOutput};
use crate::store::apps::PlacementBinding;
use crate::value::Value;

fn text(call: &Call<'_>, key: &str) -> Option<String> {
    call.params
        .get_ci(key)
        .and_then(Value::scalar_text)
        .filter(|s| !s.is_empty())
}

/// The application the caller's token belongs to.
fn client_id(call: &Call<'_>) -> Result<String, ApiError> {
    let token = match call.principal {
        Principal::OAuth { token, .. } => token,
        Principal::Webhook { .. } => {
            return Err(ApiError::new(
                403,
                "WRONG_AUTH_TYPE",
                "Current authorization type is denied for this method",
            ));
        }
    };
    call.state
        .apps
        .app_of_token(token)
        .map(|a| a.settings.client_id.clone())
        .ok_or_else(|| ApiError::new(403, "ACCESS_DENIED", "Application context required"))
}

fn placement_code(call: &Call<'_>) -> Result<String, ApiError> {
    text(call, "PLACEMENT")
        .map(|p| p.to_ascii_uppercase())
        .ok_or_else(|| ApiError::argument("PLACEMENT", "Wrong placement"))
}

/// `placement.bind`: `PLACEMENT`, `HANDLER`, `TITLE` → `true`.
pub fn bind(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let client_id = client_id(call)?;
    let placement = placement_code(call)?;
    let handler = text(call, "HANDLER")
        .filter(|h| h.starts_with("http://") || h.starts_with("https://"))
        .ok_or_else(|| ApiError::argument("HANDLER", "Wrong handler"))?;
    let title = text(call, "TITLE").unwrap_or_default();
    let app = call
        .state
        .apps
        .app_mut(&client_id)
        .ok_or_else(|| ApiError::new(403, "ACCESS_DENIED", "Application context required"))?;
    if app
        .placements
        .iter()
        .any(|p| p.placement == placement && p.handler == handler)
    {
        return Err(ApiError::new(
            400,
            "ERROR_PLACEMENT_HANDLER_ALREADY_BINDED",
            "Handler already binded",
        ));
    }
    app.placements.push(PlacementBinding {
        placement,
        handler,
        title,
    });
    Ok(MethodOutput::new(Value::Bool(true)))
}

/// `placement.unbind`: `PLACEMENT`, optional `HANDLER` → `{"count": n}`.
pub fn unbind(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let client_id = client_id(call)?;
    let placement = placement_code(call)?;
    let handler = text(call, "HANDLER");
    let mut count = 0_i64;
    if let Some(app) = call.state.apps.app_mut(&client_id) {
        app.placements.retain(|p| {
            let gone = p.placement == placement && handler.as_ref().is_none_or(|h| *h == p.handler);
            count += i64::from(gone);
            !gone
        });
    }
    Ok(MethodOutput::new(Value::object([(
        "count",
        Value::Int(count),
    )])))
}

/// `placement.get`: the application's placements.
pub fn get(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let client_id = client_id(call)?;
    let rows = call
        .state
        .apps
        .app(&client_id)
        .map(|app| {
            app.placements
                .iter()
                .map(|p| {
                    Value::object([
                        ("placement", Value::from(p.placement.as_str())),
                        ("handler", Value::from(p.handler.as_str())),
                        ("title", Value::from(p.title.as_str())),
                    ])
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(MethodOutput::new(Value::List(rows)))
}
