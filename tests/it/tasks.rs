//! Tasks end to end through the typed methods of b24-methods: what `tasks.task.add` creates,
//! `get` and `list` return, `update` changes and `delete` removes; list filters, order, select
//! and paging; the documented errors; status moves, checklist items and comments; the task and
//! comment events.

use b24_core::Client;
use b24_methods::task::checklistitem::Checklistitem;
use b24_methods::task::checklistitem::add::TaskChecklistitemAdd;
use b24_methods::task::checklistitem::complete::TaskChecklistitemComplete;
use b24_methods::task::checklistitem::delete::TaskChecklistitemDelete;
use b24_methods::task::checklistitem::getlist::TaskChecklistitemGetlist;
use b24_methods::task::commentitem::Commentitem;
// Comments are deprecated by the documentation, and still answer.
use b24_core::Id;
#[allow(deprecated)]
use b24_methods::task::commentitem::add::TaskCommentitemAdd;
#[allow(deprecated)]
use b24_methods::task::commentitem::getlist::TaskCommentitemGetlist;
use b24_methods::tasks::task::Task;
use b24_methods::tasks::task::add::TasksTaskAdd;
use b24_methods::tasks::task::complete::TasksTaskComplete;
use b24_methods::tasks::task::delete::TasksTaskDelete;
use b24_methods::tasks::task::get::TasksTaskGet;
use b24_methods::tasks::task::list::TasksTaskList;
use b24_methods::tasks::task::start::TasksTaskStart;
use b24_methods::tasks::task::update::TasksTaskUpdate;
use serde_json::{Value, json};

use crate::support;

async fn add(client: &Client, fields: Task) -> Task {
    client
        .call(&TasksTaskAdd::new(fields))
        .await
        .expect("the task is created")
        .task
}

async fn get(client: &Client, id: Id) -> Task {
    client
        .call(&TasksTaskGet::new(id))
        .await
        .expect("found")
        .task
}

/// The titles of a list answer's tasks.
fn titles(tasks: &[Task]) -> Vec<&str> {
    tasks.iter().filter_map(|t| t.title.as_deref()).collect()
}

/// A new task's fields: its title and who is responsible.
fn task(title: &str, responsible: u64) -> Task {
    Task::default()
        .with_title(title)
        .with_responsible_id(responsible)
}

/// The ID of a task the portal answered.
fn id_of(task: &Task) -> Id {
    task.id.expect("an ID")
}

#[tokio::test]
async fn what_add_creates_get_list_update_and_delete_see() {
    let (_emulator, client) = support::unpaced_portal().await;
    let task = add(
        &client,
        task("Call the customer", 1)
            .with_deadline("2030-01-31T18:00:00+00:00")
            .with_auditors([Id(11)]),
    )
    .await;
    assert_eq!(task.title.as_deref(), Some("Call the customer"));
    assert_eq!(task.responsible_id, Some(Id(1)));
    assert_eq!(task.status.as_ref().and_then(|s| s.as_u64()), Some(2));
    assert_eq!(task.auditors, Some(vec![Id(11)]));
    let id = id_of(&task);

    let got = get(&client, id).await;
    assert_eq!(got, task);
    let selected = client
        .call(&TasksTaskGet::new(id).with_select(vec![String::from("TITLE")]))
        .await
        .expect("found")
        .task;
    // Only the ID and the selected title came (written back with the UPPER_CASE names).
    assert_eq!(
        serde_json::to_value(&selected).unwrap(),
        json!({ "ID": id.0, "TITLE": "Call the customer" })
    );

    let updated = client
        .call(&TasksTaskUpdate::new(
            id,
            Task::default().with_title("Call back").with_status(5),
        ))
        .await
        .expect("updated")
        .task;
    assert_eq!(updated.title.as_deref(), Some("Call back"));
    assert_eq!(updated.status.as_ref().and_then(|s| s.as_u64()), Some(5));
    assert_eq!(updated.closed_by, Some(Id(1)));

    let page = client
        .call_envelope(&TasksTaskList::default())
        .await
        .expect("listed");
    assert_eq!(titles(&page.result.tasks), ["Call back"]);
    assert_eq!(page.total, Some(1));

    let deleted = client
        .call(&TasksTaskDelete::new(id))
        .await
        .expect("deleted");
    assert_eq!(deleted, json!({ "task": true }));
    let (code, description) = support::api_failure(client.call(&TasksTaskGet::new(id)).await);
    assert_eq!(
        (code.as_str(), description.as_str()),
        ("0", "wrong task id")
    );
    let (code, _) = support::api_failure(client.call(&TasksTaskDelete::new(id)).await);
    assert_eq!(code, "0");
}

#[tokio::test]
async fn lists_filter_order_select_and_page() {
    let (_emulator, client) = support::unpaced_portal().await;
    for i in 0..60 {
        let responsible = if i % 3 == 0 { 11 } else { 1 };
        add(
            &client,
            task(&format!("Task {i:02}"), responsible).with_priority(i % 3),
        )
        .await;
    }
    let first = client
        .call_envelope(&TasksTaskList::default())
        .await
        .expect("listed");
    assert_eq!(titles(&first.result.tasks).len(), 50);
    assert_eq!((first.total, first.next), (Some(60), Some(50)));
    let rest = client
        .call_envelope(&TasksTaskList::default().with_start(50))
        .await
        .expect("listed");
    assert_eq!(titles(&rest.result.tasks).first(), Some(&"Task 50"));
    assert_eq!(rest.next, None);

    let filtered = client
        .call_envelope(
            &TasksTaskList::default()
                .with_filter(json!({ "RESPONSIBLE_ID": 11, ">=ID": 50 }))
                .with_order(json!({ "ID": "desc" }))
                .with_select(vec![String::from("ID"), String::from("TITLE")]),
        )
        .await
        .expect("listed");
    assert_eq!(
        titles(&filtered.result.tasks),
        ["Task 57", "Task 54", "Task 51"]
    );
    // Only the selected fields came (written back with the UPPER_CASE names).
    let first = serde_json::to_value(&filtered.result.tasks[0]).unwrap();
    let keys: Vec<&String> = first.as_object().expect("a record").keys().collect();
    assert_eq!(keys, ["ID", "TITLE"]);
    let like = client
        .call(&TasksTaskList::default().with_filter(json!({ "%TITLE": "task 1" })))
        .await
        .expect("listed");
    assert_eq!(titles(&like.tasks).len(), 10);
    let (code, _) = support::api_failure(
        client
            .call(&TasksTaskList::default().with_order(json!({ "NO_SUCH_FIELD": "asc" })))
            .await,
    );
    assert_eq!(code, "0");
}

#[tokio::test]
async fn the_documented_errors_of_add_and_update() {
    let (_emulator, client) = support::unpaced_portal().await;
    let no_title = support::api_failure(
        client
            .call(&TasksTaskAdd::new(
                Task::default().with_responsible_id(1_u64),
            ))
            .await,
    );
    assert_eq!(
        no_title,
        (
            "ERROR_CORE".to_owned(),
            "Task title not specified".to_owned()
        )
    );
    let stranger = support::api_failure(client.call(&TasksTaskAdd::new(task("x", 999))).await);
    assert_eq!(
        stranger.1,
        "User specified in the \"Responsible\" field not found"
    );
    let task = add(&client, task("x", 1)).await;
    let id = id_of(&task);
    let bad_status = support::api_failure(
        client
            .call(&TasksTaskUpdate::new(id, Task::default().with_status(42)))
            .await,
    );
    assert_eq!(bad_status.1, "Incorrect status");
    // The refused update changed nothing.
    let got = get(&client, id).await;
    assert_eq!(got, task);
}

#[tokio::test]
#[allow(deprecated)]
async fn status_moves_checklists_and_comments_belong_to_their_task() {
    let (_emulator, client) = support::unpaced_portal().await;
    let id = id_of(&add(&client, task("Ship it", 1)).await);

    let started = client
        .call(&TasksTaskStart::new(id))
        .await
        .expect("started")
        .task
        .expect("the task");
    assert_eq!(started["status"], json!("3"));
    let completed = client
        .call(&TasksTaskComplete::new(id))
        .await
        .expect("completed")
        .task
        .expect("the task");
    assert_eq!(completed["status"], json!("5"));
    assert_eq!(completed["closedBy"], json!("1"));

    let mut added = Vec::new();
    for (title, sort) in [("Write notes", 2), ("Tag release", 1)] {
        let fields = Checklistitem::default()
            .with_title(title)
            .with_sort_index(sort);
        let item = client.call(&TaskChecklistitemAdd::new(id, fields)).await;
        added.push(item.expect("added"));
    }
    let [first, second] = <[_; 2]>::try_from(added).expect("two items");
    let done = client
        .call(&TaskChecklistitemComplete::new(id, first.clone()))
        .await
        .expect("completed");
    assert!(done.get(), "{done:?}");
    let checklist = client
        .call(&TaskChecklistitemGetlist::new(id))
        .await
        .expect("listed");
    let items: Vec<(Option<&str>, bool)> = checklist
        .iter()
        .map(|item| {
            (
                item.title.as_deref(),
                item.is_complete.is_some_and(|flag| flag.get()),
            )
        })
        .collect();
    assert_eq!(
        items,
        [(Some("Tag release"), false), (Some("Write notes"), true)]
    );
    assert!(
        client
            .call(&TaskChecklistitemDelete::new(id, second))
            .await
            .expect("deleted")
            .get()
    );
    let (code, _) = support::api_failure(
        client
            .call(&TaskChecklistitemAdd::new(
                id,
                Checklistitem::default().with_title(""),
            ))
            .await,
    );
    assert_eq!(code, "ERROR_CORE");

    let comment = client
        .call(&TaskCommentitemAdd::new(
            id,
            Commentitem::default().with_post_message("Released"),
        ))
        .await
        .expect("commented");
    let comments = client
        .call(&TaskCommentitemGetlist::new(id))
        .await
        .expect("listed");
    assert_eq!(comments.len(), 1);
    assert_eq!(comments[0].post_message.as_deref(), Some("Released"));
    assert_eq!(
        comments[0].id.as_deref(),
        comment.as_i64().map(|c| c.to_string()).as_deref()
    );

    // Deleting the task takes its checklist and comments with it.
    client
        .call(&TasksTaskDelete::new(id))
        .await
        .expect("deleted");
    let (code, _) = support::api_failure(client.call(&TaskCommentitemGetlist::new(id)).await);
    assert_eq!(code, "ERROR_CORE");
}

#[tokio::test]
// Comments are deprecated by the documentation, and still answer.
#[allow(deprecated)]
async fn add_update_delete_and_comments_fire_the_task_events() {
    use b24_methods::task::commentitem::delete::TaskCommentitemDelete;

    let names = [
        "ONTASKADD",
        "ONTASKUPDATE",
        "ONTASKCOMMENTADD",
        "ONTASKCOMMENTDELETE",
        "ONTASKDELETE",
    ];
    let (_emulator, client) = support::app_portal(&["task"], &names).await;
    let id = id_of(&add(&client, task("Call", 1)).await);
    client
        .call(&TasksTaskUpdate::new(
            id,
            Task::default().with_title("Call back"),
        ))
        .await
        .expect("updated");
    let done = TaskCommentitemAdd::new(id, Commentitem::default().with_post_message("Done"));
    let comment = support::created(&client, &done).await;
    client
        .call(&TaskCommentitemDelete::new(id, comment))
        .await
        .expect("deleted");
    client
        .call(&TasksTaskDelete::new(id))
        .await
        .expect("deleted");

    let fired = support::offline_events(&client).await;
    let task = json!({ "ID": id.to_string() });
    let comment = json!({ "ID": comment.to_string(), "TASK_ID": id.to_string() });
    let added = |ids: &Value| {
        json!({
            "FIELDS_BEFORE": "undefined", "FIELDS_AFTER": ids,
            "IS_ACCESSIBLE_BEFORE": "N", "IS_ACCESSIBLE_AFTER": "undefined"
        })
    };
    let deleted = |ids: &Value| {
        json!({
            "FIELDS_BEFORE": ids, "FIELDS_AFTER": "undefined",
            "IS_ACCESSIBLE_BEFORE": "undefined", "IS_ACCESSIBLE_AFTER": "N"
        })
    };
    let updated = json!({
        "FIELDS_BEFORE": task, "FIELDS_AFTER": task,
        "IS_ACCESSIBLE_BEFORE": "undefined", "IS_ACCESSIBLE_AFTER": "undefined"
    });
    let data = [
        added(&task),
        updated,
        added(&comment),
        deleted(&comment),
        deleted(&task),
    ];
    let expected: Vec<(String, Value)> = names.map(String::from).into_iter().zip(data).collect();
    assert_eq!(fired, expected);
}
