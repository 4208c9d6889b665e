//! Methods of the `im` scope: `im.department.get`, `im.revision.get`.

use crate::call::Call;
use crate::envelope::{ApiError, MethodOutput, format_atom};
use crate::state::User;
use crate::value::Value;

fn invalid_format() -> ApiError {
    ApiError::new(
        400,
        "INVALID_FORMAT",
        "A wrong format for the ID field is passed",
    )
}

/// `im.department.get`: departments by `ID` (array of ints); `USER_DATA=Y` adds the head's
/// `manager_user_data`.
pub fn department_get(call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    let ids = call
        .params
        .get_ci("ID")
        .and_then(Value::int_list)
        .filter(|ids| !ids.is_empty())
        .ok_or_else(invalid_format)?;
    let user_data = call
        .params
        .get_ci("USER_DATA")
        .and_then(Value::php_string)
        .is_some_and(|s| s.eq_ignore_ascii_case("Y"));
    let state = &*call.state;
    let mut seen = Vec::new();
    let mut result = Vec::new();
    for id in ids {
        if seen.contains(&id) {
            continue;
        }
        seen.push(id);
        let Some(dep) = state.department(id) else {
            continue;
        };
        let mut item = Value::object([
            ("id", Value::Int(dep.id)),
            ("name", Value::from(dep.name)),
            ("full_name", Value::from(state.department_full_name(dep.id))),
            ("manager_user_id", Value::Int(dep.manager)),
        ]);
        if user_data {
            let data = state
                .user(dep.manager)
                .map_or(Value::Null, |u| user_data_value(u, dep.id, call.now));
            item.insert("manager_user_data", data);
        }
        result.push(item);
    }
    Ok(MethodOutput::new(Value::List(result)))
}

/// The `im` user object (`manager_user_data`).
fn user_data_value(u: &User, department: i64, now: f64) -> Value {
    Value::object([
        ("id", Value::Int(u.id)),
        ("active", Value::Bool(true)),
        ("name", Value::from(format!("{} {}", u.name, u.last_name))),
        ("first_name", Value::from(u.name)),
        ("last_name", Value::from(u.last_name)),
        ("work_position", Value::from(u.work_position)),
        ("color", Value::from(u.color)),
        ("avatar", Value::from("")),
        ("avatar_hr", Value::from("")),
        ("gender", Value::from(u.gender)),
        ("birthday", Value::from(u.birthday)),
        ("extranet", Value::Bool(false)),
        ("network", Value::Bool(false)),
        ("bot", Value::Bool(false)),
        ("connector", Value::Bool(false)),
        ("external_auth_id", Value::from("default")),
        ("status", Value::from("online")),
        ("idle", Value::Bool(false)),
        (
            "last_activity_date",
            Value::from(format_atom(now as i64 - 300)),
        ),
        ("mobile_last_date", Value::Bool(false)),
        ("desktop_last_date", Value::Bool(false)),
        ("absent", Value::Bool(false)),
        ("departments", Value::List(vec![Value::Int(department)])),
        ("phones", Value::Bool(false)),
    ])
}

/// `im.revision.get`: API revisions.
pub fn revision_get(_call: &mut Call<'_>) -> Result<MethodOutput, ApiError> {
    Ok(MethodOutput::new(Value::object([
        ("rest", Value::Int(32)),
        ("web", Value::Int(130)),
        ("mobile", Value::Int(22)),
        ("desktop", Value::Int(6)),
        ("im_revision_mobile", Value::Int(22)),
    ])))
}
