//! Limits, the clock, faults, counters, HTTPS and events over real HTTP.

mod common;

use std::time::Duration;

use b24_emulator::{Emulator, FaultConfig, RateLimit};
use common::{Portal, client, get, post_json, sink};
use serde_json::json;

/// An emulator with the standard request limit on a manual clock, and its `server.time`.
async fn limited_portal() -> (Portal, String) {
    let p = Portal::with(
        Emulator::builder()
            .manual_clock()
            .rate_limit(RateLimit::Standard),
    )
    .await;
    let url = format!("{}server.time", p.webhook_url());
    (p, url)
}

/// Spends the standard burst of 50 requests from `client`; the 51st is refused.
async fn spend_burst(client: &reqwest::Client, url: &str) {
    for i in 0..50 {
        assert_eq!(get(client, url).await.status, 200, "request {i}");
    }
    get(client, url)
        .await
        .assert_error(503, "QUERY_LIMIT_EXCEEDED", "Too many requests");
}

#[tokio::test]
async fn query_limit_leaky_bucket_with_manual_clock() {
    let (p, url) = limited_portal().await;
    spend_burst(&p.c, &url).await;
    // one portal second drains two requests
    p.advance_clock(Duration::from_secs(1));
    assert_eq!(get(&p.c, &url).await.status, 200);
    assert_eq!(get(&p.c, &url).await.status, 200);
    assert_eq!(get(&p.c, &url).await.status, 503);
    // the control API switches the limit off and back
    let a = p.control("limits", json!({ "rate_limit": "off" })).await;
    assert_eq!(a.json["rate_limit"], json!("off"));
    assert_eq!(get(&p.c, &url).await.status, 200);
    p.control("limits", json!({ "rate_limit": "enterprise" }))
        .await;
    let a = p.control_get("limits").await;
    assert_eq!(
        (a.json["drain_per_sec"].clone(), a.json["burst"].clone()),
        (json!(5.0), json!(250.0))
    );
    let a = p.control("clock", json!({ "advance": 60 })).await;
    assert!(a.json["now"].as_f64().unwrap() > 0.0);
    let counters = p.control_get("counters").await;
    assert_eq!(counters.json["statuses"]["503"], json!(2));
    assert_eq!(counters.json["statuses"]["200"], json!(53));
    assert_eq!(counters.json["methods"]["server.time"], json!(55));
}

/// A plain-http client whose connections leave from `address` (any 127.0.0.x reaches the
/// emulator listening on 127.0.0.1).
fn client_from(address: [u8; 4]) -> reqwest::Client {
    let _ = client();
    reqwest::Client::builder()
        .local_address(std::net::IpAddr::from(address))
        .build()
        .unwrap()
}

#[tokio::test]
async fn each_source_address_has_its_own_bucket() {
    let (p, url) = limited_portal().await;
    let (a, b) = (client_from([127, 0, 0, 2]), client_from([127, 0, 0, 3]));
    // 127.0.0.2 spends its whole burst and is refused, while 127.0.0.3 still has a full
    // burst of its own.
    spend_burst(&a, &url).await;
    spend_burst(&b, &url).await;
    assert_eq!(get(&a, &url).await.status, 503);
    // Operating time stays per credential and method, whatever the address.
    p.set_operating_limit(Some(0.0));
    p.seed("deal", 20_000);
    p.set_rate_limit(RateLimit::Off);
    let list = format!("{}crm.deal.list?start=10000", p.webhook_url());
    assert_eq!(get(&a, &list).await.status, 200);
    get(&b, &list).await.assert_error(
        429,
        "OPERATION_TIME_LIMIT",
        "Method is blocked due to operation time limit.",
    );
    let counters = p.control_get("counters").await;
    let sources = &counters.json["sources"];
    assert_eq!(
        sources["127.0.0.2"]["requests"],
        json!(53),
        "{}",
        counters.text
    );
    assert_eq!(
        sources["127.0.0.3"]["requests"],
        json!(52),
        "{}",
        counters.text
    );
}

#[tokio::test]
async fn scaled_clock_drains_faster() {
    let p = Portal::with(
        Emulator::builder()
            .clock_scale(600.0)
            .rate_limit(RateLimit::Custom {
                drain_per_sec: 1.0,
                burst: 1.0,
            }),
    )
    .await;
    let url = format!("{}server.time", p.webhook_url());
    assert_eq!(get(&p.c, &url).await.status, 200);
    tokio::time::sleep(Duration::from_millis(20)).await; // 12 portal seconds
    assert_eq!(get(&p.c, &url).await.status, 200);
}

#[tokio::test]
async fn operating_time_limit() {
    let p = Portal::with(
        Emulator::builder()
            .manual_clock()
            .operating_limit(Some(1.0)),
    )
    .await;
    p.seed("deal", 100_000);
    // start=-1 export calls are cheap and never recorded
    let a = p
        .call(
            "crm.deal.list",
            json!({ "start": -1, "filter": { ">ID": 10 } }),
        )
        .await;
    assert_eq!(a.assert_ok()[0]["ID"], json!("11"));
    assert_eq!(a.json["time"]["operating"], json!(0));
    // a deep page with counting costs 0.002 + 50,000 × 0.00002 + 100,000 × 0.000002 = 1.202 s:
    // it crosses the 1 s budget and still completes
    let a = p.call("crm.deal.list", json!({ "start": 50_000 })).await;
    assert_eq!(a.assert_ok()[0]["ID"], json!("50001"));
    let operating = a.json["time"]["operating"].as_f64().unwrap();
    assert!((operating - 1.202).abs() < 1e-6, "{}", a.text);
    let reset_at = a.json["time"]["operating_reset_at"].as_i64().unwrap();
    assert_eq!(reset_at, p.now().ceil() as i64 + 600);
    // now that method is blocked for this webhook…
    p.call("crm.deal.list", json!({})).await.assert_error(
        429,
        "OPERATION_TIME_LIMIT",
        "Method is blocked due to operation time limit.",
    );
    // …also inside batch (sub-calls are accounted), while other methods and webhooks pass
    let a = p
        .call(
            "batch",
            json!({ "cmd": { "l": "crm.deal.list", "g": "crm.deal.get?id=1" } }),
        )
        .await;
    assert_eq!(
        a.assert_ok()["result_error"]["l"]["error"],
        json!("OPERATION_TIME_LIMIT")
    );
    assert_eq!(a.assert_ok()["result"]["g"]["ID"], json!("1"));
    let other = p.add_webhook(1, ["crm"]);
    let a = post_json(
        &p.c,
        &format!("{}/rest/1/{other}/crm.deal.list", p.base_url()),
        json!({}),
    )
    .await;
    a.assert_ok();
    // ten minutes later the bucket has expired
    p.advance_clock(Duration::from_secs(601));
    let a = p.call("crm.deal.list", json!({})).await;
    a.assert_ok();
    // limit can be lifted at run time
    p.set_operating_limit(None);
    for _ in 0..3 {
        p.call("crm.deal.list", json!({ "start": 60_000 }))
            .await
            .assert_ok();
    }
}

async fn raw_status(url: &str) -> Result<(u16, String, String), reqwest::Error> {
    let c = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()?;
    let r = c.get(url).send().await?;
    let status = r.status().as_u16();
    let location = common::header(&r, "location");
    Ok((status, location, r.text().await?))
}

/// What a faulty answer's body must look like.
type BodyCheck = dyn Fn(&str) -> bool;

#[tokio::test]
async fn faults_on_demand() {
    let p = Portal::start().await;
    let _ = client();
    let url = format!("{}server.time", p.webhook_url());
    let set = |f: FaultConfig| p.set_faults(f);
    let fault = |change: fn(&mut FaultConfig)| {
        let mut f = FaultConfig::default();
        change(&mut f);
        f
    };

    // Each fault with its status and what the body looks like.
    let truncated_json = |t: &str| {
        serde_json::from_str::<serde_json::Value>(t).is_err() && t.starts_with("{\"result\":")
    };
    #[rustfmt::skip]
    let answers: [(FaultConfig, u16, &BodyCheck); 3] = [
        (fault(|f| f.query_limit = 1.0), 503, &|t| t.contains("QUERY_LIMIT_EXCEEDED")),
        (fault(|f| f.server_error = 1.0), 500, &|t| t.starts_with("<!DOCTYPE html>")),
        (fault(|f| f.truncated = 1.0), 200, &truncated_json),
    ];
    for (fault, expected, body_is) in answers {
        set(fault);
        let (status, _, text) = raw_status(&url).await.unwrap();
        assert_eq!(status, expected, "{text}");
        assert!(body_is(&text), "{text}");
    }

    set(fault(|f| f.reset = 1.0));
    assert!(raw_status(&url).await.is_err());
    assert_eq!(p.reset_count(), 1);

    set(fault(|f| f.latency_ms = 150));
    let t = std::time::Instant::now();
    assert_eq!(raw_status(&url).await.unwrap().0, 200);
    assert!(t.elapsed() >= Duration::from_millis(150));

    // portal moved: 302 to the other listener, which serves the same portal
    set(fault(|f| f.moved = true));
    let (status, location, _) = raw_status(&format!("{url}?x=1")).await.unwrap();
    assert_eq!(status, 302);
    assert!(location.starts_with(&p.moved_base_url()), "{location}");
    assert!(location.ends_with("/server.time?x=1"), "{location}");
    let a = post_json(
        &p.c,
        &location.replace("server.time?x=1", "crm.deal.add"),
        json!({ "fields": { "TITLE": "moved" } }),
    )
    .await;
    assert_eq!(a.assert_ok(), &json!(1));

    // seeded shares are deterministic, via the control API too
    let mut runs = Vec::new();
    for _ in 0..2 {
        let a = p
            .control(
                "faults",
                json!({ "seed": 42, "query_limit": 0.3, "server_error": 0.2 }),
            )
            .await;
        assert_eq!(a.json["ok"], json!(true), "{}", a.text);
        let mut statuses = Vec::new();
        for _ in 0..40 {
            statuses.push(raw_status(&url).await.unwrap().0);
        }
        runs.push(statuses);
    }
    assert_eq!(runs[0], runs[1]);
    assert!(runs[0].contains(&503) && runs[0].contains(&500) && runs[0].contains(&200));
    let a = p.control_get("counters").await;
    assert!(a.json["statuses"]["500"].as_u64().unwrap() > 0);
    p.control("faults", json!({})).await;
    assert_eq!(raw_status(&url).await.unwrap().0, 200);
}

fn https_client(emu: &Emulator) -> reqwest::Client {
    let _ = client();
    let pem = std::fs::read(emu.ca_cert_path()).unwrap();
    let cert = reqwest::Certificate::from_pem(&pem).unwrap();
    reqwest::Client::builder()
        .tls_certs_only([cert])
        .build()
        .unwrap()
}

#[tokio::test]
async fn https_listener_with_generated_ca() {
    let p = Portal::with(Emulator::builder().require_https_for_webhooks(true)).await;
    assert!(p.ca_cert_pem().contains("BEGIN CERTIFICATE"));
    assert!(p.https_webhook_url().starts_with("https://127.0.0.1:"));
    let c = https_client(&p);
    let a = get(&c, &format!("{}server.time", p.https_webhook_url())).await;
    assert!(a.assert_ok().is_string());
    // localhost is in the certificate too
    let local = p.https_webhook_url().replace("127.0.0.1", "localhost");
    get(&c, &format!("{local}scope")).await.assert_ok();
    // plain http is refused for webhooks
    get(&client(), &format!("{}server.time", p.webhook_url()))
        .await
        .assert_error(400, "INVALID_REQUEST", "Https required.");
    // an untrusting client fails the handshake
    let other = b24_emulator::tls::generate().unwrap().ca_pem;
    let strict = reqwest::Client::builder()
        .tls_certs_only([reqwest::Certificate::from_pem(other.as_bytes()).unwrap()])
        .build()
        .unwrap();
    assert!(strict.get(p.https_webhook_url()).send().await.is_err());
}

fn decode(body: &str) -> std::collections::HashMap<String, String> {
    form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect()
}

#[tokio::test]
async fn events_bind_deliver_and_offline_queue() {
    let p = Portal::start().await;
    let base = p.base_url();
    let token = p.issue_oauth_token(1, ["crm", "telephony"]);
    let (handler, mut rx) = sink().await;
    // webhooks have no application context
    post_json(
        &p.c,
        &format!("{}event.bind", p.webhook_url()),
        json!({ "event": "ONCRMDEALADD", "handler": handler }),
    )
    .await
    .assert_error(
        403,
        "WRONG_AUTH_TYPE",
        "Current authorization type is denied for this method",
    );
    let call = |method: &str, body: serde_json::Value| {
        let c = p.c.clone();
        let url = format!("{base}/rest/{method}?auth={token}");
        async move { post_json(&c, &url, body).await }
    };
    call(
        "event.bind",
        json!({ "event": "ONCRMDEALADD", "handler": "https://www.my-domain.com/handler/" }),
    )
    .await
    .assert_error(400, "ERROR_WRONG_HANDLER_URL", "Wrong handler URL");
    call(
        "event.bind",
        json!({ "event": "ONNOTHING", "handler": handler }),
    )
    .await
    .assert_error(400, "ERROR_EVENT_NOT_FOUND", "Event not found");
    for binding in [
        json!({ "event": "oncrmdealadd", "handler": handler }),
        json!({ "event": "ONAPPMETHODCONFIRM", "handler": handler }),
        json!({ "event": "ONCRMDEALUPDATE", "event_type": "offline" }),
    ] {
        let a = call("event.bind", binding).await;
        assert_eq!(a.assert_ok(), &json!(true));
    }
    let a = call("event.get", json!({})).await;
    assert_eq!(a.assert_ok().as_array().unwrap().len(), 3);
    assert_eq!(
        a.assert_ok()[0],
        json!({ "event": "ONCRMDEALADD", "handler": handler, "auth_type": "0", "offline": 0 })
    );

    // online delivery, form-encoded with PHP brackets
    let a = call("crm.deal.add", json!({ "fields": { "TITLE": "x" } })).await;
    assert_eq!(a.assert_ok(), &json!(1));
    let body = tokio::time::timeout(Duration::from_secs(5), rx.recv())
        .await
        .unwrap()
        .unwrap();
    assert!(body.contains("data%5BFIELDS%5D%5BID%5D=1"), "{body}");
    let form = decode(&body);
    assert_eq!(form["event"], "ONCRMDEALADD");
    assert_eq!(form["data[FIELDS][ID]"], "1");
    assert_eq!(form["auth[application_token]"], p.application_token());
    assert_eq!(form["auth[access_token]"], token);
    assert_eq!(form["auth[domain]"], base.trim_start_matches("http://"));
    assert!(form["ts"].parse::<i64>().is_ok());

    // offline queue: clear=0 claims rows with a process id, event.offline.clear removes them
    let retitle = |title: &str| {
        call(
            "crm.deal.update",
            json!({ "id": 1, "fields": { "TITLE": title } }),
        )
    };
    for _ in 0..3 {
        retitle("y").await.assert_ok();
    }
    let a = call("event.offline.list", json!({})).await;
    assert_eq!(a.json["total"], json!(1), "one row per object: {}", a.text);
    let a = call("event.offline.get", json!({ "clear": 0 })).await;
    let r = a.assert_ok().clone();
    let pid = r["process_id"].as_str().unwrap().to_owned();
    assert_eq!(r["events"][0]["EVENT_NAME"], json!("ONCRMDEALUPDATE"));
    assert_eq!(
        r["events"][0]["EVENT_DATA"],
        json!({ "FIELDS": { "ID": "1" } })
    );
    // claimed rows are not handed out again
    let a = call("event.offline.get", json!({ "clear": 0 })).await;
    assert_eq!(a.assert_ok()["events"], json!([]));
    assert_eq!(
        call("event.offline.clear", json!({ "process_id": pid }))
            .await
            .assert_ok(),
        &json!(true)
    );
    assert_eq!(
        call("event.offline.list", json!({})).await.json["total"],
        json!(0)
    );
    retitle("z").await.assert_ok();
    let a = call("event.offline.get", json!({})).await;
    assert_eq!(a.assert_ok()["process_id"], json!(null));
    assert_eq!(a.assert_ok()["events"].as_array().unwrap().len(), 1);
    assert_eq!(
        call("event.offline.list", json!({})).await.json["total"],
        json!(0)
    );

    // ONAPPMETHODCONFIRM after an administrator decision
    call("voximplant.user.get", json!({ "USER_ID": 1 }))
        .await
        .assert_error(401, "METHOD_CONFIRM_WAITING", "Waiting for confirmation");
    assert_eq!(p.confirm_method("voximplant.user.get"), 1);
    let body = tokio::time::timeout(Duration::from_secs(5), rx.recv())
        .await
        .unwrap()
        .unwrap();
    let form = decode(&body);
    assert_eq!(form["event"], "ONAPPMETHODCONFIRM");
    assert_eq!(form["data[TOKEN]"], token);
    assert_eq!(form["data[CONFIRMED]"], "1");
    assert!(!form.contains_key("auth[access_token]"));

    let a = call(
        "event.unbind",
        json!({ "event": "ONCRMDEALADD", "handler": handler }),
    )
    .await;
    assert_eq!(a.assert_ok(), &json!({ "count": 1 }));
}
