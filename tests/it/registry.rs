//! The run-time registry lists prebuilt and user-defined methods alike.

use b24_core::{ListShape, Scope, registry};

#[test]
fn prebuilt_methods_are_registered_with_their_metadata() {
    let add = registry::find("crm.automatedsolution.add").expect("registered");
    assert_eq!(add.scope, Scope::Crm);
    assert!(!add.meta.read_only);
    assert!(add.type_name().ends_with("AutomatedSolutionAdd"));

    let list =
        registry::find("CRM.AutomatedSolution.List").expect("names compare case-insensitively");
    assert!(list.meta.read_only);
    assert_eq!(list.meta.list, Some(ListShape::Key("automatedSolutions")));
    assert_eq!(list.meta.cursor, Some("id"));

    assert!(
        registry::find("methods")
            .expect("registered")
            .meta
            .deprecated
    );
    assert_eq!(
        registry::find("voximplant.user.get").unwrap().scope,
        Scope::Telephony
    );
    assert!(registry::find("no.such.method").is_none());
}

#[test]
fn user_defined_methods_are_registered_too() {
    // The tests crate declares its own `crm.type.list`; the catalog has one as well.
    let all = registry::find_all("crm.type.list");
    assert_eq!(all.len(), 2, "{all:?}");
    let own = all
        .iter()
        .find(|info| info.type_name().starts_with("b24_tests::"))
        .expect("the tests crate's own method");
    assert_eq!(own.scope, Scope::Crm);
    assert_eq!(own.meta.list, Some(ListShape::Key("types")));
}

#[test]
fn required_scopes_skip_the_global_scope_and_deduplicate() {
    let scopes = registry::required_scopes_for([
        "crm.automatedsolution.add",
        "crm.automatedsolution.list",
        "im.department.get",
        "profile",
        "server.time",
    ])
    .unwrap();
    assert_eq!(
        scopes.into_iter().collect::<Vec<_>>(),
        vec![Scope::Crm, Scope::Im]
    );
    assert!(registry::required_scopes_for(["crm.nothing"]).is_err());
}

#[test]
fn every_known_scope_round_trips_and_every_registered_method_names_one() {
    // Every documented scope parses from its wire string to a named variant, and every method
    // in the registry names a scope the runtime knows. The macro's own table is compared with
    // `Scope::KNOWN` by xtask's `scope_table` tests and `cargo xtask gen-methods --check`.
    for scope in Scope::KNOWN {
        assert_eq!(&Scope::from(scope.as_str()), scope);
        assert!(!matches!(scope, Scope::Custom(_)));
    }
    for info in registry::methods() {
        assert!(
            Scope::KNOWN.contains(&info.scope),
            "{}: {:?}",
            info.name,
            info.scope
        );
    }
}

#[test]
fn the_emulated_portal_grants_only_scopes_the_runtime_knows() {
    // The emulator cannot depend on b24-core, so its portal keeps its own list of the scopes a
    // full-access webhook is granted: a subset of the one table, checked here.
    let unknown: Vec<&str> = b24_emulator::state::ALL_SCOPES
        .iter()
        .copied()
        .filter(|code| matches!(Scope::from(*code), Scope::Custom(_)))
        .collect();
    assert!(
        unknown.is_empty(),
        "scopes unknown to b24_core::Scope: {unknown:?}"
    );
}
