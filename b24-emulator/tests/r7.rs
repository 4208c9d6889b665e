//! The R7 emulator's routing over real HTTP: a route the API does not have answers the R7
//! error envelope, not a web page.

mod common;

use b24_emulator::r7::{ADMIN, CannedAnswer, R7Emulator, ROUTES, SEED_CASE};
use common::{Answer, answer, client};
use serde_json::json;

async fn call(method: reqwest::Method, url: &str, token: &str) -> Answer {
    let response = client()
        .request(method, url)
        .header("Authorization", token)
        .send()
        .await
        .expect("send");
    answer(response).await
}

#[track_caller]
fn assert_not_found_envelope(a: &Answer) {
    assert_eq!(a.status, 404, "{}", a.text);
    assert!(a.content_type.starts_with("application/json"), "{a:?}");
    assert_eq!(
        a.json,
        json!({
            "status": 1,
            "statusCode": 404,
            "error": {"message": "Method not found", "hresult": -2_146_233_088, "data": {}},
        }),
        "{}",
        a.text
    );
}

#[tokio::test]
async fn unknown_routes_answer_the_error_envelope() {
    let portal = R7Emulator::start().await.unwrap();
    let token = portal.issue_token(&ADMIN);
    let base = format!("{}/api/2.0", portal.base_url());
    // A path no route has, a known path with a verb it does not take, an unknown suffix and
    // the login route with the wrong verb.
    for (method, path) in [
        (
            reqwest::Method::GET,
            format!("crm/case/{SEED_CASE}/nothing.json"),
        ),
        (reqwest::Method::POST, format!("crm/case/{SEED_CASE}")),
        (reqwest::Method::GET, "crm/case/filter.html".to_owned()),
        (reqwest::Method::GET, "authentication.json".to_owned()),
    ] {
        let a = call(method, &format!("{base}/{path}"), &token).await;
        assert_not_found_envelope(&a);
    }
    // The XML format keeps the envelope.
    let a = call(
        reqwest::Method::GET,
        &format!("{base}/crm/nothing.xml"),
        &token,
    )
    .await;
    assert_eq!(a.status, 404);
    assert!(
        a.text
            .starts_with("<result><status>1</status><statusCode>404</statusCode>")
            && a.text.contains("<message>Method not found</message>"),
        "{}",
        a.text
    );
    // Outside the API the web application answers with its page.
    let a = call(
        reqwest::Method::GET,
        &format!("{}/nothing", portal.base_url()),
        &token,
    )
    .await;
    assert_eq!(a.status, 404);
    assert!(a.content_type.starts_with("text/html"), "{a:?}");
}

#[tokio::test]
async fn every_route_of_the_table_is_served() {
    let portal = R7Emulator::start().await.unwrap();
    let token = portal.issue_token(&ADMIN);
    for route in ROUTES {
        // Every template parameter gets the seeded case's ID.
        let path: String = route
            .path
            .split('/')
            .map(|segment| {
                if segment.starts_with('{') {
                    SEED_CASE.to_string()
                } else {
                    segment.to_owned()
                }
            })
            .collect::<Vec<_>>()
            .join("/");
        let method = reqwest::Method::from_bytes(route.verb.as_str().as_bytes()).unwrap();
        let url = format!("{}/api/2.0/{path}.json", portal.base_url());
        let a = call(method, &url, &token).await;
        // Whatever the handler decides, it is the route's answer: counted under its key and
        // never the envelope of an unknown route.
        assert_eq!(portal.request_count(&route.key()), 1, "{}", route.key());
        assert_ne!(
            a.json["error"]["message"],
            json!("Method not found"),
            "{}",
            route.key()
        );
    }
}

#[tokio::test]
async fn a_canned_web_page_stands_in_for_the_next_call() {
    let portal = R7Emulator::start().await.unwrap();
    let token = portal.issue_token(&ADMIN);
    portal.fail_next(CannedAnswer::not_found_page());
    let url = format!("{}/api/2.0/crm/case/{SEED_CASE}.json", portal.base_url());
    let a = call(reqwest::Method::GET, &url, &token).await;
    assert_eq!(a.status, 404);
    assert!(a.text.contains("<html>"), "{}", a.text);
    let a = call(reqwest::Method::GET, &url, &token).await;
    assert_eq!(a.status, 200, "{}", a.text);
    assert_eq!(a.json["response"]["id"], json!(SEED_CASE));
}
