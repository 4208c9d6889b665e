//! The catalog-driven fallback over HTTP: a documented method without a hand-written handler
//! answers with its scope enforced, its required parameters and numeric types checked, its
//! documented example (lists paged), and `*.fields` describing the entity's fields.

mod common;

use b24_emulator::Emulator;
use common::Portal;
use serde_json::json;

#[tokio::test]
async fn a_documented_method_answers_its_documented_example() {
    let p = Portal::start().await;
    let a = p.call("im.chat.setowner", json!({ "CHAT_ID": 5, "USER_ID": 1 }));
    assert_eq!(a.await.assert_ok(), &json!(true));
    // Deprecated methods still answer.
    let a = p
        .call(
            "crm.activity.add",
            json!({ "fields": { "OWNER_ID": 1, "OWNER_TYPE_ID": 2, "TYPE_ID": 2 } }),
        )
        .await;
    assert!(
        a.assert_ok().is_number() || a.assert_ok().is_string(),
        "{}",
        a.text
    );
}

#[tokio::test]
async fn missing_parameters_get_the_documented_error_or_bx_empty_required() {
    let p = Portal::start().await;
    p.call("im.chat.setowner", json!({ "USER_ID": 1 }))
        .await
        .assert_error(
            400,
            "CHAT_ID_EMPTY",
            "The required parameter 'CHAT_ID' is not filled",
        );
    p.call("im.chat.setowner", json!({ "CHAT_ID": 5, "USER_ID": "" }))
        .await
        .assert_error(
            400,
            "USER_ID_EMPTY",
            "The required parameter 'USER_ID' is not filled",
        );
    // No documented code: the portal's generic one.
    p.call("catalog.document.confirm", json!({}))
        .await
        .assert_error(
            400,
            "BX_EMPTY_REQUIRED",
            "The required parameter 'id' is not filled",
        );
    // Names are matched without regard to case, unknown parameters are ignored.
    let a = p
        .call(
            "catalog.document.confirm",
            json!({ "ID": 3, "unknown": "x" }),
        )
        .await;
    a.assert_ok();
}

#[tokio::test]
async fn a_word_for_a_number_is_refused_numbers_as_text_are_not() {
    let p = Portal::start().await;
    p.call("catalog.document.confirm", json!({ "id": "abc" }))
        .await
        .assert_error(
            400,
            "INVALID_ARG_VALUE",
            "The parameter 'id' must be integer",
        );
    p.call("catalog.document.confirm", json!({ "id": "12" }))
        .await
        .assert_ok();
}

#[tokio::test]
async fn the_method_s_scope_is_enforced() {
    let p = Portal::with(Emulator::builder().scopes(["crm"])).await;
    p.call("im.chat.setowner", json!({ "CHAT_ID": 5, "USER_ID": 1 }))
        .await
        .assert_error(
            403,
            "insufficient_scope",
            "The request requires higher privileges than provided by the webhook token",
        );
}

#[tokio::test]
async fn lists_page_their_documented_items() {
    let p = Portal::start().await;
    let first = p.call("bizproc.task.list", json!({})).await;
    let items = first.assert_ok().as_array().expect("a list").len();
    assert!(items >= 2, "{}", first.text);
    assert_eq!(first.json["total"], json!(items));
    assert!(first.json.get("next").is_none(), "{}", first.text);
    let beyond = p.call("bizproc.task.list", json!({ "start": 50 })).await;
    assert_eq!(beyond.assert_ok(), &json!([]));
    assert_eq!(beyond.json["total"], json!(items));
}

#[tokio::test]
async fn fields_methods_describe_fields() {
    let p = Portal::start().await;
    // No example and no response rows: the fields of `catalog.document.add`.
    let a = p.call("catalog.document.fields", json!({})).await;
    let doc_type = &a.assert_ok()["docType"];
    assert_eq!(doc_type["type"], json!("char"), "{}", a.text);
    assert_eq!(doc_type["isRequired"], json!(true), "{}", a.text);
    // Every method of the catalog is known to `method.get`.
    let a = p
        .call("method.get", json!({ "name": "tasks.task.getaccess" }))
        .await;
    assert_eq!(a.assert_ok()["isExisting"], json!(true), "{}", a.text);
}
