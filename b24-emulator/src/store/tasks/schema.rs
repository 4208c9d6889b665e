//! The fields of a task: the UPPER_CASE name `fields` and `filter` use, the camelCase key of
//! the records `tasks.task.*` answer with, and how the value is kept.

/// How a task field's value is kept and written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// An integer, written as a string (`"12"`).
    Int,
    /// A user ID, written as a string.
    User,
    /// Text.
    Str,
    /// `Y`/`N`.
    Flag,
    /// An ISO-8601 date-time string, `null` when not set.
    DateTime,
    /// A list of user IDs, written as strings.
    Users,
    /// A list of strings.
    Texts,
}

/// One task field.
#[derive(Debug)]
pub struct FieldDef {
    /// The name in `fields`, `filter`, `order` and `select` (`RESPONSIBLE_ID`).
    pub upper: &'static str,
    /// The key in the answered record (`responsibleId`).
    pub camel: &'static str,
    /// Value kind.
    pub kind: Kind,
    /// Whether `add`/`update` may set it (the portal keeps the others itself).
    pub writable: bool,
}

const fn field(upper: &'static str, camel: &'static str, kind: Kind, writable: bool) -> FieldDef {
    FieldDef {
        upper,
        camel,
        kind,
        writable,
    }
}

/// Every field of a task, in the order records list them.
pub static FIELDS: &[FieldDef] = &[
    field("ID", "id", Kind::Int, false),
    field("PARENT_ID", "parentId", Kind::Int, true),
    field("TITLE", "title", Kind::Str, true),
    field("DESCRIPTION", "description", Kind::Str, true),
    field("MARK", "mark", Kind::Str, true),
    field("PRIORITY", "priority", Kind::Int, true),
    field("MULTITASK", "multitask", Kind::Flag, true),
    field("NOT_VIEWED", "notViewed", Kind::Flag, false),
    field("REPLICATE", "replicate", Kind::Flag, true),
    field("STAGE_ID", "stageId", Kind::Int, true),
    field("CREATED_BY", "createdBy", Kind::User, true),
    field("CREATED_DATE", "createdDate", Kind::DateTime, false),
    field("RESPONSIBLE_ID", "responsibleId", Kind::User, true),
    field("CHANGED_BY", "changedBy", Kind::User, false),
    field("CHANGED_DATE", "changedDate", Kind::DateTime, false),
    field("STATUS_CHANGED_BY", "statusChangedBy", Kind::User, false),
    field("CLOSED_BY", "closedBy", Kind::User, false),
    field("CLOSED_DATE", "closedDate", Kind::DateTime, false),
    field("ACTIVITY_DATE", "activityDate", Kind::DateTime, false),
    field("DATE_START", "dateStart", Kind::DateTime, false),
    field("DEADLINE", "deadline", Kind::DateTime, true),
    field("START_DATE_PLAN", "startDatePlan", Kind::DateTime, true),
    field("END_DATE_PLAN", "endDatePlan", Kind::DateTime, true),
    field(
        "ALLOW_CHANGE_DEADLINE",
        "allowChangeDeadline",
        Kind::Flag,
        true,
    ),
    field("ALLOW_TIME_TRACKING", "allowTimeTracking", Kind::Flag, true),
    field("TASK_CONTROL", "taskControl", Kind::Flag, true),
    field("TIME_ESTIMATE", "timeEstimate", Kind::Int, true),
    field("GROUP_ID", "groupId", Kind::Int, true),
    field("STATUS", "status", Kind::Int, true),
    field("ACCOMPLICES", "accomplices", Kind::Users, true),
    field("AUDITORS", "auditors", Kind::Users, true),
    field("TAGS", "tags", Kind::Texts, true),
];

/// Task statuses the portal accepts (`STATUS`): new, pending, in progress, supposedly
/// completed, completed, deferred, declined.
pub const STATUSES: std::ops::RangeInclusive<i64> = 1..=7;

/// Status "completed".
pub const COMPLETED: i64 = 5;

/// The field named `name` in UPPER_CASE or camelCase, ASCII case ignored (`REAL_STATUS` is
/// `STATUS`).
pub fn find(name: &str) -> Option<&'static FieldDef> {
    let name = if name.eq_ignore_ascii_case("REAL_STATUS") {
        "STATUS"
    } else {
        name
    };
    FIELDS
        .iter()
        .find(|f| f.upper.eq_ignore_ascii_case(name) || f.camel.eq_ignore_ascii_case(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_found_by_either_name() {
        assert_eq!(
            find("responsible_id").map(|f| f.camel),
            Some("responsibleId")
        );
        assert_eq!(
            find("responsibleId").map(|f| f.upper),
            Some("RESPONSIBLE_ID")
        );
        assert_eq!(find("REAL_STATUS").map(|f| f.upper), Some("STATUS"));
        assert!(find("NO_SUCH").is_none());
    }
}
