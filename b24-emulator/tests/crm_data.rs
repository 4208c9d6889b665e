//! CRM records and list semantics over real HTTP (PROTOCOL §7), seeding, users, departments.

mod common;

use std::collections::BTreeSet;

use common::Portal;
use serde_json::{Value, json};

#[tokio::test]
async fn legacy_deal_lifecycle() {
    let p = Portal::start().await;
    let a = p
        .call(
            "crm.contact.add",
            json!({ "FIELDS": {
                "NAME": "John", "LAST_NAME": "Smith", "ASSIGNED_BY_ID": 11,
                "PHONE": [{ "VALUE": "+1333333555", "VALUE_TYPE": "WORK" }],
                "EMAIL": [{ "VALUE": "john@example.com", "VALUE_TYPE": "HOME" }],
                "UF_CRM_1720697698689": "custom"
            }}),
        )
        .await;
    assert_eq!(a.assert_ok(), &json!(1));
    let a = p.get("crm.contact.get?ID=1").await;
    let r = a.assert_ok();
    assert_eq!(r["ID"], json!("1"));
    assert_eq!(r["NAME"], json!("John"));
    assert_eq!(r["ASSIGNED_BY_ID"], json!("11"));
    assert_eq!(r["HAS_PHONE"], json!("Y"));
    assert_eq!(r["PHONE"][0]["VALUE"], json!("+1333333555"));
    assert_eq!(r["PHONE"][0]["VALUE_TYPE"], json!("WORK"));
    assert_eq!(r["PHONE"][0]["TYPE_ID"], json!("PHONE"));
    assert!(r["PHONE"][0]["ID"].is_string());
    assert_eq!(r["EMAIL"][0]["VALUE"], json!("john@example.com"));
    assert_eq!(r["UF_CRM_1720697698689"], json!("custom"));
    // update multi-field: delete the phone by ID
    let phone_id = r["PHONE"][0]["ID"].as_str().unwrap().to_owned();
    let a = p.call("crm.contact.update", json!({ "id": 1, "fields": { "PHONE": [{ "ID": phone_id, "DELETE": "Y" }], "NAME": "Jack" } }))
    .await;
    assert_eq!(a.assert_ok(), &json!(true));
    let r = p.get("crm.contact.get?id=1").await;
    assert_eq!(r.assert_ok()["PHONE"], json!([]));
    assert_eq!(r.assert_ok()["NAME"], json!("Jack"));
    assert_eq!(r.assert_ok()["HAS_PHONE"], json!("N"));

    // deal: add → int, money as string; errors with an empty `error`.
    let a = p
        .call(
            "crm.deal.add",
            json!({ "fields": { "TITLE": "[A] Deal", "OPPORTUNITY": 19999.99, "CONTACT_ID": 1 } }),
        )
        .await;
    assert_eq!(a.assert_ok(), &json!(1));
    let r = p.get("crm.deal.get?id=1").await;
    assert_eq!(r.assert_ok()["OPPORTUNITY"], json!("19999.99"));
    assert_eq!(r.assert_ok()["CONTACT_ID"], json!("1"));
    assert_eq!(r.assert_ok()["STAGE_ID"], json!("NEW"));
    p.get("crm.deal.get?id=99")
        .await
        .assert_error(400, "", "Not found");
    p.get("crm.deal.get")
        .await
        .assert_error(400, "", "ID is not defined or invalid.");
    p.call("crm.deal.add", json!({ "fields": "x" }))
        .await
        .assert_error(400, "", "Parameter 'fields' must be array.");
    p.call("crm.deal.list", json!({ "filter": "x" }))
        .await
        .assert_error(400, "", "Parameter 'filter' must be array.");
    let a = p.get("crm.deal.delete?id=1").await;
    assert_eq!(a.assert_ok(), &json!(true));
    p.get("crm.deal.get?id=1")
        .await
        .assert_error(400, "", "Not found");
    let fields = p.get("crm.lead.fields").await;
    assert_eq!(fields.assert_ok()["PHONE"]["type"], json!("crm_multifield"));
    assert_eq!(fields.assert_ok()["ID"]["isReadOnly"], json!(true));
}

#[tokio::test]
async fn list_filters_order_select_and_paging() {
    let p = Portal::start().await;
    p.seed("deal", 260);
    let list = |body: Value| p.call("crm.deal.list", body);
    // default page: 50, next, total
    let a = list(json!({})).await;
    assert_eq!(a.assert_ok().as_array().unwrap().len(), 50);
    assert_eq!(
        (a.json["next"].clone(), a.json["total"].clone()),
        (json!(50), json!(260))
    );
    assert!(a.assert_ok()[0].get("PHONE").is_none());
    // start floored to a multiple of 50
    let a = list(json!({ "start": 73 })).await;
    assert_eq!(a.assert_ok()[0]["ID"], json!("51"));
    assert_eq!(a.json["next"], json!(100));
    // last page: no next
    let a = list(json!({ "start": 250 })).await;
    assert_eq!(a.assert_ok().as_array().unwrap().len(), 10);
    assert!(a.json.get("next").is_none());
    assert_eq!(a.json["total"], json!(260));
    // start=-1: no total, no next
    let a = list(json!({ "start": -1, "order": { "ID": "ASC" }, "filter": { ">ID": 200 } })).await;
    assert!(
        a.json.get("total").is_none() && a.json.get("next").is_none(),
        "{}",
        a.text
    );
    assert_eq!(a.assert_ok()[0]["ID"], json!("201"));
    assert_eq!(a.assert_ok().as_array().unwrap().len(), 50);
    // select + order DESC + range filters
    let a = list(json!({
        "select": ["ID", "TITLE"],
        "order": { "ID": "DESC" },
        "filter": { ">=ID": 10, "<ID": 15 }
    }))
    .await;
    assert_eq!(
        a.assert_ok(),
        &json!([
            {"ID": "14", "TITLE": "Deal #14"}, {"ID": "13", "TITLE": "Deal #13"},
            {"ID": "12", "TITLE": "Deal #12"}, {"ID": "11", "TITLE": "Deal #11"},
            {"ID": "10", "TITLE": "Deal #10"}
        ])
    );
    // @ in, !@ not in, ! not equal, % like, = equal
    let a = list(json!({ "select": ["ID"], "filter": { "@ID": [3, 5, 7], "!ID": 5 } })).await;
    assert_eq!(a.assert_ok(), &json!([{"ID": "3"}, {"ID": "7"}]));
    let a = list(json!({ "select": ["ID"], "filter": { "!@ID": [1, 2], "<=ID": 4 } })).await;
    assert_eq!(a.assert_ok(), &json!([{"ID": "3"}, {"ID": "4"}]));
    let a = list(json!({ "select": ["ID"], "filter": { "%TITLE": "#25" } })).await;
    assert_eq!(a.json["total"], json!(11)); // 25, 250..259
    let a =
        list(json!({ "select": ["ID", "STAGE_ID"], "filter": { "=STAGE_ID": "won", "<ID": 20 } }))
            .await;
    assert_eq!(
        a.assert_ok(),
        &json!([{"ID": "4", "STAGE_ID": "WON"}, {"ID": "9", "STAGE_ID": "WON"}, {"ID": "14", "STAGE_ID": "WON"}, {"ID": "19", "STAGE_ID": "WON"}])
    );
    // order by another field, then ID
    let a = list(json!({ "select": ["ID", "OPPORTUNITY"], "order": { "OPPORTUNITY": "DESC" }, "filter": { "<ID": 6 } })).await;
    let amounts: Vec<f64> = a
        .assert_ok()
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["OPPORTUNITY"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(amounts.windows(2).all(|w| w[0] >= w[1]), "{amounts:?}");
    // bad order direction
    list(json!({ "order": { "ID": "UP" } })).await.assert_error(
        400,
        "ERROR_ARGUMENT",
        "Order direction should be one of {ASC|DESC}",
    );
    // the whole table arrives exactly once through the fast export pattern
    let mut seen = BTreeSet::new();
    let mut last = 0;
    loop {
        let a = list(json!({ "select": ["ID"], "order": { "ID": "ASC" }, "filter": { ">ID": last }, "start": -1 })).await;
        let rows = a.assert_ok().as_array().unwrap().clone();
        for r in &rows {
            let id: i64 = r["ID"].as_str().unwrap().parse().unwrap();
            assert!(seen.insert(id));
            last = id;
        }
        if rows.len() < 50 {
            break;
        }
    }
    assert_eq!(seen, (1..=260).collect());
}

#[tokio::test]
async fn million_records_seed_fast_and_export_fast() {
    let p = Portal::start().await;
    let t = std::time::Instant::now();
    let a = p
        .control("seed", json!({ "entity": "deal", "count": 1_000_000 }))
        .await;
    assert_eq!(a.json["last"], json!(1_000_000), "{}", a.text);
    assert!(t.elapsed().as_secs() < 10, "{:?}", t.elapsed());
    let t = std::time::Instant::now();
    for last in [0, 500_000, 999_960] {
        let a = p.call("crm.deal.list", json!({ "order": { "ID": "ASC" }, "filter": { ">ID": last }, "start": -1, "select": ["ID"] }))
        .await;
        assert_eq!(a.assert_ok()[0]["ID"], json!((last + 1).to_string()));
    }
    assert!(t.elapsed().as_millis() < 2000, "{:?}", t.elapsed());
}

#[tokio::test]
async fn smart_processes_and_items() {
    let p = Portal::start().await;
    let a = p
        .call("crm.type.add", json!({ "fields": { "title": "Orders" } }))
        .await;
    let t = a.assert_ok()["type"].clone();
    assert_eq!(t["entityTypeId"], json!(128));
    let type_id = t["id"].as_i64().unwrap();
    p.call(
        "crm.type.add",
        json!({ "fields": { "title": "X", "entityTypeId": 100 } }),
    )
    .await
    .assert_error(
        400,
        "INVALID_ARG_VALUE",
        "entityTypeId must be an integer of at least 128",
    );
    let a = p.call("crm.type.list", json!({})).await;
    assert_eq!(a.assert_ok()["types"][0]["title"], json!("Orders"));
    assert_eq!(a.json["total"], json!(1));
    let a = p
        .call(
            "crm.type.update",
            json!({ "id": type_id, "fields": { "title": "Sales orders" } }),
        )
        .await;
    assert_eq!(a.assert_ok()["type"]["title"], json!("Sales orders"));
    let a = p.call("crm.type.get", json!({ "id": type_id })).await;
    assert_eq!(a.assert_ok()["type"]["title"], json!("Sales orders"));

    let a = p.call("crm.item.add", json!({ "entityTypeId": 128, "fields": { "title": "Order 1", "opportunity": 999.99, "assignedById": 13, "ufCrm5_1721": "x" } }))
    .await;
    let item = a.assert_ok()["item"].clone();
    assert_eq!(item["id"], json!(1));
    assert_eq!(item["title"], json!("Order 1"));
    assert_eq!(item["opportunity"], json!(999.99));
    assert_eq!(item["assignedById"], json!(13));
    assert_eq!(item["createdBy"], json!(1));
    assert_eq!(item["ufCrm5_1721"], json!("x"));
    let a = p
        .call(
            "crm.item.update",
            json!({ "entityTypeId": 128, "id": 1, "fields": { "stageId": "WON" } }),
        )
        .await;
    assert_eq!(a.assert_ok()["item"]["stageId"], json!("WON"));
    let a = p
        .call("crm.item.get", json!({ "entityTypeId": 128, "id": 1 }))
        .await;
    assert_eq!(a.assert_ok()["item"]["stageId"], json!("WON"));
    let a = p
        .call("crm.item.fields", json!({ "entityTypeId": 128 }))
        .await;
    assert_eq!(
        a.assert_ok()["fields"]["assignedById"]["type"],
        json!("user")
    );
    // crm.item over deals (entityTypeId 2) sees legacy records in camelCase
    p.seed("deal", 3);
    let a = p.call("crm.item.list", json!({ "entityTypeId": 2, "select": ["id", "title"], "filter": { "0": { "logic": "OR", "0": { "=id": 1 }, "1": { "=id": 3 } } } }))
    .await;
    assert_eq!(
        a.assert_ok(),
        &json!({ "items": [{ "id": 1, "title": "Deal #1" }, { "id": 3, "title": "Deal #3" }] })
    );
    assert_eq!(a.json["total"], json!(2));
    p.call(
        "crm.item.list",
        json!({ "entityTypeId": 2, "filter": { "FIELD": 1 } }),
    )
    .await
    .assert_error(
        400,
        "INVALID_ARG_VALUE",
        "Invalid filter: field 'FIELD' is not allowed in filter",
    );
    p.call("crm.item.get", json!({ "entityTypeId": 999, "id": 1 }))
        .await
        .assert_error(400, "NOT_FOUND", "Smart process not found");
    let a = p
        .call("crm.item.delete", json!({ "entityTypeId": 128, "id": 1 }))
        .await;
    assert_eq!(a.text.split("\"time\"").next().unwrap(), "{\"result\":[],");
    p.call("crm.item.get", json!({ "entityTypeId": 128, "id": 1 }))
        .await
        .assert_error(400, "NOT_FOUND", "Element not found");
    let a = p.call("crm.type.delete", json!({ "id": type_id })).await;
    a.assert_ok();
    // seeding items of a new smart process creates the type
    let a = p
        .control(
            "seed",
            json!({ "entity": "item", "entityTypeId": 1036, "count": 75 }),
        )
        .await;
    assert_eq!(a.json["last"], json!(75));
    let a = p
        .call(
            "crm.item.list",
            json!({ "entityTypeId": 1036, "start": 50 }),
        )
        .await;
    assert_eq!(a.assert_ok()["items"].as_array().unwrap().len(), 25);
    assert_eq!(a.json["total"], json!(75));
}

#[tokio::test]
async fn users_and_departments() {
    let p = Portal::start().await;
    let a = p.get("user.get").await;
    assert_eq!(a.assert_ok().as_array().unwrap().len(), 5);
    assert_eq!(a.json["total"], json!(5));
    let a = p
        .call("user.get", json!({ "FILTER": { "UF_DEPARTMENT": 7 } }))
        .await;
    assert_eq!(a.assert_ok()[0]["ID"], json!("103"));
    let a = p.get("user.get?ID=13").await;
    assert_eq!(a.assert_ok()[0]["LAST_NAME"], json!("Ivanov"));
    let a = p.get("department.get?PARENT=1").await;
    let ids: Vec<&str> = a
        .assert_ok()
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["ID"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["3", "5", "7"]);
    assert_eq!(a.assert_ok()[0]["SORT"], json!(500));
    let a = p.get("user.current").await;
    assert_eq!(a.assert_ok()["ID"], json!("1"));
}

#[tokio::test]
async fn hostile_paging_values_do_not_panic() {
    let p = Portal::start().await;
    p.seed("deal", 3);
    p.seed("lead", 3);
    let mut paths = Vec::new();
    for start in [
        "9223372036854775807",
        "-9223372036854775808",
        "1e99",
        "-5",
        "abc",
    ] {
        for method in [
            "crm.deal.list",
            "user.get",
            "department.get",
            "crm.type.list",
            "crm.item.list?entityTypeId=1&",
        ] {
            let separator = if method.ends_with('&') { "" } else { "?" };
            paths.push(format!("{method}{separator}start={start}"));
        }
    }
    for filter in [
        "filter[%3EID]=9223372036854775807",
        "filter[%3CID]=-9223372036854775808",
        "filter[%3EID]=5&filter[%3CID]=2",
        "filter[ID][]=1&filter[ID][x][y]=2",
        "filter[0][logic]=OR&filter[0][0][0][0][ID]=1",
        "order[TITLE]=DESC&filter[%25TITLE]=%25%25_",
    ] {
        paths.push(format!("crm.deal.list?{filter}"));
    }
    for path in paths {
        let a = p.get(&path).await;
        assert_eq!(a.status, 200, "{path}: {}", a.text);
    }
}
