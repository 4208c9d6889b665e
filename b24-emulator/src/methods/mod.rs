//! The method table: every REST method the emulator answers, with its scope and handler.
//!
//! Adding a method is one [`MethodDef`] line in [`METHODS`] plus a handler function
//! `fn(&mut Call<'_>) -> Result<MethodOutput, ApiError>`.

use crate::auth::Principal;
use crate::envelope::{ApiError, MethodOutput};
use crate::state::{Config, PortalState};
use crate::value::Value;

pub mod crm;
pub mod im;
pub mod service;
pub mod telephony;

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
    METHODS.iter().find(|d| d.name == name)
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
