//! Service methods of the global scope (`scope`, `methods`, `method.get`, `profile`,
//! `app.info`, `server.time`): callable with any credential.

use crate::auth::Principal;
use crate::call::Call;
use crate::envelope::{ApiError, MethodOutput, format_atom};
use crate::state::ALL_SCOPES;
use crate::value::Value;

/// The portal's licence code reported by `app.info`.
pub const LICENSE: &str = "en_ent10000";

fn strings<'a>(items: impl IntoIterator<Item = &'a str>) -> Value {
    Value::List(items.into_iter().map(Value::from).collect())
}

/// `scope`: scopes of the credential; `full=true` → every scope of the portal.
pub fn scope(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let full = call.params.get_ci("full").is_some_and(Value::php_truthy);
    let result = if full {
        strings(ALL_SCOPES.iter().copied())
    } else {
        strings(call.principal.scopes().iter().map(String::as_str))
    };
    Ok(MethodOutput::new(result))
}

/// `methods`: lower-cased names available to the credential; `scope=<code>` → that scope's
/// methods; `full=true` → all methods.
pub fn methods(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let full = call.params.get_ci("full").is_some_and(Value::php_truthy);
    let scope = call
        .params
        .get_ci("scope")
        .and_then(Value::php_string)
        .filter(|s| !s.is_empty());
    let names = call.methods.iter().filter(|d| {
        if full {
            true
        } else if let Some(scope) = &scope {
            d.scope.is_some_and(|s| s.eq_ignore_ascii_case(scope))
        } else {
            call.principal.allows(d.scope)
        }
    });
    Ok(MethodOutput::new(strings(names.map(|d| d.name))))
}

/// `method.get`: `{"isExisting", "isAvailable"}` for `name`.
pub fn method_get(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let name = call
        .params
        .get_ci("name")
        .and_then(Value::php_string)
        .unwrap_or_default()
        .to_ascii_lowercase();
    let def = if name.is_empty() {
        None
    } else {
        call.methods.find(&name)
    };
    Ok(MethodOutput::new(Value::object([
        ("isExisting", Value::Bool(def.is_some())),
        (
            "isAvailable",
            Value::Bool(def.is_some_and(|d| call.principal.allows(d.scope))),
        ),
    ])))
}

/// `profile`: the calling user.
pub fn profile(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let id = call.principal.user_id();
    let user = call.state.user(id);
    Ok(MethodOutput::new(Value::object([
        ("ID", Value::from(id.to_string())),
        ("ADMIN", Value::Bool(user.is_some_and(|u| u.admin))),
        ("NAME", Value::from(user.map_or("", |u| u.name))),
        ("LAST_NAME", Value::from(user.map_or("", |u| u.last_name))),
        (
            "PERSONAL_GENDER",
            Value::from(user.map_or("", |u| u.gender)),
        ),
        ("TIME_ZONE", Value::from("")),
    ])))
}

/// `app.info`: `{SCOPE, LICENSE}` for webhooks, the application record for OAuth tokens.
pub fn app_info(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let result = match call.principal {
        Principal::Webhook { scopes, .. } => Value::object([
            ("SCOPE", strings(scopes.iter().map(String::as_str))),
            ("LICENSE", Value::from(LICENSE)),
        ]),
        Principal::OAuth { .. } => Value::object(app_record("local.b24emulator", 1, true)),
    };
    Ok(MethodOutput::new(result))
}

/// The documented fields of `app.info` for an application token.
pub fn app_record(code: &str, version: i64, installed: bool) -> Vec<(&'static str, Value)> {
    vec![
        ("ID", Value::Int(5)),
        ("CODE", Value::from(code)),
        ("VERSION", Value::Int(version)),
        ("STATUS", Value::from("L")),
        ("INSTALLED", Value::Bool(installed)),
        ("PAYMENT_EXPIRED", Value::from("N")),
        ("DAYS", Value::Null),
        ("LANGUAGE_ID", Value::from("en")),
        ("LICENSE", Value::from(LICENSE)),
        ("LICENSE_TYPE", Value::from("ent10000")),
        ("LICENSE_FAMILY", Value::from("ent")),
    ]
}

/// `server.time`: the portal's time as PHP `date('c')`.
pub fn server_time(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    Ok(MethodOutput::new(Value::from(format_atom(call.now as i64))))
}
