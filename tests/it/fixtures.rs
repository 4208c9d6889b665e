//! The documentation's own examples decode with the typed responses, and the typed requests
//! serialise to the documented request bodies.

use std::path::PathBuf;

use b24_core::registry;
use b24_methods::crm::automatedsolution::add::{AutomatedSolutionAdd, NewAutomatedSolution};
use b24_methods::crm::automatedsolution::delete::AutomatedSolutionDelete;
use b24_methods::crm::automatedsolution::get::AutomatedSolutionGet;
use b24_methods::crm::automatedsolution::list::AutomatedSolutionList;
use b24_methods::crm::automatedsolution::update::{
    AutomatedSolutionChanges, AutomatedSolutionUpdate,
};
use b24_methods::im::department::get::ImDepartmentGet;
use b24_methods::voximplant::user::get::VoximplantUserGet;
use serde_json::Value;

const SEED_METHODS: &[&str] = &[
    "crm.automatedsolution.add",
    "crm.automatedsolution.get",
    "crm.automatedsolution.list",
    "crm.automatedsolution.update",
    "crm.automatedsolution.delete",
    "im.department.get",
    "im.revision.get",
    "voximplant.user.get",
    "scope",
    "methods",
    "profile",
    "app.info",
];

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/docs")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

fn fixture_json(name: &str) -> Value {
    serde_json::from_slice(&fixture(name)).expect("fixtures are valid JSON")
}

#[test]
fn documented_responses_decode_with_typed_responses() {
    for method in SEED_METHODS {
        let body = fixture(&format!("{method}.response.json"));
        let envelope = registry::decode_response(method, &body)
            .unwrap_or_else(|error| panic!("{method}: {error}"));
        let documented = fixture_json(&format!("{method}.response.json"));
        assert_eq!(envelope.result, documented["result"], "{method}");
        assert!(envelope.time.is_some(), "{method}: time");
    }
}

#[test]
fn typed_values_match_the_documentation() {
    use b24_methods::crm::automatedsolution::list::AutomatedSolutionPage;
    use b24_methods::voximplant::user::get::VoximplantUser;

    let page: b24_core::Envelope<AutomatedSolutionPage> =
        serde_json::from_slice(&fixture("crm.automatedsolution.list.response.json")).unwrap();
    assert_eq!(page.total, Some(3));
    assert_eq!(page.result.automated_solutions[2].title, "R&D");
    assert_eq!(page.result.automated_solutions[1].type_ids, vec![]);
    let time = page.time.unwrap();
    assert_eq!(time.operating_reset_at, Some(1715849996));

    let users: b24_core::Envelope<Vec<VoximplantUser>> =
        serde_json::from_slice(&fixture("voximplant.user.get.response.json")).unwrap();
    assert_eq!(
        users.result[0].id,
        b24_core::Id(1269),
        "IDs arrive as strings"
    );
    assert!(users.result[0].phone_enabled.0, "Y/N arrives as a string");
    assert_eq!(users.result[1].sip_password, None);
}

#[test]
fn documented_errors_decode_with_their_codes() {
    use b24_core::{Error, ErrorCode};
    for (method, code) in [
        ("crm.automatedsolution.add", ErrorCode::BxEmptyRequired),
        ("im.department.get", ErrorCode::InvalidFormat),
        ("app.info", ErrorCode::AccessDenied),
    ] {
        let body = fixture(&format!("{method}.error.json"));
        match registry::decode_response(method, &body) {
            Err(Error::Api(api)) => assert_eq!(api.code, code, "{method}"),
            other => panic!("{method}: expected an API error, got {other:?}"),
        }
    }
}

#[test]
fn typed_requests_serialise_to_the_documented_bodies() {
    let cases: Vec<(&str, Value)> = vec![
        (
            "crm.automatedsolution.add",
            serde_json::to_value(AutomatedSolutionAdd::new(
                NewAutomatedSolution::new("HR").with_type_ids([1, 2, 3]),
            ))
            .unwrap(),
        ),
        (
            "crm.automatedsolution.get",
            serde_json::to_value(AutomatedSolutionGet::new(393)).unwrap(),
        ),
        (
            "crm.automatedsolution.list",
            serde_json::to_value(AutomatedSolutionList::new().order_by("id", "DESC")).unwrap(),
        ),
        (
            "crm.automatedsolution.update",
            serde_json::to_value(AutomatedSolutionUpdate::new(
                238,
                AutomatedSolutionChanges::new().title("HR & Customer Success"),
            ))
            .unwrap(),
        ),
        (
            "crm.automatedsolution.delete",
            serde_json::to_value(AutomatedSolutionDelete::new(5)).unwrap(),
        ),
        (
            "im.department.get",
            serde_json::to_value(ImDepartmentGet::new([3, 7]).with_manager_data()).unwrap(),
        ),
        (
            "voximplant.user.get",
            serde_json::to_value(VoximplantUserGet::new([1269, 1271])).unwrap(),
        ),
        (
            "scope",
            serde_json::to_value(b24_methods::scope::Scopes::all()).unwrap(),
        ),
    ];
    for (method, typed) in cases {
        assert_eq!(
            typed,
            fixture_json(&format!("{method}.request.json")),
            "{method}"
        );
    }
}
