//! `app.info` for applications: the portal's answer (documented fields) for an access token
//! of a registered application, plus the token facts the OAuth server's `app.info` gives
//! (`client_id`, `member_id`, `user_id`, `scope`, `expires`) — the emulator is its own OAuth
//! server, so one method serves both. Other credentials get [`super::service::app_info`].

use crate::auth::Principal;
use crate::call::Call;
use crate::envelope::{ApiError, MethodOutput};
use crate::methods::service;
use crate::value::Value;

/// `app.info`.
pub fn info(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let Principal::OAuth { token, user_id, .. } = call.principal else {
        return service::app_info(call);
    };
    let Some(app) = call.state.apps.app_of_token(token) else {
        return service::app_info(call);
    };
    let expires = call.state.tokens.get(token).map_or(0, |t| t.expires_at);
    let mut record = service::app_record(&app.settings.client_id, app.version, app.installed);
    record.extend([
        ("client_id", Value::from(app.settings.client_id.as_str())),
        ("member_id", Value::from(call.state.apps.member_id.as_str())),
        ("user_id", Value::Int(*user_id)),
        ("scope", Value::from(app.settings.scopes.join(","))),
        ("expires", Value::Int(expires)),
    ]);
    Ok(MethodOutput::new(Value::object(record)))
}
