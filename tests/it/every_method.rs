//! Every method registered by b24-methods, called on one emulator: the documented request
//! example (or, without one, a minimal request of the required parameters) goes through the
//! method's typed request, the emulator answers, and the answer decodes with the method's typed
//! response. The methods that do not are pinned in [`KNOWN_FAILURES`], each with its reason;
//! the test fails on any other failure and on a pinned method that starts to pass.

use std::collections::BTreeMap;

use b24_core::registry::{self, MethodInfo};
use serde_json::{Map, Value, json};

use crate::catalog::{catalog_entries, docs_dir};

/// Methods whose documented call does not answer with a decodable result, with the reason.
const KNOWN_FAILURES: &[(&str, &str)] = &[
    (
        "bizproc.workflow.kill",
        "the documentation types the workflow `ID` as an integer, its example sends a string ID",
    ),
    (
        "crm.automatedsolution.delete",
        "the documented example names a record the fresh portal does not hold (automated solution #393)",
    ),
    (
        "crm.automatedsolution.get",
        "the documented example names a record the fresh portal does not hold (automated solution #393)",
    ),
    (
        "crm.automatedsolution.update",
        "the documented example names a record the fresh portal does not hold (automated solution #393)",
    ),
    (
        "crm.catalog.get",
        "the documented example sends a placeholder word where the documentation types a number; the portal refuses it as well",
    ),
    (
        "crm.invoice.getexternallink",
        "the documented example sends a placeholder word where the documentation types a number; the portal refuses it as well",
    ),
    (
        "crm.invoice.recurring.delete",
        "the documented example sends a placeholder word where the documentation types a number; the portal refuses it as well",
    ),
    (
        "crm.invoice.recurring.expose",
        "the documented example sends a placeholder word where the documentation types a number; the portal refuses it as well",
    ),
    (
        "crm.invoice.recurring.get",
        "the documented example sends a placeholder word where the documentation types a number; the portal refuses it as well",
    ),
    (
        "crm.invoice.recurring.update",
        "the documented example sends a placeholder word where the documentation types a number; the portal refuses it as well",
    ),
    (
        "crm.invoice.userfield.delete",
        "the documented example sends a placeholder word where the documentation types a number; the portal refuses it as well",
    ),
    (
        "crm.item.delete",
        "the documented example names a record the fresh portal does not hold (smart process type 1268)",
    ),
    (
        "crm.item.get",
        "the documented example names a record the fresh portal does not hold (item #250)",
    ),
    (
        "crm.item.list",
        "the example filters by `stageId`, which the emulator's smart-process filter does not know",
    ),
    (
        "crm.lead.update",
        "the documented example names a record the fresh portal does not hold (lead #1608)",
    ),
    (
        "crm.product.delete",
        "the documented example sends a placeholder word where the documentation types a number; the portal refuses it as well",
    ),
    (
        "crm.product.get",
        "the documented example sends a placeholder word where the documentation types a number; the portal refuses it as well",
    ),
    (
        "crm.product.property.delete",
        "the documented example sends a placeholder word where the documentation types a number; the portal refuses it as well",
    ),
    (
        "crm.product.property.update",
        "the documented example sends a placeholder word where the documentation types a number; the portal refuses it as well",
    ),
    (
        "crm.product.update",
        "the documented example sends a placeholder word where the documentation types a number; the portal refuses it as well",
    ),
    (
        "crm.type.delete",
        "the documented example names a record the fresh portal does not hold (smart process type #16)",
    ),
    (
        "crm.type.get",
        "the documented example names a record the fresh portal does not hold (smart process type #16)",
    ),
    (
        "crm.type.update",
        "the documented example names a record the fresh portal does not hold (smart process type #16)",
    ),
    (
        "event.bind",
        "the handler URL of a minimal request is no URL the portal can deliver to",
    ),
    (
        "placement.bind",
        "placements need an installed application's token, not a plain OAuth token",
    ),
    (
        "placement.get",
        "placements need an installed application's token, not a plain OAuth token",
    ),
    (
        "placement.unbind",
        "placements need an installed application's token, not a plain OAuth token",
    ),
    (
        "sale.basketitem.addCatalogProduct",
        "no example; `total` in the table makes it page for the emulator, not for b24-methods",
    ),
    (
        "sale.basketproperties.update",
        "no example; `total` in the table makes it page for the emulator, not for b24-methods",
    ),
    (
        "sale.delivery.handler.add",
        "the documentation types `DESCRIPTION` as an integer, its example sends text",
    ),
    (
        "sale.propertyRelation.list",
        "no example; `total` beside one untyped row: one object for b24-methods, a list for the emulator",
    ),
    (
        "vote.AttachedVote.recall",
        "the documented example sends a placeholder word where the documentation types a number; the portal refuses it as well",
    ),
];

/// The documented request example of `method`, if the catalog saved one.
fn request_example(method: &str) -> Option<Value> {
    let path = docs_dir().join("catalog/requests").join(format!(
        "{}.json",
        xtask::catalog::example_file_name(method)
    ));
    let text = std::fs::read(path).ok()?;
    serde_json::from_slice(&text).ok()
}

/// A value of a documented parameter row: an object of its required children (or of its
/// first child when none is required) for an object, one item for a list, a number or a word
/// by type.
fn minimal(row: &Value) -> Value {
    let ty = row["type"].as_str().unwrap_or("").to_ascii_lowercase();
    let token = ty.split('|').map(str::trim).next().unwrap_or("");
    let children: Vec<&Value> = row["children"].as_array().map_or_else(Vec::new, |rows| {
        let required: Vec<&Value> = rows
            .iter()
            .filter(|r| r["required"] == json!(true))
            .collect();
        if required.is_empty() {
            rows.iter().take(1).collect()
        } else {
            required
        }
    });
    let base = token.strip_suffix("[]").unwrap_or(token);
    let many = token.ends_with("[]") || token == "array";
    let one = if !children.is_empty() || base == "object" {
        required_object(children)
    } else {
        match base {
            "integer" | "double" | "number" => json!(1),
            b if b.ends_with(".id") => json!(1),
            "boolean" => json!("Y"),
            "date" => json!("2024-01-01"),
            "datetime" => json!("2024-01-01T10:00:00+00:00"),
            "file" => json!(["note.txt", "aGVsbG8="]),
            "array" => json!(1),
            _ => json!("1"),
        }
    };
    if many { json!([one]) } else { one }
}

fn required_object<'a>(rows: impl IntoIterator<Item = &'a Value>) -> Value {
    let mut object = Map::new();
    for row in rows {
        let name = row["name"].as_str().unwrap_or("");
        // Patterns (`UF_*`, `<CODE>`) and dotted paths name no one key.
        if !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
            object.insert(name.to_owned(), minimal(row));
        }
    }
    Value::Object(object)
}

/// IDs of the records made before the run.
#[derive(Default)]
struct Made {
    item: i64,
    section: i64,
    list: i64,
    element: i64,
    message: i64,
    /// The caller's disk storage, a folder in it with a file, a folder and a file to trash, a
    /// folder to delete.
    storage: i64,
    folder: i64,
    file: i64,
    trashed_folder: i64,
    trashed_file: i64,
    doomed_folder: i64,
    /// A calendar section of user #1 with an event.
    calendar_section: i64,
    event: i64,
}

/// Minimal valid requests of stateful methods whose documented example names records or users
/// the emulated portal does not hold (tasks #8017 and #8131, users #123 and #456), or that
/// document none. Task #1, the storage `menu` with an item and a section, the list `setup`
/// with an element, a message to user #11, disk folders and files in the caller's storage, a
/// calendar section with an event are made before the run; checklist items and comments #1 by
/// the `add` of their family.
fn stateful_request(method: &str, made: &Made) -> Option<Value> {
    let (item, section, list, element) = (made.item, made.section, made.list, made.element);
    let setup = json!({ "IBLOCK_TYPE_ID": "lists", "IBLOCK_ID": list, "IBLOCK_CODE": "setup" });
    let with = |extra: Value| {
        let mut body = setup.clone();
        if let (Some(body), Value::Object(extra)) = (body.as_object_mut(), extra) {
            body.extend(extra);
        }
        body
    };
    let upload = |id: i64, name: &str| json!({ "id": id, "data": { "NAME": name }, "fileContent": [name, "aGVsbG8="] });
    let calendar = |extra: Value| {
        let mut body = json!({ "type": "user", "ownerId": 1 });
        if let (Some(body), Value::Object(extra)) = (body.as_object_mut(), extra) {
            body.extend(extra);
        }
        body
    };
    Some(match method {
        "disk.storage.getList" => json!({}),
        "disk.storage.get" | "disk.storage.getChildren" => json!({ "id": made.storage }),
        "disk.storage.addFolder" => json!({ "id": made.storage, "data": { "NAME": "Other" } }),
        // `data` is typed as a list here.
        "disk.storage.uploadFile" => json!({
            "id": made.storage, "data": [{ "NAME": "other.txt" }],
            "fileContent": ["other.txt", "aGVsbG8="]
        }),
        "disk.folder.get" | "disk.folder.getChildren" => json!({ "id": made.folder }),
        "disk.folder.addSubFolder" => json!({ "id": made.folder, "data": { "NAME": "Sub" } }),
        "disk.folder.uploadFile" => upload(made.folder, "new.txt"),
        "disk.folder.rename" => json!({ "id": made.folder, "newName": "Renamed" }),
        "disk.folder.markDeleted" | "disk.folder.restore" => json!({ "id": made.trashed_folder }),
        "disk.folder.moveTo" => {
            json!({ "id": made.trashed_folder, "targetFolderId": made.folder })
        }
        "disk.folder.deleteTree" => json!({ "id": made.doomed_folder }),
        "disk.file.get" | "disk.file.delete" => json!({ "id": made.file }),
        "disk.file.rename" => json!({ "id": made.file, "newName": "renamed.txt" }),
        "disk.file.markDeleted" | "disk.file.restore" => json!({ "id": made.trashed_file }),
        "disk.file.moveTo" => json!({ "id": made.file, "targetFolderId": made.doomed_folder }),
        "calendar.section.get" => calendar(json!({})),
        "calendar.section.add" => calendar(json!({ "name": "Other" })),
        "calendar.section.update" => {
            calendar(json!({ "id": made.calendar_section, "name": "Renamed" }))
        }
        // Last of its entity: the setup section goes with its event.
        "calendar.section.delete" => calendar(json!({ "id": made.calendar_section })),
        "calendar.event.add" => calendar(json!({
            "from": "2024-06-14 10:00:00", "to": "2024-06-14 11:00:00",
            "section": made.calendar_section, "name": "Other"
        })),
        "calendar.event.get" => calendar(json!({ "from": "2024-06-01", "to": "2024-06-30" })),
        "calendar.event.update" => calendar(json!({ "id": made.event, "name": "Renamed" })),
        "calendar.event.getbyid" | "calendar.event.delete" => json!({ "id": made.event }),
        "im.message.add" => json!({ "DIALOG_ID": "11", "MESSAGE": "Hello" }),
        "im.message.update" => json!({ "MESSAGE_ID": made.message, "MESSAGE": "Hello again" }),
        "im.message.delete" => json!({ "MESSAGE_ID": made.message }),
        "lists.add" => json!({
            "IBLOCK_TYPE_ID": "lists", "IBLOCK_CODE": "other", "FIELDS": { "NAME": "Other" }
        }),
        "lists.get" => json!({ "IBLOCK_TYPE_ID": "lists" }),
        // `IBLOCK_ID` 0: the list is named by its code.
        "lists.update" => json!({
            "IBLOCK_TYPE_ID": "lists", "IBLOCK_ID": 0, "IBLOCK_CODE": "other",
            "FIELDS": { "NAME": "Renamed" }
        }),
        "lists.delete" => {
            json!({ "IBLOCK_TYPE_ID": "lists", "IBLOCK_ID": 0, "IBLOCK_CODE": "other" })
        }
        "lists.element.add" => {
            with(json!({ "ELEMENT_CODE": "new", "FIELDS": [{ "NAME": "New" }] }))
        }
        "lists.element.get" => setup,
        "lists.element.update" => {
            with(json!({ "ELEMENT_ID": element, "FIELDS": { "NAME": "Renamed" } }))
        }
        "lists.element.delete" => with(json!({ "ELEMENT_ID": element })),
        "entity.add" => json!({ "ENTITY": "other", "NAME": "Other" }),
        "entity.get" | "entity.delete" => json!({ "ENTITY": "other" }),
        "entity.update" => json!({ "ENTITY": "other", "NAME": "Renamed" }),
        "entity.item.add" => json!({ "ENTITY": "menu", "NAME": "Dish" }),
        "entity.item.get" | "entity.item.property.get" | "entity.section.get" => {
            json!({ "ENTITY": "menu" })
        }
        "entity.item.update" => json!({ "ENTITY": "menu", "ID": item, "NAME": "Soup" }),
        "entity.item.delete" => json!({ "ENTITY": "menu", "ID": item }),
        "entity.item.property.add" => json!({ "ENTITY": "menu", "PROPERTY": "weight" }),
        "entity.item.property.update" => {
            json!({ "ENTITY": "menu", "PROPERTY": "weight", "NAME": "Weight" })
        }
        "entity.item.property.delete" => json!({ "ENTITY": "menu", "PROPERTY": "weight" }),
        "entity.section.add" => json!({ "ENTITY": "menu", "NAME": "Mains" }),
        "entity.section.update" => json!({ "ENTITY": "menu", "ID": section, "NAME": "Starters" }),
        "entity.section.delete" => json!({ "ENTITY": "menu", "ID": section }),
        "tasks.task.add" => json!({ "fields": { "TITLE": "Call", "RESPONSIBLE_ID": 1 } }),
        "tasks.task.get" | "tasks.task.delete" => json!({ "taskId": 1 }),
        "tasks.task.update" => json!({ "taskId": 1, "fields": { "TITLE": "Call back" } }),
        "task.checklistitem.add" => json!({ "TASKID": 1, "FIELDS": { "TITLE": "Check" } }),
        "task.commentitem.add" => json!({ "TASKID": 1, "FIELDS": { "POST_MESSAGE": "Done" } }),
        "task.checklistitem.getlist" | "task.commentitem.getlist" => json!({ "TASKID": 1 }),
        "task.checklistitem.update" => {
            json!({ "TASKID": 1, "ITEMID": 1, "FIELDS": { "TITLE": "Checked" } })
        }
        "task.commentitem.update" => {
            json!({ "TASKID": 1, "ITEMID": 1, "FIELDS": { "POST_MESSAGE": "Done, really" } })
        }
        "task.checklistitem.get"
        | "task.checklistitem.complete"
        | "task.checklistitem.renew"
        | "task.checklistitem.delete"
        | "task.commentitem.get"
        | "task.commentitem.delete" => json!({ "TASKID": 1, "ITEMID": 1 }),
        _ => return None,
    })
}

/// The disk folders and files and the calendar records of [`Made`].
async fn make_disk_and_calendar(client: &b24_core::Client, made: &mut Made) {
    let call = |method: &'static str, body: Value| async move {
        client.call_raw(method, &body).await.expect(method).result
    };
    let storages = call("disk.storage.getList", json!({})).await;
    let mine = storages
        .as_array()
        .and_then(|all| all.iter().find(|s| s["ENTITY_TYPE"] == json!("user")))
        .expect("the caller's storage");
    let id = |record: &Value| record["ID"].as_str().and_then(|id| id.parse().ok());
    made.storage = id(mine).expect("a storage ID");
    let folder = |name: &str| json!({ "id": made.storage, "data": { "NAME": name } });
    made.folder = id(&call("disk.storage.addFolder", folder("Setup")).await).expect("an ID");
    made.trashed_folder =
        id(&call("disk.storage.addFolder", folder("Trash")).await).expect("an ID");
    made.doomed_folder =
        id(&call("disk.storage.addFolder", folder("Doomed")).await).expect("an ID");
    let file = |name: &str| json!({ "id": made.folder, "data": { "NAME": name }, "fileContent": [name, "aGVsbG8="] });
    made.file = id(&call("disk.folder.uploadFile", file("setup.txt")).await).expect("an ID");
    made.trashed_file =
        id(&call("disk.folder.uploadFile", file("trash.txt")).await).expect("an ID");
    let section = call(
        "calendar.section.add",
        json!({ "type": "user", "ownerId": 1, "name": "Setup" }),
    )
    .await;
    made.calendar_section = section.as_i64().expect("a section ID");
    let event = call(
        "calendar.event.add",
        json!({
            "type": "user", "ownerId": 1, "section": made.calendar_section, "name": "Setup",
            "from": "2024-06-14 10:00:00", "to": "2024-06-14 11:00:00"
        }),
    )
    .await;
    made.event = event.as_i64().expect("an event ID");
}

/// What the test sends for `method`: a stateful method's minimal valid request, else the
/// documented example, else the required parameters and `fields`.
fn request(method: &str, entry: Option<&Value>, made: &Made) -> Value {
    stateful_request(method, made)
        .or_else(|| request_example(method))
        .unwrap_or_else(|| {
            let rows: Vec<&Value> = entry
                .and_then(|e| e["params"].as_array())
                .map(|rows| {
                    // `fields` too: an `add` or `update` without it has nothing to write.
                    rows.iter()
                        .filter(|r| r["required"] == json!(true) || r["name"] == json!("fields"))
                        .collect()
                })
                .unwrap_or_default();
            required_object(rows)
        })
}

/// Calls `info` with `body` through its typed request and decodes the answer with its typed
/// response; the failure as text.
async fn check(client: &b24_core::Client, info: &MethodInfo, body: Value) -> Result<(), String> {
    let body = match b24_methods::roundtrip(info.name, &body) {
        Some(Ok(typed)) => typed,
        // A request without parameters is a unit struct that reads no `{}`: send it as is.
        Some(Err(_)) if body == json!({}) => body,
        Some(Err(error)) => return Err(format!("typed request: {error}")),
        None => return Err(String::from("not in b24-methods' round-trip table")),
    };
    let envelope = client
        .call_raw(info.name, &body)
        .await
        .map_err(|error| format!("call: {error}"))?;
    let mut answer = json!({ "result": envelope.result });
    if let Some(total) = envelope.total {
        answer["total"] = json!(total);
    }
    if let Some(next) = envelope.next {
        answer["next"] = json!(next);
    }
    let bytes = serde_json::to_vec(&answer).expect("JSON");
    info.decode_response(&bytes)
        .map(drop)
        .map_err(|error| format!("typed response: {error}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_registered_method_answers_with_its_typed_response() {
    // An application with every scope: event and placement methods refuse webhooks.
    let (emulator, client) = crate::support::app_portal(b24_emulator::state::ALL_SCOPES, &[]).await;
    // Records for the documented examples of the legacy CRM entities, which name IDs up to 150.
    for entity in ["deal", "contact", "lead", "company"] {
        assert!(emulator.seed(entity, 150).is_some(), "{entity}");
    }
    // Task #1, for the task methods' minimal requests.
    let task = client
        .call_raw(
            "tasks.task.add",
            &json!({ "fields": { "TITLE": "Setup", "RESPONSIBLE_ID": 1 } }),
        )
        .await
        .expect("a task");
    assert_eq!(task.result["task"]["id"], json!("1"));
    // The storage `menu` with an item and a section, for the `entity.*` minimal requests.
    let mut made = Made::default();
    for (method, body) in [
        ("entity.add", json!({ "ENTITY": "menu", "NAME": "Menu" })),
        (
            "entity.item.add",
            json!({ "ENTITY": "menu", "NAME": "Setup" }),
        ),
        (
            "entity.section.add",
            json!({ "ENTITY": "menu", "NAME": "Setup" }),
        ),
        (
            "lists.add",
            json!({ "IBLOCK_TYPE_ID": "lists", "IBLOCK_CODE": "setup", "FIELDS": { "NAME": "Setup" } }),
        ),
    ] {
        let answer = client.call_raw(method, &body).await.expect(method);
        let id = answer.result.as_i64().unwrap_or_default();
        match method {
            "entity.item.add" => made.item = id,
            "entity.section.add" => made.section = id,
            "lists.add" => made.list = id,
            _ => {}
        }
    }
    let element = client
        .call_raw(
            "lists.element.add",
            &json!({
                "IBLOCK_TYPE_ID": "lists", "IBLOCK_ID": made.list, "IBLOCK_CODE": "setup",
                "ELEMENT_CODE": "setup", "FIELDS": { "NAME": "Setup" }
            }),
        )
        .await
        .expect("an element");
    made.element = element.result.as_i64().expect("an element ID");
    let message = client
        .call_raw(
            "im.message.add",
            &json!({ "DIALOG_ID": "11", "MESSAGE": "Setup" }),
        )
        .await
        .expect("a message");
    made.message = message.result.as_i64().expect("a message ID");
    make_disk_and_calendar(&client, &mut made).await;
    // The administrator confirms the one method that waits for it, once it was asked for.
    let asked = client
        .call_raw("voximplant.user.get", &json!({ "USER_ID": [1] }))
        .await;
    assert!(asked.is_err(), "voximplant.user.get waits for confirmation");
    assert_eq!(emulator.confirm_method("voximplant.user.get"), 1);
    let entries: BTreeMap<String, Value> = catalog_entries()
        .into_iter()
        .filter(|entry| entry["rest_version"] == json!(2))
        .map(|entry| (entry["method"].as_str().unwrap_or("").to_owned(), entry))
        .collect();
    let mut methods: Vec<&MethodInfo> = registry::methods()
        .filter(|info| info.type_name().starts_with("b24_methods::"))
        .collect();
    methods.sort_by_key(|info| info.name);
    methods.dedup_by_key(|info| info.name);
    // Within an entity, `delete` goes last: the stateful methods then find what `add` made.
    methods.sort_by_key(|info| {
        let (entity, last) = info.name.rsplit_once('.').unwrap_or(("", info.name));
        (entity, last == "delete", info.name)
    });

    let mut failures: BTreeMap<&str, String> = BTreeMap::new();
    for info in &methods {
        let body = request(info.name, entries.get(info.name), &made);
        if let Err(failure) = check(&client, info, body).await {
            failures.insert(info.name, failure);
        }
    }

    let answered = methods.len() - failures.len();
    eprintln!(
        "{answered} of {} registered methods answered and decoded",
        methods.len()
    );
    assert!(
        methods.len() >= 1565,
        "{} methods registered",
        methods.len()
    );
    let unexpected: Vec<String> = failures
        .iter()
        .filter(|(name, _)| !KNOWN_FAILURES.iter().any(|(known, _)| known == *name))
        .map(|(name, failure)| format!("{name}: {failure}"))
        .collect();
    let fixed: Vec<&str> = KNOWN_FAILURES
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| !failures.contains_key(name))
        .collect();
    assert!(
        unexpected.is_empty() && fixed.is_empty(),
        "{} unexpected failures:\n{}\npinned but now passing (remove them): {fixed:?}",
        unexpected.len(),
        unexpected.join("\n")
    );
}
