//! The method table: every REST method the emulator answers, with its scope and handler.
//!
//! Adding a method is one [`MethodDef`] line in [`METHODS`] plus a handler function
//! `fn(&mut Call<'_>) -> Result<MethodOutput, ApiError>`.

use crate::auth::{self, Principal};
use crate::clock::Clock;
use crate::envelope::{ApiError, MethodOutput, Timing};
use crate::limits;
use crate::state::{Config, Decision, PortalState};
use crate::value::Value;

pub mod batch;
pub mod crm;
pub mod crm_data;
pub mod events;
mod filter;
pub mod im;
pub mod service;
pub mod telephony;
pub mod users;

/// Everything a handler sees: parameters (reserved ones removed), caller, state, settings.
#[derive(Debug)]
pub struct Call<'a> {
    /// The lower-cased method name.
    pub method: &'a str,
    /// Merged request parameters.
    pub params: &'a Value,
    /// The authenticated caller.
    pub principal: &'a Principal,
    /// Mutable portal state (locked for the duration of the call).
    pub state: &'a mut PortalState,
    /// Emulator settings.
    pub config: &'a Config,
    /// The portal clock.
    pub clock: &'a Clock,
    /// Portal time when the call started, Unix seconds.
    pub now: f64,
    /// Whether this call is a `batch` sub-call.
    pub in_batch: bool,
}

/// A method handler.
pub type Handler = fn(&mut Call<'_>) -> Result<MethodOutput, ApiError>;

/// One entry of the method table.
#[derive(Debug)]
pub struct MethodDef {
    /// Lower-cased method name.
    pub name: &'static str,
    /// Required scope; `None` = global scope (any credential).
    pub scope: Option<&'static str>,
    /// Needs an administrator's confirmation per credential (PROTOCOL §4.3).
    pub needs_confirmation: bool,
    /// The handler.
    pub handler: Handler,
}

const fn m(name: &'static str, scope: Option<&'static str>, handler: Handler) -> MethodDef {
    MethodDef {
        name,
        scope,
        needs_confirmation: false,
        handler,
    }
}

const fn confirmed(name: &'static str, scope: &'static str, handler: Handler) -> MethodDef {
    MethodDef {
        name,
        scope: Some(scope),
        needs_confirmation: true,
        handler,
    }
}

/// Every method of the emulated portal.
pub static METHODS: &[MethodDef] = &[
    // global scope
    m("scope", None, service::scope),
    m("methods", None, service::methods),
    m("method.get", None, service::method_get),
    m("profile", None, service::profile),
    m("app.info", None, service::app_info),
    m("server.time", None, service::server_time),
    m("batch", None, batch::batch),
    // events (application context only)
    m("events", None, events::events),
    m("event.bind", None, events::bind),
    m("event.unbind", None, events::unbind),
    m("event.get", None, events::get),
    m("event.offline.get", None, events::offline_get),
    m("event.offline.list", None, events::offline_list),
    m("event.offline.clear", None, events::offline_clear),
    m("event.offline.error", None, events::offline_error),
    // users and departments
    m("user.get", Some("user"), users::user_get),
    m("user.current", Some("user"), users::user_current),
    m("department.get", Some("department"), users::department_get),
    // crm data
    m("crm.type.add", Some("crm"), crm_data::type_add),
    m("crm.type.get", Some("crm"), crm_data::type_get),
    m("crm.type.list", Some("crm"), crm_data::type_list),
    m("crm.type.update", Some("crm"), crm_data::type_update),
    m("crm.type.delete", Some("crm"), crm_data::type_delete),
    m("crm.type.fields", Some("crm"), crm_data::type_fields),
    m("crm.item.add", Some("crm"), crm_data::item_add),
    m("crm.item.get", Some("crm"), crm_data::item_get),
    m("crm.item.list", Some("crm"), crm_data::item_list),
    m("crm.item.update", Some("crm"), crm_data::item_update),
    m("crm.item.delete", Some("crm"), crm_data::item_delete),
    m("crm.item.fields", Some("crm"), crm_data::item_fields),
    m("crm.deal.add", Some("crm"), crm_data::legacy_add),
    m("crm.deal.get", Some("crm"), crm_data::legacy_get),
    m("crm.deal.list", Some("crm"), crm_data::legacy_list),
    m("crm.deal.update", Some("crm"), crm_data::legacy_update),
    m("crm.deal.delete", Some("crm"), crm_data::legacy_delete),
    m("crm.deal.fields", Some("crm"), crm_data::legacy_fields),
    m("crm.contact.add", Some("crm"), crm_data::legacy_add),
    m("crm.contact.get", Some("crm"), crm_data::legacy_get),
    m("crm.contact.list", Some("crm"), crm_data::legacy_list),
    m("crm.contact.update", Some("crm"), crm_data::legacy_update),
    m("crm.contact.delete", Some("crm"), crm_data::legacy_delete),
    m("crm.contact.fields", Some("crm"), crm_data::legacy_fields),
    m("crm.lead.add", Some("crm"), crm_data::legacy_add),
    m("crm.lead.get", Some("crm"), crm_data::legacy_get),
    m("crm.lead.list", Some("crm"), crm_data::legacy_list),
    m("crm.lead.update", Some("crm"), crm_data::legacy_update),
    m("crm.lead.delete", Some("crm"), crm_data::legacy_delete),
    m("crm.lead.fields", Some("crm"), crm_data::legacy_fields),
    m("crm.company.add", Some("crm"), crm_data::legacy_add),
    m("crm.company.get", Some("crm"), crm_data::legacy_get),
    m("crm.company.list", Some("crm"), crm_data::legacy_list),
    m("crm.company.update", Some("crm"), crm_data::legacy_update),
    m("crm.company.delete", Some("crm"), crm_data::legacy_delete),
    m("crm.company.fields", Some("crm"), crm_data::legacy_fields),
    // crm
    m("crm.automatedsolution.add", Some("crm"), crm::add),
    m("crm.automatedsolution.get", Some("crm"), crm::get),
    m("crm.automatedsolution.list", Some("crm"), crm::list),
    m("crm.automatedsolution.update", Some("crm"), crm::update),
    m("crm.automatedsolution.delete", Some("crm"), crm::delete),
    m("crm.automatedsolution.fields", Some("crm"), crm::fields),
    // im
    m("im.department.get", Some("im"), im::department_get),
    m("im.revision.get", Some("im"), im::revision_get),
    // telephony
    confirmed("voximplant.user.get", "telephony", telephony::user_get),
];

/// Looks a method up by its lower-cased name.
pub fn find(name: &str) -> Option<&'static MethodDef> {
    static INDEX: std::sync::OnceLock<std::collections::HashMap<&'static str, &'static MethodDef>> =
        std::sync::OnceLock::new();
    INDEX
        .get_or_init(|| METHODS.iter().map(|d| (d.name, d)).collect())
        .get(name)
        .copied()
}

/// What one method invocation produced: the outcome and its `time` object data.
#[derive(Debug)]
pub struct Invocation {
    /// Result or error.
    pub outcome: Result<MethodOutput, ApiError>,
    /// Timestamps and operating-time figures.
    pub timing: Timing,
}

/// The caller's context for [`invoke`].
#[derive(Debug)]
pub struct Env<'a> {
    /// Settings.
    pub config: &'a Config,
    /// The authenticated caller.
    pub principal: &'a Principal,
    /// Locked portal state.
    pub state: &'a mut PortalState,
    /// The portal clock.
    pub clock: &'a Clock,
}

fn is_list_call(def: &MethodDef, params: &Value, output: &MethodOutput) -> bool {
    output.total.is_some()
        || params.get("start").is_some()
        || def.name.ends_with(".list")
        || matches!(def.name, "user.get" | "department.get")
}

/// Runs one method for an authenticated caller: scope check (with an empty description inside
/// `batch`), confirmation, the operating-time limit, the handler, and operating-time accounting.
pub fn invoke(env: &mut Env<'_>, def: &MethodDef, params: &Value, in_batch: bool) -> Invocation {
    let now = env.clock.now();
    let mut timing = Timing::at(now);
    let outcome = run(env, def, params, in_batch, now, &mut timing);
    timing.finish = env.clock.now().max(now);
    Invocation { outcome, timing }
}

fn run(
    env: &mut Env<'_>,
    def: &MethodDef,
    params: &Value,
    in_batch: bool,
    now: f64,
    timing: &mut Timing,
) -> Result<MethodOutput, ApiError> {
    if let Err(mut err) = auth::check_scope(env.config, env.principal, def.scope) {
        if in_batch {
            err.description = String::new();
        }
        return Err(err);
    }
    if def.needs_confirmation {
        let key = (env.principal.credential_key(), def.name.to_owned());
        let decision = *env
            .state
            .confirmations
            .entry(key)
            .or_insert(Decision::Pending);
        match decision {
            Decision::Confirmed => {}
            Decision::Pending => {
                return Err(ApiError::new(
                    401,
                    "METHOD_CONFIRM_WAITING",
                    "Waiting for confirmation",
                ));
            }
            Decision::Denied => {
                return Err(ApiError::new(
                    403,
                    "METHOD_CONFIRM_DENIED",
                    "Method call denied",
                ));
            }
        }
    }
    let accounted = def.name != "batch";
    let credential = env.principal.credential_key();
    if accounted {
        let (used, reset) = env.state.operating.usage(&credential, def.name, now);
        timing.operating = used;
        timing.operating_reset_at = reset;
        if let Some(limit) = env.state.operating_limit
            && used > limit
        {
            return Err(ApiError::new(
                429,
                "OPERATION_TIME_LIMIT",
                "Method is blocked due to operation time limit.",
            ));
        }
    }
    timing.processing_start = env.clock.now();
    let mut call = Call {
        method: def.name,
        params,
        principal: env.principal,
        state: env.state,
        config: env.config,
        clock: env.clock,
        now,
        in_batch,
    };
    let outcome = (def.handler)(&mut call);
    timing.processing_end = env.clock.now();
    if accounted {
        let cost = match &outcome {
            Ok(out) if is_list_call(def, params, out) => {
                limits::cost(params.get("start").map(Value::php_intval), out.total, true)
            }
            _ => limits::cost(None, None, false),
        };
        env.state.operating.record(&credential, def.name, now, cost);
        let (used, reset) = env.state.operating.usage(&credential, def.name, now);
        timing.operating = used;
        timing.operating_reset_at = reset;
    }
    outcome
}

/// A PHP array from ordered entries: a list when the keys are exactly `0..n`, else a map.
pub fn php_array(entries: Vec<(String, Value)>) -> Value {
    let is_list = !entries.is_empty()
        && entries
            .iter()
            .enumerate()
            .all(|(i, (k, _))| *k == i.to_string());
    if is_list {
        Value::List(entries.into_iter().map(|(_, v)| v).collect())
    } else {
        Value::Map(entries)
    }
}

/// Parameters that the portal consumes itself and never passes to a method.
pub const RESERVED_PARAMS: &[&str] = &[
    "auth",
    "access_token",
    "auth_connector",
    "aplogin",
    "ap",
    "state",
    "method",
];

/// A list parameter of integers: a list/map of ints, a single int, or numeric strings.
/// `None` when any element is not an integer.
pub fn int_list(value: &Value) -> Option<Vec<i64>> {
    match value {
        Value::List(_) | Value::Map(_) => value
            .entries()
            .into_iter()
            .map(|(_, v)| v.as_int_strict())
            .collect(),
        scalar => scalar.as_int_strict().map(|i| vec![i]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_names_are_lower_case_and_unique() {
        for (i, d) in METHODS.iter().enumerate() {
            assert_eq!(d.name, d.name.to_ascii_lowercase());
            assert!(METHODS[..i].iter().all(|o| o.name != d.name), "{}", d.name);
        }
    }

    #[test]
    fn int_lists() {
        assert_eq!(int_list(&Value::Int(5)), Some(vec![5]));
        assert_eq!(int_list(&Value::from("7")), Some(vec![7]));
        assert_eq!(
            int_list(&Value::List(vec![Value::from("1"), Value::Int(2)])),
            Some(vec![1, 2])
        );
        assert_eq!(int_list(&Value::List(vec![Value::from("x")])), None);
    }
}
