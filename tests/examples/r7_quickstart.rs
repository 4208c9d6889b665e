//! R7-Office CRM on the embedded R7 emulator: no portal, no configuration.
//!
//! Starts a local R7-Office portal in-process, logs in with a password, sets the access rights
//! of a case exactly as the R7 documentation's example does, pages through cases, shows the
//! update pitfall and typed errors, and re-logs in after the server revoked every token.
//!
//! Run with `cargo run -p b24-tests --example r7_quickstart`.

use b24_core::r7::{Client, Error, Guid};
use b24_emulator::r7::{ADMIN, ANNA, R7Emulator, SEED_CASE};
use b24_methods::r7::SortOrder;
use b24_methods::r7::crm::case::CaseSortBy;
use b24_methods::r7::crm::case::access::CaseAccess;
use b24_methods::r7::crm::case::create::CaseCreate;
use b24_methods::r7::crm::case::filter::CaseFilter;
use b24_methods::r7::crm::case::get::CaseGet;
use b24_methods::r7::crm::case::update::CaseUpdate;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let portal = R7Emulator::start().await?;
    println!("emulated R7 portal at {}", portal.base_url());

    let client = Client::new(&portal.base_url(), ADMIN.login, ADMIN.password)?;
    println!("client: {client:?}");

    // The documentation's request: PUT api/2.0/crm/case/1234/access.
    let anna: Guid = ANNA.id.parse()?;
    let case = client.call(&CaseAccess::private(SEED_CASE, [anna])).await?;
    println!(
        "case #{} {:?}: private = {}, access list = {:?}, created {}",
        case.id,
        case.title.as_deref().unwrap_or_default(),
        case.is_private,
        case.access_list
            .iter()
            .map(|user| user.display_name.as_str())
            .collect::<Vec<_>>(),
        case.created
            .map(|date| date.to_string())
            .unwrap_or_default(),
    );

    // The same route, asking for the XML rendering.
    let as_xml = client.call_xml(&CaseGet::new(SEED_CASE)).await?;
    println!("read back as XML, same case: {}", as_xml == case);

    // Paging with startIndex / count as a stream of pages.
    for index in 1..=12 {
        client
            .call(&CaseCreate::new(format!("Lead follow-up {index:02}")))
            .await?;
    }
    let filter = CaseFilter::new()
        .search("follow-up")
        .sort(CaseSortBy::Title, SortOrder::Descending);
    let mut pages = client.pages_sized(&filter, 5)?;
    while let Some(page) = pages.next_page().await {
        let page = page?;
        println!(
            "page at {}: {} case(s) of {}",
            page.start_index.unwrap_or(0),
            page.response.len(),
            page.total.unwrap_or(0)
        );
    }

    // The update pitfall, avoided: `keeping_access` sends isPrivate and accessList again.
    let renamed = client
        .call(&CaseUpdate::keeping_access(&case).title("Exhibition organization 2025"))
        .await?;
    println!("renamed, still private: {}", renamed.is_private);

    println!("\ntyped errors:");
    let anna_client = Client::new(&portal.base_url(), ANNA.login, ANNA.password)?;
    report(
        &anna_client
            .call(&CaseAccess::public(SEED_CASE))
            .await
            .unwrap_err(),
    );
    // Case 1 is private to the administrator: for anyone else it does not exist.
    report(&anna_client.call(&CaseGet::new(1)).await.unwrap_err());
    let wrong = Client::new(&portal.base_url(), ADMIN.login, "not-the-password")?;
    report(&wrong.call(&CaseGet::new(SEED_CASE)).await.unwrap_err());

    portal.revoke_all_tokens();
    let again = client.call(&CaseGet::new(SEED_CASE)).await?;
    println!(
        "\nafter \"log out all\": case #{} read again; logins so far: {}",
        again.id,
        portal.login_count()
    );
    println!("HTTP requests served: {}", portal.total_requests());
    Ok(())
}

fn report(error: &Error) {
    match error {
        Error::Api(api) => println!(
            "  {} -> {:?} (HTTP {}): {:?}",
            api.route, api.kind, api.status, api.message
        ),
        other => println!("  {other}"),
    }
}
