//! `batch` over real HTTP (PROTOCOL §5).

mod common;

use b24_emulator::{Emulator, RateLimit};
use common::{Portal, post_json};
use serde_json::json;

#[tokio::test]
async fn map_commands_references_and_result_maps() {
    let p = Portal::start().await;
    let a = p
        .call(
            "batch",
            json!({
                "halt": 0,
                "cmd": {
                    "add": "crm.deal.add?fields[TITLE]=First+deal&fields[OPPORTUNITY]=100.5",
                    "get": "crm.deal.get?id=$result[add]",
                    "title": "crm.deal.add?fields[TITLE]=copy%20of%20$result[get][TITLE]",
                    "list": "crm.deal.list?select[]=ID&select[]=TITLE&order[ID]=DESC",
                    "again": "crm.deal.get?id=$result[list][0][ID]",
                    "bad": "no.such.method",
                }
            }),
        )
        .await;
    let r = a.assert_ok();
    assert_eq!(r["result"]["add"], json!(1), "{}", a.text);
    assert_eq!(r["result"]["get"]["TITLE"], json!("First deal"));
    assert_eq!(r["result"]["get"]["OPPORTUNITY"], json!("100.50"));
    assert_eq!(r["result"]["title"], json!(2));
    assert_eq!(r["result"]["list"][0]["TITLE"], json!("copy of First deal"));
    assert_eq!(r["result"]["again"]["ID"], json!("2"));
    assert_eq!(r["result_total"], json!({ "list": 2 }));
    assert_eq!(r["result_next"], json!([]));
    assert_eq!(
        r["result_error"],
        json!({ "bad": { "error": "ERROR_METHOD_NOT_FOUND", "error_description": "Method not found!" } })
    );
    for key in ["add", "get", "title", "list", "again"] {
        assert!(r["result_time"][key]["start"].is_number(), "{key}");
        assert!(r["result_time"][key]["duration"].is_number(), "{key}");
    }
    // One HTTP request; sub-calls are counted per method.
    assert_eq!(p.total_requests(), 1);
    assert_eq!(p.request_count("batch"), 1);
    assert_eq!(p.request_count("crm.deal.add"), 2);
    assert_eq!(p.request_count("crm.deal.get"), 2);
}

#[tokio::test]
async fn list_commands_give_arrays_and_typed_references() {
    let p = Portal::start().await;
    p.seed("deal", 120);
    // Form-encoded list of commands, `+` is a space inside the command's query.
    let body = "cmd[]=crm.deal.list%3Fstart%3D50&cmd[]=crm.deal.list%3Fstart%3D%24next%5B0%5D\
&cmd[]=crm.deal.get%3Fid%3D%24total%5B0%5D&cmd[]=server.time";
    let a = p
        .call_raw("batch", "application/x-www-form-urlencoded", body)
        .await;
    let r = a.assert_ok();
    assert!(r["result"].is_array(), "{}", a.text);
    assert_eq!(r["result"][0][0]["ID"], json!("51"));
    // `$next[0]` is the whole value: the int 100 is substituted with its type.
    assert_eq!(r["result"][1][0]["ID"], json!("101"));
    assert_eq!(r["result"][1].as_array().unwrap().len(), 20);
    assert_eq!(r["result"][2]["ID"], json!("120"));
    assert!(r["result"][3].is_string());
    assert_eq!(r["result_total"], json!([120, 120]));
    assert_eq!(r["result_next"], json!([100]));
    assert!(r["result_time"].is_array());
    assert_eq!(r["result_error"], json!([]));
}

#[tokio::test]
async fn halt_limits_nesting_and_non_strings() {
    let p = Portal::start().await;
    // `halt` is PHP-truthy: the string "false" stops at the first error.
    for (halt, executed) in [
        (json!("false"), false),
        (json!("0"), true),
        (json!(0), true),
    ] {
        let a = p
            .call(
                "batch",
                json!({ "halt": halt, "cmd": { "a": "nope", "b": "server.time" } }),
            )
            .await;
        let r = a.assert_ok();
        assert_eq!(r["result"]["b"].is_string(), executed, "{halt}: {}", a.text);
        assert_eq!(
            r["result_error"]["a"]["error"],
            json!("ERROR_METHOD_NOT_FOUND")
        );
    }
    // 52 commands: 50 run, two get ERROR_BATCH_LENGTH_EXCEEDED; CMD/HALT in upper case work.
    let cmd: serde_json::Map<String, serde_json::Value> = (0..52)
        .map(|i| (format!("c{i}"), json!("server.time")))
        .collect();
    let a = p.call("batch", json!({ "CMD": cmd })).await;
    let r = a.assert_ok();
    assert_eq!(r["result"].as_object().unwrap().len(), 50);
    let exceeded = json!({ "error": "ERROR_BATCH_LENGTH_EXCEEDED", "error_description": "Max batch length exceeded" });
    assert_eq!(
        r["result_error"],
        json!({ "c50": exceeded, "c51": exceeded })
    );
    // Nested batch and non-string entries.
    let a = p.call("batch", json!({ "cmd": { "n": "batch?cmd[x]=server.time", "o": { "method": "server.time" }, "t": "scope" } }))
    .await;
    let r = a.assert_ok();
    assert_eq!(
        r["result_error"],
        json!({ "n": { "error": "ERROR_BATCH_METHOD_NOT_ALLOWED", "error_description": "Method is not allowed for batch usage" } })
    );
    assert!(r["result"].get("o").is_none());
    assert!(r["result"]["t"].is_array());
    // Empty batch: every map is [].
    let a = p.call("batch", json!({})).await;
    assert_eq!(
        a.assert_ok(),
        &json!({ "result": [], "result_error": [], "result_total": [], "result_next": [], "result_time": [] })
    );
}

#[tokio::test]
async fn scope_is_rechecked_per_command_with_empty_description() {
    let p = Portal::start().await;
    let code = p.add_webhook(1, ["im"]);
    let url = format!("{}/rest/1/{code}/batch", p.base_url());
    let a = post_json(
        &p.c,
        &url,
        json!({ "cmd": { "deals": "crm.deal.list", "rev": "im.revision.get" } }),
    )
    .await;
    let r = a.assert_ok();
    assert_eq!(
        r["result_error"],
        json!({ "deals": { "error": "insufficient_scope", "error_description": "" } })
    );
    assert!(r["result"]["rev"].is_object());
}

#[tokio::test]
async fn batch_is_one_request_for_the_rate_limit() {
    let p = Portal::with(Emulator::builder().rate_limit(RateLimit::Custom {
        drain_per_sec: 0.0,
        burst: 2.0,
    }))
    .await;
    let cmd: serde_json::Map<String, serde_json::Value> = (0..50)
        .map(|i| (format!("c{i}"), json!("server.time")))
        .collect();
    for _ in 0..2 {
        let a = p.call("batch", json!({ "cmd": cmd })).await;
        assert_eq!(a.assert_ok()["result"].as_object().unwrap().len(), 50);
    }
    let a = p.call("batch", json!({ "cmd": cmd })).await;
    a.assert_error(503, "QUERY_LIMIT_EXCEEDED", "Too many requests");
    assert_eq!(p.request_count("server.time"), 100);
    assert_eq!(p.status_count(503), 1);
}

#[tokio::test]
async fn error_and_time_references() {
    let p = Portal::start().await;
    let a = p.call("batch", json!({ "cmd": [
            "crm.deal.get?id=404",
            "crm.deal.add?fields[TITLE]=failed:+$error[0][error_description]&fields[COMMENTS]=$time[1][start]",
            "crm.deal.add?fields[TITLE]=took+$time[1]&fields[SOURCE_ID]=$error[0]",
            "crm.deal.get?id=$result[1]",
            "crm.deal.get?id=$result[2]",
        ] }))
    .await;
    let r = a.assert_ok();
    // only key 0 failed: `result_error` is a PHP list
    assert_eq!(
        r["result_error"][0]["error_description"],
        json!("Not found"),
        "{}",
        a.text
    );
    // a missing list key turns `result` into an object with string keys
    assert!(r["result"].is_object());
    assert_eq!(r["result"]["3"]["TITLE"], json!("failed: Not found"));
    // `$time[1][start]` is not a reference to an earlier command (1 is this one): literal
    assert_eq!(r["result"]["3"]["COMMENTS"], json!("$time[1][start]"));
    // an array embedded in a string stays literal
    assert_eq!(r["result"]["4"]["TITLE"], json!("took $time[1]"));
}
