//! The catalog-driven fallback: every documented classic method that has no hand-written
//! handler answers from the documentation's structured catalog, compiled in by `build.rs`.
//!
//! A call goes through the same [`invoke`](crate::call::invoke) as a hand-written method (the
//! documented scope enforced, confirmation, operating time), then `check` (required
//! parameters, loose types) and `answer` (the documented example or a generated value; list
//! methods paged; `*.fields` describing fields). Nothing is stored: an `add` answers its
//! documented ID and a later `get` its documented record.
//!
//! The method table falls through to [`find`] for names it does not know
//! ([`MethodTable::with_fallback`](crate::call::MethodTable::with_fallback)).

mod answer;
mod check;
mod sample;
pub mod table;

use std::sync::OnceLock;

use crate::call::{Call, MethodDef};
use crate::envelope::{ApiError, MethodOutput};
use crate::state::ALL_SCOPES;

/// Scope codes of the documentation that the portal grants under another code.
const SCOPE_ALIASES: &[(&str, &str)] = &[("sonet", "sonet_group")];

/// One definition per entry of [`table::entries`], in the same order.
fn defs() -> &'static [MethodDef] {
    static DEFS: OnceLock<Vec<MethodDef>> = OnceLock::new();
    DEFS.get_or_init(|| {
        table::entries()
            .iter()
            .map(|entry| MethodDef {
                name: entry.name,
                scope: scope_of(&entry.scopes),
                needs_confirmation: false,
                handler: handle,
            })
            .collect()
    })
}

/// The scope a documented method needs: `None` for the global scope (`basic`), else the first
/// documented scope the portal knows (aliases resolved), else the first documented one.
fn scope_of(scopes: &[&'static str]) -> Option<&'static str> {
    if scopes.is_empty() || scopes.contains(&"basic") {
        return None;
    }
    let known = scopes.iter().find_map(|scope| {
        ALL_SCOPES
            .iter()
            .find(|known| known.eq_ignore_ascii_case(scope))
            .copied()
            .or_else(|| {
                SCOPE_ALIASES
                    .iter()
                    .find(|(alias, _)| alias.eq_ignore_ascii_case(scope))
                    .map(|(_, code)| *code)
            })
    });
    known.or(scopes.first().copied())
}

/// The catalog's entry for a lower-cased method name.
pub fn find(name: &str) -> Option<&'static MethodDef> {
    table::position(name).map(|i| &defs()[i])
}

/// Every method the catalog answers, sorted by name.
pub fn methods() -> &'static [MethodDef] {
    defs()
}

/// The handler of every catalog method.
fn handle(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let entry = table::entry(call.method)
        .ok_or_else(|| ApiError::new(404, "ERROR_METHOD_NOT_FOUND", "Method not found!"))?;
    check::params(entry, call.params)?;
    Ok(answer::answer(entry, call.params))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_resolve_to_what_the_portal_grants() {
        assert_eq!(scope_of(&["basic"]), None);
        assert_eq!(scope_of(&["crm"]), Some("crm"));
        assert_eq!(
            scope_of(&["userfieldconfig", "crm"]),
            Some("userfieldconfig")
        );
        assert_eq!(scope_of(&["sonet"]), Some("sonet_group"));
        assert_eq!(scope_of(&["unheard.of"]), Some("unheard.of"));
    }

    #[test]
    fn every_documented_method_has_a_definition() {
        assert_eq!(methods().len(), table::entries().len());
        let def = find("tasks.task.add").expect("documented");
        assert_eq!(def.scope, Some("task"));
        assert!(find("no.such.method").is_none());
    }
}
