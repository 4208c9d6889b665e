//! Wire-protocol behaviour over real HTTP: routing, parameter transports, auth, envelopes.

mod common;

use b24_emulator::{AuthStatusMode, Emulator};
use common::{Answer, Portal, client, get, post_json, post_raw};
use serde_json::json;

#[tokio::test]
async fn method_not_found_comes_before_auth() {
    let p = Portal::start().await;
    // A typo with bad credentials still reports the method first.
    let a = get(&p.c, &p.at("/rest/1/wrongcode/crm.automatedsolution.ad")).await;
    a.assert_error(404, "ERROR_METHOD_NOT_FOUND", "Method not found!");
    // No credentials at all.
    let a = get(&p.c, &p.at("/rest/no.such.method")).await;
    a.assert_error(404, "ERROR_METHOD_NOT_FOUND", "Method not found!");
    // An unknown suffix stays part of the name.
    let a = get(&p.c, &format!("{}scope.yaml", p.webhook_url())).await;
    a.assert_error(404, "ERROR_METHOD_NOT_FOUND", "Method not found!");
    // Known method, bad credentials: now auth fails.
    let a = get(&p.c, &p.at("/rest/1/wrongcode/crm.automatedsolution.add")).await;
    a.assert_error(403, "INVALID_CREDENTIALS", "Invalid request credentials");
    assert_eq!(p.request_count("crm.automatedsolution.ad"), 1);
    assert_eq!(p.request_count("crm.automatedsolution.add"), 1);
}

async fn auth_errors(mode: AuthStatusMode, statuses: [u16; 5]) {
    let [
        no_auth,
        invalid_credentials,
        insufficient_scope,
        expired,
        https,
    ] = statuses;
    let p = Portal::with(Emulator::builder().auth_status_mode(mode)).await;
    let base = p.base_url();

    let code = p.webhook_code();
    let hook = p.add_webhook(1, ["user", "im"]);
    let token = p.issue_oauth_token(1, ["im"]);
    let wrong_auth = (no_auth, "NO_AUTH_FOUND", "Wrong authorization data");
    let wrong_credentials = (
        invalid_credentials,
        "INVALID_CREDENTIALS",
        "Invalid request credentials",
    );
    let privileges = |of: &str| {
        let description = format!("The request requires higher privileges than provided by {of}");
        (insufficient_scope, "insufficient_scope", description)
    };
    #[rustfmt::skip]
    let refused = [
        ("/rest/scope".to_owned(), wrong_auth),
        ("/rest/scope?auth=unknown-token".to_owned(), wrong_auth),
        (format!("/rest/1/{code}x/scope"), wrong_credentials),
        (format!("/rest/2/{code}/scope"), wrong_credentials),
    ];
    for (path, (status, error, description)) in refused {
        get(&p.c, &p.at(&path))
            .await
            .assert_error(status, error, description);
    }
    #[rustfmt::skip]
    let out_of_scope = [
        (format!("/rest/1/{hook}/crm.automatedsolution.list"), privileges("the webhook token")),
        (format!("/rest/crm.automatedsolution.list?auth={token}"), privileges("the access token")),
    ];
    for (path, (status, error, description)) in out_of_scope {
        get(&p.c, &p.at(&path))
            .await
            .assert_error(status, error, &description);
    }
    // Service methods pass with any scope set.
    get(&p.c, &format!("{base}/rest/1/{hook}/scope"))
        .await
        .assert_ok();
    get(&p.c, &format!("{base}/rest/im.revision.get?auth={token}"))
        .await
        .assert_ok();
    assert!(p.expire_oauth_token(&token));
    get(&p.c, &format!("{base}/rest/im.revision.get?auth={token}"))
        .await
        .assert_error(
            expired,
            "expired_token",
            "The access token provided has expired",
        );

    let strict = Emulator::builder()
        .auth_status_mode(mode)
        .require_https_for_webhooks(true)
        .start()
        .await
        .unwrap();
    let url = format!("{}scope", strict.webhook_url());
    get(&p.c, &url)
        .await
        .assert_error(https, "INVALID_REQUEST", "Https required.");
    let proxied =
        p.c.get(&url)
            .header("x-forwarded-proto", "https")
            .send()
            .await
            .unwrap();
    common::answer(proxied).await.assert_ok();
    // OAuth does not need https.
    let token = strict.issue_oauth_token(1, ["crm"]);
    get(
        &p.c,
        &format!("{}/rest/scope?auth={token}", strict.base_url()),
    )
    .await
    .assert_ok();
}

#[tokio::test]
async fn auth_errors_docs_statuses() {
    auth_errors(AuthStatusMode::Docs, [401, 403, 403, 401, 400]).await;
}

#[tokio::test]
async fn auth_errors_source_statuses() {
    auth_errors(AuthStatusMode::Source, [401; 5]).await;
}

#[tokio::test]
async fn oauth_token_sources_and_webhook_variants() {
    let p = Portal::start().await;
    let base = p.base_url();
    let token = p.issue_oauth_token(1, ["crm", "user"]);

    let bearer =
        p.c.get(p.at("/rest/scope"))
            .header("authorization", format!("Bearer {token}"))
            .send()
            .await
            .unwrap();
    let a = common::answer(bearer).await;
    assert_eq!(a.assert_ok(), &json!(["crm", "user"]));
    get(&p.c, &format!("{base}/rest/scope?access_token={token}"))
        .await
        .assert_ok();
    post_json(&p.c, &p.at("/rest/scope"), json!({ "auth": token }))
        .await
        .assert_ok();
    post_raw(
        &p.c,
        &p.at("/rest/scope"),
        "application/x-www-form-urlencoded",
        &format!("auth={token}"),
    )
    .await
    .assert_ok();

    // `aplogin`/`ap` parameters and a login instead of the user ID.
    let code = p.webhook_code();
    get(&p.c, &format!("{base}/rest/profile?aplogin=1&ap={code}"))
        .await
        .assert_ok();
    let a = get(&p.c, &format!("{base}/rest/admin/{code}/profile")).await;
    assert_eq!(a.assert_ok()["ID"], json!("1"));
    // Reserved parameters never reach methods: `auth` is not a field.
    let a = get(
        &p.c,
        &format!("{base}/rest/method.get?auth={token}&name=scope"),
    )
    .await;
    assert_eq!(
        a.assert_ok(),
        &json!({ "isExisting": true, "isAvailable": true })
    );
}

#[tokio::test]
async fn parameter_transports() {
    let p = Portal::start().await;
    let c = &p.c;
    let add = p.hook("crm.automatedsolution.add");

    // JSON keeps types.
    let a = post_json(
        &p.c,
        &add,
        json!({ "fields": { "title": "HR", "typeIds": [1, 2, 3] } }),
    )
    .await;
    assert_eq!(
        a.assert_ok(),
        &json!({ "automatedSolution": { "id": 1, "title": "HR", "typeIds": [1, 2, 3] } })
    );
    // Form body with PHP brackets; values are strings that become numbers.
    let a = post_raw(
        &p.c,
        &add,
        "application/x-www-form-urlencoded",
        "fields[title]=Human+Resources%21&fields[typeIds][]=4&fields[typeIds][]=5",
    )
    .await;
    assert_eq!(
        a.assert_ok()["automatedSolution"],
        json!({ "id": 2, "title": "Human Resources!", "typeIds": [4, 5] })
    );
    // Query string only.
    let a = get(
        &p.c,
        &format!("{add}?fields[title]=Query&fields[typeIds][0]=6"),
    )
    .await;
    assert_eq!(a.assert_ok()["automatedSolution"]["typeIds"], json!([6]));
    // Body keys override query keys (shallow).
    let a = post_json(
        &p.c,
        &format!("{add}?fields[title]=FromQuery&fields[typeIds][]=7"),
        json!({ "fields": { "title": "FromBody" } }),
    )
    .await;
    assert_eq!(
        a.assert_ok()["automatedSolution"],
        json!({ "id": 4, "title": "FromBody", "typeIds": [] })
    );
    // Invalid JSON means no parameters at all.
    post_raw(
        &p.c,
        &add,
        "application/json",
        "{\"fields\": {\"title\": \"HR\"",
    )
    .await
    .assert_error(
        400,
        "BX_EMPTY_REQUIRED",
        "The required field 'Title' is not filled",
    );
    // Query-string text under another content type is parsed as a query string.
    let a = post_raw(&p.c, &add, "text/plain", "fields[title]=Plain").await;
    assert_eq!(a.assert_ok()["automatedSolution"]["title"], json!("Plain"));
    // JSON text under a non-JSON content type is not JSON.
    post_raw(&p.c, &add, "text/plain", "{\"fields\":{\"title\":\"X\"}}")
        .await
        .assert_error(
            400,
            "BX_EMPTY_REQUIRED",
            "The required field 'Title' is not filled",
        );
    // A body on GET is ignored.
    let a = common::answer(
        c.get(&add)
            .header("content-type", "application/json")
            .body(json!({ "fields": { "title": "Ignored" } }).to_string())
            .send()
            .await
            .unwrap(),
    )
    .await;
    a.assert_error(
        400,
        "BX_EMPTY_REQUIRED",
        "The required field 'Title' is not filled",
    );
}

#[tokio::test]
async fn method_names_suffixes_and_envelope() {
    let p = Portal::start().await;
    let c = &p.c;

    for name in [
        "im.revision.get",
        "im.revision.get.json",
        "IM.Revision.Get",
        "im.revision.get/",
        "Im.Revision.Get.JSON/",
    ] {
        let a = p.get(name).await;
        assert_eq!(
            a.assert_ok(),
            &json!({ "rest": 32, "web": 130, "mobile": 22, "desktop": 6, "im_revision_mobile": 22 }),
            "{name}"
        );
        assert_eq!(a.content_type, "application/json; charset=utf-8");
    }
    assert_eq!(p.request_count("im.revision.get"), 5);
    // PUT, DELETE... any verb works.
    let a = common::answer(c.delete(p.hook("server.time")).send().await.unwrap()).await;
    assert!(a.assert_ok().is_string());

    let a = p.get("im.revision.get.xml").await;
    assert_eq!(a.status, 200);
    assert!(a.content_type.starts_with("text/xml"), "{}", a.content_type);
    assert!(a.text.contains("<result><rest>32</rest>"), "{}", a.text);

    // The time object and PHP-style escaping.
    let a = p
        .call(
            "crm.automatedsolution.add",
            json!({ "fields": { "title": "<R&D> 'x' /" } }),
        )
        .await;
    assert!(
        a.text.contains(r"\u003CR\u0026D\u003E \u0027x\u0027 \/"),
        "{}",
        a.text
    );
    assert_eq!(
        a.assert_ok()["automatedSolution"]["title"],
        json!("<R&D> 'x' /")
    );
    let time = &a.json["time"];
    for key in ["start", "finish", "duration", "processing", "operating"] {
        assert!(time[key].is_number(), "{key}: {}", a.text);
    }
    assert!(time["operating_reset_at"].is_i64());
    let date = time["date_start"].as_str().unwrap();
    assert_eq!(date.len(), 25, "{date}");
    assert!(date.ends_with("+00:00"), "{date}");
}

#[track_caller]
fn assert_too_large(a: &Answer) {
    assert_eq!(
        (a.status, a.error()),
        (413, "REQUEST_ENTITY_TOO_LARGE"),
        "{}",
        a.text
    );
}

#[tokio::test]
async fn oversize_body_is_rejected() {
    let p = Portal::with(Emulator::builder().max_body_bytes(1024)).await;
    let url = format!("{}scope", p.webhook_url());
    let big = format!("x={}", "a".repeat(8 * 1024));
    let a = post_raw(&p.c, &url, "application/x-www-form-urlencoded", &big).await;
    assert_too_large(&a);
    // Just under the limit is fine.
    let small = format!("x={}", "a".repeat(1000));
    post_raw(&p.c, &url, "application/x-www-form-urlencoded", &small)
        .await
        .assert_ok();

    // The default limit is 16 MiB.
    let p = Portal::start().await;
    let url = format!("{}scope", p.webhook_url());
    let huge = "a".repeat(17 * 1024 * 1024);
    let a = post_raw(&p.c, &url, "text/plain", &huge).await;
    assert_too_large(&a);
    assert_eq!(p.total_requests(), 0);
}

#[tokio::test]
async fn shutdown_stops_serving() {
    let p = Portal::start().await;
    let url = format!("{}server.time", p.webhook_url());
    get(&p.c, &url).await.assert_ok();
    let clone = p.clone();
    clone.shutdown().await;
    let fresh = client();
    assert!(fresh.get(&url).send().await.is_err());
}
