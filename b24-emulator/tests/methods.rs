//! Method behaviour over real HTTP: CRM automated solutions, im, telephony confirmation,
//! service methods, counters, reset and the control API.

mod common;

use b24_emulator::Emulator;
use common::{Portal, get, post_json};
use serde_json::{Value, json};

#[tokio::test]
async fn automated_solution_crud_cycle() {
    let p = Portal::start().await;
    let url = |m: &str| format!("{}crm.automatedsolution.{m}", p.webhook_url());

    let mut ids = Vec::new();
    for (title, types) in [("HR", [1, 2]), ("Sales", [2, 3])] {
        let body = json!({ "fields": { "title": title, "typeIds": types } });
        let a = post_json(&p.c, &url("add"), body).await;
        ids.push(a.assert_ok()["automatedSolution"]["id"].as_i64().unwrap());
    }
    let [id, id2] = ids[..] else {
        panic!("two solutions: {ids:?}")
    };

    // Type 2 moved from HR to Sales.
    let a = post_json(&p.c, &url("get"), json!({ "id": id })).await;
    assert_eq!(
        a.assert_ok(),
        &json!({ "automatedSolution": { "id": id, "title": "HR", "typeIds": [1] } })
    );
    // Ids as form strings.
    let a = get(&p.c, &format!("{}?id={id2}", url("get"))).await;
    assert_eq!(a.assert_ok()["automatedSolution"]["typeIds"], json!([2, 3]));

    let a = post_json(&p.c, &url("list"), json!({})).await;
    assert_eq!(a.json["total"], json!(2));
    assert!(a.json.get("next").is_none());
    assert_eq!(
        a.assert_ok()["automatedSolutions"]
            .as_array()
            .unwrap()
            .len(),
        2
    );

    let a = post_json(
        &p.c,
        &url("update"),
        json!({ "id": id.to_string(), "fields": { "title": "People", "typeIds": ["7"] } }),
    )
    .await;
    assert_eq!(
        a.assert_ok(),
        &json!({ "automatedSolution": { "id": id, "title": "People", "typeIds": [7] } })
    );
    post_json(
        &p.c,
        &url("update"),
        json!({ "id": id, "fields": { "title": "" } }),
    )
    .await
    .assert_error(
        400,
        "BX_EMPTY_REQUIRED",
        "The required field 'Title' is not filled",
    );

    let a = post_json(&p.c, &url("delete"), json!({ "id": id })).await;
    assert_eq!(a.assert_ok(), &Value::Null);
    assert!(a.json.as_object().unwrap().contains_key("result"));
    for method in ["get", "delete", "update"] {
        post_json(
            &p.c,
            &url(method),
            json!({ "id": id, "fields": { "title": "x" } }),
        )
        .await
        .assert_error(400, "NOT_FOUND", "Automated solution not found");
    }
    let a = post_json(&p.c, &url("get"), json!({})).await;
    assert_eq!((a.status, a.error()), (400, "ERROR_ARGUMENT"));

    let a = post_json(&p.c, &url("add"), json!({ "fields": { "typeIds": [1] } })).await;
    a.assert_error(
        400,
        "BX_EMPTY_REQUIRED",
        "The required field 'Title' is not filled",
    );
    let a = post_json(&p.c, &url("add"), json!({})).await;
    a.assert_error(
        400,
        "BX_EMPTY_REQUIRED",
        "The required field 'Title' is not filled",
    );
    let a = post_json(
        &p.c,
        &url("add"),
        json!({ "fields": { "title": "T", "typeIds": ["x"] } }),
    )
    .await;
    assert_eq!((a.status, a.error()), (400, "INVALID_ARG_VALUE"));

    let a = get(&p.c, &url("fields")).await;
    let fields = &a.assert_ok()["fields"];
    for (name, required, multiple) in [
        ("id", false, false),
        ("title", true, false),
        ("typeIds", false, true),
    ] {
        let f = &fields[name];
        assert_eq!(f["isRequired"], json!(required), "{name}");
        assert_eq!(f["isMultiple"], json!(multiple), "{name}");
        for key in ["type", "isReadOnly", "isImmutable", "title"] {
            assert!(f.get(key).is_some(), "{name}.{key}");
        }
    }
}

#[tokio::test]
async fn automated_solution_list_paging_filter_order() {
    let p = Portal::with(Emulator::builder().automated_solution_limit(500)).await;
    let add = format!("{}crm.automatedsolution.add", p.webhook_url());
    let list = format!("{}crm.automatedsolution.list", p.webhook_url());
    for i in 1..=120 {
        let title = if i % 10 == 0 {
            format!("Team {i}")
        } else {
            format!("Solution {i}")
        };
        post_json(&p.c, &add, json!({ "fields": { "title": title } }))
            .await
            .assert_ok();
    }
    let ids = |a: &common::Answer| -> Vec<i64> {
        a.result()["automatedSolutions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_i64().unwrap())
            .collect()
    };

    let a = post_json(&p.c, &list, json!({})).await;
    assert_eq!(
        (a.json["total"].clone(), a.json["next"].clone()),
        (json!(120), json!(50))
    );
    assert_eq!(ids(&a), (1..=50).collect::<Vec<_>>());
    // Offsets are rounded down to multiples of 50.
    let a = get(&p.c, &format!("{list}?start=73")).await;
    assert_eq!(a.json["next"], json!(100));
    assert_eq!(ids(&a)[0], 51);
    let a = post_json(&p.c, &list, json!({ "start": 100 })).await;
    assert_eq!(ids(&a).len(), 20);
    assert!(a.json.get("next").is_none());
    assert_eq!(a.json["total"], json!(120));
    // start=-1: no total, no next.
    let a = post_json(&p.c, &list, json!({ "start": -1 })).await;
    assert_eq!(ids(&a).len(), 50);
    assert!(a.json.get("total").is_none() && a.json.get("next").is_none());

    let a = post_json(
        &p.c,
        &list,
        json!({ "filter": { "%title": "team" }, "order": { "id": "DESC" } }),
    )
    .await;
    assert_eq!(
        ids(&a),
        vec![120, 110, 100, 90, 80, 70, 60, 50, 40, 30, 20, 10]
    );
    assert_eq!(a.json["total"], json!(12));
    let a = get(&p.c, &format!("{list}?filter%5B%3Did%5D=7")).await;
    assert_eq!(ids(&a), vec![7]);
    // Unencoded, PHP splits at the first `=`: key `filter[` (→ `filter_`), so no filter.
    let a = get(&p.c, &format!("{list}?filter[=id]=7")).await;
    assert_eq!(ids(&a).len(), 50);
    let a = post_json(
        &p.c,
        &list,
        json!({ "filter": { ">id": 115, "<=id": "118" } }),
    )
    .await;
    assert_eq!(ids(&a), vec![116, 117, 118]);
    let a = post_json(
        &p.c,
        &list,
        json!({ "filter": { "@id": [3, 5], "title": "solution 3" } }),
    )
    .await;
    assert_eq!(ids(&a), vec![3]);
    let a = post_json(&p.c, &list, json!({ "filter": { "=%title": "Team 1%" } })).await;
    assert_eq!(ids(&a), vec![10, 100, 110, 120]);
    let a = post_json(
        &p.c,
        &list,
        json!({ "filter": { "!%title": "solution" }, "order": { "title": "asc" } }),
    )
    .await;
    assert_eq!(ids(&a).len(), 12);
    let a = post_json(&p.c, &list, json!({ "filter": { "nope": 1 } })).await;
    assert_eq!((a.status, a.error()), (400, "INVALID_ARG_VALUE"));
    let a = post_json(&p.c, &list, json!({ "order": { "id": "UP" } })).await;
    assert_eq!((a.status, a.error()), (400, "ERROR_ARGUMENT"));
}

#[tokio::test]
async fn automated_solution_limit_exceeded() {
    let p = Portal::with(Emulator::builder().automated_solution_limit(2)).await;
    let add = format!("{}crm.automatedsolution.add", p.webhook_url());
    for title in ["A", "B"] {
        post_json(&p.c, &add, json!({ "fields": { "title": title } }))
            .await
            .assert_ok();
    }
    let a = post_json(&p.c, &add, json!({ "fields": { "title": "C" } })).await;
    assert_eq!((a.status, a.error()), (400, "LIMIT_EXCEEDED"), "{}", a.text);
    // Deleting one frees a slot.
    post_json(
        &p.c,
        &format!("{}crm.automatedsolution.delete", p.webhook_url()),
        json!({ "id": 1 }),
    )
    .await
    .assert_ok();
    let a = post_json(&p.c, &add, json!({ "fields": { "title": "C" } })).await;
    assert_eq!(a.assert_ok()["automatedSolution"]["id"], json!(3));
}

#[tokio::test]
async fn im_department_get() {
    let p = Portal::start().await;
    let url = format!("{}im.department.get", p.webhook_url());

    let a = post_json(&p.c, &url, json!({ "ID": [3, 7] })).await;
    assert_eq!(
        a.assert_ok(),
        &json!([
            { "id": 3, "name": "Finance Department", "full_name": "Finance Department / mysite.com", "manager_user_id": 13 },
            { "id": 7, "name": "Development Department", "full_name": "Development Department / mysite.com", "manager_user_id": 103 }
        ])
    );
    let a = get(&p.c, &format!("{url}?ID[]=7&USER_DATA=Y")).await;
    let data = &a.assert_ok()[0]["manager_user_data"];
    for key in [
        "id",
        "name",
        "first_name",
        "last_name",
        "work_position",
        "color",
        "avatar",
        "gender",
        "birthday",
        "extranet",
        "network",
        "bot",
        "connector",
        "external_auth_id",
        "status",
        "idle",
        "last_activity_date",
        "mobile_last_date",
        "absent",
    ] {
        assert!(data.get(key).is_some(), "{key}: {}", a.text);
    }
    assert_eq!(data["id"], json!(103));
    assert_eq!(data["name"], json!("Maria Sokolova"));
    // A single ID, numeric strings, unknown IDs skipped.
    let a = post_json(&p.c, &url, json!({ "ID": "5" })).await;
    assert_eq!(a.assert_ok()[0]["name"], json!("Sales Department"));
    let a = post_json(&p.c, &url, json!({ "ID": [9, 999] })).await;
    assert_eq!(
        a.assert_ok(),
        &json!([{ "id": 9, "name": "QA Group", "full_name": "QA Group / Development Department / mysite.com", "manager_user_id": 0 }])
    );

    for body in [
        json!({}),
        json!({ "ID": ["x"] }),
        json!({ "ID": "abc" }),
        json!({ "ID": [] }),
    ] {
        post_json(&p.c, &url, body).await.assert_error(
            400,
            "INVALID_FORMAT",
            "A wrong format for the ID field is passed",
        );
    }
    let a = get(&p.c, &format!("{}im.revision.get", p.webhook_url())).await;
    assert_eq!(a.assert_ok()["rest"], json!(32));
}

#[tokio::test]
async fn method_confirmation_flow() {
    let p = Portal::start().await;
    let base = p.base_url();
    let hook = format!("{}voximplant.user.get", p.webhook_url());
    let token = p.issue_oauth_token(1, ["telephony"]);
    let oauth = format!("{base}/rest/voximplant.user.get?auth={token}");

    for _ in 0..2 {
        post_json(&p.c, &hook, json!({ "USER_ID": 1 }))
            .await
            .assert_error(401, "METHOD_CONFIRM_WAITING", "Waiting for confirmation");
    }
    get(&p.c, &format!("{oauth}&USER_ID=1")).await.assert_error(
        401,
        "METHOD_CONFIRM_WAITING",
        "Waiting for confirmation",
    );
    assert_eq!(p.confirm_method("voximplant.user.get"), 2);

    let a = post_json(&p.c, &hook, json!({ "USER_ID": [1, 11] })).await;
    let result = a.assert_ok();
    assert_eq!(result.as_array().unwrap().len(), 2);
    let first = &result[0];
    assert_eq!(first["ID"], json!("1"));
    assert_eq!(first["DEFAULT_LINE"], Value::Null);
    assert_eq!(first["PHONE_ENABLED"], json!("Y"));
    assert_eq!(first["INNER_NUMBER"], Value::Null);
    for key in ["SIP_SERVER", "SIP_LOGIN", "SIP_PASSWORD"] {
        assert!(first[key].is_string(), "{key}");
    }
    post_json(&p.c, &hook, json!({})).await.assert_error(
        400,
        "ERROR_ARGUMENT",
        "Parameter USER_ID is not set",
    );

    // The OAuth token was confirmed too (it was pending); a new token must ask again.
    get(&p.c, &format!("{oauth}&USER_ID=1")).await.assert_ok();
    let token2 = p.issue_oauth_token(1, ["telephony"]);
    let oauth2 = format!("{base}/rest/voximplant.user.get?auth={token2}&USER_ID=1");
    get(&p.c, &oauth2).await.assert_error(
        401,
        "METHOD_CONFIRM_WAITING",
        "Waiting for confirmation",
    );
    p.deny_method("VOXIMPLANT.USER.GET");
    get(&p.c, &oauth2)
        .await
        .assert_error(403, "METHOD_CONFIRM_DENIED", "Method call denied");

    // The scope check comes before confirmation.
    let no_tel = p.issue_oauth_token(1, ["crm"]);
    let a = get(
        &p.c,
        &format!("{base}/rest/voximplant.user.get?auth={no_tel}&USER_ID=1"),
    )
    .await;
    assert_eq!(a.error(), "insufficient_scope");
}

#[tokio::test]
async fn service_methods() {
    let p = Portal::start().await;
    let base = p.base_url();
    let hook = p.add_webhook(1, ["crm", "im"]);
    let url = |m: &str| format!("{base}/rest/1/{hook}/{m}");

    assert_eq!(
        get(&p.c, &url("scope")).await.assert_ok(),
        &json!(["crm", "im"])
    );
    let full = get(&p.c, &url("scope?full=true")).await;
    let all = full.assert_ok().as_array().unwrap();
    for s in [
        "crm",
        "im",
        "telephony",
        "department",
        "user",
        "user_brief",
        "user_basic",
    ] {
        assert!(all.contains(&json!(s)), "{s}");
    }
    let a = get(&p.c, &url("methods")).await;
    let names = a.assert_ok().as_array().unwrap();
    assert!(names.contains(&json!("crm.automatedsolution.add")));
    assert!(names.contains(&json!("scope")));
    assert!(!names.contains(&json!("voximplant.user.get")));
    let a = get(&p.c, &url("methods?scope=telephony")).await;
    assert_eq!(a.assert_ok(), &json!(["voximplant.user.get"]));

    for (name, existing, available) in [
        (json!("voximplant.user.get"), true, false),
        (json!("CRM.AutomatedSolution.List"), true, true),
        (json!(null), false, false),
    ] {
        let body = if name.is_null() {
            json!({})
        } else {
            json!({ "name": name })
        };
        let a = post_json(&p.c, &url("method.get"), body).await;
        assert_eq!(
            a.assert_ok(),
            &json!({ "isExisting": existing, "isAvailable": available }),
            "{name}"
        );
    }

    let a = get(&p.c, &url("profile")).await;
    assert_eq!(
        a.assert_ok(),
        &json!({ "ID": "1", "ADMIN": true, "NAME": "Vadim", "LAST_NAME": "Valeev", "PERSONAL_GENDER": "M", "TIME_ZONE": "" })
    );
    let a = get(&p.c, &url("app.info")).await;
    assert_eq!(a.assert_ok()["SCOPE"], json!(["crm", "im"]));
    assert!(a.result()["LICENSE"].is_string());
    let token = p.issue_oauth_token(11, ["crm"]);
    let a = get(&p.c, &format!("{base}/rest/app.info?auth={token}")).await;
    let app = a.assert_ok();
    for key in [
        "ID",
        "CODE",
        "VERSION",
        "STATUS",
        "INSTALLED",
        "PAYMENT_EXPIRED",
        "DAYS",
        "LANGUAGE_ID",
        "LICENSE",
        "LICENSE_TYPE",
        "LICENSE_FAMILY",
    ] {
        assert!(app.get(key).is_some(), "{key}");
    }
    let a = get(&p.c, &format!("{base}/rest/profile?auth={token}")).await;
    assert_eq!(a.assert_ok()["ADMIN"], json!(false));
    let a = get(&p.c, &url("server.time")).await;
    let time = a.assert_ok().as_str().unwrap();
    assert_eq!(time.len(), 25, "{time}");
    assert_eq!(&time[10..11], "T");
}

#[tokio::test]
async fn counters_reset_and_control_api() {
    let p = Portal::start().await;
    let base = p.base_url();
    let c = &p.c;
    p.call(
        "crm.automatedsolution.add",
        json!({ "fields": { "title": "A" } }),
    )
    .await
    .assert_ok();
    p.get("CRM.AutomatedSolution.Add.json").await;
    get(&p.c, &p.at("/rest/scope")).await; // NO_AUTH_FOUND still counts
    p.get("missing.method").await;
    assert_eq!(p.request_count("crm.automatedsolution.add"), 2);
    assert_eq!(p.request_count("CRM.AUTOMATEDSOLUTION.ADD"), 2);
    assert_eq!(p.request_count("scope"), 1);
    assert_eq!(p.request_count("missing.method"), 1);
    assert_eq!(p.total_requests(), 4);

    let a = p.control_get("counters").await;
    assert_eq!(a.json["total"], json!(4));
    assert_eq!(a.json["methods"]["crm.automatedsolution.add"], json!(2));

    // Control API from "another process": confirm/deny.
    let vox = p.hook("voximplant.user.get?USER_ID=1");
    assert_eq!(get(&p.c, &vox).await.error(), "METHOD_CONFIRM_WAITING");
    let a = p
        .control("confirm", json!({ "method": "voximplant.user.get" }))
        .await;
    assert_eq!(a.json["decided"], json!(1));
    get(&p.c, &vox).await.assert_ok();
    let a = p.control("deny", json!({})).await;
    assert_eq!(a.status, 400);

    // Tokens and webhooks through the control API.
    let a = p
        .control("token", json!({ "user_id": 1, "scopes": ["im"] }))
        .await;
    let token = a.json["access_token"].as_str().unwrap().to_owned();
    get(&p.c, &format!("{base}/rest/im.revision.get?auth={token}"))
        .await
        .assert_ok();
    p.control("expire", json!({ "token": token })).await;
    let error_of = async |url: String| get(&p.c, &url).await.error().to_owned();
    assert_eq!(
        error_of(format!("{base}/rest/im.revision.get?auth={token}")).await,
        "expired_token"
    );
    let a = p
        .control("webhook", json!({ "user_id": 13, "scopes": ["im"] }))
        .await;
    let code = a.json["code"].as_str().unwrap().to_owned();
    let a = get(&p.c, &format!("{base}/rest/13/{code}/profile")).await;
    assert_eq!(a.assert_ok()["NAME"], json!("Boris"));

    // Reset: records, decisions, counters and extra credentials are gone; the default hook stays.
    let a = common::answer(c.post(p.at("/_emulator/reset")).send().await.unwrap()).await;
    assert_eq!(a.json["ok"], json!(true));
    assert_eq!(p.total_requests(), 0);
    let a = p.control_get("counters").await;
    assert_eq!(
        a.json,
        json!({ "total": 0, "methods": {}, "statuses": {}, "sources": {}, "oauth": {"grants": {}, "errors": {}, "outcomes": {}} })
    );
    let a = p.call("crm.automatedsolution.list", json!({})).await;
    assert_eq!(a.json["total"], json!(0));
    assert_eq!(a.assert_ok(), &json!({ "automatedSolutions": [] }));
    assert_eq!(get(&p.c, &vox).await.error(), "METHOD_CONFIRM_WAITING");
    assert_eq!(
        error_of(format!("{base}/rest/13/{code}/profile")).await,
        "INVALID_CREDENTIALS"
    );
    let a = p
        .call(
            "crm.automatedsolution.add",
            json!({ "fields": { "title": "A" } }),
        )
        .await;
    assert_eq!(a.assert_ok()["automatedSolution"]["id"], json!(1));
    p.reset();
    assert_eq!(p.total_requests(), 0);
}
