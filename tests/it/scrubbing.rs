//! Server-echoed secrets (issue 13, observation 7): a server that writes the request (the
//! webhook path, the `Authorization` header, the login body) back into an HTML error page, a
//! JSON error description or a broken answer does not get the client's secrets into the
//! errors it returns: raw bodies, decode errors, unknown outcomes, new addresses.

use b24_core::schedule::RetryPolicy;
use b24_core::{Client, Error, OAuth};
use b24_methods::profile::Profile;
use b24_methods::r7::crm::case::get::CaseGet;
use serde_json::json;

use crate::support::{CannedServer, Reply, http_response, r7_with_token, unpaced};

const CODE: &str = "3ch03dw3bh00kc0de";
const TOKEN: &str = "3ch03d4cc3sst0k3n";
const PASSWORD: &str = "3ch03d/p@ss w0rd&";

/// How the echoing server writes the request back.
#[derive(Clone, Copy)]
enum Echo {
    /// A 502 HTML page quoting the request.
    HtmlPage,
    /// A 400 JSON error whose description quotes the request.
    ErrorDescription,
    /// A 200 answer that is not JSON, quoting the request.
    Garbled,
    /// A 200 answer of the wrong shape, quoting the request.
    WrongShape,
    /// A 302 to another origin whose address holds the request path.
    MoveElsewhere,
}

/// A server that answers every request by quoting it back, as `echo` says.
async fn echoing(echo: Echo) -> CannedServer {
    CannedServer::serve(move |_, request| {
        let path = request.split(' ').nth(1).unwrap_or_default();
        let quoted = serde_json::to_string(request).unwrap();
        Reply::Send(match echo {
            Echo::HtmlPage => http_response(
                "502 Bad Gateway",
                "text/html",
                &format!("<html><body><pre>{request}</pre></body></html>"),
            ),
            Echo::ErrorDescription => http_response(
                "400 Bad Request",
                "application/json",
                &format!(r#"{{"error":"INVALID_REQUEST","error_description":{quoted}}}"#),
            ),
            Echo::Garbled => {
                http_response("200 OK", "application/json", &format!("{{\"result\":{quoted}"))
            }
            Echo::WrongShape => http_response(
                "200 OK",
                "application/json",
                &format!(r#"{{"result":{{"ID":{quoted},"ADMIN":true}}}}"#),
            ),
            Echo::MoveElsewhere => format!(
                "HTTP/1.1 302 Found\r\nlocation: https://elsewhere.example.com{path}?again={path}\r\ncontent-length: 0\r\n\r\n"
            ),
        })
    })
    .await
}

/// A webhook client of `server` that tries once.
fn webhook(server: &CannedServer) -> Client {
    let url = format!("http://{}/rest/1/{CODE}/", server.addr);
    unpaced(&url, |builder| builder.retry(RetryPolicy::NEVER))
}

/// Asserts that `secret` is nowhere in the error's texts, and that the server did see it
/// (so that the scrubbing, not the server, kept it out).
#[track_caller]
fn assert_scrubbed(server: &CannedServer, secret: &str, shown: &str) {
    let seen = server.requests.lock().unwrap().join("\n");
    assert!(seen.contains(secret), "the server got the secret: {seen}");
    assert!(!shown.contains(secret), "secret leaked in: {shown}");
    assert!(
        shown.contains("[redacted]"),
        "the echo is still there: {shown}"
    );
}

#[tokio::test]
async fn webhook_codes_echoed_by_the_server_are_scrubbed() {
    for echo in [
        Echo::HtmlPage,
        Echo::ErrorDescription,
        Echo::Garbled,
        Echo::WrongShape,
        Echo::MoveElsewhere,
    ] {
        let server = echoing(echo).await;
        let error = webhook(&server).call(&Profile).await.unwrap_err();
        let fields = match &error {
            Error::Api(api) => format!("{} {:?}", api.description, api.raw_body),
            Error::MalformedAnswer { message, body, .. } => format!("{message} {body}"),
            Error::Decode {
                path,
                message,
                body,
                ..
            } => format!("{path} {message} {body}"),
            Error::PortalMoved { location, .. } => location.clone(),
            other => panic!("unexpected {other:?}"),
        };
        assert_scrubbed(&server, CODE, &format!("{fields} {error} {error:?}"));
    }
}

#[tokio::test]
async fn unknown_outcomes_carry_no_echoed_code() {
    let server = echoing(Echo::HtmlPage).await;
    let error = webhook(&server)
        .call_raw("crm.deal.add", &json!({"fields": {"TITLE": "x"}}))
        .await
        .unwrap_err();
    let Error::UnknownOutcome { reason, .. } = &error else {
        panic!("expected an unknown outcome, got {error:?}")
    };
    let Error::Api(api) = reason.error() else {
        panic!("expected the 502 as the reason, got {reason:?}")
    };
    let shown = format!("{:?} {error} {error:?}", api.raw_body);
    assert_scrubbed(&server, CODE, &shown);
}

#[tokio::test]
async fn access_tokens_echoed_by_the_server_are_scrubbed() {
    let server = echoing(Echo::ErrorDescription).await;
    let client = Client::builder()
        .oauth(OAuth::with_token(&format!("http://{}", server.addr), TOKEN).unwrap())
        .retry(RetryPolicy::NEVER)
        .build()
        .unwrap();
    let error = client.call(&Profile).await.unwrap_err();
    let Error::Api(api) = &error else {
        panic!("expected an API error, got {error:?}")
    };
    assert_scrubbed(
        &server,
        TOKEN,
        &format!("{} {error} {error:?}", api.description),
    );
}

#[tokio::test]
async fn r7_passwords_and_tokens_echoed_by_the_server_are_scrubbed() {
    // The login body carries the password, the call's header the token.
    let server = echoing(Echo::HtmlPage).await;
    let client = b24_core::r7::Client::builder()
        .portal(&format!("http://{}", server.addr))
        .credentials("admin", PASSWORD)
        .build()
        .unwrap();
    let error = client.login().await.unwrap_err();
    let b24_core::r7::Error::Api(api) = &error else {
        panic!("expected an API error, got {error:?}")
    };
    assert_scrubbed(
        &server,
        PASSWORD,
        &format!("{:?} {error} {error:?}", api.raw_body),
    );

    let server = echoing(Echo::WrongShape).await;
    let error = r7_with_token(server.addr, TOKEN)
        .call(&CaseGet::new(1))
        .await
        .unwrap_err();
    assert!(
        matches!(error, b24_core::r7::Error::Decode { .. }),
        "{error:?}"
    );
    assert_scrubbed(&server, TOKEN, &format!("{error} {error:?}"));
}
