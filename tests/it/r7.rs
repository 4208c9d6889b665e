//! The R7-Office client against the R7 emulator over HTTP: login, the envelope, errors,
//! paging and every case route of `b24_methods::r7`.

use b24_core::r7::{ApiDateTime, Client, Envelope, Error, ErrorKind, Format, Guid, SecondFactor};
use b24_core::r7_method;
use b24_emulator::r7::{ADMIN, ANNA, BORIS, CannedAnswer, R7Emulator, SEED_CASE, TFA_USER, User};
use b24_methods::r7::SortOrder;
use b24_methods::r7::crm::case::access::CaseAccess;
use b24_methods::r7::crm::case::access_many::CaseAccessMany;
use b24_methods::r7::crm::case::byprefix::CaseByPrefix;
use b24_methods::r7::crm::case::close::CaseClose;
use b24_methods::r7::crm::case::contact::add::CaseContactAdd;
use b24_methods::r7::crm::case::contact::list::CaseContacts;
use b24_methods::r7::crm::case::contact::remove::CaseContactRemove;
use b24_methods::r7::crm::case::create::CaseCreate;
use b24_methods::r7::crm::case::customfield::create::CaseCustomFieldCreate;
use b24_methods::r7::crm::case::customfield::definitions::CaseCustomFieldDefinitions;
use b24_methods::r7::crm::case::customfield::delete::CaseCustomFieldDelete;
use b24_methods::r7::crm::case::customfield::reorder::CaseCustomFieldReorder;
use b24_methods::r7::crm::case::customfield::set::CaseCustomFieldSet;
use b24_methods::r7::crm::case::customfield::update::CaseCustomFieldUpdate;
use b24_methods::r7::crm::case::customfield::values::CaseCustomFields;
use b24_methods::r7::crm::case::delete::CaseDelete;
use b24_methods::r7::crm::case::delete_many::CaseDeleteMany;
use b24_methods::r7::crm::case::filter::CaseFilter;
use b24_methods::r7::crm::case::filter_access::CaseFilterAccess;
use b24_methods::r7::crm::case::filter_delete::CaseFilterDelete;
use b24_methods::r7::crm::case::get::CaseGet;
use b24_methods::r7::crm::case::reopen::CaseReopen;
use b24_methods::r7::crm::case::tag::add::CaseTagAdd;
use b24_methods::r7::crm::case::tag::add_filtered::CaseTagAddFiltered;
use b24_methods::r7::crm::case::tag::add_many::CaseTagAddMany;
use b24_methods::r7::crm::case::tag::create::CaseTagCreate;
use b24_methods::r7::crm::case::tag::delete::CaseTagDelete;
use b24_methods::r7::crm::case::tag::delete_unused::CaseTagDeleteUnused;
use b24_methods::r7::crm::case::tag::get::CaseTags;
use b24_methods::r7::crm::case::tag::list::CaseTagList;
use b24_methods::r7::crm::case::tag::remove::CaseTagRemove;
use b24_methods::r7::crm::case::update::CaseUpdate;
use b24_methods::r7::crm::case::{Case, CaseSortBy};
use b24_methods::r7::crm::field_type;
use b24_methods::r7::crm::history::create::HistoryCreate;
use b24_methods::r7::crm::history::delete::HistoryDelete;
use b24_methods::r7::crm::history::filter::HistoryFilter;
use serde::{Deserialize, Serialize};

const FIXTURE_JSON: &str = include_str!("../fixtures/r7/case_access.json");
const FIXTURE_XML: &str = include_str!("../fixtures/r7/case_access.xml");
const FIXTURE_REQUEST: &str = include_str!("../fixtures/r7/case_access_request.json");

async fn portal() -> (R7Emulator, Client) {
    let emulator = R7Emulator::start().await.expect("the R7 emulator starts");
    let client = client_for(&emulator, &ADMIN);
    (emulator, client)
}

fn client_for(emulator: &R7Emulator, user: &User) -> Client {
    Client::new(&emulator.base_url(), user.login, user.password).expect("loopback is accepted")
}

fn guid(user: &User) -> Guid {
    user.id.parse().expect("seeded GUIDs parse")
}

#[track_caller]
fn api_error<T: std::fmt::Debug>(result: Result<T, Error>) -> Box<b24_core::r7::ApiError> {
    match result {
        Err(Error::Api(api)) => api,
        other => panic!("expected an API error, got {other:?}"),
    }
}

fn assert_api_date(date: &ApiDateTime) {
    let text = date.to_string();
    let fraction = text.split('.').nth(1).expect("a fraction");
    assert_eq!(
        fraction.chars().take_while(char::is_ascii_digit).count(),
        7,
        "{text}"
    );
    assert!(text.ends_with("+03:00"), "{text}");
}

// --- the seed -------------------------------------------------------------------------------

#[tokio::test]
async fn seed_request_works_end_to_end() {
    let (emulator, client) = portal().await;
    let request: serde_json::Value = serde_json::from_str(FIXTURE_REQUEST).unwrap();
    let access_list: Vec<Guid> = serde_json::from_value(request["accessList"].clone()).unwrap();
    let seed = CaseAccess::private(1234, access_list.clone());
    assert_eq!(
        serde_json::to_value(&seed).unwrap(),
        serde_json::json!({"caseId": 1234, "isPrivate": true, "accessList": access_list})
    );

    let case: Case = client.call(&seed).await.unwrap();
    assert_eq!(case.id, SEED_CASE);
    assert_eq!(case.title.as_deref(), Some("Exhibition organization"));
    assert!(case.is_private);
    let ids: Vec<Guid> = case.access_list.iter().map(|user| user.id).collect();
    // The empty GUID of the example, and the caller, whom the server adds.
    assert_eq!(ids, [Guid::EMPTY, guid(&ADMIN)]);
    assert_eq!(
        case.create_by
            .as_ref()
            .map(|user| user.display_name.as_str()),
        Some("Mike Zanyatski")
    );
    assert_api_date(&case.created.unwrap());
    assert_eq!(case.custom_fields[0].label, "Birthdate");
    assert_eq!(emulator.request_count("PUT crm/case/{caseid}/access"), 1);
    assert_eq!(emulator.login_count(), 1);

    // Anna is not on the list: the case is a 404 for her, not a 403.
    let anna = client_for(&emulator, &ANNA);
    let error = api_error(anna.call(&CaseGet::new(SEED_CASE)).await);
    assert_eq!((error.kind, error.status), (ErrorKind::NotFound, 404));
    assert!(error.is_envelope());
}

#[test]
fn seed_json_example_decodes_into_case() {
    let envelope: Envelope<Case> = Envelope::parse(FIXTURE_JSON.as_bytes(), Format::Json).unwrap();
    let case = envelope.response;
    assert_eq!(case.id, 0);
    assert_eq!(case.title.as_deref(), Some("Exhibition organization"));
    assert!(!case.is_closed && !case.is_private && case.can_edit);
    let creator = case.create_by.as_ref().unwrap();
    assert_eq!(creator.id, Guid::EMPTY);
    assert_eq!(creator.display_name, "Mike Zanyatski");
    assert_eq!(creator.title.as_deref(), Some("Manager"));
    assert_eq!(creator.profile_url.as_deref(), Some(""));
    assert_eq!(
        case.created.unwrap().to_string(),
        "2022-10-07T10:03:01.4878919Z"
    );
    let field = &case.custom_fields[0];
    assert_eq!(
        (field.entity_id, field.field_type, field.position),
        (14523423, 5, 10)
    );
    assert_eq!(
        field.field_value.as_deref(),
        Some("2022-10-07T10:03:01.4878919Z")
    );
    assert_eq!(envelope.status_code, 200);
}

#[test]
fn seed_xml_example_decodes_into_the_same_case() {
    let from_xml: Envelope<Case> = Envelope::parse(FIXTURE_XML.as_bytes(), Format::Xml).unwrap();
    let from_json: Envelope<Case> = Envelope::parse(FIXTURE_JSON.as_bytes(), Format::Json).unwrap();
    assert_eq!(from_xml.response, from_json.response);
}

#[tokio::test]
async fn xml_is_decoded_when_asked_for() {
    let (emulator, client) = portal().await;
    let case = client
        .call_xml(&CaseAccess::private(SEED_CASE, [guid(&ANNA), guid(&BORIS)]))
        .await
        .unwrap();
    assert!(case.is_private);
    assert_eq!(case.access_list.len(), 3);
    let json = client.call(&CaseGet::new(SEED_CASE)).await.unwrap();
    assert_eq!(case, json);
    // A list in XML: repeated `<response>` elements, and a one-element list.
    let cases = client
        .call_xml(&CaseFilter::new().search("Exhibition"))
        .await
        .unwrap();
    assert_eq!(cases.len(), 1);
    let tags = client.call_xml(&CaseTags::new(SEED_CASE)).await.unwrap();
    assert_eq!(tags, ["expo"]);
    let none = client.call_xml(&CaseByPrefix::new("zzz")).await.unwrap();
    assert!(none.is_empty());
    assert_eq!(emulator.login_count(), 1);
}

// --- the client -----------------------------------------------------------------------------

#[tokio::test]
async fn logs_in_once_and_again_once_after_a_401() {
    let (emulator, client) = portal().await;
    client.call(&CaseGet::new(SEED_CASE)).await.unwrap();
    client.call(&CaseGet::new(SEED_CASE)).await.unwrap();
    assert_eq!(emulator.login_count(), 1);

    assert_eq!(emulator.revoke_all_tokens(), 1);
    let case = client.call(&CaseGet::new(SEED_CASE)).await.unwrap();
    assert_eq!(case.id, SEED_CASE);
    assert_eq!(emulator.login_count(), 2);
    assert_eq!(emulator.request_count("GET crm/case/{caseid}"), 4);
}

#[tokio::test]
async fn a_token_without_credentials_gets_the_plain_text_401() {
    let emulator = R7Emulator::start().await.unwrap();
    let token = emulator.issue_token(&BORIS);
    let client = Client::builder()
        .portal(&emulator.base_url())
        .token(token.clone())
        .build()
        .unwrap();
    assert_eq!(
        client.call(&CaseGet::new(SEED_CASE)).await.unwrap().id,
        SEED_CASE
    );
    emulator.revoke_all_tokens();
    let result = client.call(&CaseGet::new(SEED_CASE)).await;
    let shown = format!("{result:?}");
    assert!(!shown.contains(&token), "the token leaked: {shown}");
    let error = api_error(result);
    assert_eq!((error.kind, error.status), (ErrorKind::Unauthorized, 401));
    assert_eq!(error.raw_body.as_deref(), Some("Unauthorized"));
    assert_eq!(emulator.login_count(), 0);
}

#[tokio::test]
async fn login_failures_are_typed_and_secret_free() {
    let emulator = R7Emulator::start().await.unwrap();
    let client = Client::new(&emulator.base_url(), ADMIN.login, "wrong-password").unwrap();
    let result = client.call(&CaseGet::new(SEED_CASE)).await;
    let shown = format!("{result:?} {}", result.as_ref().unwrap_err());
    assert!(!shown.contains("wrong-password"), "{shown}");
    let error = api_error(result);
    assert_eq!(error.kind, ErrorKind::LoginFailed);
    assert_eq!(error.message, "User authentication failed");
    assert!(!error.is_retryable());
    assert!(!format!("{client:?}").contains("wrong-password"));

    let tfa = client_for(&emulator, &TFA_USER);
    match tfa.login().await {
        Err(Error::SecondFactor(SecondFactor::Totp { setup: false })) => {}
        other => panic!("expected a TOTP challenge, got {other:?}"),
    }
    let info = client_for(&emulator, &ANNA).login().await.unwrap();
    assert!(info.expires.unwrap().get().is_some());
}

#[tokio::test]
async fn error_envelopes_carry_message_and_hresult() {
    let (emulator, client) = portal().await;
    let error = api_error(client.call(&CaseCreate::new("  ")).await);
    assert_eq!((error.kind, error.status), (ErrorKind::BadRequest, 400));
    assert_eq!(
        error.message,
        "Value does not fall within the expected range."
    );
    assert_eq!(error.hresult, Some(-2_147_024_809));
    assert_eq!(error.route, "POST api/2.0/crm/case");

    // Anna may read the admin's public case but not change its access.
    let anna = client_for(&emulator, &ANNA);
    let error = api_error(anna.call(&CaseAccess::public(SEED_CASE)).await);
    assert_eq!((error.kind, error.status), (ErrorKind::Forbidden, 403));
    assert_eq!(error.message, "Access denied");

    let error = api_error(client.call(&CaseGet::new(999_999)).await);
    assert_eq!(error.kind, ErrorKind::NotFound);
}

/// A route the server does not have: the API answers with its error envelope (404).
#[r7_method(GET, "api/2.0/crm/case/{caseid}/nothing", response = serde_json::Value)]
#[derive(Serialize)]
struct NoSuchRoute {
    caseid: i64,
}

#[tokio::test]
async fn non_json_errors_keep_the_body() {
    let (emulator, client) = portal().await;
    let error = api_error(client.call(&NoSuchRoute { caseid: 1 }).await);
    assert_eq!((error.kind, error.status), (ErrorKind::NotFound, 404));
    assert!(
        error.is_envelope(),
        "an unknown API route answers the envelope"
    );

    // The web application's page, as a front-end server before the API may serve it.
    emulator.fail_next(CannedAnswer::not_found_page());
    let error = api_error(client.call(&NoSuchRoute { caseid: 1 }).await);
    assert_eq!((error.kind, error.status), (ErrorKind::NotFound, 404));
    assert!(error.raw_body.as_deref().unwrap().contains("<html>"));
    assert!(!error.is_envelope());

    emulator.fail_next(CannedAnswer::bad_gateway());
    let error = api_error(client.call(&CaseGet::new(SEED_CASE)).await);
    assert_eq!((error.kind, error.status), (ErrorKind::Unavailable, 502));
    assert!(error.raw_body.as_deref().unwrap().contains("nginx"));
    assert!(error.is_retryable());

    emulator.fail_next(CannedAnswer::rate_limited(7));
    let error = api_error(client.call(&CaseGet::new(SEED_CASE)).await);
    assert_eq!(error.kind, ErrorKind::RateLimited);
    assert_eq!(error.retry_after, Some(std::time::Duration::from_secs(7)));
    // And the next call goes through.
    assert_eq!(
        client.call(&CaseGet::new(SEED_CASE)).await.unwrap().id,
        SEED_CASE
    );
}

#[tokio::test]
async fn plain_http_is_refused_for_remote_portals() {
    let error = Client::new("http://portal.example.com", "admin", "secret").unwrap_err();
    assert!(matches!(error, Error::Config(_)), "{error}");
    assert!(!error.to_string().contains("secret"));
}

#[tokio::test]
async fn pages_stream_with_start_index_and_count() {
    let (emulator, client) = portal().await;
    for index in 0..23 {
        client
            .call(&CaseCreate::new(format!("Paged case {index:02}")))
            .await
            .unwrap();
    }
    let filter = CaseFilter::new()
        .search("Paged")
        .sort(CaseSortBy::Title, SortOrder::Ascending);
    let mut pages = client.pages_sized(&filter, 10).unwrap();
    let mut sizes = Vec::new();
    let mut titles = Vec::new();
    while let Some(page) = pages.next_page().await {
        let page = page.unwrap();
        assert_eq!(page.total, Some(23));
        sizes.push(page.response.len());
        titles.extend(page.response.into_iter().filter_map(|case| case.title));
    }
    assert_eq!(sizes, [10, 10, 3]);
    assert_eq!(titles.first().map(String::as_str), Some("Paged case 00"));
    assert_eq!(titles.last().map(String::as_str), Some("Paged case 22"));
    assert_eq!(pages.total(), Some(23));

    // An exact multiple ends at `total` without an empty extra page.
    let before = emulator.request_count("GET crm/case/filter");
    let all = client
        .pages_sized(&filter.clone().closed(false), 23)
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 23);
    assert_eq!(emulator.request_count("GET crm/case/filter") - before, 1);

    // A one-off page by hand, descending.
    let page = client
        .call_envelope(
            &CaseFilter::new()
                .search("Paged")
                .sort(CaseSortBy::Title, SortOrder::Descending)
                .page(5, 2),
        )
        .await
        .unwrap();
    assert_eq!(page.start_index, Some(5));
    assert_eq!(page.count, Some(2));
    assert_eq!(page.response[0].title.as_deref(), Some("Paged case 17"));
}

// --- every case route -----------------------------------------------------------------------

#[tokio::test]
async fn case_crud_close_and_reopen() {
    let (emulator, client) = portal().await;
    let envelope = client
        .call_envelope(
            &CaseCreate::new("Annual audit")
                .members([1, 99])
                .custom_field(1, "2024-01-15T00:00:00.0000000+03:00")
                .private([guid(&ANNA)]),
        )
        .await
        .unwrap();
    assert_eq!(envelope.status_code, 201, "every POST answers 201");
    let case = envelope.response;
    assert!(case.id >= 1235);
    assert_eq!(case.members.len(), 1, "unknown member 99 is dropped");
    assert_eq!(
        case.custom_fields[0].field_value.as_deref(),
        Some("2024-01-15T00:00:00.0000000+03:00")
    );
    assert!(case.is_private);
    assert_eq!(case.access_list.len(), 2, "Anna and the creator");

    let read = client.call(&CaseGet::new(case.id)).await.unwrap();
    assert_eq!(read, case);

    let updated = client
        .call(
            &CaseUpdate::keeping_access(&read)
                .title("Annual audit 2024")
                .members([2, 3]),
        )
        .await
        .unwrap();
    assert_eq!(updated.title.as_deref(), Some("Annual audit 2024"));
    assert!(
        updated.is_private,
        "keeping_access sends isPrivate and accessList again"
    );
    assert_eq!(updated.members.len(), 2);

    let closed = client.call(&CaseClose::new(case.id)).await.unwrap();
    assert!(closed.is_closed);
    let reopened = client.call(&CaseReopen::new(case.id)).await.unwrap();
    assert!(!reopened.is_closed);

    let deleted = client.call(&CaseDelete::new(case.id)).await.unwrap();
    assert_eq!(deleted.id, case.id);
    assert_eq!(
        api_error(client.call(&CaseGet::new(case.id)).await).kind,
        ErrorKind::NotFound
    );
    for route in [
        "POST crm/case",
        "GET crm/case/{caseid}",
        "PUT crm/case/{caseid}",
        "PUT crm/case/{caseid}/close",
        "PUT crm/case/{caseid}/reopen",
        "DELETE crm/case/{caseid}",
    ] {
        assert!(emulator.request_count(route) >= 1, "{route}");
    }
}

/// `PUT crm/case/{caseid}` as a naive client would declare it, without `isPrivate`.
#[r7_method(PUT, "api/2.0/crm/case/{caseid}", response = Case)]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct NaiveUpdate {
    caseid: i64,
    title: String,
}

#[tokio::test]
async fn updating_without_access_makes_a_case_public() {
    let (_emulator, client) = portal().await;
    let case = client
        .call(&CaseCreate::new("Secret deal").private([guid(&ANNA)]))
        .await
        .unwrap();
    assert!(case.is_private);
    let after = client
        .call(&NaiveUpdate {
            caseid: case.id,
            title: "Secret deal (renamed)".into(),
        })
        .await
        .unwrap();
    assert!(!after.is_private, "the pitfall: privacy is reset");
    assert!(after.access_list.is_empty());

    // Private with an empty access list is public too.
    let emptied = client
        .call(&CaseAccess::private(case.id, []))
        .await
        .unwrap();
    assert!(!emptied.is_private);
}

/// Every case `client` may see, over all pages.
async fn all_cases(client: &Client) -> Vec<Case> {
    client
        .pages(&CaseFilter::new())
        .unwrap()
        .try_collect()
        .await
        .unwrap()
}

#[tokio::test]
async fn access_rules_hide_private_cases() {
    let (emulator, admin) = portal().await;
    let anna = client_for(&emulator, &ANNA);
    let boris = client_for(&emulator, &BORIS);
    let case = admin
        .call(&CaseCreate::new("Board meeting").private([guid(&ANNA)]))
        .await
        .unwrap();
    assert_eq!(anna.call(&CaseGet::new(case.id)).await.unwrap().id, case.id);
    assert_eq!(
        api_error(boris.call(&CaseGet::new(case.id)).await).status,
        404
    );
    let visible = all_cases(&boris).await;
    assert!(visible.iter().all(|c| c.id != case.id && c.id != 1));
    let by_admin = all_cases(&admin).await;
    assert!(by_admin.iter().any(|c| c.id == case.id));
}

#[tokio::test]
async fn batch_access_and_filter_access() {
    let (emulator, admin) = portal().await;
    let anna = client_for(&emulator, &ANNA);
    let mine = anna.call(&CaseCreate::new("Anna's lead")).await.unwrap();
    let changed = anna
        .call(&CaseAccessMany::new(
            [mine.id, SEED_CASE],
            true,
            [guid(&BORIS)],
        ))
        .await
        .unwrap();
    let ids: Vec<i64> = changed.iter().map(|case| case.id).collect();
    assert_eq!(ids, [mine.id], "the admin's case is skipped silently");
    assert!(changed[0].is_private);

    for title in ["Filter access A", "Filter access B"] {
        admin.call(&CaseCreate::new(title)).await.unwrap();
    }
    let changed = admin
        .call(&CaseFilterAccess::new(true, [guid(&BORIS)]).search("Filter access"))
        .await
        .unwrap();
    assert_eq!(
        changed.len(),
        2,
        "filterValue travelled in the query string"
    );
    assert!(changed.iter().all(|case| case.is_private));
    assert_eq!(emulator.request_count("PUT crm/case/access"), 1);
    assert_eq!(emulator.request_count("PUT crm/case/filter/access"), 1);
}

#[tokio::test]
async fn batch_delete_and_filter_delete() {
    let (emulator, client) = portal().await;
    let mut ids = Vec::new();
    for title in ["Old one", "Old two", "Obsolete three", "Obsolete four"] {
        ids.push(client.call(&CaseCreate::new(title)).await.unwrap().id);
    }
    let deleted = client
        .call(&CaseDeleteMany::new([ids[0], ids[1], 999_999]))
        .await
        .unwrap();
    assert_eq!(deleted.len(), 2);
    client.call(&CaseClose::new(ids[3])).await.unwrap();
    let deleted = client
        .call(&CaseFilterDelete::search("Obsolete").closed(true))
        .await
        .unwrap();
    assert_eq!(
        deleted.iter().map(|case| case.id).collect::<Vec<_>>(),
        [ids[3]]
    );
    assert_eq!(emulator.case_count(), 4);
    assert_eq!(emulator.request_count("PUT crm/case"), 1);
    assert_eq!(emulator.request_count("DELETE crm/case/filter"), 1);
}

#[tokio::test]
async fn members_and_byprefix() {
    let (emulator, client) = portal().await;
    let members = client.call(&CaseContacts::new(SEED_CASE)).await.unwrap();
    assert_eq!(members.len(), 2);
    let company = members.iter().find(|contact| contact.is_company).unwrap();
    assert_eq!(company.company_name.as_deref(), Some("Romashka LLC"));

    let envelope = client
        .call_envelope(&CaseContactAdd::new(SEED_CASE, 3))
        .await
        .unwrap();
    assert_eq!(envelope.status_code, 201);
    assert_eq!(envelope.response.display_name, "Maria Sokolova");
    let removed = client
        .call(&CaseContactRemove::new(SEED_CASE, 1))
        .await
        .unwrap();
    assert_eq!(removed.id, 1);
    let members = client.call(&CaseContacts::new(SEED_CASE)).await.unwrap();
    let ids: Vec<i64> = members.iter().map(|contact| contact.id).collect();
    assert_eq!(ids, [2, 3]);

    let found = client.call(&CaseByPrefix::new("exhib")).await.unwrap();
    assert_eq!(found.len(), 1);
    let mut with_contact = CaseByPrefix::new("s");
    with_contact.contact_id = Some(3);
    assert_eq!(client.call(&with_contact).await.unwrap()[0].id, 2);
    assert_eq!(emulator.request_count("GET crm/case/byprefix"), 2);
}

#[tokio::test]
async fn custom_fields() {
    let (emulator, client) = portal().await;
    let definitions = client
        .call(&CaseCustomFieldDefinitions::new())
        .await
        .unwrap();
    assert_eq!(definitions[0].label, "Birthdate");
    assert_eq!(definitions[0].relative_items_count, Some(1));

    let created = client
        .call(
            &CaseCustomFieldCreate::new("Priority", field_type::SELECT_BOX)
                .mask(r#"["low","high"]"#),
        )
        .await
        .unwrap();
    assert_eq!(created.field_type, field_type::SELECT_BOX);
    let updated = client
        .call(&CaseCustomFieldUpdate::new(
            created.id,
            "Urgency",
            field_type::TEXT,
        ))
        .await
        .unwrap();
    assert_eq!(updated.label, "Urgency");

    let set = client
        .call(&CaseCustomFieldSet::new(SEED_CASE, created.id, "high"))
        .await
        .unwrap();
    assert_eq!(
        (set.entity_id, set.field_value.as_deref()),
        (SEED_CASE, Some("high"))
    );
    let values = client
        .call(&CaseCustomFields::new(SEED_CASE))
        .await
        .unwrap();
    assert_eq!(values.len(), 2);
    assert!(values.iter().any(|value| value.label == "Urgency"));

    let deleted = client
        .call(&CaseCustomFieldDelete::new(created.id))
        .await
        .unwrap();
    assert_eq!(deleted.id, created.id);
    let values = client
        .call(&CaseCustomFields::new(SEED_CASE))
        .await
        .unwrap();
    assert_eq!(values.len(), 1);
    let error = api_error(client.call(&CaseCustomFieldCreate::new("Bad", 9)).await);
    assert_eq!(error.kind, ErrorKind::BadRequest);
    assert_eq!(emulator.request_count("POST crm/case/customfield"), 2);
}

#[tokio::test]
async fn tags() {
    let (emulator, client) = portal().await;
    assert_eq!(
        client.call(&CaseTagCreate::new("spare")).await.unwrap(),
        "spare"
    );
    assert_eq!(
        client
            .call(&CaseTagAdd::new(SEED_CASE, "vip"))
            .await
            .unwrap(),
        "vip"
    );
    let tags = client.call(&CaseTags::new(SEED_CASE)).await.unwrap();
    assert_eq!(tags, ["expo", "vip"]);
    let all = client.call(&CaseTagList::new()).await.unwrap();
    let counts: Vec<(String, i64)> = all
        .iter()
        .map(|tag| (tag.title.clone(), tag.relative_items_count))
        .collect();
    assert_eq!(
        counts,
        [("expo".into(), 1), ("spare".into(), 0), ("vip".into(), 1)]
    );
    let tagged = client.call(&CaseFilter::new().tag("vip")).await.unwrap();
    assert_eq!(tagged.len(), 1);

    assert_eq!(
        client
            .call(&CaseTagRemove::new(SEED_CASE, "vip"))
            .await
            .unwrap(),
        "vip"
    );
    let unused = client.call(&CaseTagDeleteUnused::new()).await.unwrap();
    assert_eq!(unused, ["spare", "vip"]);
    assert_eq!(
        client.call(&CaseTagDelete::new("expo")).await.unwrap(),
        "expo"
    );
    assert!(
        client
            .call(&CaseTags::new(SEED_CASE))
            .await
            .unwrap()
            .is_empty()
    );
    let error = api_error(client.call(&CaseTagDelete::new("expo")).await);
    assert_eq!(error.kind, ErrorKind::NotFound);
    assert_eq!(emulator.request_count("DELETE crm/case/{entityid}/tag"), 1);
}

#[tokio::test]
async fn history() {
    let (emulator, client) = portal().await;
    let when: ApiDateTime = "2024-03-01T09:30:00.0000000+03:00".parse().unwrap();
    let mut note = HistoryCreate::case_note(SEED_CASE, "Called the venue");
    note.created = Some(when);
    let envelope = client.call_envelope(&note).await.unwrap();
    assert_eq!(envelope.status_code, 201);
    let event = envelope.response;
    assert_eq!(event.created, Some(when));
    assert_eq!(event.category.as_ref().unwrap().title, "Note");
    assert_eq!(event.entity.as_ref().unwrap().entity_id, SEED_CASE);

    let events = client
        .pages(&HistoryFilter::case(SEED_CASE))
        .unwrap()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(events.len(), 2);
    let mut recent = HistoryFilter::case(SEED_CASE);
    recent.from_date = Some("2024-01-01T00:00:00.0000000Z".parse().unwrap());
    recent.create_by = Some(guid(&ADMIN));
    let recent = client.call(&recent).await.unwrap();
    assert_eq!(recent.len(), 1);

    let deleted = client.call(&HistoryDelete::new(event.id)).await.unwrap();
    assert_eq!(deleted.id, event.id);
    assert_eq!(
        client
            .call(&HistoryFilter::case(SEED_CASE))
            .await
            .unwrap()
            .len(),
        1
    );
    assert_eq!(emulator.request_count("POST crm/history"), 1);
}

/// The client's own shape of a case, for users who do not take `b24-methods`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct MyCase {
    id: i64,
    is_private: bool,
}

/// `GET crm/case/{caseid}` with a `#[r7(query)]` override: `fields` trims the answer.
#[r7_method(GET, "api/2.0/crm/case/{caseid}", response = MyCase)]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct MyCaseGet {
    #[r7(path)]
    case_id: i64,
    #[r7(query)]
    fields: Option<String>,
}

#[tokio::test]
async fn user_defined_routes_work_like_prebuilt_ones() {
    let (_emulator, client) = portal().await;
    let case = client
        .call(&MyCaseGet {
            case_id: SEED_CASE,
            fields: Some("id,isPrivate".into()),
        })
        .await
        .unwrap();
    assert_eq!((case.id, case.is_private), (SEED_CASE, false));
}

#[tokio::test]
async fn custom_fields_reorder() {
    let (emulator, client) = portal().await;
    let first = client
        .call(&CaseCustomFieldCreate::new("First", field_type::TEXT))
        .await
        .unwrap();
    let second = client
        .call(&CaseCustomFieldCreate::new("Second", field_type::TEXT))
        .await
        .unwrap();
    let reordered = client
        .call(&CaseCustomFieldReorder::new([second.id, first.id]))
        .await
        .unwrap();
    let order: Vec<i64> = reordered.iter().map(|field| field.id).collect();
    assert_eq!(order, [second.id, first.id]);
    let positions: Vec<i64> = reordered.iter().map(|field| field.position).collect();
    assert_eq!(positions, [0, 1]);
    let error = api_error(client.call(&CaseCustomFieldReorder::new([987_654])).await);
    assert_eq!(error.kind, ErrorKind::NotFound);
    assert_eq!(
        emulator.request_count("PUT crm/case/customfield/reorder"),
        2
    );
}

#[tokio::test]
async fn tags_for_many_cases() {
    let (emulator, client) = portal().await;
    let all = client.call(&CaseFilter::new()).await.unwrap();
    let ids: Vec<i64> = all.iter().map(|case| case.id).collect();
    assert!(ids.len() >= 2, "{ids:?}");
    assert_eq!(
        client
            .call(&CaseTagAddMany::new(ids.clone(), "batch"))
            .await
            .unwrap(),
        "batch"
    );
    let tagged = client.call(&CaseFilter::new().tag("batch")).await.unwrap();
    assert_eq!(tagged.len(), ids.len());

    let closed_before = client.call(&CaseFilter::new().tag("done")).await.unwrap();
    assert!(closed_before.is_empty());
    client
        .call(&CaseTagAddFiltered::new("done").closed(false))
        .await
        .unwrap();
    let open = all.iter().filter(|case| !case.is_closed).count();
    let tagged = client.call(&CaseFilter::new().tag("done")).await.unwrap();
    assert_eq!(tagged.len(), open);
    assert_eq!(emulator.request_count("POST crm/case/taglist"), 1);
    assert_eq!(emulator.request_count("POST crm/case/filter/taglist"), 1);
}
