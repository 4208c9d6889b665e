//! The main job on the embedded emulator: no portal, no configuration.
//!
//! Starts a local Bitrix24 portal in-process, then makes typed calls against it over HTTP,
//! shows typed errors from the server, and a call the scope pre-flight refuses before sending.
//!
//! Run with `cargo run --example quickstart`.

use b24_core::{Client, Error, Scope};
use b24_emulator::Emulator;
use b24_methods::crm::automatedsolution::add::{AutomatedSolutionAdd, NewAutomatedSolution};
use b24_methods::crm::automatedsolution::list::AutomatedSolutionList;
use b24_methods::im::department::get::ImDepartmentGet;
use b24_methods::profile::Profile;
use b24_methods::server::time::ServerTime;
use b24_methods::voximplant::user::get::VoximplantUserGet;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let portal = Emulator::start().await?;
    println!("emulated portal at {}", portal.base_url());

    let client = Client::webhook(&portal.webhook_url())?;
    println!("client: {client:?}");

    let me = client.call(&Profile).await?;
    println!(
        "profile: #{} {} {}",
        me.id,
        me.name.unwrap_or_default(),
        me.last_name.unwrap_or_default()
    );
    println!("server time: {}", client.call(&ServerTime).await?);

    for title in ["HR", "Customer Success", "R&D"] {
        let added = client
            .call(&AutomatedSolutionAdd::new(NewAutomatedSolution::new(title)))
            .await?;
        println!(
            "added automated solution #{} {:?}",
            added.automated_solution.id, added.automated_solution.title
        );
    }
    let page = client
        .call_envelope(&AutomatedSolutionList::new().order_by("id", "DESC"))
        .await?;
    println!(
        "listed {} of {} solutions, newest first: {:?}",
        page.result.automated_solutions.len(),
        page.total.unwrap_or_default(),
        page.result
            .automated_solutions
            .iter()
            .map(|s| s.title.as_str())
            .collect::<Vec<_>>()
    );

    let departments = client
        .call(&ImDepartmentGet::new([1, 7]).with_manager_data())
        .await?;
    for department in &departments {
        let manager = department
            .manager_user_data
            .as_ref()
            .and_then(|m| m.name.clone())
            .unwrap_or_default();
        println!(
            "department #{} {:?}, managed by {manager:?}",
            department.id, department.name
        );
    }

    println!("\ntyped errors:");
    let error = client
        .call(&AutomatedSolutionAdd::new(NewAutomatedSolution::new("")))
        .await
        .unwrap_err();
    report(&error);
    let voximplant = VoximplantUserGet::new([1]);
    report(&client.call(&voximplant).await.unwrap_err());
    portal.confirm_method("voximplant.user.get");
    let users = client.call(&voximplant).await?;
    println!(
        "  after the administrator confirmed: {} telephony user(s), phone enabled: {}",
        users.len(),
        users[0].phone_enabled.0
    );

    let im_only = Client::builder()
        .webhook_url(&portal.webhook_url())?
        .granted_scopes([Scope::Im])
        .build()?;
    let before = portal.total_requests();
    let error = im_only
        .call(&AutomatedSolutionList::new())
        .await
        .unwrap_err();
    report(&error);
    println!(
        "  requests sent by the refused call: {}",
        portal.total_requests() - before
    );

    println!(
        "\nHTTP requests served by the emulator: {}",
        portal.total_requests()
    );
    Ok(())
}

fn report(error: &Error) {
    match error {
        Error::Api(api) => println!(
            "  {} -> code {} (HTTP {}), retryable: {}",
            api.method,
            api.code,
            api.status,
            error.is_retryable()
        ),
        other => println!("  {other}"),
    }
}
