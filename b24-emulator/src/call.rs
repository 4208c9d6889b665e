//! One method invocation: what a handler sees ([`Call`]), the method table's entry type
//! ([`MethodDef`], [`MethodTable`]) and [`invoke`]: scope check, confirmation, the
//! operating-time limit, the handler and operating-time accounting.
//!
//! The table itself lives in [`crate::methods`]; it reaches handlers that need it (`batch`,
//! `methods`) through [`Call::methods`], so that no handler imports the table that imports it.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::auth::{self, Principal};
use crate::clock::Clock;
use crate::config::Config;
use crate::envelope::{ApiError, MethodOutput, Timing};
use crate::limits;
use crate::state::{Decision, PortalState};
use crate::store::Actor;
use crate::store::events::Occurrence;
use crate::value::Value;

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
    /// Every method of the portal.
    pub methods: &'static MethodTable,
}

impl Call<'_> {
    /// Portal time when the call started, whole Unix seconds.
    pub fn now_secs(&self) -> i64 {
        self.now as i64
    }

    /// The caller and the call's portal time, as a store sees them.
    pub fn actor(&self) -> Actor {
        Actor {
            user: self.principal.user_id(),
            now: self.now_secs(),
        }
    }

    /// Fires `event` with `data` as caused by the caller (with its tokens when it calls with
    /// OAuth); online deliveries go out when the call ends.
    pub fn fire(&mut self, event: String, data: Value) {
        let tokens = match self.principal {
            Principal::OAuth { token, scopes, .. } => Some((token.clone(), scopes.to_vec())),
            Principal::Webhook { .. } => None,
        };
        let occurrence = Occurrence {
            event,
            data,
            user_id: self.principal.user_id(),
            now: self.now_secs(),
            tokens,
        };
        self.state.fire_event(occurrence);
    }
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

/// Where a lookup goes for a name the table does not hold.
pub type Fallback = fn(&str) -> Option<&'static MethodDef>;

/// The method table with an index by name.
#[derive(Debug)]
pub struct MethodTable {
    defs: &'static [MethodDef],
    index: OnceLock<HashMap<&'static str, usize>>,
    fallback: Option<Fallback>,
}

impl MethodTable {
    /// A table of `defs` (names lower-cased and unique).
    pub const fn new(defs: &'static [MethodDef]) -> MethodTable {
        MethodTable {
            defs,
            index: OnceLock::new(),
            fallback: None,
        }
    }

    /// A table of `defs` that looks the names it does not hold up in `fallback`.
    pub const fn with_fallback(defs: &'static [MethodDef], fallback: Fallback) -> MethodTable {
        MethodTable {
            defs,
            index: OnceLock::new(),
            fallback: Some(fallback),
        }
    }

    /// Looks a method up by its lower-cased name: the table's own entry, else the fallback's.
    pub fn find(&self, name: &str) -> Option<&'static MethodDef> {
        let defs = self.defs;
        let index = self
            .index
            .get_or_init(|| defs.iter().enumerate().map(|(i, d)| (d.name, i)).collect());
        match index.get(name) {
            Some(&i) => Some(&defs[i]),
            None => self.fallback.and_then(|fallback| fallback(name)),
        }
    }

    /// Every method of the table itself (not of its fallback), in table order.
    pub fn iter(&self) -> std::slice::Iter<'static, MethodDef> {
        self.defs.iter()
    }
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
    /// Every method of the portal.
    pub methods: &'static MethodTable,
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

/// The administrator's decision on a confirmation-gated method for the caller, as an error
/// unless confirmed.
fn confirmation(env: &mut Env<'_>, def: &MethodDef) -> Result<(), ApiError> {
    let key = (env.principal.credential_key(), def.name.to_owned());
    let decision = *env
        .state
        .confirmations
        .entry(key)
        .or_insert(Decision::Pending);
    match decision {
        Decision::Confirmed => Ok(()),
        Decision::Pending => Err(ApiError::new(
            401,
            "METHOD_CONFIRM_WAITING",
            "Waiting for confirmation",
        )),
        Decision::Denied => Err(ApiError::new(
            403,
            "METHOD_CONFIRM_DENIED",
            "Method call denied",
        )),
    }
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
        confirmation(env, def)?;
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
        methods: env.methods,
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
