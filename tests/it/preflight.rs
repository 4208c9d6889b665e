//! The scope pre-flight refuses methods outside the granted scopes without sending anything.

use b24_core::{Client, Error, Scope};
use b24_emulator::Emulator;
use b24_methods::crm::automatedsolution::add::{AutomatedSolutionAdd, NewAutomatedSolution};
use b24_methods::im::revision::get::ImRevisionGet;
use b24_methods::profile::Profile;

use crate::support::webhook_url;

/// A webhook client of `emulator` that declares `scope` as its only granted scope.
fn declaring(emulator: &Emulator, scope: Scope) -> Client {
    Client::builder()
        .webhook_url(&emulator.webhook_url())
        .unwrap()
        .granted_scopes([scope])
        .build()
        .unwrap()
}

fn add() -> AutomatedSolutionAdd {
    AutomatedSolutionAdd::new(NewAutomatedSolution::new("HR"))
}

#[tokio::test]
async fn declared_scopes_refuse_other_methods_and_send_nothing() {
    let emulator = Emulator::start().await.unwrap();
    let client = declaring(&emulator, Scope::Im);
    let error = client.call(&add()).await.unwrap_err();
    match &error {
        Error::ScopeNotGranted { method, required } => {
            assert_eq!(method, "crm.automatedsolution.add");
            assert_eq!(*required, Scope::Crm);
        }
        other => panic!("expected a scope refusal, got {other:?}"),
    }
    assert!(error.to_string().contains("no request was sent"));
    assert_eq!(
        emulator.total_requests(),
        0,
        "the pre-flight must not touch the network"
    );

    client.call(&ImRevisionGet).await.unwrap();
    client.call(&Profile).await.unwrap();
    assert_eq!(
        emulator.total_requests(),
        2,
        "granted and global methods go through"
    );
}

#[tokio::test]
async fn raw_calls_of_registered_methods_are_checked_too() {
    let emulator = Emulator::start().await.unwrap();
    let client = declaring(&emulator, Scope::Im);
    let result = client
        .call_raw(
            "CRM.AutomatedSolution.Add",
            &serde_json::json!({"fields": {"title": "x"}}),
        )
        .await;
    assert!(
        matches!(result, Err(Error::ScopeNotGranted { .. })),
        "{result:?}"
    );
    assert_eq!(emulator.total_requests(), 0);
}

#[tokio::test]
async fn scopes_read_from_the_portal_once() {
    let emulator = Emulator::start().await.unwrap();
    let code = emulator.add_webhook(1, ["im"]);
    let client = Client::builder()
        .webhook_url(&webhook_url(&emulator, 1, &code))
        .unwrap()
        .scopes_from_portal()
        .build()
        .unwrap();
    for _ in 0..3 {
        assert!(matches!(
            client.call(&add()).await,
            Err(Error::ScopeNotGranted { .. })
        ));
    }
    client.call(&ImRevisionGet).await.unwrap();
    assert_eq!(
        emulator.request_count("scope"),
        1,
        "granted scopes are read once"
    );
    assert_eq!(emulator.request_count("crm.automatedsolution.add"), 0);
    assert_eq!(emulator.request_count("im.revision.get"), 1);
    assert_eq!(
        client.granted_scopes().await.unwrap(),
        Some(vec![Scope::Im])
    );
}

#[tokio::test]
async fn user_scope_is_satisfied_by_user_brief() {
    #[b24_core::b24_method("user.current", scope = "user", response = serde_json::Value, read_only)]
    #[derive(serde::Serialize)]
    struct UserCurrent;

    let emulator = Emulator::start().await.unwrap();
    let client = declaring(&emulator, Scope::UserBrief);
    // The pre-flight lets it through; whatever the portal answers, the request was sent.
    let _ = client.call(&UserCurrent).await;
    assert_eq!(emulator.total_requests(), 1);
}
