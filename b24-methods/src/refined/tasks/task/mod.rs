//! `tasks.task.*`: tasks, as `tasks.task.add`, `get`, `list` and `update` take and answer them.
//!
//! One [`Task`] serves all four. The methods take the fields in UPPER_CASE (`fields`,
//! `filter`, `order`, `select`: `TITLE`, `RESPONSIBLE_ID`) and answer them in camelCase
//! (`title`, `responsibleId`): a [`Task`] reads either spelling and writes UPPER_CASE, so a
//! task read from the portal can be changed and sent back with `tasks.task.update`. Fields
//! only answers carry (`subStatus`, `creator`, `responsible`, …) keep their camelCase name.
//!
//! Documentation: <https://apidocs.bitrix24.com/api-reference/tasks/index.html>

pub mod add;
pub mod get;
pub mod list;
pub mod update;

use std::collections::BTreeMap;

use crate::wire::*;

/// A task: what `tasks.task.add` / `update` take in `fields`, and what `add`, `get`, `list`
/// and `update` answer (all of it, or the `select`ed fields). User fields (`UF_*`) and
/// undocumented fields stay in `extra`, as sent.
///
/// IDs (the task's, its users', its project's) are [`Id`]s: their setters take `Id(11)`, an
/// unsigned integer (`11_u64`) or anything else converting into an `Id`.
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct Task {
    /// `ID` / `id`.
    pub id: Option<Id>,
    /// `PARENT_ID` / `parentId`: the parent task.
    pub parent_id: Option<Id>,
    /// `TITLE` / `title` (required by `add`).
    pub title: Option<String>,
    /// `DESCRIPTION` / `description`.
    pub description: Option<String>,
    /// `MARK` / `mark`: the rating, `P` (positive), `N` (negative) or empty.
    pub mark: Option<String>,
    /// `PRIORITY` / `priority`: `0` low, `1` normal, `2` high.
    pub priority: Option<Numeric>,
    /// `STATUS` / `status`: `2` pending, `3` in progress, `4` supposedly completed,
    /// `5` completed, `6` deferred.
    pub status: Option<Numeric>,
    /// `subStatus` (answers only): the status as the viewer sees it (`-1` overdue, …).
    pub sub_status: Option<Numeric>,
    /// `MULTITASK` / `multitask`: one copy per responsible person.
    pub multitask: Option<Flag>,
    /// `NOT_VIEWED` / `notViewed`.
    pub not_viewed: Option<Flag>,
    /// `REPLICATE` / `replicate`: a recurring task.
    pub replicate: Option<Flag>,
    /// `STAGE_ID` / `stageId`: the Kanban or "My plan" stage.
    pub stage_id: Option<Id>,
    /// `GROUP_ID` / `groupId`: the project (workgroup); `0` for none.
    pub group_id: Option<Id>,
    /// `CREATED_BY` / `createdBy`: the creator's user ID.
    pub created_by: Option<Id>,
    /// `CREATED_DATE` / `createdDate`.
    pub created_date: Option<DateTime>,
    /// `RESPONSIBLE_ID` / `responsibleId`: the assignee's user ID.
    pub responsible_id: Option<Id>,
    /// `ACCOMPLICES` / `accomplices`: participants' user IDs.
    pub accomplices: Option<Vec<Id>>,
    /// `AUDITORS` / `auditors`: observers' user IDs.
    pub auditors: Option<Vec<Id>>,
    /// `CHANGED_BY` / `changedBy`.
    pub changed_by: Option<Id>,
    /// `CHANGED_DATE` / `changedDate`.
    pub changed_date: Option<DateTime>,
    /// `STATUS_CHANGED_BY` / `statusChangedBy`.
    pub status_changed_by: Option<Id>,
    /// `STATUS_CHANGED_DATE` / `statusChangedDate`.
    pub status_changed_date: Option<DateTime>,
    /// `CLOSED_BY` / `closedBy`: who completed it.
    pub closed_by: Option<Id>,
    /// `CLOSED_DATE` / `closedDate`.
    pub closed_date: Option<DateTime>,
    /// `ACTIVITY_DATE` / `activityDate`: the last activity.
    pub activity_date: Option<DateTime>,
    /// `DATE_START` / `dateStart`: when work started.
    pub date_start: Option<DateTime>,
    /// `DEADLINE` / `deadline`.
    pub deadline: Option<DateTime>,
    /// `START_DATE_PLAN` / `startDatePlan`.
    pub start_date_plan: Option<DateTime>,
    /// `END_DATE_PLAN` / `endDatePlan`.
    pub end_date_plan: Option<DateTime>,
    /// `ALLOW_CHANGE_DEADLINE` / `allowChangeDeadline`: the assignee may move the deadline.
    pub allow_change_deadline: Option<Flag>,
    /// `ALLOW_TIME_TRACKING` / `allowTimeTracking`.
    pub allow_time_tracking: Option<Flag>,
    /// `TASK_CONTROL` / `taskControl`: the creator reviews the result.
    pub task_control: Option<Flag>,
    /// `MATCH_WORK_TIME` / `matchWorkTime`: dates follow working hours.
    pub match_work_time: Option<Flag>,
    /// `TIME_ESTIMATE` / `timeEstimate`: planned time, seconds.
    pub time_estimate: Option<Numeric>,
    /// `DESCRIPTION_IN_BBCODE` / `descriptionInBbcode`.
    pub description_in_bbcode: Option<Flag>,
    /// `TAGS` / `tags`: names when sent; answered as names or as a map of tag records.
    pub tags: Option<Value>,
    /// `creator` (answers only).
    pub creator: Option<TaskMember>,
    /// `responsible` (answers only).
    pub responsible: Option<TaskMember>,
    /// `accomplicesData` (answers only): the participants by user ID.
    pub accomplices_data: Option<BTreeMap<String, TaskMember>>,
    /// `auditorsData` (answers only): the observers by user ID.
    pub auditors_data: Option<BTreeMap<String, TaskMember>>,
    /// `favorite` (answers only): in the viewer's favourites.
    pub favorite: Option<Flag>,
    /// Fields not listed above (user fields `UF_*`, undocumented ones), sent and read as they are.
    pub extra: Map<String, Value>,
}

record!(Task {
    opt id: "ID" | "id",
    opt parent_id: "PARENT_ID" | "parentId" => with_parent_id(Id),
    opt title: "TITLE" | "title" => with_title(String),
    opt description: "DESCRIPTION" | "description" => with_description(String),
    opt mark: "MARK" | "mark" => with_mark(String),
    opt priority: "PRIORITY" | "priority" => with_priority(Numeric),
    opt status: "STATUS" | "status" => with_status(Numeric),
    opt sub_status: "subStatus",
    opt multitask: "MULTITASK" | "multitask" => with_multitask(Flag),
    opt not_viewed: "NOT_VIEWED" | "notViewed",
    opt replicate: "REPLICATE" | "replicate" => with_replicate(Flag),
    opt stage_id: "STAGE_ID" | "stageId" => with_stage_id(Id),
    opt group_id: "GROUP_ID" | "groupId" => with_group_id(Id),
    opt created_by: "CREATED_BY" | "createdBy" => with_created_by(Id),
    opt created_date: "CREATED_DATE" | "createdDate",
    opt responsible_id: "RESPONSIBLE_ID" | "responsibleId" => with_responsible_id(Id),
    opt accomplices: "ACCOMPLICES" | "accomplices" => with_accomplices(Vec<Id>),
    opt auditors: "AUDITORS" | "auditors" => with_auditors(Vec<Id>),
    opt changed_by: "CHANGED_BY" | "changedBy",
    opt changed_date: "CHANGED_DATE" | "changedDate",
    opt status_changed_by: "STATUS_CHANGED_BY" | "statusChangedBy",
    opt status_changed_date: "STATUS_CHANGED_DATE" | "statusChangedDate",
    opt closed_by: "CLOSED_BY" | "closedBy",
    opt closed_date: "CLOSED_DATE" | "closedDate",
    opt activity_date: "ACTIVITY_DATE" | "activityDate",
    opt date_start: "DATE_START" | "dateStart",
    opt deadline: "DEADLINE" | "deadline" => with_deadline(DateTime),
    opt start_date_plan: "START_DATE_PLAN" | "startDatePlan" => with_start_date_plan(DateTime),
    opt end_date_plan: "END_DATE_PLAN" | "endDatePlan" => with_end_date_plan(DateTime),
    opt allow_change_deadline: "ALLOW_CHANGE_DEADLINE" | "allowChangeDeadline" => with_allow_change_deadline(Flag),
    opt allow_time_tracking: "ALLOW_TIME_TRACKING" | "allowTimeTracking" => with_allow_time_tracking(Flag),
    opt task_control: "TASK_CONTROL" | "taskControl" => with_task_control(Flag),
    opt match_work_time: "MATCH_WORK_TIME" | "matchWorkTime" => with_match_work_time(Flag),
    opt time_estimate: "TIME_ESTIMATE" | "timeEstimate" => with_time_estimate(Numeric),
    opt description_in_bbcode: "DESCRIPTION_IN_BBCODE" | "descriptionInBbcode",
    opt tags: "TAGS" | "tags" => with_tags(Value),
    opt creator: "creator",
    opt responsible: "responsible",
    opt accomplices_data: "accomplicesData",
    opt auditors_data: "auditorsData",
    opt favorite: "favorite",
});

b24_core::field_set! {
    /// The fields of a [`Task`] as `tasks.task.list` takes them in `filter`, `order` and `select`
    /// (UPPER_CASE): the fields the documented `tasks.task.getFields` answer lists. User fields
    /// (`UF_*`) are the `Custom` variant.
    pub enum TaskField {
        Id = "ID",
        ParentId = "PARENT_ID",
        Title = "TITLE",
        Description = "DESCRIPTION",
        Mark = "MARK",
        Priority = "PRIORITY",
        Status = "STATUS",
        Multitask = "MULTITASK",
        NotViewed = "NOT_VIEWED",
        Replicate = "REPLICATE",
        GroupId = "GROUP_ID",
        StageId = "STAGE_ID",
        SprintId = "SPRINT_ID",
        BacklogId = "BACKLOG_ID",
        CreatedBy = "CREATED_BY",
        CreatedDate = "CREATED_DATE",
        ResponsibleId = "RESPONSIBLE_ID",
        Accomplices = "ACCOMPLICES",
        Auditors = "AUDITORS",
        ChangedBy = "CHANGED_BY",
        ChangedDate = "CHANGED_DATE",
        StatusChangedBy = "STATUS_CHANGED_BY",
        StatusChangedDate = "STATUS_CHANGED_DATE",
        ClosedBy = "CLOSED_BY",
        ClosedDate = "CLOSED_DATE",
        ActivityDate = "ACTIVITY_DATE",
        DateStart = "DATE_START",
        Deadline = "DEADLINE",
        StartDatePlan = "START_DATE_PLAN",
        EndDatePlan = "END_DATE_PLAN",
        Guid = "GUID",
        XmlId = "XML_ID",
        CommentsCount = "COMMENTS_COUNT",
        ServiceCommentsCount = "SERVICE_COMMENTS_COUNT",
        NewCommentsCount = "NEW_COMMENTS_COUNT",
        AllowChangeDeadline = "ALLOW_CHANGE_DEADLINE",
        AllowTimeTracking = "ALLOW_TIME_TRACKING",
        TaskControl = "TASK_CONTROL",
        AddInReport = "ADD_IN_REPORT",
        ForkedByTemplateId = "FORKED_BY_TEMPLATE_ID",
        TimeEstimate = "TIME_ESTIMATE",
        TimeSpentInLogs = "TIME_SPENT_IN_LOGS",
        MatchWorkTime = "MATCH_WORK_TIME",
        ForumTopicId = "FORUM_TOPIC_ID",
        ForumId = "FORUM_ID",
        SiteId = "SITE_ID",
        Subordinate = "SUBORDINATE",
        Favorite = "FAVORITE",
        ExchangeModified = "EXCHANGE_MODIFIED",
        ExchangeId = "EXCHANGE_ID",
        OutlookVersion = "OUTLOOK_VERSION",
        ViewedDate = "VIEWED_DATE",
        Sorting = "SORTING",
        DurationPlan = "DURATION_PLAN",
        DurationFact = "DURATION_FACT",
        Checklist = "CHECKLIST",
        DurationType = "DURATION_TYPE",
        IsMuted = "IS_MUTED",
        IsPinned = "IS_PINNED",
        IsPinnedInGroup = "IS_PINNED_IN_GROUP",
        FlowId = "FLOW_ID",
    }
}

/// A person on a task as answers describe one (`creator`, `responsible`, `auditorsData`).
#[derive(Clone, Debug, Default, PartialEq)]
#[non_exhaustive]
pub struct TaskMember {
    /// `id`: the user ID.
    pub id: Option<Id>,
    /// `name`: the full name.
    pub name: Option<String>,
    /// `link`: the profile page, relative to the portal.
    pub link: Option<String>,
    /// `icon`: the avatar's link.
    pub icon: Option<String>,
    /// `workPosition`.
    pub work_position: Option<String>,
    /// Fields not listed above, as received.
    pub extra: Map<String, Value>,
}

record!(TaskMember {
    opt id: "id",
    opt name: "name",
    opt link: "link",
    opt icon: "icon",
    opt work_position: "workPosition",
});

/// The `result` of `tasks.task.add`, `get` and `update`: `{"task": {…}}`.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct TaskResult {
    /// The task.
    pub task: Task,
    /// Fields not listed above, as received.
    pub extra: Map<String, Value>,
}

record!(TaskResult {
    req task: "task",
});
