//! Every seed method end to end against the emulator, including its documented errors.

use b24_core::{ErrorCode, Id, OAuth};
use b24_emulator::Emulator;
use b24_methods::app::info::{AppInfo, AppInfoResult};
use b24_methods::crm::automatedsolution::add::{AutomatedSolutionAdd, NewAutomatedSolution};
use b24_methods::crm::automatedsolution::delete::AutomatedSolutionDelete;
use b24_methods::crm::automatedsolution::fields::AutomatedSolutionFields;
use b24_methods::crm::automatedsolution::get::AutomatedSolutionGet;
use b24_methods::crm::automatedsolution::list::{AutomatedSolutionList, AutomatedSolutionPage};
use b24_methods::crm::automatedsolution::update::{
    AutomatedSolutionChanges, AutomatedSolutionUpdate,
};
use b24_methods::im::department::get::ImDepartmentGet;
use b24_methods::im::revision::get::ImRevisionGet;
use b24_methods::profile::Profile;
use b24_methods::scope::Scopes;
use b24_methods::server::time::ServerTime;
use b24_methods::voximplant::user::get::VoximplantUserGet;
use serde_json::json;

use crate::support::{assert_api_error, portal, portal_with};

#[tokio::test]
async fn automated_solution_lifecycle() {
    let (emulator, client) = portal().await;

    let added = client
        .call(&AutomatedSolutionAdd::new(
            NewAutomatedSolution::new("HR").with_type_ids([1, 2, 3]),
        ))
        .await
        .unwrap()
        .automated_solution;
    assert_eq!(added.title, "HR");
    assert_eq!(added.type_ids, vec![Id(1), Id(2), Id(3)]);

    let page = client
        .call_envelope(&AutomatedSolutionList::new())
        .await
        .unwrap();
    assert_eq!(page.total, Some(1));
    assert_eq!(page.result.automated_solutions, vec![added.clone()]);

    let fetched = client
        .call(&AutomatedSolutionGet::new(added.id.0))
        .await
        .unwrap();
    assert_eq!(fetched.automated_solution, added);

    let updated = client
        .call(&AutomatedSolutionUpdate::new(
            added.id.0,
            AutomatedSolutionChanges::new().title("People"),
        ))
        .await
        .unwrap()
        .automated_solution;
    assert_eq!(updated.title, "People");
    assert_eq!(
        updated.type_ids, added.type_ids,
        "fields not sent stay unchanged"
    );

    client
        .call(&AutomatedSolutionDelete::new(added.id.0))
        .await
        .unwrap();
    let page = client
        .call_envelope(&AutomatedSolutionList::new())
        .await
        .unwrap();
    assert!(page.result.automated_solutions.is_empty());
    assert_eq!(page.total, Some(0));
    assert!(
        client
            .call(&AutomatedSolutionGet::new(added.id.0))
            .await
            .is_err()
    );

    assert_eq!(emulator.request_count("crm.automatedsolution.add"), 1);
    assert_eq!(emulator.request_count("crm.automatedsolution.list"), 2);
    assert_eq!(emulator.total_requests(), 7);
}

#[tokio::test]
async fn automated_solution_list_pages_and_filters() {
    let (_emulator, client) = portal().await;
    for title in ["HR", "Sales", "R&D"] {
        client
            .call(&AutomatedSolutionAdd::new(NewAutomatedSolution::new(title)))
            .await
            .unwrap();
    }
    let page = client
        .call(&AutomatedSolutionList::new().filter("%title", "R&"))
        .await
        .unwrap();
    assert_eq!(titles(&page), ["R&D"]);
    let page = client
        .call(&AutomatedSolutionList::new().order_by("id", "DESC"))
        .await
        .unwrap();
    assert_eq!(titles(&page), ["R&D", "Sales", "HR"]);
}

#[tokio::test]
async fn automated_solution_fields_are_described() {
    let (_emulator, client) = portal().await;
    let fields = client.call(&AutomatedSolutionFields).await.unwrap().fields;
    assert!(fields["id"].is_read_only);
    assert!(fields["title"].is_required);
    assert!(fields["typeIds"].is_multiple);
}

#[tokio::test]
async fn automated_solution_add_without_title_is_bx_empty_required() {
    let (emulator, client) = portal().await;
    let result = client
        .call_raw(
            "crm.automatedsolution.add",
            &json!({"fields": {"typeIds": [1]}}),
        )
        .await;
    assert_api_error(result, ErrorCode::BxEmptyRequired, 400);
    let result = client
        .call(&AutomatedSolutionAdd::new(NewAutomatedSolution::new("")))
        .await;
    assert_api_error(result, ErrorCode::BxEmptyRequired, 400);
    assert_eq!(emulator.request_count("crm.automatedsolution.add"), 2);
}

#[tokio::test]
async fn automated_solution_limit_is_limit_exceeded() {
    let (_emulator, client) = portal_with(Emulator::builder().automated_solution_limit(2)).await;
    for title in ["one", "two"] {
        client
            .call(&AutomatedSolutionAdd::new(NewAutomatedSolution::new(title)))
            .await
            .unwrap();
    }
    let result = client
        .call(&AutomatedSolutionAdd::new(NewAutomatedSolution::new(
            "three",
        )))
        .await;
    assert_api_error(result, ErrorCode::LimitExceeded, 400);
}

#[tokio::test]
async fn im_department_get_with_and_without_manager_data() {
    let (_emulator, client) = portal().await;
    let departments = client.call(&ImDepartmentGet::new([3, 7])).await.unwrap();
    let mut names: Vec<_> = departments.iter().map(|d| d.name.as_str()).collect();
    names.sort();
    assert_eq!(names, ["Development Department", "Finance Department"]);
    assert!(departments.iter().all(|d| d.manager_user_data.is_none()));

    let departments = client
        .call(&ImDepartmentGet::new([1]).with_manager_data())
        .await
        .unwrap();
    let manager = departments[0]
        .manager_user_data
        .as_ref()
        .expect("USER_DATA=Y adds the manager");
    assert_eq!(Some(manager.id), departments[0].manager_user_id);
}

#[tokio::test]
async fn im_department_get_with_bad_ids_is_invalid_format() {
    let (_emulator, client) = portal().await;
    let result = client
        .call_raw("im.department.get", &json!({"ID": ["abc"]}))
        .await;
    assert_api_error(result, ErrorCode::InvalidFormat, 400);
    let result = client.call_raw("im.department.get", &json!({})).await;
    assert_api_error(result, ErrorCode::InvalidFormat, 400);
}

#[tokio::test]
async fn im_revision_get() {
    let (_emulator, client) = portal().await;
    let revision = client.call(&ImRevisionGet).await.unwrap();
    assert!(revision.rest > 0 && revision.web > 0);
}

#[tokio::test]
async fn voximplant_user_get_waits_for_confirmation_then_answers() {
    let (emulator, client) = portal().await;
    let request = VoximplantUserGet::new([1]);
    assert_waiting_for_confirmation(&client, &request).await;
    assert_waiting_for_confirmation(&client, &request).await;
    emulator.confirm_method("voximplant.user.get");
    let users = client.call(&request).await.unwrap();
    assert_eq!(users.len(), 1);
    assert_eq!(users[0].id, Id(1));
    assert_eq!(emulator.request_count("voximplant.user.get"), 3);
}

#[tokio::test]
async fn voximplant_user_get_denied() {
    let (emulator, client) = portal().await;
    let request = VoximplantUserGet::new([1]);
    assert_waiting_for_confirmation(&client, &request).await;
    emulator.deny_method("voximplant.user.get");
    assert_api_error(
        client.call(&request).await,
        ErrorCode::MethodConfirmDenied,
        403,
    );
}

#[tokio::test]
async fn service_methods() {
    let (emulator, client) = portal().await;
    let granted = client.call(&Scopes::granted()).await.unwrap();
    assert!(granted.contains(&b24_core::Scope::Crm));
    #[allow(deprecated)]
    let methods = client
        .call(&b24_methods::methods::Methods::available())
        .await
        .unwrap();
    assert!(methods.iter().any(|m| m == "crm.automatedsolution.add"));
    let profile = client.call(&Profile).await.unwrap();
    assert_eq!(profile.id, Id(emulator.webhook_user_id()));
    assert!(profile.admin);
    let time = client.call(&ServerTime).await.unwrap();
    assert!(time.len() >= 25 && time.as_bytes()[10] == b'T', "{time}");
    match client.call(&AppInfo).await.unwrap() {
        AppInfoResult::Webhook(info) => assert!(info.scope.contains(&b24_core::Scope::Im)),
        other => panic!("a webhook gets the webhook shape, got {other:?}"),
    }
}

#[tokio::test]
async fn oauth_tokens_work_like_webhooks() {
    let emulator = Emulator::start().await.unwrap();
    let token = emulator.issue_oauth_token(1, ["crm", "im"]);
    let client = b24_core::Client::builder()
        .oauth(OAuth::with_token(&emulator.portal_url(), token).unwrap())
        .build()
        .unwrap();
    let profile = client.call(&Profile).await.unwrap();
    assert_eq!(profile.id, Id(1));
    match client.call(&AppInfo).await.unwrap() {
        AppInfoResult::Application(info) => assert!(info.installed),
        other => panic!("an application gets the application shape, got {other:?}"),
    }
    let solution = client
        .call(&AutomatedSolutionAdd::new(NewAutomatedSolution::new(
            "via OAuth",
        )))
        .await;
    assert!(solution.is_ok(), "{solution:?}");
}

/// The titles of a page of automated solutions, in the order the portal sent them.
fn titles(page: &AutomatedSolutionPage) -> Vec<&str> {
    page.automated_solutions
        .iter()
        .map(|solution| solution.title.as_str())
        .collect()
}

/// Calls `request` and asserts the portal's answer: the method awaits the administrator.
async fn assert_waiting_for_confirmation(client: &b24_core::Client, request: &VoximplantUserGet) {
    assert_api_error(
        client.call(request).await,
        ErrorCode::MethodConfirmWaiting,
        401,
    );
}
