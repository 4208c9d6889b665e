//! The hand-typed entities users touch first, against the emulator and the documented
//! examples: `user.get` / `user.search` / `user.current` as `User`, `department.get` as
//! `Department`, `tasks.task.*` as one `Task`, each list streamed without naming its item type.

use b24_core::filter::{Filter, Order};
use b24_core::types::{Flag, Numeric};
use b24_core::{Client, Id, ListMethod, Method};
use b24_methods::department::Department;
use b24_methods::department::get::DepartmentGet;
use b24_methods::tasks::task::add::TasksTaskAdd;
use b24_methods::tasks::task::list::TasksTaskList;
use b24_methods::tasks::task::{Task, TaskField, TaskResult};
use b24_methods::user::User;
use b24_methods::user::current::UserCurrent;
use b24_methods::user::get::UserGet;
use b24_methods::user::search::UserSearch;
use b24_methods::user::{UserField, UserQuery, get};
use futures_util::TryStreamExt;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use crate::catalog::docs_dir;
use crate::support;

/// Every item `request` lists, as the method's own item type.
async fn every<M: ListMethod>(client: &Client, request: &M) -> Vec<M::Item> {
    client.stream(request).unwrap().try_collect().await.unwrap()
}

/// What `text` reads from every item `request` lists, in the order they came.
async fn texts<M: ListMethod>(
    client: &Client,
    request: &M,
    text: impl Fn(M::Item) -> Option<String>,
) -> Vec<String> {
    every(client, request)
        .await
        .into_iter()
        .filter_map(text)
        .collect()
}

/// The `result` of the documented response example of `method`, decoded as `M` answers it.
pub(crate) fn documented<M: Method>(method: &str) -> M::Response
where
    M::Response: DeserializeOwned,
{
    let path = docs_dir().join(format!("catalog/responses/{method}.json"));
    let body: Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    serde_json::from_value(body["result"].clone())
        .unwrap_or_else(|error| panic!("{method}: the documented example: {error}"))
}

pub(crate) fn flag(value: Option<Flag>) -> Option<bool> {
    value.map(Flag::get)
}

#[tokio::test]
async fn users_stream_and_read_as_typed_records() {
    let (_emulator, client) = support::unpaced_portal().await;
    let users: Vec<User> = every(&client, &UserGet::default()).await;
    let ids: Vec<Id> = users.iter().map(|user| user.id).collect();
    assert_eq!(ids, [Id(1), Id(11), Id(13), Id(103), Id(105)]);
    let anna = &users[1];
    assert_eq!(anna.name.as_deref(), Some("Anna"));
    assert_eq!(anna.last_name.as_deref(), Some("Petrova"));
    assert_eq!(anna.work_position.as_deref(), Some("Head of Sales"));
    assert_eq!(flag(anna.active), Some(true), "ACTIVE is sent as a boolean");
    assert_eq!(flag(anna.is_online), Some(false), "IS_ONLINE as N");
    assert_eq!(anna.uf_department, Some(vec![Id(5)]));
    assert_eq!(anna.user_type.as_deref(), Some("employee"));
    assert_eq!(anna.extra.get("XML_ID"), None, "XML_ID is typed");

    // Filtered through the shared query and a typed filter: the users of department 7.
    let query = UserQuery::default()
        .with_filter(Filter::new().eq(UserField::Department, 7))
        .with_sort("ID");
    let developers: Vec<User> = every(&client, &get::UserGet::new(query)).await;
    let names: Vec<Option<&str>> = developers.iter().map(|u| u.name.as_deref()).collect();
    assert_eq!(names, [Some("Maria")]);

    // `user.search` finds by name.
    let find =
        UserQuery::default().with_filter(Filter::new().eq(UserField::custom("FIND"), "sokol"));
    let found: Vec<User> = every(&client, &UserSearch::new(find)).await;
    let found: Vec<(Id, Option<&str>)> = found.iter().map(|u| (u.id, u.name.as_deref())).collect();
    assert_eq!(found, [(Id(103), Some("Maria"))]);

    // The webhook's user.
    let me: User = client.call(&UserCurrent::default()).await.unwrap();
    assert_eq!((me.id, me.name.as_deref()), (Id(1), Some("Vadim")));
}

#[test]
fn the_documented_user_examples_decode_as_users() {
    for users in [
        documented::<UserGet>("user.get"),
        documented::<UserSearch>("user.search"),
    ] {
        assert_eq!(users.len(), 2);
        let vadim = &users[0];
        assert_eq!((vadim.id, vadim.name.as_deref()), (Id(1), Some("Vadim")));
        assert_eq!(flag(vadim.active), Some(true));
        assert_eq!(flag(vadim.is_online), Some(true));
        assert_eq!(vadim.uf_department, Some(vec![Id(1)]));
        assert_eq!(
            vadim.last_login.as_ref().map(|date| date.as_str()),
            Some("2024-07-25T13:06:54+00:00")
        );
        // User fields the record does not name stay reachable.
        assert_eq!(vadim.extra.get("UF_EMPLOYMENT_DATE"), Some(&json!("")));
        assert_eq!(flag(users[1].is_online), Some(false));
    }
}

#[tokio::test]
async fn departments_stream_as_typed_records() {
    let (_emulator, client) = support::unpaced_portal().await;
    let departments: Vec<Department> = every(&client, &DepartmentGet::default()).await;
    let tree: Vec<(Id, Option<Id>)> = departments.iter().map(|d| (d.id, d.parent)).collect();
    assert_eq!(
        tree,
        [
            (Id(1), None),
            (Id(3), Some(Id(1))),
            (Id(5), Some(Id(1))),
            (Id(7), Some(Id(1))),
            (Id(9), Some(Id(7))),
        ]
    );
    assert_eq!(departments[2].name.as_deref(), Some("Sales Department"));
    assert_eq!(departments[2].uf_head, Some(Id(11)));
    assert_eq!(departments[4].uf_head, None, "QA Group has no head");
    let children: Vec<Department> = every(&client, &DepartmentGet::default().with_parent(7)).await;
    assert_eq!(children.len(), 1);
    assert_eq!(children[0].name.as_deref(), Some("QA Group"));
    // The documented request: `sort` and `order` order the list, `PARENT` filters it.
    let by_name = DepartmentGet::default()
        .with_sort("NAME")
        .with_order("DESC")
        .with_parent(1);
    let names = texts(&client, &by_name, |d| d.name).await;
    assert_eq!(
        names,
        [
            "Sales Department",
            "Finance Department",
            "Development Department"
        ]
    );

    let documented = documented::<DepartmentGet>("department.get");
    assert_eq!(documented.len(), 5);
    assert_eq!(
        (documented[0].id, documented[0].name.as_deref()),
        (Id(15), Some("R&D"))
    );
    assert_eq!(
        documented[0].sort.as_ref().and_then(Numeric::as_u64),
        Some(500)
    );
    assert_eq!(documented[0].parent, Some(Id(1)));
}

#[tokio::test]
async fn tasks_stream_as_the_task_add_takes() {
    let (_emulator, client) = support::unpaced_portal().await;
    let mut added = Vec::new();
    for n in 0..60_u64 {
        let fields = Task::default()
            .with_title(format!("Task {n:02}"))
            .with_responsible_id(if n % 2 == 0 { 1_u64 } else { 11 })
            .with_auditors([Id(13)])
            .with_task_control(true);
        let task = client.call(&TasksTaskAdd::new(fields)).await.unwrap().task;
        added.push(task.id.expect("the new task's ID"));
    }
    // More than one page, streamed as `Task`s: the method names the item type.
    let tasks: Vec<Task> = every(&client, &TasksTaskList::default()).await;
    let ids: Vec<Id> = tasks.iter().filter_map(|task| task.id).collect();
    assert_eq!(ids, added);
    let last = &tasks[59];
    assert_eq!(last.title.as_deref(), Some("Task 59"));
    assert_eq!(last.responsible_id, Some(Id(11)));
    assert_eq!(last.auditors, Some(vec![Id(13)]));
    assert_eq!(flag(last.task_control), Some(true), "Y/N read as a flag");
    assert_eq!(last.status.as_ref().and_then(Numeric::as_u64), Some(2));
    assert!(last.created_date.is_some(), "dates are typed: {last:?}");

    // Typed filter and order over the task fields: Anna's tasks from the 50th on, newest first.
    let annas = TasksTaskList::default()
        .with_filter(
            Filter::new()
                .eq(TaskField::ResponsibleId, 11)
                .gte(TaskField::Id, added[49]),
        )
        .with_order(Order::new().desc(TaskField::Id));
    let titles = texts(&client, &annas, |task| task.title).await;
    assert_eq!(
        titles,
        [
            "Task 59", "Task 57", "Task 55", "Task 53", "Task 51", "Task 49"
        ]
    );

    // A read task goes back through `update` with the UPPER_CASE names `fields` takes.
    let sent =
        serde_json::to_value(Task::default().with_title("x").with_responsible_id(1_u64)).unwrap();
    assert_eq!(sent, json!({ "TITLE": "x", "RESPONSIBLE_ID": 1 }));
}

#[test]
fn the_documented_task_examples_decode_as_tasks() {
    let page = documented::<TasksTaskList>("tasks.task.list");
    let task = &page.tasks[0];
    assert_eq!(task.id, Some(Id(8017)));
    assert_eq!(task.title.as_deref(), Some("Task Example"));
    assert_eq!(task.responsible_id, Some(Id(547)));
    assert_eq!(task.auditors, Some(vec![Id(13), Id(103)]));
    assert_eq!(flag(task.description_in_bbcode), Some(true));
    assert_eq!(
        task.responsible.as_ref().and_then(|r| r.name.as_deref()),
        Some("Maria")
    );
    let auditors = task.auditors_data.as_ref().expect("auditorsData");
    assert_eq!(auditors["103"].work_position.as_deref(), Some("Accountant"));

    let added: TaskResult = documented::<TasksTaskAdd>("tasks.task.add");
    let task = added.task;
    assert_eq!(task.id, Some(Id(3711)));
    assert_eq!(task.parent_id, None, "null is not set");
    assert_eq!(flag(task.allow_time_tracking), Some(false));
    assert_eq!(task.group_id, Some(Id(0)));
    assert_eq!(
        task.creator.as_ref().and_then(|c| c.id),
        Some(Id(1)),
        "{task:?}"
    );
}
