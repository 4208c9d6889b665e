//! Redirects (issue 13, observation 1): a move within the portal's origin is followed, a move
//! to another host or port is reported with its new address and nothing carrying credentials
//! is sent there, by the Bitrix24 client (webhook and OAuth) and by the R7 client alike.

use std::sync::atomic::Ordering;

use b24_core::{Client, Error, OAuth};
use b24_methods::profile::Profile;
use b24_methods::r7::crm::case::get::CaseGet;
use serde_json::json;

use crate::support::{CannedServer, http_response, r7_with_token};

const TOKEN: &str = "0auth4cc3sst0k3n";
const R7_TOKEN: &str = "r7s3ss10nt0k3n";

/// A `302 Found` to `location`.
fn moved_to(location: &str) -> String {
    format!(
        "HTTP/1.1 302 Found\r\nlocation: {location}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
    )
}

/// A portal that moves every request to `path` on another server, and that server, which
/// would answer anything with success (to see whether credentials reach it).
async fn moved_elsewhere(path: &str) -> (CannedServer, CannedServer) {
    let elsewhere = CannedServer::start(vec![http_response(
        "200 OK",
        "application/json",
        r#"{"result":{"ID":"1","ADMIN":true,"NAME":"Mallory"},"response":{"id":1}}"#,
    )])
    .await;
    let location = format!("http://{}{path}", elsewhere.addr);
    (
        CannedServer::start(vec![moved_to(&location)]).await,
        elsewhere,
    )
}

/// Makes a client of a portal.
type ClientOf<'a> = &'a dyn Fn(&CannedServer) -> Client;

#[track_caller]
fn assert_untouched(elsewhere: &CannedServer) {
    assert_eq!(
        elsewhere.hits.load(Ordering::SeqCst),
        0,
        "nothing went there"
    );
}

#[tokio::test]
async fn credentials_are_not_sent_to_another_origin() {
    let webhook = |portal: &CannedServer| Client::webhook(&portal.webhook_url()).unwrap();
    let oauth = |portal: &CannedServer| {
        let portal = format!("http://{}", portal.addr);
        let credentials = OAuth::with_token(&portal, TOKEN).unwrap();
        Client::builder().oauth(credentials).build().unwrap()
    };
    let oauth_path = format!("/rest/crm.deal.add?auth={TOKEN}");
    let cases: [(ClientOf, &str, &str); 2] = [
        (&webhook, "cannedcode", "/rest/1/cannedcode/crm.deal.add"),
        (&oauth, TOKEN, &oauth_path),
    ];
    for (client_of, secret, path) in cases {
        let (portal, elsewhere) = moved_elsewhere(path).await;
        let error = client_of(&portal)
            .call_raw("crm.deal.add", &json!({"fields": {"TITLE": "x"}}))
            .await
            .unwrap_err();
        let Error::PortalMoved { method, location } = &error else {
            panic!("expected a portal-moved error, got {error:?}")
        };
        assert_eq!(method, "crm.deal.add");
        // The new address reaches the caller without the secret it carried.
        let expected = format!(
            "http://{}{}",
            elsewhere.addr,
            path.replace(secret, "[redacted]")
        );
        assert_eq!(location, &expected);
        assert!(!format!("{error} {error:?}").contains(secret), "{error:?}");
        assert_untouched(&elsewhere);
        let sent = portal.requests.lock().unwrap();
        assert_eq!(sent.len(), 1, "a write is sent once");
        assert!(
            sent[0].contains(secret),
            "the portal itself got the credential"
        );
    }
}

#[tokio::test]
async fn moves_within_the_origin_are_followed_with_the_same_request() {
    let profile = http_response(
        "200 OK",
        "application/json",
        r#"{"result":{"ID":"1","ADMIN":true,"NAME":"Anna"}}"#,
    );
    let portal =
        CannedServer::start(vec![moved_to("/rest/1/cannedcode/profile.json"), profile]).await;
    let client = Client::webhook(&portal.webhook_url()).unwrap();
    let me = client.call(&Profile).await.unwrap();
    assert_eq!(me.name.as_deref(), Some("Anna"));
    let requests = portal.requests.lock().unwrap();
    assert_eq!(requests.len(), 2);
    assert!(requests[0].starts_with("POST /rest/1/cannedcode/profile HTTP/1.1"));
    assert!(requests[1].starts_with("POST /rest/1/cannedcode/profile.json HTTP/1.1"));
}

#[tokio::test]
async fn the_r7_client_keeps_its_token_at_its_portal() {
    let path = format!("/api/2.0/crm/case/7.json?token={R7_TOKEN}");
    let (portal, elsewhere) = moved_elsewhere(&path).await;
    let error = r7_with_token(portal.addr, R7_TOKEN)
        .call(&CaseGet::new(7))
        .await
        .unwrap_err();
    let b24_core::r7::Error::PortalMoved { location, .. } = &error else {
        panic!("expected a portal-moved error, got {error:?}")
    };
    assert!(
        location.starts_with(&format!(
            "http://{}/api/2.0/crm/case/7.json",
            elsewhere.addr
        )),
        "{location}"
    );
    assert!(location.ends_with("?token=[redacted]"), "{location}");
    assert!(
        !format!("{error} {error:?}").contains(R7_TOKEN),
        "{error:?}"
    );
    assert_untouched(&elsewhere);
}

#[tokio::test]
async fn the_r7_client_follows_a_move_within_its_portal() {
    let case = http_response(
        "200 OK",
        "application/json",
        r#"{"count":1,"status":0,"statusCode":200,"response":{"id":7,"title":"Moved","isClosed":false,"isPrivate":false}}"#,
    );
    let portal = CannedServer::start(vec![
        "HTTP/1.1 307 Temporary Redirect\r\nlocation: /office/api/2.0/crm/case/7.json\r\ncontent-length: 0\r\nconnection: close\r\n\r\n".to_owned(),
        case,
    ])
    .await;
    let case = r7_with_token(portal.addr, R7_TOKEN)
        .call(&CaseGet::new(7))
        .await
        .unwrap();
    assert_eq!((case.id, case.title.as_deref()), (7, Some("Moved")));
    let requests = portal.requests.lock().unwrap();
    assert!(requests[1].starts_with("GET /office/api/2.0/crm/case/7.json"));
    assert!(
        requests[1].contains(R7_TOKEN),
        "the same portal gets the token"
    );
}
